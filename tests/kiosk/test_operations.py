"""What the UI asks the core: error sentences with their details filled in, forms that follow the kiosk's settings."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pytest

from kiosk.bootstrap import DemoSetup, Kiosk, build_kiosk
from kiosk.catalogue.holidays import load_holidays
from kiosk.config import KioskConfig, load_config
from kiosk.i18n import Translator
from kiosk.operations import message_for
from kiosk.staff import StaffLockedOutError, WrongPinError

MONDAY = datetime(2026, 3, 2, 9, 0)
MakeKiosk = Callable[[Path | None], Kiosk]


@dataclass
class Texts:
    """The error-to-sentence operation over the kiosk's message catalogue alone (no devices needed)."""

    translator: Translator = field(default_factory=lambda: Translator(language="vi"))

    def message_for(self, error: BaseException, language: str) -> str:
        return message_for(self.translator, error, language)


def operations() -> Texts:
    return Texts()


def test_a_wrong_pin_message_says_how_many_tries_are_left() -> None:
    ops = operations()
    two = ops.message_for(WrongPinError(2), "vi")
    assert two == ops.translator.text("staff.wrong_pin", attempts_left=2)
    assert "2" in two and "{" not in two
    assert ops.message_for(WrongPinError(2), "en") == "That PIN is not right. 2 tries left."


def test_the_last_try_and_the_last_minute_are_said_in_the_singular() -> None:
    ops = operations()
    assert ops.message_for(WrongPinError(1), "en") == "That PIN is not right. 1 try left."
    assert ops.message_for(StaffLockedOutError(30.0), "en") == (
        "Too many wrong tries. Please wait 1 minute and try again.")
    for language in ("vi", "en"):
        for error in (WrongPinError(1), StaffLockedOutError(30.0)):
            text = ops.message_for(error, language)
            assert "1" in text and "{" not in text and "1 tries" not in text and "1 minutes" not in text


def test_a_lockout_message_says_how_long_to_wait() -> None:
    ops = operations()
    english = Translator("en", ops.translator.catalogue)
    assert ops.message_for(StaffLockedOutError(290.0), "en") == english.text("staff.locked_out", minutes=5)
    assert "5 minutes" in ops.message_for(StaffLockedOutError(290.0), "en")
    assert ops.message_for(StaffLockedOutError(90.0), "vi") == ops.translator.text("staff.locked_out", minutes=2)


def test_an_unknown_error_gets_the_kind_generic_sentence() -> None:
    ops = operations()
    assert ops.message_for(ValueError("boom"), "vi") == ops.translator.text("common.unexpected_error")


def kiosk_config(tmp_path: Path, holidays: Path | None) -> KioskConfig:
    config = load_config(None, {"kiosk": {"data_dir": str(tmp_path / "data")}, "speech": {"backend": "silent"}})
    return dataclasses.replace(config, portal=dataclasses.replace(config.portal, start_simulator=False),
                               catalogue=dataclasses.replace(config.catalogue, holidays_file=holidays))


@pytest.fixture
def make_kiosk(tmp_path: Path) -> Iterator[MakeKiosk]:
    made: list[Kiosk] = []

    def make(holidays: Path | None) -> Kiosk:
        kiosk = build_kiosk(kiosk_config(tmp_path, holidays), DemoSetup(enabled=True, fast=True, now=MONDAY))
        made.append(kiosk)
        return kiosk

    yield make
    for kiosk in made:
        kiosk.close()


def test_a_configured_holidays_file_moves_the_appointment_date(tmp_path: Path, make_kiosk: MakeKiosk) -> None:
    holidays = tmp_path / "holidays.yaml"
    holidays.write_text('holidays:\n  - {from: 2026-03-03, to: 2026-03-13, name: {vi: "Nghỉ", en: "Closed"}}\n',
                        encoding="utf-8")
    shipped = make_kiosk(None)
    spec = shipped.catalogue.get("temporary_residence")
    assert spec.processing_working_days > 0
    usual = shipped.new_form(spec, None, "vi").appointment_date()
    assert usual == load_holidays().add_working_days(MONDAY.date(), spec.processing_working_days)
    local = make_kiosk(holidays)
    moved = local.new_form(spec, None, "vi").appointment_date()
    assert moved == load_holidays(holidays).add_working_days(MONDAY.date(), spec.processing_working_days)
    assert moved > usual
    assert not date(2026, 3, 3) <= moved <= date(2026, 3, 13)


def test_a_new_form_shares_the_kiosk_messages(make_kiosk: MakeKiosk) -> None:
    kiosk = make_kiosk(None)
    form = kiosk.new_form(kiosk.catalogue.get("id_confirmation"), None, "en")
    assert form.translator().catalogue is kiosk.translator.catalogue
    assert form.settings.auth_method == "chip_face"


def test_the_pin_pad_opens_the_mode_of_the_pin_and_says_which(tmp_path: Path) -> None:
    from kiosk.session.events import SessionState
    from kiosk.staff import hash_pin

    config = kiosk_config(tmp_path, None)
    config = dataclasses.replace(config, staff=dataclasses.replace(
        config.staff, technician_pin_hash=hash_pin("482913", iterations=1000),
        manager_pin_hash=hash_pin("735246", iterations=1000)))
    kiosk = build_kiosk(config, DemoSetup(enabled=True, fast=True, now=MONDAY))
    try:
        kiosk.sign_in_staff("735246")
        assert kiosk.session.state is SessionState.MANAGER
        assert kiosk.speaker.spoken[-1].key == "session.manager"
        kiosk.session.leave_manager_mode()
        kiosk.sign_in_staff("482913")
        assert kiosk.session.state is SessionState.TECHNICIAN
        assert kiosk.speaker.spoken[-1].key == "session.technician"
        events = [(r.event, r.staff_id) for r in kiosk.audit.records()]
        assert events[:3] == [("manager_mode_entered", "manager"), ("session_wiped_staff_mode_left", "manager"),
                              ("technician_mode_entered", "technician")]
        with pytest.raises(WrongPinError):
            kiosk.sign_in_staff("111111")
    finally:
        kiosk.close()


def test_the_holidays_file_is_read_once_when_the_kiosk_is_built(tmp_path: Path, make_kiosk: MakeKiosk) -> None:
    holidays = tmp_path / "holidays.yaml"
    holidays.write_text('holidays:\n  - {from: 2026-03-03, to: 2026-03-13, name: {vi: "Nghỉ", en: "Closed"}}\n',
                        encoding="utf-8")
    kiosk = make_kiosk(holidays)
    spec = kiosk.catalogue.get("temporary_residence")
    expected = load_holidays(holidays).add_working_days(MONDAY.date(), spec.processing_working_days)
    first = kiosk.new_form(spec, None, "vi").appointment_date()
    assert first == expected > date(2026, 3, 13)
    # Another calendar appears on disk, then none at all: forms keep the one read at build time.
    holidays.write_text('holidays:\n  - {date: 2026-04-30, name: {vi: "Lễ", en: "Holiday"}}\n', encoding="utf-8")
    assert kiosk.new_form(spec, None, "vi").appointment_date() == first
    holidays.unlink()
    assert kiosk.new_form(spec, None, "en").appointment_date() == first


def test_a_broken_holidays_file_is_refused_and_the_shipped_calendar_serves(tmp_path: Path) -> None:
    broken = tmp_path / "holidays.yaml"
    broken.write_text("holidays: []\n", encoding="utf-8")
    kiosk = build_kiosk(kiosk_config(tmp_path, broken), DemoSetup(enabled=True, fast=True, now=MONDAY))
    spec = kiosk.catalogue.get("temporary_residence")
    shipped = load_holidays().add_working_days(MONDAY.date(), spec.processing_working_days)
    assert kiosk.new_form(spec, None, "vi").appointment_date() == shipped
    assert "holidays.yaml" in kiosk.holidays_refused
    healthy, text = kiosk.device_check("catalogue")
    assert not healthy
    assert kiosk.translate("services.holidays_refused", "vi", detail=kiosk.holidays_refused) in text
