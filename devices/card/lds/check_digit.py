"""MRZ check digits, ICAO 9303-3 §4.9: weights 7, 3, 1 repeating; digits as themselves, A-Z as 10-35, '<' as 0."""

from __future__ import annotations

_WEIGHTS = (7, 3, 1)


class CheckDigitError(ValueError):
    """A character that may not stand in an MRZ field."""


def _value(char: str) -> int:
    if "0" <= char <= "9":  # not str.isdigit(): "²" and other scripts' digits are no MRZ characters
        return int(char)
    if "A" <= char <= "Z":
        return ord(char) - ord("A") + 10
    if char == "<":
        return 0
    raise CheckDigitError(f"character {char!r} is not allowed in an MRZ")


def check_digit(field: str) -> str:
    """The check digit of `field`, as one character."""
    return str(sum(_value(c) * _WEIGHTS[i % 3] for i, c in enumerate(field)) % 10)


def is_valid(field: str, digit: str) -> bool:
    try:
        return check_digit(field) == digit
    except CheckDigitError:
        return False
