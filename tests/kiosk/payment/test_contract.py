"""Payment answers are checked against the contract before the kiosk believes them."""

from __future__ import annotations

from typing import Any

import pytest

from kiosk.portal.contract import ContractViolation, parse_payment_answer

GOOD: dict[str, Any] = {"dossier_code": "H26-261202-0001", "state": "pending", "amount": 7000, "currency": "VND",
                        "method": "vietqr", "reference": "H26-261202-0001",
                        "requested_at": "2026-12-02T09:00:00+07:00", "paid_at": None, "expires_at": None}


def test_a_good_answer_is_read() -> None:
    found = parse_payment_answer(GOOD, 201)
    assert (found.state, found.amount, found.reference, found.created) == ("pending", 7000, "H26-261202-0001", True)


@pytest.mark.parametrize("change", [
    {"state": "done"}, {"amount": -1}, {"amount": 7000.5}, {"amount": True}, {"amount": "7000"},
    {"currency": "USD"}, {"state": "not_required"}, {"amount": 0}, {"state": "paid"},
    {"dossier_code": "<script>"}, {"reference": "x y"}, {"paid_at": "yesterday"},
])
def test_nonsense_is_refused(change: dict[str, Any]) -> None:
    with pytest.raises(ContractViolation):
        parse_payment_answer({**GOOD, **change})


def test_only_200_and_201_are_answers() -> None:
    with pytest.raises(ContractViolation):
        parse_payment_answer(GOOD, 202)
