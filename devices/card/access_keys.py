"""Access keys for BAC and PACE (ICAO 9303-11 §4.3.2, §9.7.3) from what a citizen can show the kiosk.

The key is the MRZ information: document number, date of birth and date of expiry with their check digits.
It can come from the TD1 MRZ on the back, from typed details, or from the QR code on the front of a CCCD. The QR
has no expiry date, so the candidates are computed from the renewal-age rules (2014 ID Law: renewal at 25, 40,
60; 2023 Identity Law, cards from 1 Jul 2024: 14, 25, 40, 60; a card issued within two years before a renewal
age lasts until the next one; issued at 58 or later it never expires) and tried in order, a few at most.

Every parser here raises `InvalidAccessKeyError` and nothing else. Digits are ASCII digits only (`str.isdigit`
also accepts "²" and other scripts' digits, which `int` then rejects or quietly converts); numbers and dates have
exact lengths; typed and QR dates must be real calendar days, QR dates within 1900-2099 (a chip card's era, and
the two-digit MRZ years cannot say more); QR text may not hold control characters or lone surrogates.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

from devices.card.errors import CardError
from devices.card.lds.errors import LdsError
from devices.card.lds.mrz import NO_EXPIRY_MRZ_DATE, mrz_information, parse_mrz, yymmdd

LAW_2023_FROM = date(2024, 7, 1)
RENEWAL_AGES_2014 = (25, 40, 60)
RENEWAL_AGES_2023 = (14, 25, 40, 60)
NO_EXPIRY_FROM_AGE = 58
GRACE_YEARS = 2
MAX_CANDIDATES = 4
QR_FIRST_YEAR = 1900
QR_LAST_YEAR = 2099
MAX_QR_CHARS = 1024  # a real front QR holds well under 300 characters
MAX_DOCUMENT_NUMBER = 22  # 9 in the number field + up to 13 more in the optional data (9303-5 §4.2.2 note j)
_ASCII_DIGITS = frozenset("0123456789")
_MRZ_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<")


class InvalidAccessKeyError(CardError):
    """The MRZ, QR text or typed details are malformed (check digit, date, length): nothing was sent to the card."""

    code = "invalid_access_key"
    message_key = "card.invalid_access_key"


@dataclass(frozen=True)
class AccessKey:
    document_number: str
    date_of_birth: str   # YYMMDD
    date_of_expiry: str  # YYMMDD, or the no-expiry marker
    source: str = "typed"  # non-personal label for logs: "mrz", "typed", "qr:2023", "qr:2014", "qr:no-expiry"

    def __post_init__(self) -> None:
        for value in (self.date_of_birth, self.date_of_expiry):
            if not _ascii_digits(value, 6):
                raise InvalidAccessKeyError("dates must be YYMMDD")
        if not self.document_number or len(self.document_number) > MAX_DOCUMENT_NUMBER:
            raise InvalidAccessKeyError("document number has a bad length")
        if not set(self.document_number) <= _MRZ_ALPHABET:
            raise InvalidAccessKeyError("document number holds characters outside the MRZ alphabet")

    def __repr__(self) -> str:
        return f"AccessKey(source={self.source}, <hidden>)"

    __str__ = __repr__

    @property
    def mrz_info(self) -> str:
        try:
            return mrz_information(self.document_number, self.date_of_birth, self.date_of_expiry)
        except LdsError as exc:
            raise InvalidAccessKeyError("document number holds characters outside the MRZ alphabet") from exc


def _ascii_digits(text: str, length: int) -> bool:
    return len(text) == length and all(ch in _ASCII_DIGITS for ch in text)


def document_number_from_id(id_number: str) -> str:
    """A CCCD's MRZ document number: the last 9 digits of the 12-digit personal ID number."""
    digits = id_number.strip()
    if _ascii_digits(digits, 12):
        return digits[-9:]
    if _ascii_digits(digits, 9):
        return digits
    raise InvalidAccessKeyError("an ID number has 12 digits")


def from_mrz(text: str) -> AccessKey:
    # No calendar check here: the check digits prove the dates are as printed, and the key must be what the chip
    # was personalised with, real day or not.
    try:
        mrz = parse_mrz(text)
    except LdsError as exc:
        raise InvalidAccessKeyError(f"MRZ not readable: {exc}") from exc
    return AccessKey(mrz.document_number, mrz.date_of_birth, mrz.date_of_expiry, "mrz")


def from_details(id_number: str, date_of_birth: str, date_of_expiry: str) -> AccessKey:
    """Typed details: 12-digit ID (or the 9-digit document number), birth and expiry as real YYMMDD days."""
    birth, expiry = date_of_birth.strip(), date_of_expiry.strip()
    for value in (birth, expiry):
        if not _real_yymmdd(value):
            raise InvalidAccessKeyError("dates must be real days written YYMMDD")
    return AccessKey(document_number_from_id(id_number), birth, expiry, "typed")


def _real_yymmdd(text: str) -> bool:
    """Six ASCII digits naming a real day in 19YY or 20YY (29 February needs a leap year in one of them)."""
    if not _ascii_digits(text, 6):
        return False
    for century in (2000, 1900):
        try:
            date(century + int(text[0:2]), int(text[2:4]), int(text[4:6]))
        except ValueError:
            continue
        return True
    return False


def _ddmmyyyy(text: str) -> date:
    if not _ascii_digits(text, 8):
        raise InvalidAccessKeyError("QR date is not ddmmyyyy")
    try:
        value = date(int(text[4:]), int(text[2:4]), int(text[0:2]))
    except ValueError as exc:
        raise InvalidAccessKeyError("QR date does not exist") from exc
    if not QR_FIRST_YEAR <= value.year <= QR_LAST_YEAR:
        raise InvalidAccessKeyError("QR date lies outside the years a chip card can hold")
    return value


def _birthday_at(birth: date, age: int) -> date:
    year = birth.year + age
    if year > date.max.year:
        raise InvalidAccessKeyError("a renewal age falls beyond the calendar")
    try:
        return birth.replace(year=year)
    except ValueError:  # 29 February in a common year: the day after 28 February
        return date(year, 3, 1)


def _age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def expiry_for(birth: date, issued: date, ages: tuple[int, ...]) -> date | None:
    """Expiry under one law's renewal ages; None when the card never expires."""
    if _age_on(birth, issued) >= NO_EXPIRY_FROM_AGE:
        return None
    for index, age in enumerate(ages):
        renewal = _birthday_at(birth, age)
        if renewal <= issued:
            continue
        if _birthday_at(birth, age - GRACE_YEARS) <= issued:  # within two years before this renewal age
            return _birthday_at(birth, ages[index + 1]) if index + 1 < len(ages) else None
        return renewal
    return None


def expiry_candidates(birth: date, issued: date) -> list[str]:
    """YYMMDD expiry candidates, most likely first, at most MAX_CANDIDATES."""
    laws = [RENEWAL_AGES_2023, RENEWAL_AGES_2014] if issued >= LAW_2023_FROM else [RENEWAL_AGES_2014,
                                                                                   RENEWAL_AGES_2023]
    out: list[str] = []
    for ages in laws:
        expiry = expiry_for(birth, issued, ages)
        text = NO_EXPIRY_MRZ_DATE if expiry is None else yymmdd(expiry)
        if text not in out:
            out.append(text)
    if NO_EXPIRY_MRZ_DATE not in out and _age_on(birth, issued) >= NO_EXPIRY_FROM_AGE - GRACE_YEARS:
        out.append(NO_EXPIRY_MRZ_DATE)
    return out[:MAX_CANDIDATES]


def from_qr(text: str) -> list[AccessKey]:
    """Candidate keys from the CCCD front QR: id|old id|name|ddmmyyyy birth|sex|address|ddmmyyyy issue.

    The ID is exactly 12 ASCII digits and both dates exactly 8; the old ID, name, sex and address do not enter the
    key, so beyond the whole text's length and character checks they are left as the card prints them (newer
    cards may add fields after the seventh).
    """
    value = text.strip()
    if len(value) > MAX_QR_CHARS:
        raise InvalidAccessKeyError("QR text is too long for a CCCD")
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in value):
        raise InvalidAccessKeyError("QR text holds control characters")
    parts = value.split("|")
    if len(parts) < 7:
        raise InvalidAccessKeyError("QR text does not have the seven CCCD fields")
    if not _ascii_digits(parts[0], 12):
        raise InvalidAccessKeyError("the QR's ID number is not 12 digits")
    number = parts[0][-9:]
    birth, issued = _ddmmyyyy(parts[3]), _ddmmyyyy(parts[6])
    if issued < birth:
        raise InvalidAccessKeyError("QR issue date lies before the birth date")
    keys = []
    for expiry in expiry_candidates(birth, issued):
        label = "qr:no-expiry" if expiry == NO_EXPIRY_MRZ_DATE else "qr"
        keys.append(AccessKey(number, yymmdd(birth), expiry, label))
    return keys
