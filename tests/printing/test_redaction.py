from __future__ import annotations

from printing.redaction import mask_id_number, mask_insurance_number


def test_id_number_keeps_only_its_last_four_digits() -> None:
    assert mask_id_number("001234567890") == "********7890"
    assert mask_id_number("0012 3456 7890") == "********7890"
    assert mask_id_number("123") == "***"


def test_insurance_number_keeps_group_benefit_level_and_last_four() -> None:
    assert mask_insurance_number("dn4010123456789") == "DN4********6789"
