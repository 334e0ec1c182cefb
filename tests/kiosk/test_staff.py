from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.config import StaffConfig
from kiosk.session.timer import ManualClock
from kiosk.staff import (
    PinFormatError,
    StaffAuthenticator,
    StaffLockedOutError,
    StaffNotConfiguredError,
    WrongPinError,
    hash_pin,
    parse_pin_hash,
    staff_role,
    verify_pin,
)

FAST = 1_000  # iterations: the format and the check are the same, only cheaper for tests


def _config(**over: object) -> StaffConfig:
    base: dict[str, object] = {
        "technician_pin_hash": hash_pin("482913", iterations=FAST),
        "volunteers": (f"TN-007:Trần Văn An:{hash_pin('1111', iterations=FAST)}",
                       f"TN-008:Lê Thị: Bình:{hash_pin('2222', iterations=FAST)}"),
        "max_pin_attempts": 3,
        "lockout_s": 300.0,
    }
    base.update(over)
    return StaffConfig(**base)  # type: ignore[arg-type]


def test_hash_has_the_documented_format_and_verifies() -> None:
    encoded = hash_pin("482913", iterations=FAST)
    algorithm, iterations, salt, digest = encoded.split("$")
    assert (algorithm, iterations) == ("pbkdf2_sha256", str(FAST))
    assert len(bytes.fromhex(salt)) == 16 and len(bytes.fromhex(digest)) == 32
    assert verify_pin("482913", encoded)
    assert not verify_pin("482914", encoded)


def test_same_pin_hashes_differently_each_time() -> None:
    assert hash_pin("1234", iterations=FAST) != hash_pin("1234", iterations=FAST)


def test_hash_matches_an_independent_pbkdf2_value() -> None:
    # RFC 6070-style check against a value computed by the cryptography package, not by hashlib.
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

    salt = bytes(range(16))
    expected = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=FAST).derive(b"2468")
    assert hash_pin("2468", iterations=FAST, salt=salt).split("$")[3] == expected.hex()


@pytest.mark.parametrize("pin", ["123", "1234567890123", "12a4", "", "١٢٣٤"])
def test_pins_that_are_not_4_to_12_digits_are_refused(pin: str) -> None:
    with pytest.raises(PinFormatError):
        hash_pin(pin)


@pytest.mark.parametrize("bad", ["", "md5$1$aa$bb", "pbkdf2_sha256$x$00$00", "pbkdf2_sha256$1000$zz$00",
                                 "pbkdf2_sha256$10$0011223344556677$" + "00" * 32])
def test_malformed_hashes_are_not_configured_errors(bad: str) -> None:
    with pytest.raises(StaffNotConfiguredError):
        parse_pin_hash(bad)


def test_volunteer_signs_in_with_card_id_and_pin() -> None:
    auth = StaffAuthenticator(_config(), clock=ManualClock())
    helper = auth.authenticate_volunteer("1111", staff_id="TN-007")
    assert helper.staff_id == "TN-007" and helper.display_name == "Trần Văn An"
    with pytest.raises(WrongPinError):
        auth.authenticate_volunteer("2222", staff_id="TN-007")  # another volunteer's PIN on this card


def test_volunteer_signs_in_with_pin_alone_and_names_may_hold_colons() -> None:
    auth = StaffAuthenticator(_config(), clock=ManualClock())
    helper = auth.authenticate_volunteer("2222")
    assert helper.staff_id == "TN-008" and helper.display_name == "Lê Thị: Bình"


def test_wrong_pins_lock_the_mode_for_the_configured_time() -> None:
    clock = ManualClock()
    auth = StaffAuthenticator(_config(), clock=clock)
    with pytest.raises(WrongPinError) as first:
        auth.authenticate_technician("000000")
    assert first.value.attempts_left == 2
    with pytest.raises(WrongPinError):
        auth.authenticate_technician("000001")
    with pytest.raises(StaffLockedOutError):
        auth.authenticate_technician("000002")
    # Locked: even the right PIN is refused until the time is up.
    clock.advance(299)
    with pytest.raises(StaffLockedOutError) as locked:
        auth.authenticate_technician("482913")
    assert locked.value.seconds_left == pytest.approx(1)
    clock.advance(1)
    assert auth.authenticate_technician("482913").staff_id == "technician"


def test_technician_lockout_does_not_lock_volunteers() -> None:
    auth = StaffAuthenticator(_config(max_pin_attempts=1), clock=ManualClock())
    with pytest.raises(StaffLockedOutError):
        auth.authenticate_technician("999999")
    assert auth.authenticate_volunteer("1111").staff_id == "TN-007"


def test_a_right_pin_resets_the_count() -> None:
    auth = StaffAuthenticator(_config(), clock=ManualClock())
    for _ in range(2):
        with pytest.raises(WrongPinError):
            auth.authenticate_technician("000000")
    auth.authenticate_technician("482913")
    with pytest.raises(WrongPinError) as again:
        auth.authenticate_technician("000000")
    assert again.value.attempts_left == 2


def test_lockout_survives_a_restart(tmp_path: Path) -> None:
    wall = [1_700_000_000.0]
    auth = StaffAuthenticator(_config(max_pin_attempts=1), clock=ManualClock(50), state_dir=tmp_path,
                              wall_time=lambda: wall[0])
    with pytest.raises(StaffLockedOutError):
        auth.authenticate_technician("000000")
    wall[0] += 100  # the kiosk restarts 100 s later; its monotonic clock starts from scratch
    restarted = StaffAuthenticator(_config(max_pin_attempts=1), clock=ManualClock(0), state_dir=tmp_path,
                                   wall_time=lambda: wall[0])
    assert restarted.seconds_locked("technician") == pytest.approx(200)
    with pytest.raises(StaffLockedOutError):
        restarted.authenticate_technician("482913")
    assert "482913" not in (tmp_path / "staff_lockout.json").read_text()


def test_a_damaged_lockout_file_fails_closed(tmp_path: Path) -> None:
    (tmp_path / "staff_lockout.json").write_text("{not json")
    auth = StaffAuthenticator(_config(), clock=ManualClock(), state_dir=tmp_path)
    with pytest.raises(StaffLockedOutError):
        auth.authenticate_technician("482913")


def test_missing_technician_pin_says_not_configured() -> None:
    auth = StaffAuthenticator(_config(technician_pin_hash=""), clock=ManualClock())
    with pytest.raises(StaffNotConfiguredError):
        auth.authenticate_technician("1234")


def test_bad_volunteer_entry_is_refused() -> None:
    with pytest.raises(StaffNotConfiguredError):
        StaffAuthenticator(_config(volunteers=("TN-1 no hash",)), clock=ManualClock())


def test_bad_pin_format_does_not_count_as_an_attempt() -> None:
    auth = StaffAuthenticator(_config(max_pin_attempts=1), clock=ManualClock())
    with pytest.raises(PinFormatError):
        auth.authenticate_technician("12")
    assert auth.authenticate_technician("482913").staff_id == "technician"


def test_check_time_does_not_depend_on_how_close_the_guess_is() -> None:
    encoded = hash_pin("48291357", iterations=20_000)

    def timed(pin: str) -> float:
        best = float("inf")
        for _ in range(5):
            start = time.perf_counter()
            verify_pin(pin, encoded)
            best = min(best, time.perf_counter() - start)
        return best
    near, far = timed("48291358"), timed("00000000")
    assert abs(near - far) / max(near, far) < 0.5


def test_cli_hash_pin_reads_stdin_and_prints_a_usable_hash(monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("7531\n"))
    assert main(["staff", "hash-pin", "--iterations", "1000"]) == 0
    printed = capsys.readouterr().out.strip()
    assert verify_pin("7531", printed) and "7531" not in printed


def test_cli_hash_pin_refuses_a_bad_pin_with_a_message(monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("12\n"))
    assert main(["staff", "hash-pin", "--lang", "en"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "4 to 12 digits" in captured.err


def test_cli_audit_prints_records(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kiosk.audit import AuditLog

    cfg = tmp_path / "k.toml"
    cfg.write_text(f'[kiosk]\ndata_dir = "{tmp_path}"\nkiosk_id = "K-9"\n')
    AuditLog(tmp_path, "K-9").record("session_started", session_hash="ab12")
    assert main(["--config", str(cfg), "staff", "audit"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out[0]["event"] == "session_started" and out[0]["kiosk_id"] == "K-9"


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_errors_carry_what_their_message_needs(lang: str) -> None:
    from kiosk.i18n import Translator

    t = Translator(language=lang)  # type: ignore[arg-type]
    for error in (WrongPinError(2), StaffLockedOutError(290.0), PinFormatError("x"), StaffNotConfiguredError("x")):
        text = t.text(error.message_key, **error.message_params)
        assert "{" not in text and text
    assert "5" in t.text("staff.locked_out", **StaffLockedOutError(290.0).message_params)


# ---- the ward manager's PIN (statistics only) and the shared PIN pad ----------------------------------------

MANAGER = "735246"


def _with_manager(**over: object) -> StaffConfig:
    return _config(manager_pin_hash=hash_pin(MANAGER, iterations=FAST), **over)


def test_manager_signs_in_with_the_manager_pin_only() -> None:
    auth = StaffAuthenticator(_with_manager(), clock=ManualClock())
    helper = auth.authenticate_manager(MANAGER)
    assert (helper.staff_id, staff_role(helper)) == ("manager", "manager")
    with pytest.raises(WrongPinError):
        auth.authenticate_manager("482913")  # the technician's PIN is not a manager's


def test_the_pin_pad_pin_decides_the_role() -> None:
    auth = StaffAuthenticator(_with_manager(), clock=ManualClock())
    assert staff_role(auth.authenticate_staff_pin("482913")) == "technician"
    assert staff_role(auth.authenticate_staff_pin(MANAGER)) == "manager"
    with pytest.raises(WrongPinError):
        auth.authenticate_staff_pin("1111")  # a volunteer's PIN opens neither staff mode


def test_wrong_manager_pins_lock_the_manager_like_the_technician() -> None:
    clock = ManualClock()
    auth = StaffAuthenticator(_with_manager(), clock=clock)
    for left in (2, 1):
        with pytest.raises(WrongPinError) as wrong:
            auth.authenticate_manager("000000")
        assert wrong.value.attempts_left == left
    with pytest.raises(StaffLockedOutError):
        auth.authenticate_manager("000000")
    with pytest.raises(StaffLockedOutError):
        auth.authenticate_manager(MANAGER)
    assert auth.authenticate_volunteer("1111").staff_id == "TN-007"  # volunteers keep their own count
    clock.advance(300)
    assert auth.authenticate_manager(MANAGER).staff_id == "manager"


def test_wrong_pins_on_the_pad_lock_both_roles_so_the_pad_gives_no_extra_guesses() -> None:
    auth = StaffAuthenticator(_with_manager(), clock=ManualClock())
    with pytest.raises(WrongPinError):
        auth.authenticate_technician("000000")  # one earlier miss on the technician's count
    with pytest.raises(WrongPinError) as wrong:
        auth.authenticate_staff_pin("000001")
    assert wrong.value.attempts_left == 1
    with pytest.raises(StaffLockedOutError):
        auth.authenticate_staff_pin("000002")
    for check in (auth.authenticate_technician, auth.authenticate_manager, auth.authenticate_staff_pin):
        with pytest.raises(StaffLockedOutError):
            check(MANAGER)


def test_manager_lockout_survives_a_restart(tmp_path: Path) -> None:
    wall = [1_700_000_000.0]
    auth = StaffAuthenticator(_with_manager(max_pin_attempts=1), clock=ManualClock(10), state_dir=tmp_path,
                              wall_time=lambda: wall[0])
    with pytest.raises(StaffLockedOutError):
        auth.authenticate_manager("000000")
    wall[0] += 60
    restarted = StaffAuthenticator(_with_manager(max_pin_attempts=1), clock=ManualClock(0), state_dir=tmp_path,
                                   wall_time=lambda: wall[0])
    assert restarted.seconds_locked("manager") == pytest.approx(240)
    assert restarted.seconds_locked("technician") == 0
    with pytest.raises(StaffLockedOutError):
        restarted.authenticate_manager(MANAGER)


def test_pad_works_with_one_role_configured_and_says_when_none_is() -> None:
    only_manager = StaffAuthenticator(_with_manager(technician_pin_hash=""), clock=ManualClock())
    assert only_manager.authenticate_staff_pin(MANAGER).staff_id == "manager"
    with pytest.raises(StaffNotConfiguredError):
        only_manager.authenticate_technician("482913")
    with pytest.raises(StaffNotConfiguredError):
        StaffAuthenticator(_config(), clock=ManualClock()).authenticate_manager(MANAGER)
    with pytest.raises(StaffNotConfiguredError):
        StaffAuthenticator(_config(technician_pin_hash=""), clock=ManualClock()).authenticate_staff_pin("482913")


@pytest.mark.parametrize("reserved", ["manager", "technician"])
def test_a_volunteer_may_not_take_a_role_id(reserved: str) -> None:
    with pytest.raises(StaffNotConfiguredError):
        StaffAuthenticator(_config(volunteers=(f"{reserved}:Trần Văn An:{hash_pin('1111', iterations=FAST)}",)),
                           clock=ManualClock())
