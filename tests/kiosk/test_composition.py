"""Every collaborator is a typed field of the kiosk, built once by the composition root and shared from there."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.bootstrap import DemoSetup, Kiosk, build_kiosk, build_visit
from kiosk.config import load_config
from kiosk.operations import Operations


@pytest.fixture()
def kiosk(tmp_path: Path) -> Iterator[Kiosk]:
    config = load_config(None, {"kiosk": {"data_dir": str(tmp_path / "data")}, "speech": {"backend": "silent"}})
    built = build_kiosk(config, DemoSetup(enabled=True, fast=True))
    yield built
    built.close()


def test_each_collaborator_is_declared_once_on_the_operations_or_the_kiosk() -> None:
    operations = {f.name for f in dataclasses.fields(Operations)}
    own = {f.name for f in dataclasses.fields(Kiosk)} - operations
    assert {"qr_scanner", "printer_recovery", "card_image", "scanner"} <= operations
    assert {"clock", "face_verifier", "help_desk", "metrics", "payments", "stop_metrics"} <= own
    redeclared = {name for name in Kiosk.__annotations__ if name in Operations.__annotations__}
    assert redeclared == set()
    assert "extras" not in operations | own


def test_the_journey_and_the_receipts_share_the_kiosks_one_printer_recovery_and_qr_scanner(kiosk: Kiosk) -> None:
    from devices.qr.zxing import ZxingQrScanner
    from kiosk.receipts.recovery import PrinterRecovery, recovery_for

    assert isinstance(kiosk.printer_recovery, PrinterRecovery)
    assert isinstance(kiosk.qr_scanner, ZxingQrScanner)
    assert recovery_for(kiosk) is kiosk.printer_recovery
    parts = build_visit(kiosk).parts
    assert parts.recovery is kiosk.printer_recovery and parts.qr_scanner is kiosk.qr_scanner


def test_a_hospital_visit_or_a_form_is_submitted_and_nothing_else(kiosk: Kiosk) -> None:
    class NotAForm:  # has the form's wipe() but is neither a service form nor a hospital visit
        def wipe(self) -> None:
            pass

    with pytest.raises(TypeError):
        kiosk.submit(NotAForm(), kiosk.new_submission_id())  # type: ignore[arg-type]
