"""DG13 of the Vietnamese CCCD: the citizen's personal data (ICAO 9303-10 §4.7.14 "optional details", national use).

Layout (from public readers, to verify on real dumps): outer tag 6D wrapping a SEQUENCE of entries; each entry is a
SEQUENCE of an INTEGER field number and the value as a UTF-8 (sometimes Printable) string. Field 13 holds the father's
and mother's names, either each in its own nested SEQUENCE or as two strings side by side; both layouts are read.
Unknown field numbers are kept, and anything that is not an entry is kept raw. Malformed input raises `LdsError`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from devices.card.lds.errors import LdsError
from devices.card.tlv import Tlv, TlvError, encode_constructed, encode_tlv, parse_single

TAG_DG13 = 0x6D
_SEQUENCE = 0x30
_INTEGER = 0x02
_UTF8 = 0x0C
_STRING_TAGS = frozenset({0x0C, 0x13, 0x16, 0x14, 0x1E, 0x04})
_MAX_NESTING = 8
MIN_DATE_YEAR = 1900  # earlier years in a card's dates are damage, not history

F_ID_NUMBER = 1
F_FULL_NAME = 2
F_DATE_OF_BIRTH = 3
F_SEX = 4
F_NATIONALITY = 5
F_ETHNICITY = 6
F_RELIGION = 7
F_PLACE_OF_ORIGIN = 8
F_PLACE_OF_RESIDENCE = 9
F_IDENTIFYING_MARKS = 10
F_DATE_OF_ISSUE = 11
F_DATE_OF_EXPIRY = 12
F_PARENTS = 13
F_SPOUSE = 14
F_OLD_ID_ALT = 15
F_OLD_ID = 16

NO_EXPIRY_TEXT = "Không thời hạn"


@dataclass(frozen=True)
class Dg13:
    """Field number → the strings found in it, in order; plus raw entries that were not understood."""

    fields: Mapping[int, tuple[str, ...]] = field(repr=False)
    unknown_raw: tuple[bytes, ...] = field(default=(), repr=False)

    def __repr__(self) -> str:
        return f"Dg13(fields={sorted(self.fields)}, unknown={len(self.unknown_raw)}, <personal data hidden>)"

    __str__ = __repr__

    def text(self, number: int) -> str:
        values = self.fields.get(number, ())
        return values[0].strip() if values else ""

    @property
    def id_number(self) -> str:
        return self.text(F_ID_NUMBER)

    @property
    def full_name(self) -> str:
        return self.text(F_FULL_NAME)

    @property
    def date_of_birth(self) -> date | None:
        return parse_date(self.text(F_DATE_OF_BIRTH))

    @property
    def sex(self) -> str:
        """"M", "F", or "" when the field is missing or says something else."""
        word = self.text(F_SEX).casefold()
        return {"nam": "M", "nữ": "F", "nu": "F", "male": "M", "female": "F"}.get(word, "")

    @property
    def date_of_issue(self) -> date | None:
        return parse_date(self.text(F_DATE_OF_ISSUE))

    @property
    def has_no_expiry(self) -> bool:
        """True when the expiry field says the card never expires (any text that is not a date but not empty)."""
        raw = self.text(F_DATE_OF_EXPIRY)
        return bool(raw) and parse_date(raw) is None and "hạn" in raw.casefold()

    @property
    def date_of_expiry(self) -> date | None:
        return parse_date(self.text(F_DATE_OF_EXPIRY))

    @property
    def father_name(self) -> str:
        parents = self.fields.get(F_PARENTS, ())
        return parents[0].strip() if parents else ""

    @property
    def mother_name(self) -> str:
        parents = self.fields.get(F_PARENTS, ())
        return parents[1].strip() if len(parents) > 1 else ""

    @property
    def spouse_name(self) -> str:
        return self.text(F_SPOUSE)

    @property
    def old_id_number(self) -> str:
        return self.text(F_OLD_ID) or self.text(F_OLD_ID_ALT)


def parse_date(text: str) -> date | None:
    """dd/mm/yyyy (also d/m, or with '-' or '.'), ASCII digits, year from 1900; None when it is not a real date."""
    parts = text.strip().replace("-", "/").replace(".", "/").split("/")
    if len(parts) != 3 or not all(p.isascii() and p.isdigit() for p in parts):
        return None
    day, month, year = parts
    if not (1 <= len(day) <= 2 and 1 <= len(month) <= 2 and len(year) == 4) or int(year) < MIN_DATE_YEAR:
        return None
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def format_date(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def _decode_string(obj: Tlv) -> str:
    # NFC so that "Nữ" compares equal however the issuer composed its diacritics.
    return unicodedata.normalize("NFC", _decode_raw(obj))


def _decode_raw(obj: Tlv) -> str:
    try:
        if obj.tag == 0x1E:
            return obj.value.decode("utf-16-be")
        try:
            return obj.value.decode("utf-8")
        except UnicodeDecodeError:
            # Some cards put Latin-1 bytes in a PrintableString; keep the text rather than refuse the card.
            return obj.value.decode("latin-1")
    except UnicodeDecodeError as exc:
        raise LdsError(f"string of tag {obj.tag:X} cannot be decoded", file="DG13") from exc


def _integer(obj: Tlv) -> int:
    if not obj.value or len(obj.value) > 4:
        raise LdsError("field number is empty or too long", file="DG13")
    return int.from_bytes(obj.value, "big", signed=True)


def _strings(objects: Sequence[Tlv], depth: int) -> list[str]:
    """Every string below `objects`, in order, whether flat or each in its own SEQUENCE."""
    if depth > _MAX_NESTING:
        raise LdsError("values nested too deeply", file="DG13")
    out: list[str] = []
    for obj in objects:
        if obj.tag in _STRING_TAGS:
            out.append(_decode_string(obj))
        elif obj.constructed:
            out.extend(_strings(obj.children(), depth + 1))
    return out


def parse_dg13(data: bytes) -> Dg13:
    try:
        return _parse(data)
    except TlvError as exc:
        raise LdsError(str(exc), file="DG13") from exc


def _is_entry(obj: Tlv) -> bool:
    if obj.tag != _SEQUENCE:
        return False
    parts = obj.children()
    return bool(parts) and parts[0].tag == _INTEGER


def _entries_container(outer: Tlv) -> list[Tlv]:
    inner = outer.children()
    # Usually one SEQUENCE holds the entries; some cards put the entries straight inside 6D.
    if len(inner) == 1 and inner[0].tag == _SEQUENCE:
        kids = inner[0].children()
        if any(_is_entry(kid) for kid in kids):
            return kids
    return inner


def _parse(data: bytes) -> Dg13:
    outer = parse_single(data)
    if outer.tag != TAG_DG13:
        raise LdsError(f"outer tag {outer.tag:X} is not 6D", file="DG13")
    fields: dict[int, tuple[str, ...]] = {}
    unknown: list[bytes] = []
    for entry in _entries_container(outer):
        parts = entry.children() if entry.tag == _SEQUENCE else []
        if not parts or parts[0].tag != _INTEGER:
            unknown.append(entry.encode())
            continue
        number = _integer(parts[0])
        values = tuple(_strings(parts[1:], 0))
        fields[number] = fields.get(number, ()) + values
    return Dg13(fields=fields, unknown_raw=tuple(unknown))


def _encode_integer(value: int) -> bytes:
    size = max(1, (value.bit_length() + 8) // 8)
    return encode_tlv(_INTEGER, value.to_bytes(size, "big", signed=True))


def build_dg13(
    fields: Mapping[int, Sequence[str]], *, nested_parents: bool = True, extra_raw: Sequence[bytes] = (),
) -> bytes:
    """DG13 from field number → strings. Field 13 gets one nested SEQUENCE per name unless `nested_parents` is
    False (the flat layout some cards use)."""
    entries: list[bytes] = []
    for number in sorted(fields):
        values = [encode_tlv(_UTF8, v.encode("utf-8")) for v in fields[number]]
        if number == F_PARENTS and nested_parents:
            values = [encode_constructed(_SEQUENCE, v) for v in values]
        entries.append(encode_constructed(_SEQUENCE, _encode_integer(number), *values))
    entries.extend(extra_raw)
    return encode_constructed(TAG_DG13, encode_constructed(_SEQUENCE, *entries))

