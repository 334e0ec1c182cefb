"""The portal simulator's input checks and the `kiosk portal-sim` option checks, without a running server."""

from __future__ import annotations

import datetime as dt
import json
import socket
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.portal.simulator import start_simulator
from kiosk.portal.simulator.server import parse_fates
from kiosk.portal.simulator.validation import (
    MAX_CLOCK_OFFSET_S,
    MAX_JSON_DEPTH,
    RequestRefused,
    body_length,
    clock_offset,
    idempotency_key,
    parse_json,
    require_json,
    stats_day,
)


def refused(call: object, *args: object) -> RequestRefused:
    with pytest.raises(RequestRefused) as info:
        call(*args)  # type: ignore[operator]
    return info.value


def test_body_length_is_read_from_one_plain_decimal_header() -> None:
    assert body_length([], None, 100) == 0
    assert body_length(["42"], None, 100) == 42
    assert body_length(["42", "42"], None, 100) == 42
    for bad in (["abc"], ["-1"], ["+5"], [" "], ["٤٢"], ["1_0"], ["4", "5"], ["9" * 30]):
        assert refused(body_length, bad, None, 100).status == 400
    too_big = refused(body_length, ["101"], None, 100)
    assert (too_big.status, too_big.error, too_big.close) == (413, "body_too_large", True)
    assert refused(body_length, ["2"], "chunked", 100).status == 411


def test_only_json_in_utf8_is_accepted_as_json() -> None:
    require_json("application/json")
    require_json("Application/JSON; charset=UTF-8")
    for bad in (None, "", "text/plain", "application/jsonx", "application/json; charset=latin-1"):
        assert refused(require_json, bad).status == 415


def test_json_depth_is_bounded_exactly_at_the_limit() -> None:
    def nest(depth: int) -> bytes:
        return b"[" * depth + b"]" * depth

    assert parse_json(nest(MAX_JSON_DEPTH)) is not None
    assert refused(parse_json, nest(MAX_JSON_DEPTH + 1)).error == "too_deep"
    assert refused(parse_json, nest(100_000)).error == "too_deep"


@pytest.mark.parametrize(("raw", "error"), [
    (b'{"a": NaN}', "not_json"), (b'{"a": -Infinity}', "not_json"), (b'{"a": 1e999}', "not_json"),
    (b'{"a": "\\ud800"}', "not_unicode"), (b'{"\\udfff": 1}', "not_unicode"), (b"\xc3\x28", "not_utf8"),
    (b"{", "not_json"),
])
def test_json_that_is_not_plain_unicode_data_is_refused(raw: bytes, error: str) -> None:
    assert refused(parse_json, raw).error == error


def test_well_formed_json_passes_unchanged() -> None:
    body = {"applicant": {"full_name": "Nguyễn Văn An 𝔸"}, "n": [1, 2.5, None, True]}
    assert parse_json(json.dumps(body).encode()) == body


def test_idempotency_keys_are_printable_ascii_of_sane_length() -> None:
    assert idempotency_key("5f0c-1") == "5f0c-1"
    for bad in (None, "", "a" * 201, "tab\there", "khóa"):
        assert refused(idempotency_key, bad).status == 400


def test_stats_dates_are_iso_days_with_a_next_day() -> None:
    assert stats_day(None, "from") is None
    assert stats_day("2026-11-30", "to") == dt.date(2026, 11, 30)
    for bad in ("2026-13-01", "2026-1-1", "20261130", "9999-12-31", "2026-11-30T00:00", "x"):
        assert refused(stats_day, bad, "to").error == "bad_date"


def test_the_clock_moves_finitely_and_within_twenty_years_in_total() -> None:
    assert clock_offset("3600", 0.0) == 3600.0
    assert clock_offset(-60.0, 60.0) == 0.0
    for bad in ("1e400", "nan", "inf", "-inf", "x", ""):
        assert refused(clock_offset, bad, 0.0).error == "bad_advance"
    assert refused(clock_offset, MAX_CLOCK_OFFSET_S / 2 + 1, MAX_CLOCK_OFFSET_S / 2).error == "bad_advance"


@pytest.mark.parametrize("fates", ["3:abc", "3:nan", "3:-0.5", "5:2"])
def test_bad_fates_are_a_spec_error(fates: str) -> None:
    from kiosk.portal.simulator import FaultSpecError

    with pytest.raises(FaultSpecError):
        parse_fates(fates)


@pytest.mark.parametrize("limit", [{"max_connections": 0}, {"idle_timeout_s": float("inf")},
                                   {"request_deadline_s": float("nan")}, {"max_body_bytes": -1},
                                   {"step_s": float("nan")}])
def test_start_simulator_refuses_unbounded_limits(tmp_path: Path, limit: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        start_simulator(db=tmp_path / "s.sqlite3", **limit)  # type: ignore[arg-type]


# ---- the command ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("argv", [["--max-connections", "0"], ["--idle-timeout-s", "inf"], ["--port", "70000"],
                                  ["--request-deadline-s", "nan"], ["--max-body-bytes", "-5"], ["--step-s", "nan"],
                                  ["--fates", "3:abc"]])
def test_portal_sim_refuses_bad_options_with_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    assert main(["portal-sim", *argv]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_portal_sim_on_a_taken_port_exits_1_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = main(["--lang", "en", "portal-sim", "--port", str(port), "--db", str(tmp_path / "s.sqlite3")])
    err = capsys.readouterr().err.strip()
    assert code == 1
    assert err.splitlines() == [err] and err.startswith("The portal simulator could not start:")
