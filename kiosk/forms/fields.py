"""Field types: turning what a citizen typed or picked into a clean value, or a problem to explain.

Each check returns a normalised value or raises `FieldProblem` carrying a message key from `kiosk/i18n/forms.toml`.
Rules from the sources: personal ID number structure (Decree 137/2015 Art. 7, as amended: province of birth
registration, century + sex digit, two birth-year digits, six random digits), old 9-digit CMND numbers, Vietnamese
mobile numbers (10 digits since the 2018 prefix change), dates written dd/mm/yyyy, names in title case and Unicode
NFC (TCVN 6909:2001 uses precomposed characters).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import yaml

from kiosk.catalogue.model import FieldSpec
from kiosk.forms import address

# Mobile prefixes in use after the 2018 move to 10 digits (Viettel, VinaPhone, MobiFone, Vietnamobile, Gmobile,
# Itelecom, Reddi); 095 (S-Fone) is closed.
MOBILE_PREFIXES = frozenset(
    ["032", "033", "034", "035", "036", "037", "038", "039", "052", "055", "056", "058", "059", "070", "076",
     "077", "078", "079", "081", "082", "083", "084", "085", "086", "087", "088", "089", "090", "091", "092",
     "093", "094", "096", "097", "098", "099"]
)
ID_PROVINCE_CODES_FILE = Path(__file__).with_name("id_province_codes.yaml")


@dataclass(frozen=True)
class ScannedPage:
    """One scanned page of an attachment, kept in memory only (wiped with the session)."""

    data: bytes = field(repr=False)
    media_type: str = "image/jpeg"

    def __repr__(self) -> str:
        return f"ScannedPage({self.media_type}, {len(self.data)} bytes)"


class FieldProblem(ValueError):
    def __init__(self, message_key: str, **params: object) -> None:
        super().__init__(message_key)
        self.message_key = message_key
        self.params = params


def load_id_province_codes(path: Path = ID_PROVINCE_CODES_FILE) -> frozenset[str]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    raw = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 - a safe loader
    return frozenset(f"{int(code):03d}" for code in raw["codes"])


def is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value in ([], {})


def normalise(spec: FieldSpec, raw: object, id_provinces: frozenset[str]) -> object:
    """Clean one answer of `spec`'s type, or raise FieldProblem."""
    if spec.type == "id_number":
        return check_id_number(raw, id_provinces)
    check = _CHECKS.get(spec.type)
    return raw if check is None else check(spec, raw)


def title_case_name(raw: object) -> str:
    text = " ".join(unicodedata.normalize("NFC", str(raw)).split())
    return " ".join(w[:1].upper() + w[1:].lower() for w in text.split(" "))


def check_name(_spec: FieldSpec, raw: object) -> str:
    name = title_case_name(raw)
    if not all(unicodedata.category(c).startswith("L") or c in " -'" for c in name):
        raise FieldProblem("forms.name_letters")
    if not 2 <= len(name) <= 100:
        raise FieldProblem("forms.name_length")
    return name


def check_text(spec: FieldSpec, raw: object) -> str:
    text = " ".join(unicodedata.normalize("NFC", str(raw)).split())
    if len(text) > (spec.maximum or 500):
        raise FieldProblem("forms.text_too_long", limit=spec.maximum or 500)
    return text


_DATE = re.compile(r"^\s*([0-9]{1,2})\s*[/.\-]\s*([0-9]{1,2})\s*[/.\-]\s*([0-9]{4})\s*$")


def parse_date(raw: object) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = str(raw).strip()
    m = _DATE.match(text)
    if m is None and re.fullmatch(r"[0-9]{8}", text):
        m = re.match(r"([0-9]{2})([0-9]{2})([0-9]{4})", text)
    if m is None:
        raise FieldProblem("forms.date_format")
    try:
        return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError as exc:
        raise FieldProblem("forms.date_invalid") from exc


def check_date(_spec: FieldSpec, raw: object) -> date:
    value = parse_date(raw)
    if value.year < 1900:
        raise FieldProblem("forms.date_invalid")
    return value


def check_id_number(raw: object, id_provinces: frozenset[str]) -> str:
    digits = re.sub(r"[\s.]", "", str(raw))
    if not re.fullmatch(r"[0-9]{12}", digits):
        raise FieldProblem("forms.id_format")
    if digits[:3] not in id_provinces:
        raise FieldProblem("forms.id_province")
    return digits


def id_number_mismatch(id_number: str, sex: object, dob: object) -> str | None:
    """The forms message key when the ID's century/sex digit or birth-year digits contradict sex and DOB."""
    century_sex = int(id_number[3])
    if isinstance(dob, date):
        if 1900 + 100 * (century_sex // 2) != dob.year // 100 * 100:
            return "forms.id_year_mismatch"
        if id_number[4:6] != f"{dob.year % 100:02d}":
            return "forms.id_year_mismatch"
    if sex in ("M", "F") and (century_sex % 2 == 0) != (sex == "M"):
        return "forms.id_sex_mismatch"
    return None


def check_old_id(_spec: FieldSpec, raw: object) -> str:
    digits = re.sub(r"\s", "", str(raw))
    if not re.fullmatch(r"[0-9]{9}", digits) or len(set(digits)) == 1:
        raise FieldProblem("forms.old_id_format")
    return digits


def check_phone(_spec: FieldSpec, raw: object) -> str:
    digits = re.sub(r"[\s.\-()]", "", str(raw))
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    if not re.fullmatch(r"0[0-9]{9}", digits):
        raise FieldProblem("forms.phone_format")
    if digits[:3] not in MOBILE_PREFIXES:
        raise FieldProblem("forms.phone_prefix")
    return digits


def check_email(_spec: FieldSpec, raw: object) -> str:
    text = str(raw).strip()
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}", text):
        raise FieldProblem("forms.email_format")
    return text.lower()


def check_choice(spec: FieldSpec, raw: object) -> str:
    value = str(raw.value if hasattr(raw, "value") else raw)
    if value not in {c.value for c in spec.choices}:
        raise FieldProblem("forms.choice_invalid")
    return value


def check_number(spec: FieldSpec, raw: object) -> int:
    try:
        value = int(str(raw).strip()) if not isinstance(raw, int) or isinstance(raw, bool) else raw
    except ValueError as exc:
        raise FieldProblem("forms.number_format") from exc
    if spec.minimum is not None and value < spec.minimum:
        raise FieldProblem("forms.number_min", limit=spec.minimum)
    if spec.maximum is not None and value > spec.maximum:
        raise FieldProblem("forms.number_max", limit=spec.maximum)
    return value


def check_yes_no(_spec: FieldSpec, raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("yes", "true", "1", "có"):
        return True
    if text in ("no", "false", "0", "không"):
        return False
    raise FieldProblem("forms.choice_invalid")


def check_address(_spec: FieldSpec, raw: object) -> dict[str, object]:
    if not isinstance(raw, Mapping):
        raise FieldProblem("forms.address_province")
    province = raw.get("province_code")
    ward = raw.get("ward_code")
    if not isinstance(province, int) or not address.province_name(province):
        raise FieldProblem("forms.address_province")
    if not isinstance(ward, int) or not address.ward_name(province, ward):
        raise FieldProblem("forms.address_ward")
    street = " ".join(unicodedata.normalize("NFC", str(raw.get("street") or "")).split())
    if not street:
        raise FieldProblem("forms.address_street")
    return {"province_code": province, "ward_code": ward, "street": street}


def check_attachment(_spec: FieldSpec, raw: object) -> list[ScannedPage]:
    items = list(raw) if isinstance(raw, list | tuple) else [raw]
    pages = [p for p in items if isinstance(p, ScannedPage) and p.data]
    if not pages or len(pages) != len(items):
        raise FieldProblem("forms.attachment_missing")
    return pages


Check = Callable[[FieldSpec, object], object]

# Plates: two province digits, a series of one or two letters (and a digit), then 4 or 5 digits printed
# "NNNN" or "NNN.NN" (Circular 24/2023/TT-BCA).
_PLATE = re.compile(r"([0-9]{2})([A-Z]{1,2}[0-9]?)-?(?:([0-9]{3})\.?([0-9]{2})|([0-9]{4}))")


def check_plate(raw: object) -> str:
    m = _PLATE.fullmatch(re.sub(r"\s", "", str(raw)).upper())
    if m is None:
        raise FieldProblem("forms.plate_format")
    number = f"{m.group(3)}.{m.group(4)}" if m.group(3) else m.group(5)
    return f"{m.group(1)}{m.group(2)}-{number}"


def check_month(raw: object) -> str:
    m = re.fullmatch(r"([0-9]{1,2})\s*[/.\-]\s*([0-9]{4})", str(raw).strip())
    if m is None or not 1 <= int(m.group(1)) <= 12 or int(m.group(2)) < 1900:
        raise FieldProblem("forms.month_format")
    return f"{int(m.group(1)):02d}/{m.group(2)}"


def _pattern(key: str, pattern: str, upper: bool = True) -> Check:
    def check(_spec: FieldSpec, raw: object) -> str:
        text = re.sub(r"\s", "", str(raw))
        text = text.upper() if upper else text
        if not re.fullmatch(pattern, text):
            raise FieldProblem(key)
        return text
    return check


def check_owner_card(_spec: FieldSpec, raw: object) -> dict[str, object]:
    """The residence owner's consent read from their chip: their ID number, name and "agreed", nothing more."""
    if not isinstance(raw, Mapping) or raw.get("consent") is not True:
        raise FieldProblem("forms.owner_consent_missing")
    id_number = raw.get("id_number")
    name = raw.get("full_name")
    if not isinstance(id_number, str) or not re.fullmatch(r"[0-9]{12}", id_number) or not isinstance(name, str):
        raise FieldProblem("forms.owner_consent_missing")
    return {"id_number": id_number, "full_name": title_case_name(name), "consent": True,
            "method": str(raw.get("method") or "chip")}


_CHECKS: dict[str, Check] = {
    "name": check_name, "text": check_text, "date": check_date,
    "old_id_number": check_old_id, "phone": check_phone, "email": check_email, "choice": check_choice,
    "number": check_number, "yes_no": check_yes_no, "address": check_address, "attachment": check_attachment,
    # File code: agency identifier (QCVN 102:2016/BTTTT) + yymmdd + daily sequence.
    "file_code": _pattern("forms.file_code_format", r"[0-9A-Z]{3}(\.[0-9A-Z]{2}){2}\.[0-9A-Z]{3}-[0-9]{6}-[0-9]{4}"),
    "id_last4": _pattern("forms.id_last4_format", r"[0-9]{4}"),
    "plate": lambda _spec, raw: check_plate(raw),
    "month": lambda _spec, raw: check_month(raw),
    # BHYT card code: 2-letter group, benefit digit 1–5, 2-digit province, 10-digit social-insurance number.
    "insurance_card": _pattern("forms.insurance_card_format", r"[A-Z]{2}[1-5][0-9]{12}"),
    "owner_card": check_owner_card,
}
