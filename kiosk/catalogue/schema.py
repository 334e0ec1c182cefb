"""Validation of one service data file against the catalogue schema, with problems that name file and field.

A technician swaps a province's or ward's catalogue by pointing `catalogue.folder` at another folder; every
mistake in it must be reported precisely (which file, which field, what is wrong) so it can be fixed without a
programmer, and a catalogue with any problem is refused as a whole.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kiosk.catalogue.model import (
    ASSISTED_LEVELS,
    COMPUTED_KINDS,
    DEFAULT_ATTACHMENT_BYTES,
    DEFAULT_ATTACHMENT_PAGES,
    FIELD_TYPES,
    MAX_AMOUNT_VND,
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENT_PAGES,
    MAX_FIELD_LIMIT,
    MAX_PEOPLE,
    MAX_PERIOD_MONTHS,
    MAX_SCHEMA_VERSION,
    MAX_WORKING_DAYS,
    MIN_ATTACHMENT_BYTES,
    PREFILL_SOURCES,
    SERVICE_KINDS,
    AttachmentSpec,
    Choice,
    Condition,
    FeeExtra,
    FeeRule,
    FeeSpec,
    FeeTiers,
    FieldSpec,
    LocalText,
    PerPerson,
    ProcedureSpec,
    ServiceSpec,
    StepSpec,
)

DELIVERY_METHODS = ("counter", "post", "online")
STATUS_CODES = tuple(range(1, 11))  # DVCQG TrangThaiHoSo 1–10


@dataclass(frozen=True)
class CatalogueProblem:
    """One thing wrong in a catalogue file; `code` picks the message, `detail` is technical and non-personal."""

    file: str
    field: str
    code: str       # missing | wrong_type | bad_value | unknown_key | duplicate | unreadable | empty
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.file}: {self.field or '(file)'}: {self.code} {self.detail}".strip()


class _Invalid(Exception):
    pass


class _Reader:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[CatalogueProblem] = []

    def fail(self, where: str, code: str, detail: str = "") -> None:
        self.problems.append(CatalogueProblem(self.file, where, code, detail))

    def table(self, raw: Mapping[str, Any], where: str, allowed: set[str]) -> None:
        for key in sorted(set(raw) - allowed):
            self.fail(_join(where, key), "unknown_key", "allowed: " + ", ".join(sorted(allowed)))

    def get(self, raw: Mapping[str, Any], key: str, where: str, kind: type | tuple[type, ...], *,
            required: bool = True, default: Any = None) -> Any:
        if key not in raw or raw[key] is None:
            if required:
                self.fail(_join(where, key), "missing")
            return default
        value = raw[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
            self.fail(_join(where, key), "wrong_type", f"expected {names}")
            return default
        return value

    def number(self, raw: Mapping[str, Any], key: str, where: str, low: int, high: int, *, required: bool = True,
               default: int | None = None) -> Any:
        """A whole number from `low` to `high`; out of range is a problem and gives `default` (never the value)."""
        value = self.get(raw, key, where, int, required=required, default=default)
        if value is not None and not low <= value <= high:
            self.fail(_join(where, key), "bad_value", f"a whole number from {low} to {high}")
            return default
        return value

    def text(self, raw: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> LocalText | None:
        value = self.get(raw, key, where, (dict, str), required=required)
        if value is None:
            return None
        if isinstance(value, str):
            return LocalText(value, value)
        self.table(value, _join(where, key), {"vi", "en"})
        vi = self.get(value, "vi", _join(where, key), str)
        en = self.get(value, "en", _join(where, key), str)
        if vi is not None and not vi.strip():
            self.fail(_join(where, key, "vi"), "empty")
        return LocalText(vi or "", en or "")

    def condition(self, raw: Any, where: str) -> Condition | None:
        if raw is None:
            return None
        if not isinstance(raw, dict):
            self.fail(where, "wrong_type", "expected table")
            return None
        self.table(raw, where, {"field", "equals", "one_of", "is_set"})
        name = self.get(raw, "field", where, str) or ""
        one_of = self.get(raw, "one_of", where, list, required=False, default=[])
        is_set = self.get(raw, "is_set", where, bool, required=False)
        if "equals" not in raw and not one_of and is_set is None:
            self.fail(where, "missing", "one of equals, one_of, is_set")
        return Condition(name, raw.get("equals"), tuple(one_of), is_set)


def _join(*parts: str) -> str:
    return ".".join(p for p in parts if p)


def parse_service(raw: Any, file: str) -> tuple[ServiceSpec | None, list[CatalogueProblem]]:
    """Turn a loaded YAML document into a ServiceSpec, or report everything wrong with it."""
    r = _Reader(file)
    if not isinstance(raw, dict):
        r.fail("", "wrong_type", "the file must hold one table (key: value lines)")
        return None, r.problems
    r.table(raw, "", {
        "code", "kind", "icon", "name", "agency", "bring", "processing", "fees", "steps", "procedures",
        "withdraw_statuses", "delivery_methods", "assisted", "hint",
    })
    code = r.get(raw, "code", "", str) or ""
    kind = r.get(raw, "kind", "", str) or ""
    if kind and kind not in SERVICE_KINDS:
        r.fail("kind", "bad_value", "one of " + ", ".join(SERVICE_KINDS))
    icon = r.get(raw, "icon", "", str) or ""
    name = r.text(raw, "name", "")
    agency = r.text(raw, "agency", "")
    hint = r.text(raw, "hint", "", required=False)
    bring = tuple(t for i, item in enumerate(r.get(raw, "bring", "", list, default=[]))
                  if (t := r.text({"item": item}, "item", f"bring[{i}]")) is not None)
    processing = r.get(raw, "processing", "", dict, default={})
    r.table(processing, "processing", {"working_days", "note"})
    days = r.number(processing, "working_days", "processing", 0, MAX_WORKING_DAYS, default=0)
    note = r.text(processing, "note", "processing", required=False)
    fees = _fees(r, r.get(raw, "fees", "", dict, required=False, default={}))
    fee_refs = [rule.when.field for rule in fees.rules] + [x.count_field for x in fees.extras]
    if fees.tiers is not None:
        fee_refs += [fees.tiers.count_field] + ([fees.tiers.period_field] if fees.tiers.period_field else [])
    steps = tuple(_step(r, s, f"steps[{i}]") for i, s in enumerate(r.get(raw, "steps", "", list, default=[])))
    if not steps and "steps" in raw:
        r.fail("steps", "empty")
    procedures = tuple(_procedure(r, p, f"procedures[{i}]")
                       for i, p in enumerate(r.get(raw, "procedures", "", list, default=[])))
    if not procedures and "procedures" in raw:
        r.fail("procedures", "empty")
    withdraw = tuple(r.get(raw, "withdraw_statuses", "", list, required=False, default=[]))
    for i, status in enumerate(withdraw):
        if status not in STATUS_CODES:
            r.fail(f"withdraw_statuses[{i}]", "bad_value", "a portal status 1–10")
    delivery = tuple(r.get(raw, "delivery_methods", "", list, required=False, default=["online"]))
    for i, method in enumerate(delivery):
        if method not in DELIVERY_METHODS:
            r.fail(f"delivery_methods[{i}]", "bad_value", "one of " + ", ".join(DELIVERY_METHODS))
    assisted = r.get(raw, "assisted", "", str, required=False, default="")
    if assisted not in ASSISTED_LEVELS:
        r.fail("assisted", "bad_value", "recommended, or leave it out")
    _cross_check(r, steps, procedures)
    known = {f.key for s in steps for f in s.fields}
    for ref in fee_refs:
        if ref not in known:
            r.fail("fees", "bad_value", f"unknown field {ref}")
    if r.problems or name is None or agency is None:
        return None, r.problems
    return ServiceSpec(
        code=code, kind=kind, icon=icon, name=name, agency_name=agency, bring=bring,
        processing_working_days=days or 0, processing_note=note, fees=fees, steps=steps,
        procedures=procedures, withdraw_statuses=tuple(int(s) for s in withdraw),
        delivery_methods=tuple(str(d) for d in delivery), assisted=assisted or "", hint=hint, source=file,
    ), []


def attachments_of(service: ServiceSpec) -> list[AttachmentSpec]:
    return [AttachmentSpec(f.key, f.component_code, f.max_pages, f.max_bytes)
            for f in service.all_fields() if f.type == "attachment"]


def _fees(r: _Reader, raw: dict[str, Any]) -> FeeSpec:
    r.table(raw, "fees", {"base", "rules", "extras", "note", "tiers"})
    base = r.number(raw, "base", "fees", 0, MAX_AMOUNT_VND, required=False, default=0)
    rules: list[FeeRule] = []
    for i, rule in enumerate(r.get(raw, "rules", "fees", list, required=False, default=[])):
        where = f"fees.rules[{i}]"
        if not isinstance(rule, dict):
            r.fail(where, "wrong_type", "expected table")
            continue
        r.table(rule, where, {"when", "amount"})
        cond = r.condition(rule.get("when"), _join(where, "when"))
        amount = r.number(rule, "amount", where, 0, MAX_AMOUNT_VND, default=0)
        if cond is not None:
            rules.append(FeeRule(cond, amount))
        elif "when" not in rule:
            r.fail(_join(where, "when"), "missing")
    extras: list[FeeExtra] = []
    for i, extra in enumerate(r.get(raw, "extras", "fees", list, required=False, default=[])):
        where = f"fees.extras[{i}]"
        if not isinstance(extra, dict):
            r.fail(where, "wrong_type", "expected table")
            continue
        r.table(extra, where, {"count_field", "over", "amount_each"})
        extras.append(FeeExtra(r.get(extra, "count_field", where, str, default=""),
                               r.number(extra, "over", where, 0, MAX_PEOPLE, required=False, default=0),
                               r.number(extra, "amount_each", where, 0, MAX_AMOUNT_VND, default=0)))
    tiers = None
    t = r.get(raw, "tiers", "fees", dict, required=False)
    if t is not None:
        r.table(t, "fees.tiers", {"count_field", "unit", "percents", "counted_before", "period_field", "period_unit"})
        percents = r.get(t, "percents", "fees.tiers", list, default=[100])
        if not percents or not all(isinstance(p, int) and 0 <= p <= 100 for p in percents):
            r.fail("fees.tiers.percents", "bad_value", "whole numbers 0–100")
            percents = [100]
        period_unit = r.number(t, "period_unit", "fees.tiers", 1, MAX_PERIOD_MONTHS, required=False, default=12)
        tiers = FeeTiers(r.get(t, "count_field", "fees.tiers", str, default=""),
                         r.number(t, "unit", "fees.tiers", 0, MAX_AMOUNT_VND, default=0), tuple(percents),
                         r.number(t, "counted_before", "fees.tiers", 0, MAX_PEOPLE, required=False, default=0),
                         r.get(t, "period_field", "fees.tiers", str, required=False, default=""), max(1, period_unit))
    return FeeSpec(base, tuple(rules), tuple(extras), r.text(raw, "note", "fees", required=False), tiers)


_FIELD_KEYS = {
    "key", "type", "label", "help", "required", "prefill", "choices", "when", "min", "max", "fields", "compute",
    "template", "component_code", "default", "past", "future", "after", "check_against_chip", "sex_field",
    "dob_field", "max_pages", "max_bytes", "per_person",
}


def _field(r: _Reader, raw: Any, where: str) -> FieldSpec:
    if not isinstance(raw, dict):
        r.fail(where, "wrong_type", "expected table")
        return FieldSpec("", "text", LocalText("", ""))
    r.table(raw, where, _FIELD_KEYS)
    key = r.get(raw, "key", where, str) or ""
    where = f"{where}({key})" if key else where
    ftype = r.get(raw, "type", where, str) or "text"
    if ftype not in FIELD_TYPES:
        r.fail(_join(where, "type"), "bad_value", "one of " + ", ".join(FIELD_TYPES))
    label = r.text(raw, "label", where) or LocalText("", "")
    prefill = r.get(raw, "prefill", where, str, required=False, default="")
    if prefill and prefill not in PREFILL_SOURCES:
        r.fail(_join(where, "prefill"), "bad_value", "one of " + ", ".join(PREFILL_SOURCES))
    choices: list[Choice] = []
    for i, c in enumerate(r.get(raw, "choices", where, list, required=False, default=[])):
        cw = f"{where}.choices[{i}]"
        if not isinstance(c, dict):
            r.fail(cw, "wrong_type", "expected table with value, vi, en")
            continue
        r.table(c, cw, {"value", "vi", "en"})
        value = r.get(c, "value", cw, (str, int, bool))
        choices.append(Choice(str(value), LocalText(r.get(c, "vi", cw, str) or "", r.get(c, "en", cw, str) or "")))
    if ftype == "choice" and not choices:
        r.fail(_join(where, "choices"), "missing", "a choice field needs choices")
    compute = r.get(raw, "compute", where, str, required=False, default="")
    if ftype == "computed" and compute not in COMPUTED_KINDS:
        r.fail(_join(where, "compute"), "bad_value", "one of " + ", ".join(COMPUTED_KINDS))
    template = r.text(raw, "template", where, required=(ftype == "computed" and compute == "template"))
    component = r.get(raw, "component_code", where, str, required=(ftype == "attachment"), default="")
    for limit in ("max_pages", "max_bytes"):
        if limit in raw and ftype != "attachment":
            r.fail(_join(where, limit), "bad_value", "only an attachment field has a page or size limit")
    per_person = _per_person(r, raw.get("per_person"), _join(where, "per_person"))
    if per_person is not None and ftype != "number":
        r.fail(_join(where, "per_person"), "bad_value", "only a number field has a per-person minimum")
    sub = tuple(_field(r, f, f"{where}.fields[{i}]")
                for i, f in enumerate(r.get(raw, "fields", where, list, required=(ftype == "group"), default=[])))
    return FieldSpec(
        key=key, type=ftype, label=label, help=r.text(raw, "help", where, required=False),
        required=r.get(raw, "required", where, bool, required=False, default=True), prefill=prefill,
        choices=tuple(choices), when=r.condition(raw.get("when"), _join(where, "when")),
        minimum=r.number(raw, "min", where, -MAX_FIELD_LIMIT, MAX_FIELD_LIMIT, required=False),
        maximum=r.number(raw, "max", where, -MAX_FIELD_LIMIT, MAX_FIELD_LIMIT, required=False),
        fields=sub, compute=compute, template=template, component_code=component, default=raw.get("default"),
        past=r.get(raw, "past", where, bool, required=False, default=False),
        future=r.get(raw, "future", where, bool, required=False, default=False),
        after=r.get(raw, "after", where, str, required=False, default=""),
        check_against_chip=r.get(raw, "check_against_chip", where, bool, required=False, default=False),
        sex_field=r.get(raw, "sex_field", where, str, required=False, default=""),
        dob_field=r.get(raw, "dob_field", where, str, required=False, default=""),
        max_pages=r.number(raw, "max_pages", where, 1, MAX_ATTACHMENT_PAGES, required=False,
                           default=DEFAULT_ATTACHMENT_PAGES),
        max_bytes=r.number(raw, "max_bytes", where, MIN_ATTACHMENT_BYTES, MAX_ATTACHMENT_BYTES, required=False,
                           default=DEFAULT_ATTACHMENT_BYTES),
        per_person=per_person,
    )


def _per_person(r: _Reader, raw: Any, where: str) -> PerPerson | None:
    """`per_person: {count_field, each, counted_before}`: the number must reach `each` per person counted."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        r.fail(where, "wrong_type", "expected table")
        return None
    r.table(raw, where, {"count_field", "each", "counted_before"})
    return PerPerson(r.get(raw, "count_field", where, str, default="") or "",
                     r.number(raw, "each", where, 1, MAX_FIELD_LIMIT, default=1) or 1,
                     r.number(raw, "counted_before", where, 0, MAX_PEOPLE, required=False, default=0) or 0)


def _step(r: _Reader, raw: Any, where: str) -> StepSpec:
    if not isinstance(raw, dict):
        r.fail(where, "wrong_type", "expected table")
        return StepSpec("", LocalText("", ""), ())
    r.table(raw, where, {"id", "title", "fields", "when", "part"})
    sid = r.get(raw, "id", where, str) or ""
    where = f"{where}({sid})" if sid else where
    fields = tuple(_field(r, f, f"{where}.fields[{i}]")
                   for i, f in enumerate(r.get(raw, "fields", where, list, default=[])))
    if not fields and isinstance(raw.get("fields"), list):
        r.fail(_join(where, "fields"), "empty")
    return StepSpec(sid, r.text(raw, "title", where) or LocalText("", ""), fields,
                    r.condition(raw.get("when"), _join(where, "when")),
                    r.get(raw, "part", where, str, required=False, default=""))


def _procedure(r: _Reader, raw: Any, where: str) -> ProcedureSpec:
    if not isinstance(raw, dict):
        r.fail(where, "wrong_type", "expected table")
        return ProcedureSpec("", "", "", LocalText("", ""), "", 1, {})
    r.table(raw, where, {"part", "procedure_code", "agency_code", "name", "schema_id", "schema_version", "data",
                         "when"})
    data = r.get(raw, "data", where, dict, default={})
    for key, value in data.items():
        if not isinstance(value, str):
            r.fail(_join(where, "data", str(key)), "wrong_type", "expected a field key")
    version = r.number(raw, "schema_version", where, 1, MAX_SCHEMA_VERSION, default=1)
    return ProcedureSpec(
        part=r.get(raw, "part", where, str, required=False, default=""),
        procedure_code=r.get(raw, "procedure_code", where, str) or "",
        agency_code=r.get(raw, "agency_code", where, str, required=False, default=""),
        name=r.text(raw, "name", where) or LocalText("", ""),
        schema_id=r.get(raw, "schema_id", where, str) or "", schema_version=version or 1,
        data={str(k): str(v) for k, v in data.items()}, when=r.condition(raw.get("when"), _join(where, "when")),
    )


def _check_field(r: _Reader, f: FieldSpec, where: str, fields: dict[str, FieldSpec]) -> None:
    values = {c.value for c in f.choices}
    if f.choices and f.default is not None and str(f.default) not in values and not isinstance(f.default, bool):
        r.fail(_join(where, "default"), "bad_value", "not one of the choices")
    if f.template is not None:
        for ref in re.findall(r"\{([\w.]+)\}", f.template.vi + f.template.en):
            if ref not in fields:
                r.fail(_join(where, "template"), "bad_value", f"unknown field {ref}")
    for sub in f.fields:
        if sub.type in ("group", "attachment", "computed", "address"):
            r.fail(f"{where}.fields({sub.key})", "bad_value", f"{sub.type} cannot sit inside a group")
    if f.minimum is not None and f.maximum is not None and f.minimum > f.maximum:
        r.fail(where, "bad_value", "min is larger than max")


def _cross_check(r: _Reader, steps: tuple[StepSpec, ...], procedures: tuple[ProcedureSpec, ...]) -> None:
    """References between parts of the file must resolve: conditions, mappings, date ordering, parts."""
    fields = {f.key: f for s in steps for f in s.fields}
    step_ids: set[str] = set()
    for i, step in enumerate(steps):
        if step.id in step_ids:
            r.fail(f"steps[{i}].id", "duplicate", step.id)
        step_ids.add(step.id)
    parts = {p.part for p in procedures}
    for i, step in enumerate(steps):
        if step.part and step.part not in parts:
            r.fail(f"steps[{i}]({step.id}).part", "bad_value", "no procedure has this part")
        conditions = [(step.when, f"steps[{i}]({step.id}).when")]
        conditions += [(f.when, f"steps[{i}]({step.id}).fields({f.key}).when") for f in step.fields]
        for cond, where in conditions:
            if cond is not None and cond.field not in fields:
                r.fail(where, "bad_value", f"unknown field {cond.field}")
        for f in step.fields:
            for ref in (f.after, f.sex_field, f.dob_field, f.per_person.count_field if f.per_person else ""):
                if ref and ref not in fields:
                    r.fail(f"steps[{i}]({step.id}).fields({f.key})", "bad_value", f"unknown field {ref}")
    first: dict[str, tuple[str, str]] = {}
    for i, step in enumerate(steps):
        keys = [f.key for f in step.fields]
        for key in {k for k in keys if keys.count(k) > 1}:
            r.fail(f"steps[{i}]({step.id}).fields({key})", "duplicate", "twice in one step")
        for f in step.fields:
            where = f"steps[{i}]({step.id}).fields({f.key})"
            # A key asked once and reused later must mean the same thing everywhere ("declare once").
            if f.key in first and first[f.key][0] != f.type:
                r.fail(where, "bad_value", f"type {f.type} differs from {first[f.key][0]} in {first[f.key][1]}")
            first.setdefault(f.key, (f.type, step.id))
            _check_field(r, f, where, fields)
    for i, proc in enumerate(procedures):
        if proc.when is not None and i == 0:
            r.fail(f"procedures[{i}].when", "bad_value", "the main procedure is always part of the file")
        if proc.when is not None and proc.when.field not in fields:
            r.fail(f"procedures[{i}].when", "bad_value", f"unknown field {proc.when.field}")
        for key, ref in proc.data.items():
            if ref not in fields:
                r.fail(f"procedures[{i}].data.{key}", "bad_value", f"unknown field {ref}")
