"""The service catalogue's typed shape: what a service data file becomes once it has been validated.

A service is data, not code (procedure catalogues are signed data per province): names, agency,
what to bring, fees, processing time, steps and fields, attachments, and how the answers map onto the portal's
`form.data` for each procedure code. Everything here is frozen so a loaded catalogue can be shared freely.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from kiosk.i18n import Language

Lang = Language  # the language a catalogue text is in (kiosk.i18n)

FIELD_TYPES = (
    "text", "name", "date", "id_number", "old_id_number", "phone", "email", "choice", "number", "yes_no",
    "address", "group", "attachment", "computed", "file_code", "id_last4", "plate", "insurance_card", "month",
    "owner_card",
)
# How strongly a service is offered with a volunteer beside the citizen (a grieving family, many papers).
ASSISTED_LEVELS = ("", "recommended")
SERVICE_KINDS = ("application", "lookup", "payment", "hospital")

# Every number in a service file has a finite range, so whatever is computed from it stays real: an appointment
# date inside the calendar (`date` ends at year 9999), a fee that fits the portal's money field and a receipt line.
MAX_WORKING_DAYS = 365             # statutory processing times of ward-level procedures are days to weeks
MAX_AMOUNT_VND = 1_000_000_000     # one billion đồng: above any fee, charge or fine a ward kiosk collects
MAX_PEOPLE = 1000                  # people counted by a fee (household members, copies)
MAX_PERIOD_MONTHS = 120
MAX_FIELD_LIMIT = 1_000_000_000    # a number field's min/max, a text's length or a group's item count
MAX_SCHEMA_VERSION = 1_000_000
# Attachments: pages scanned for one document slot and the size of the PDF they make. The defaults fit the usual
# paper (both sides of a card, a few pages of a certificate); the ceilings keep one upload within the portal's
# 16 MiB request limit.
DEFAULT_ATTACHMENT_PAGES = 10
MAX_ATTACHMENT_PAGES = 50
DEFAULT_ATTACHMENT_BYTES = 10 * 1024 * 1024
MIN_ATTACHMENT_BYTES = 100 * 1024        # below this not even one page at 200 dpi fits
MAX_ATTACHMENT_BYTES = 15 * 1024 * 1024
COMPUTED_KINDS = ("fee", "appointment_date", "template")
PREFILL_SOURCES = (
    "id_number", "document_number", "full_name", "date_of_birth", "sex", "nationality", "ethnicity", "religion",
    "place_of_origin", "place_of_residence", "date_of_issue", "date_of_expiry", "father_name", "mother_name",
    "spouse_name", "old_id_number", "id_last4",
)


@dataclass(frozen=True)
class LocalText:
    """A text for people in both kiosk languages."""

    vi: str
    en: str

    def get(self, lang: Lang) -> str:
        return self.en if lang == "en" and self.en else self.vi


@dataclass(frozen=True)
class Choice:
    value: str
    label: LocalText


@dataclass(frozen=True)
class Condition:
    """Shows a field or step only when another answer has a given value (`equals`, `one_of`) or is set."""

    field: str
    equals: object = None
    one_of: tuple[object, ...] = ()
    is_set: bool | None = None

    def holds(self, values: Mapping[str, object]) -> bool:
        value = values.get(self.field)
        if self.is_set is not None:
            return _is_set(value) == self.is_set
        if self.one_of:
            return value in self.one_of
        return value == self.equals


@dataclass(frozen=True)
class PerPerson:
    """A number that must reach `each` per person counted in `count_field` (plus `counted_before`), e.g. a rented
    home's floor area per person (Law on Residence 2020 Art. 20 §3; a province may set its own figure)."""

    count_field: str
    each: int
    counted_before: int = 0

    def needed(self, values: Mapping[str, object]) -> int:
        return self.each * (self.counted_before + _count(values.get(self.count_field)))


def _is_set(value: object) -> bool:
    return value not in (None, "", [], {}) and value is not False


@dataclass(frozen=True)
class FieldSpec:
    key: str                     # also the shared fact key: one key is asked once per session ("declare once")
    type: str
    label: LocalText
    help: LocalText | None = None
    required: bool = True
    prefill: str = ""            # an Identity attribute (PREFILL_SOURCES)
    choices: tuple[Choice, ...] = ()
    when: Condition | None = None
    minimum: int | None = None   # number value or group item count
    maximum: int | None = None
    fields: tuple[FieldSpec, ...] = ()   # a group's sub-fields
    compute: str = ""            # computed: COMPUTED_KINDS
    template: LocalText | None = None
    component_code: str = ""     # attachment: the portal's MaThanhPhanHoSo
    default: object = None
    past: bool = False           # date: not after today
    future: bool = False         # date: not before today
    after: str = ""              # date: strictly after this other date field
    check_against_chip: bool = False  # id_number: must agree with the chip's sex and date of birth
    sex_field: str = ""          # id_number of another person: cross-check with these answers
    dob_field: str = ""
    max_pages: int = DEFAULT_ATTACHMENT_PAGES   # attachment: pages the citizen may scan for this slot
    max_bytes: int = DEFAULT_ATTACHMENT_BYTES   # attachment: size of the one PDF made of them
    per_person: PerPerson | None = None   # number: at least this much per person (floor area)


@dataclass(frozen=True)
class StepSpec:
    id: str
    title: LocalText
    fields: tuple[FieldSpec, ...]
    when: Condition | None = None
    part: str = ""               # the procedure part this step belongs to (combined services)


@dataclass(frozen=True)
class FeeRule:
    when: Condition
    amount: int


@dataclass(frozen=True)
class FeeExtra:
    count_field: str             # a number field or a group (its item count)
    over: int
    amount_each: int


@dataclass(frozen=True)
class FeeTiers:
    """Per-person amounts falling with each extra person (household health insurance, Decree 146/2018 Art. 7)."""

    count_field: str
    unit: int                      # the full amount for the first person, per `period_unit` months
    percents: tuple[int, ...]      # first person, second, …; the last one repeats
    counted_before: int = 0        # people counted before the group (the applicant)
    period_field: str = ""         # a number/choice field with the months paid for
    period_unit: int = 12


@dataclass(frozen=True)
class FeeSpec:
    base: int = 0
    rules: tuple[FeeRule, ...] = ()
    extras: tuple[FeeExtra, ...] = ()
    note: LocalText | None = None
    tiers: FeeTiers | None = None

    def amount(self, values: Mapping[str, object]) -> int:
        total = next((r.amount for r in self.rules if r.when.holds(values)), self.base)
        for extra in self.extras:
            total += max(0, _count(values.get(extra.count_field)) - extra.over) * extra.amount_each
        if self.tiers is not None:
            t = self.tiers
            people = t.counted_before + _count(values.get(t.count_field))
            period = values.get(t.period_field) if t.period_field else None
            months = t.period_unit if period is None else _count(period)
            for i in range(people):
                percent = t.percents[min(i, len(t.percents) - 1)]
                total += round(t.unit * percent / 100 * months / t.period_unit)
        return total


def _count(value: object) -> int:
    if isinstance(value, list):
        return len(value)
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return 0


@dataclass(frozen=True)
class ProcedureSpec:
    """One portal procedure: the main one, or a linked one of a combined (liên thông) service."""

    part: str
    procedure_code: str
    agency_code: str             # empty: the kiosk's own agency (kiosk.agency_code)
    name: LocalText
    schema_id: str
    schema_version: int
    data: Mapping[str, str]      # portal form.data key → field key
    when: Condition | None = None  # a linked procedure the declarant may leave out (the scope they chose)


@dataclass(frozen=True)
class AttachmentSpec:
    field: str                   # the attachment field holding the pages
    component_code: str
    max_pages: int = DEFAULT_ATTACHMENT_PAGES
    max_bytes: int = DEFAULT_ATTACHMENT_BYTES


@dataclass(frozen=True)
class ServiceSpec:
    code: str
    kind: str
    icon: str
    name: LocalText
    agency_name: LocalText
    bring: tuple[LocalText, ...]
    processing_working_days: int
    processing_note: LocalText | None
    fees: FeeSpec
    steps: tuple[StepSpec, ...]
    procedures: tuple[ProcedureSpec, ...]   # the first is the main procedure; the rest are linked
    withdraw_statuses: tuple[int, ...] = ()
    delivery_methods: tuple[str, ...] = ("online",)
    assisted: str = ""           # "recommended": the journey offers a volunteer's help before the questions
    hint: LocalText | None = None  # one short line under the service's tile: what it is for, in plain words
    source: str = field(default="", compare=False)

    @property
    def main(self) -> ProcedureSpec:
        return self.procedures[0]

    def can_withdraw(self, status: int) -> bool:
        return status in self.withdraw_statuses

    def all_fields(self) -> list[FieldSpec]:
        return [f for step in self.steps for f in step.fields]

    def active_procedures(self, values: Mapping[str, object]) -> tuple[ProcedureSpec, ...]:
        """The main procedure and the linked ones within the scope the answers chose (combined services)."""
        return tuple(p for i, p in enumerate(self.procedures) if i == 0 or p.when is None or p.when.holds(values))

    def part_active(self, part: str, values: Mapping[str, object]) -> bool:
        """Whether a step of this part is asked: parts of procedures outside the chosen scope are not."""
        if not part:
            return True
        return any(p.part == part for p in self.active_procedures(values)) or \
            not any(p.part == part for p in self.procedures)


@dataclass(frozen=True)
class Catalogue:
    services: tuple[ServiceSpec, ...]
    folder: str = ""

    def get(self, code: str) -> ServiceSpec:
        for service in self.services:
            if service.code == code:
                return service
        raise KeyError(code)

    def codes(self) -> list[str]:
        return [s.code for s in self.services]

    def withdraw_statuses(self, code: str = "") -> tuple[int, ...]:
        """The portal statuses in which a file of service `code` may be withdrawn from the kiosk; for a file whose
        service is not known here, only those every service allows (the safe side)."""
        if code:
            try:
                return self.get(code).withdraw_statuses
            except KeyError:
                pass
        sets = [set(s.withdraw_statuses) for s in self.services if s.kind == "application"]
        return tuple(sorted(set.intersection(*sets))) if sets else ()
