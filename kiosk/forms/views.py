"""What the UI is given to render a form step, and how values are spoken or shown in plain words.

The UI draws exactly these views: it never decides which fields exist, whether one is prefilled, or what an
error says. Dates are shown in the dd/mm/yyyy habit and read aloud as "ngày … tháng … năm …".
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from kiosk.catalogue.model import FieldSpec, Lang
from kiosk.forms import address
from kiosk.forms.fields import ScannedPage
from kiosk.i18n import Translator

_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December")


@dataclass(frozen=True)
class ChoiceView:
    value: str
    label: str


@dataclass(frozen=True)
class FieldError:
    field: str          # field key; inside a group "members[1].full_name"
    message_key: str
    text: str           # already in the session's language
    params: Mapping[str, object] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True)
class FieldView:
    key: str
    type: str
    label: str
    help: str
    required: bool
    value: object = dataclasses.field(repr=False)         # the clean value (date, str, dict, list …) or what was typed
    display: str = dataclasses.field(repr=False)          # the value as text for the screen
    prefilled: bool = False                   # came from the chip: the citizen only confirms it
    readonly: bool = False                    # computed: shown, not edited
    error: FieldError | None = None
    choices: tuple[ChoiceView, ...] = ()      # choice/sex lists; for an address, the provinces
    wards: tuple[ChoiceView, ...] = ()        # address: the wards of the chosen province
    sub_fields: tuple[FieldView, ...] = ()    # group: one empty row as a template of the item's fields


@dataclass(frozen=True)
class StepView:
    id: str
    title: str
    fields: tuple[FieldView, ...]
    index: int          # 1-based, for "Bước 2/5"
    count: int
    is_last: bool
    part_name: str = ""  # combined services: which procedure this step belongs to


def spoken_date(value: date, lang: Lang) -> str:
    if lang == "en":
        return f"{value.day} {_MONTHS_EN[value.month - 1]} {value.year}"
    return f"ngày {value.day} tháng {value.month} năm {value.year}"


def display_value(spec: FieldSpec, value: object, lang: Lang, tr: Translator, *, spoken: bool = False) -> str:
    """A value in words for the screen (`spoken=False`) or for the review read aloud."""
    if value is None or value == "":
        return ""
    if isinstance(value, date):
        return spoken_date(value, lang) if spoken else value.strftime("%d/%m/%Y")
    if spec.choices:
        for choice in spec.choices:
            if choice.value == str(value):
                return choice.label.get(lang)
    if isinstance(value, bool):
        return tr.text("forms.yes" if value else "forms.no")
    if spec.type == "address" and isinstance(value, dict):
        return address.format_address(value)
    if spec.type == "attachment" and isinstance(value, list):
        return tr.text("forms.pages_scanned", pages=sum(isinstance(p, ScannedPage) for p in value))
    if spec.type == "group" and isinstance(value, list):
        names = [str(item.get(spec.fields[0].key, "")) for item in value if isinstance(item, dict) and spec.fields]
        return tr.text("forms.group_items", count=len(value), names=", ".join(n for n in names if n))
    if spec.type == "owner_card" and isinstance(value, dict):
        return tr.text("forms.owner_consent_given", name=str(value.get("full_name", "")))
    if spec.type == "computed" and spec.compute == "fee" and isinstance(value, int):
        return money(value, lang, tr)
    return str(value)


def money(amount: int, lang: Lang, tr: Translator) -> str:
    if amount == 0:
        return tr.text("forms.free")
    grouped = f"{amount:,}".replace(",", "." if lang == "vi" else ",")
    return tr.text("forms.amount", amount=grouped)
