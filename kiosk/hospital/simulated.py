"""A deterministic insurance gateway for demos and tests: one demo card per result code.

Any personal ID number not in the table gets a valid card (code 000), so a technician's demo with any test card
goes through; the numbers in `DEMO_CARDS` produce each other code, an empty name produces 060, and
`UNREACHABLE_ID` behaves like a gateway that does not answer.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from kiosk.hospital.insurance import InsuranceCheckResult, InsuranceQuery, InsuranceUnavailableError

UNREACHABLE_ID = "001099999999"


def demo_id_for(code: str) -> str:
    """The personal ID number of the demo card that yields `code` (e.g. 010 → 001090010000)."""
    return f"0010900{code}00"


_CODES = ("001", "002", "003", "004", "010", "050", "051", "052", "053", "061", "110", "120", "121", "122", "123",
          "124", "130", "205", "401")
DEMO_CARDS: dict[str, str] = {demo_id_for(code): code for code in _CODES}


@dataclass
class SimulatedInsuranceGateway:
    today: Callable[[], date] = date.today
    facility_code: str = "01001"
    facility_name: str = "Bệnh viện Đa khoa Demo"
    calls: int = 0

    def check(self, query: InsuranceQuery) -> InsuranceCheckResult:
        self.calls += 1
        key = query.card_or_id.strip()
        if key == UNREACHABLE_ID:
            raise InsuranceUnavailableError("simulated gateway: no answer")
        today = self.today()
        code = DEMO_CARDS.get(key, "000")
        card = f"DN4{key[1:3] if key[:1] == '0' else '79'}{key[-10:]}" if key.isdigit() else key.upper()
        result = InsuranceCheckResult(
            code=code, note=f"simulated {code}", card_number=card, full_name=query.full_name, birth=query.birth,
            registered_facility=self.facility_code, registered_facility_name=self.facility_name,
            valid_from=date(today.year, 1, 1), valid_to=date(today.year, 12, 31),
        )
        if code == "000" and not _plain(query.full_name):
            return replace(result, code="060")
        if code in ("003", "004"):
            return replace(result, new_card_number="GD4" + card[3:], new_valid_from=today,
                           new_valid_to=today + timedelta(days=365), new_registered_facility=self.facility_code)
        if code == "010":
            return replace(result, valid_from=date(today.year - 1, 1, 1), valid_to=date(today.year - 1, 12, 31))
        return result


def _plain(name: str) -> str:
    return unicodedata.normalize("NFC", " ".join(name.split()))
