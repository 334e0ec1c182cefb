"""Masking of personal numbers before they reach paper, a QR code or a log line.

The one-stop receipt shows the applicant's ID only masked (Circular 01/2018/TT-VPCP, Form 01 as used by
the kiosk: last four digits); the BHYT card keeps its first three characters (beneficiary group and benefit
level, which the counter needs) and its last four.
"""

from __future__ import annotations

MASK = "*"
VISIBLE_TAIL = 4


def mask_id_number(id_number: str) -> str:
    """`001234567890` → `********7890`; anything shorter than five characters is masked whole."""
    value = "".join(id_number.split())
    if len(value) <= VISIBLE_TAIL:
        return MASK * len(value)
    return MASK * (len(value) - VISIBLE_TAIL) + value[-VISIBLE_TAIL:]


def mask_insurance_number(card_number: str) -> str:
    """`DN4010123456789` → `DN4********6789`: group and benefit level stay readable for the counter."""
    value = "".join(card_number.split()).upper()
    if len(value) <= 3 + VISIBLE_TAIL:
        return mask_id_number(value)
    return value[:3] + MASK * (len(value) - 3 - VISIBLE_TAIL) + value[-VISIBLE_TAIL:]


def visible_digits(masked: str) -> int:
    """How many digits a masked number still shows (used to refuse an unmasked number in a QR payload)."""
    return sum(ch.isdigit() for ch in masked)
