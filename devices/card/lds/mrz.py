"""Machine Readable Zone text: parse with every check digit verified, and build from fields (ICAO 9303-3, -5, -4).

TD1 (ID cards, 3 lines of 30: 9303-5 §4.2) and TD3 (passports, 2 lines of 44: 9303-4 §4.2). The long document
number rule (9303-5 §4.2.2 note j) is honoured: when the check-digit position holds '<', the number continues in
the optional data and its check digit is the character before the first filler there.

Vietnamese CCCD (TD1): the document-number field holds the last 9 digits of the 12-digit personal ID number and the
full number stands at the start of the optional data of line 1 (see `vietnamese_id_number`).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Literal

from devices.card.lds.check_digit import CheckDigitError, check_digit
from devices.card.lds.errors import LdsError

# What a no-expiry card carries in the MRZ expiry field (verify on a real card); the emulator writes it and the
# reader may try it as a candidate when the QR code says the card has no expiry.
NO_EXPIRY_MRZ_DATE = "991231"

_ALLOWED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<")


@dataclass(frozen=True)
class Mrz:
    format: Literal["TD1", "TD3"]
    document_code: str
    issuing_state: str
    document_number: str      # without fillers, long-number rule applied
    optional_data_1: str      # without trailing fillers (TD1 line 1; TD3 personal number)
    date_of_birth: str        # YYMMDD as printed ('<' for unknown parts)
    sex: str                  # "M", "F" or "<"
    date_of_expiry: str       # YYMMDD as printed
    nationality: str
    optional_data_2: str      # TD1 line 2 optional data, without trailing fillers; "" for TD3
    primary_identifier: str   # surname(s), words joined by spaces
    secondary_identifier: str  # given name(s), words joined by spaces
    lines: tuple[str, ...]

    def __repr__(self) -> str:
        return f"Mrz({self.format}, <personal data hidden>)"

    __str__ = __repr__

    @property
    def access_key_text(self) -> str:
        """MRZ information for BAC/PACE (9303-11 §4.3.2 / §9.7.3): number, birth, expiry, each with check digit."""
        return mrz_information(self.document_number, self.date_of_birth, self.date_of_expiry)

    @property
    def vietnamese_id_number(self) -> str:
        """The 12-digit personal ID number: from the optional data when it stands there, else the document number."""
        head = self.optional_data_1[:12]
        if len(head) == 12 and head.isdigit() and head.endswith(self.document_number[-9:]):
            return head
        return self.document_number


def mrz_information(document_number: str, date_of_birth: str, date_of_expiry: str) -> str:
    """Key seed text: the document number padded to 9 (longer numbers kept whole) + dates, each with its digit."""
    number = document_number.ljust(9, "<")
    try:
        return (
            number + check_digit(number) + date_of_birth + check_digit(date_of_birth)
            + date_of_expiry + check_digit(date_of_expiry)
        )
    except CheckDigitError as exc:
        raise LdsError(str(exc), file="MRZ") from exc


def parse_mrz(text: str) -> Mrz:
    """Parse TD1 or TD3 text (lines separated by newlines, or concatenated); every check digit must be right."""
    cleaned = "".join(text.split())
    lines: tuple[str, ...]
    if len(cleaned) == 90:
        lines = (cleaned[0:30], cleaned[30:60], cleaned[60:90])
    elif len(cleaned) == 88:
        lines = (cleaned[0:44], cleaned[44:88])
    else:
        raise LdsError(f"MRZ of {len(cleaned)} characters is neither TD1 (90) nor TD3 (88)", file="MRZ")
    bad = set("".join(lines)) - _ALLOWED
    if bad:
        raise LdsError(f"{len(bad)} characters outside the MRZ alphabet", file="MRZ")
    return _parse_td1(lines) if len(lines) == 3 else _parse_td3(lines)


def _verify(field: str, digit: str, what: str) -> None:
    if digit == "<" and set(field) == {"<"}:
        return  # an unknown (all-filler) field may carry a filler as its check digit (9303-3 §4.9)
    if check_digit(field) != digit:
        raise LdsError(f"check digit of the {what} is wrong", file="MRZ")


def _strip(field: str) -> str:
    return field.rstrip("<")


def _split_name(field: str) -> tuple[str, str]:
    primary, _, secondary = field.rstrip("<").partition("<<")
    return primary.replace("<", " ").strip(), secondary.replace("<", " ").strip()


def _document_number(number_field: str, digit: str, optional: str) -> tuple[str, str]:
    """(document number, optional data left after it) applying the long-number rule."""
    if digit != "<":
        _verify(number_field, digit, "document number")
        return _strip(number_field), optional
    rest, _, after = optional.partition("<")
    if len(rest) < 2:
        raise LdsError("long document number continuation is missing", file="MRZ")
    full = number_field + rest[:-1]
    _verify(full, rest[-1], "document number")
    return full, after


def _parse_td1(lines: tuple[str, ...]) -> Mrz:
    one, two, three = lines
    number, optional_1 = _document_number(one[5:14], one[14], one[15:30])
    _verify(two[0:6], two[6], "date of birth")
    _verify(two[8:14], two[14], "date of expiry")
    _verify(one[5:30] + two[0:7] + two[8:15] + two[18:29], two[29], "whole MRZ (composite)")
    primary, secondary = _split_name(three)
    return Mrz(
        format="TD1", document_code=_strip(one[0:2]), issuing_state=_strip(one[2:5]), document_number=number,
        optional_data_1=_strip(optional_1), date_of_birth=two[0:6], sex=two[7], date_of_expiry=two[8:14],
        nationality=_strip(two[15:18]), optional_data_2=_strip(two[18:29]), primary_identifier=primary,
        secondary_identifier=secondary, lines=lines,
    )


def _parse_td3(lines: tuple[str, ...]) -> Mrz:
    one, two = lines
    _verify(two[0:9], two[9], "document number")
    _verify(two[13:19], two[19], "date of birth")
    _verify(two[21:27], two[27], "date of expiry")
    personal = two[28:42]
    # 9303-4: the personal-number check digit may be '<' when the field is all fillers.
    if not (two[42] == "<" and personal == "<" * 14):
        _verify(personal, two[42], "personal number")
    _verify(two[0:10] + two[13:20] + two[21:43], two[43], "whole MRZ (composite)")
    primary, secondary = _split_name(one[5:44])
    return Mrz(
        format="TD3", document_code=_strip(one[0:2]), issuing_state=_strip(one[2:5]),
        document_number=_strip(two[0:9]), optional_data_1=_strip(personal), date_of_birth=two[13:19],
        sex=two[20], date_of_expiry=two[21:27], nationality=_strip(two[10:13]), optional_data_2="",
        primary_identifier=primary, secondary_identifier=secondary, lines=lines,
    )


def transliterate(text: str) -> str:
    """MRZ form of a name (9303-3 §6): Latin letters without diacritics, upper case; Đ → D; others become '<'."""
    text = text.replace("Đ", "D").replace("đ", "d")
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).upper()
    return "".join(c if c in _ALLOWED else "<" for c in plain)


def name_field(primary: str, secondary: str, width: int) -> str:
    """Name zone: PRIMARY<<SECONDARY<WORDS, truncated to `width` (9303-3 §4.6 truncation kept simple)."""
    words_primary = [w for w in transliterate(primary).split("<") if w]
    words_secondary = [w for w in transliterate(secondary).split("<") if w]
    text = "<".join(words_primary)
    if words_secondary:
        text += "<<" + "<".join(words_secondary)
    return text[:width].ljust(width, "<")


def _field(value: str, width: int, what: str) -> str:
    value = transliterate(value) if value else ""
    if len(value) > width:
        raise LdsError(f"{what} longer than {width} characters", file="MRZ")
    return value.ljust(width, "<")


def build_td1(
    *, document_number: str, date_of_birth: str, sex: str, date_of_expiry: str, primary: str, secondary: str,
    document_code: str = "ID", issuing_state: str = "VNM", nationality: str = "VNM", optional_data_1: str = "",
    optional_data_2: str = "",
) -> tuple[str, str, str]:
    """Three TD1 lines with all check digits; numbers longer than 9 use the long-number rule."""
    if len(document_number) > 9:
        head, tail = document_number[:9], document_number[9:]
        one = (
            _field(document_code, 2, "document code") + _field(issuing_state, 3, "issuing state") + head + "<"
            + _field(tail + check_digit(document_number) + "<" + optional_data_1, 15, "optional data")
        )
    else:
        number = _field(document_number, 9, "document number")
        one = (
            _field(document_code, 2, "document code") + _field(issuing_state, 3, "issuing state") + number
            + check_digit(number) + _field(optional_data_1, 15, "optional data")
        )
    two = date_of_birth + check_digit(date_of_birth) + (sex or "<") + date_of_expiry + check_digit(date_of_expiry)
    two += _field(nationality, 3, "nationality") + _field(optional_data_2, 11, "optional data")
    two += check_digit(one[5:30] + two[0:7] + two[8:15] + two[18:29])
    return one, two, name_field(primary, secondary, 30)


def build_td3(
    *, document_number: str, date_of_birth: str, sex: str, date_of_expiry: str, primary: str, secondary: str,
    document_code: str = "P", issuing_state: str = "VNM", nationality: str = "VNM", personal_number: str = "",
) -> tuple[str, str]:
    one = _field(document_code, 2, "document code") + _field(issuing_state, 3, "issuing state")
    one += name_field(primary, secondary, 39)
    number = _field(document_number, 9, "document number")
    personal = _field(personal_number, 14, "personal number")
    personal_digit = "<" if personal == "<" * 14 else check_digit(personal)
    two = number + check_digit(number) + _field(nationality, 3, "nationality") + date_of_birth
    two += check_digit(date_of_birth) + (sex or "<") + date_of_expiry + check_digit(date_of_expiry)
    two += personal + personal_digit
    two += check_digit(two[0:10] + two[13:20] + two[21:43])
    return one, two


def yymmdd(value: date) -> str:
    return value.strftime("%y%m%d")


def birth_date(text: str, today: date) -> date | None:
    """A YYMMDD birth date: the century that does not put the birth in the future; None if not a real date."""
    parsed = _date(text, 2000)
    if parsed is not None and parsed > today:
        parsed = _date(text, 1900)
    return parsed


def expiry_date(text: str) -> date | None:
    """A YYMMDD expiry (always 20YY); None for the no-expiry marker or an impossible date."""
    if text == NO_EXPIRY_MRZ_DATE:
        return None
    return _date(text, 2000)


def _date(text: str, century: int) -> date | None:
    if len(text) != 6 or not (text.isascii() and text.isdigit()):  # isdigit alone takes "²" and "٣"
        return None
    try:
        return date(century + int(text[0:2]), int(text[2:4]), int(text[4:6]))
    except ValueError:
        return None
