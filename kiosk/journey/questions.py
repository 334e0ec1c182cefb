"""One question per screen: which fact of a form to ask next, how to show it, and how to take the answer.

The form engine (kiosk.forms.engine) keeps the facts and checks them; this module decides what the citizen is
actually asked, so that nothing is asked that the visit already knows (WCAG 2.2 SC 3.3.7 Redundant Entry):
- a fact read from the chip is not asked (the review shows it, marked "from the card"), unless it fails a check;
- a fact with the usual answer (a catalogue `default`, e.g. one paper copy) is not asked; the review offers it;
- an optional fact is not asked; the review offers to add it;
- computed facts (fee, result date) are shown on the review only.
Everything else is asked, one fact per screen, with big answers: a choice is answered by tapping it, a date is
typed as ddmmyyyy on a number pad and checked as typed, a name or address can be a tap on one given earlier in
this visit. An address is two screens (the ward, found by typing a few letters of its name, then the street), and
a list (a group) is asked item by item.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from kiosk.catalogue.model import FieldSpec
from kiosk.forms import address
from kiosk.forms.engine import FormSession
from kiosk.forms.fields import ScannedPage, is_empty

# The keyboard each field type gets; types not listed type letters and digits ("code").
INPUT_KINDS: dict[str, str] = {
    "name": "name", "text": "text", "date": "date", "month": "month", "phone": "digits", "id_number": "digits",
    "old_id_number": "digits", "id_last4": "digits", "number": "digits", "email": "text", "file_code": "code",
    "plate": "code", "insurance_card": "code",
}
MAX_LENGTH: dict[str, int] = {"date": 8, "month": 6, "phone": 10, "id_number": 12, "old_id_number": 9,
                              "id_last4": 4}
CHOICE_NUMBER_SPAN = 10      # a number with at most this many values is asked as buttons
WARD_MATCHES = 8             # ward buttons shown for the letters typed so far


def date_typing_error(text: str) -> str:
    """Check a ddmmyyyy date while it is typed: a message key as soon as the digits so far cannot be a date."""
    if not text:
        return ""
    if not text.isdigit() or len(text) > 8:
        return "forms.date_format"
    if len(text) >= 1 and int(text[0]) > 3:
        return "forms.date_invalid"
    if len(text) >= 2 and not 1 <= int(text[:2]) <= 31:
        return "forms.date_invalid"
    if len(text) >= 3 and int(text[2]) > 1:
        return "forms.date_invalid"
    if len(text) >= 4 and not 1 <= int(text[2:4]) <= 12:
        return "forms.date_invalid"
    if len(text) >= 5 and text[4] not in "12":
        return "forms.date_invalid"
    if len(text) == 8:
        try:
            date(int(text[4:]), int(text[2:4]), int(text[:2]))
        except ValueError:
            return "forms.date_invalid"
        if int(text[4:]) < 1900:
            return "forms.date_invalid"
    return ""


def month_typing_error(text: str) -> str:
    """mmyyyy, checked as typed."""
    if not text:
        return ""
    if not text.isdigit() or len(text) > 6:
        return "forms.month_format"
    if int(text[0]) > 1 or (len(text) >= 2 and not 1 <= int(text[:2]) <= 12):
        return "forms.month_format"
    if len(text) >= 3 and text[2] not in "12":
        return "forms.month_format"
    return ""


def plain(text: str) -> str:
    """Lower case without marks, for matching what is typed against names ("ngoc ha" finds "Ngọc Hà")."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


@dataclass(frozen=True)
class WardMatch:
    province_code: int
    ward_code: int
    label: str


def find_wards(typed: str, preferred_provinces: tuple[int, ...] = (), limit: int = WARD_MATCHES) -> list[WardMatch]:
    """Wards whose name holds the typed letters (marks ignored), in the provinces given earlier first."""
    needle = plain(typed)
    if len(needle) < 2:
        return []
    order = list(preferred_provinces) + [p.code for p in address.provinces() if p.code not in preferred_provinces]
    out: list[WardMatch] = []
    for code in order:
        province = address.province_name(code)
        for ward in address.wards(code):
            name = plain(ward.name)
            if name.startswith(needle) or f" {needle}" in f" {name}" or needle in name.split(" ", 1)[-1]:
                out.append(WardMatch(code, ward.code, f"{ward.name}, {province}"))
                if len(out) >= limit:
                    return out
    return out


@dataclass
class Cursor:
    """Where the questioning is: the field asked, the part of it (an address's "ward" or "street"), and for a
    list, the item being filled and which of its sub-fields is asked."""

    key: str
    part: str = ""
    item: dict[str, object] = field(default_factory=dict)
    sub: int = -1                 # index into the group's sub-fields while an item is filled; -1: the list itself


def asks(form: FormSession, spec: FieldSpec, answered: set[str]) -> bool:
    """Whether `spec` still has to be asked (see the module docstring)."""
    if spec.type == "computed" or spec.key in answered:
        return False
    value = form.value(spec.key)
    if form.is_prefilled(spec.key):
        return _problem(form, spec) is not None
    if not is_empty(value):
        return _problem(form, spec) is not None
    return spec.default is None and spec.required


def _problem(form: FormSession, spec: FieldSpec) -> str | None:
    error = form.field_error(spec.key)
    return error.message_key if error is not None else None


def next_field(form: FormSession, answered: set[str]) -> FieldSpec | None:
    for _, fields in form.shown_fields():
        for spec in fields:
            if asks(form, spec, answered):
                return spec
    return None


def remaining(form: FormSession, answered: set[str]) -> int:
    return sum(1 for _, fields in form.shown_fields() for spec in fields if asks(form, spec, answered))


def month_value(typed: str) -> str:
    """mmyyyy as the engine's MM/YYYY."""
    return f"{typed[:2]}/{typed[2:]}" if len(typed) == 6 else typed


def digits_only(text: str) -> str:
    return re.sub(r"\D", "", text)


def scanned(jpeg: bytes) -> list[ScannedPage]:
    return [ScannedPage(jpeg)]
