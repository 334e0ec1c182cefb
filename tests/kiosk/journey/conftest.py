"""Fixtures for the journey core: the demo kiosk (virtual card, simulated camera and face check, portal simulator
on 127.0.0.1, PDF printer, hospital desk) with a fixed day, and a Visit over it. No Qt."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from kiosk.bootstrap import DemoSetup, Kiosk, build_kiosk, build_visit
from kiosk.config import load_config
from kiosk.journey import Visit
from kiosk.session.timer import Clock
from kiosk.staff import hash_pin

MONDAY = datetime(2026, 3, 2, 9, 0)
VOLUNTEER_PIN = "135791"
VOLUNTEER_HASH = hash_pin(VOLUNTEER_PIN, iterations=1000)


@pytest.fixture(scope="session")
def virtual_card() -> tuple[Any, Any]:
    """One personalised demo card for the whole run: its chip keys take a while to generate."""
    from devices.card.emulator.issuer import TestIssuer
    from devices.card.emulator.personalise import personalise
    from devices.card.emulator.profile import load_profile, shipped_profiles_folder
    from devices.card.trust.trust_store import TrustStore

    issuer = TestIssuer.generate(dsc_not_before=MONDAY.replace(tzinfo=UTC) - timedelta(days=1))
    image = personalise(load_profile(shipped_profiles_folder() / "demo.toml"), issuer)
    return image, TrustStore.from_certificates([issuer.csca_der])


@dataclass
class Stand:
    kiosk: Kiosk
    visit: Visit
    receipts: Path

    def place(self) -> None:
        self.kiosk.insert_virtual_card()

    def take(self) -> None:
        self.kiosk.remove_virtual_card()

    def printed(self) -> list[Path]:
        return sorted(self.receipts.glob("*.pdf")) if self.receipts.exists() else []


@pytest.fixture
def make_stand(tmp_path: Path, virtual_card: tuple[Any, Any]) -> Iterator[Callable[..., Stand]]:
    made: list[Kiosk] = []

    def make(clock: Clock | None = None, face: str = "genuine", hospital: bool = True,
             bank_confirms_s: float | None = 10.0, settings: dict[str, Any] | None = None) -> Stand:
        receipts = tmp_path / f"receipts{len(made)}"
        config = load_config(None, {"kiosk": {"data_dir": str(tmp_path / f"data{len(made)}")},
                                    "speech": {"backend": "silent"}, "printer": {"output_dir": str(receipts)},
                                    "staff": {"volunteers": [f"TNV-07:Trần Văn Giúp:{VOLUNTEER_HASH}"],
                                              "max_pin_attempts": 3, "lockout_s": 120.0},
                                    "hospital": {"enabled": hospital, "queue_db": str(tmp_path / "hq.db")},
                                    **(settings or {})})
        setup = DemoSetup(enabled=True, fast=True, now=MONDAY, face_scenario=face, card_image=virtual_card[0],
                          card_trust=virtual_card[1], payment_confirm_s=bank_confirms_s)
        kiosk = build_kiosk(config, setup, clock=clock)
        made.append(kiosk)
        return Stand(kiosk, build_visit(kiosk), receipts)

    yield make
    for kiosk in made:
        kiosk.close()
