"""Fixtures for the UI tests: the real window on Qt's offscreen platform, simulated devices, the portal simulator.

Each test gets its own data folder, a fixed wall clock and its own portal simulator (on a free port chosen at run
time), and a `Driver` that taps buttons with qtbot's mouse clicks as a person would.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any QApplication exists

import pytest

from kiosk.bootstrap import DemoSetup, build_kiosk
from kiosk.config import KioskConfig, load_config
from kiosk.session.timer import ManualClock
from kiosk.staff import hash_pin

FIXED_NOW = datetime(2026, 3, 2, 9, 0)
TECH_PIN = "246810"
VOLUNTEER_PIN = "135791"


def ui_config(tmp_path: Path, **sections: dict[str, Any]) -> KioskConfig:
    data = tmp_path / "data"
    overrides: dict[str, Any] = {
        "kiosk": {"data_dir": str(data)},
        "speech": {"backend": "silent"},
        "staff": {"technician_pin_hash": hash_pin(TECH_PIN, iterations=1000),
                  "volunteers": [f"TNV-07:Trần Văn Giúp:{hash_pin(VOLUNTEER_PIN, iterations=1000)}"],
                  "max_pin_attempts": 3, "lockout_s": 120.0},
    }
    for name, values in sections.items():
        overrides.setdefault(name, {}).update(values)
    config = load_config(None, overrides)
    return dataclasses.replace(config, queue=dataclasses.replace(config.queue, backoff_base_s=0.05,
                                                                 backoff_max_s=0.2, breaker_probe_s=0.2))


@pytest.fixture(scope="session")
def virtual_card() -> tuple[Any, Any]:
    """One personalised demo card for the whole run: its chip keys take a while to generate."""
    from devices.card.emulator.issuer import TestIssuer
    from devices.card.emulator.personalise import personalise
    from devices.card.emulator.profile import load_profile, shipped_profiles_folder
    from devices.card.trust.trust_store import TrustStore

    # The kiosk judges the card on its fixed demo day, so the signer must already be valid then.
    issuer = TestIssuer.generate(dsc_not_before=FIXED_NOW.replace(tzinfo=UTC) - timedelta(days=1))
    image = personalise(load_profile(shipped_profiles_folder() / "demo.toml"), issuer)
    return image, TrustStore.from_certificates([issuer.csca_der])


@pytest.fixture
def make_kiosk(tmp_path: Path, qtbot: Any, virtual_card: tuple[Any, Any]) -> Iterator[Any]:
    """Build the kiosk and its window; returns a Driver. Everything is closed after the test."""
    from ui.app import start_window
    from ui.demo import Driver

    made: list[Any] = []

    def make(clock: Any = None, face: str = "genuine", faults: str = "", **sections: dict[str, Any]) -> Driver:
        config = ui_config(tmp_path, **sections)
        setup = DemoSetup(enabled=True, fast=True, now=FIXED_NOW, seed=6, face_scenario=face, portal_faults=faults,
                          card_image=virtual_card[0], card_trust=virtual_card[1])
        kiosk = build_kiosk(config, setup, clock=clock)
        _app, window, handler = start_window(kiosk, show=True)
        qtbot.addWidget(window)
        driver = Driver(window, click=qtbot.mouseClick)
        made.append((kiosk, window, handler))
        return driver

    yield make
    for kiosk, window, handler in made:
        handler.uninstall()
        window.ctx.tasks.shutdown()
        kiosk.close()


@pytest.fixture
def manual_clock() -> ManualClock:
    return ManualClock(1000.0)
