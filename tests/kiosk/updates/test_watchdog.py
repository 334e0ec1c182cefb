from __future__ import annotations

import os
import socket
import uuid
from pathlib import Path

from kiosk.updates.visit import VisitFlag
from kiosk.watchdog import Heartbeat, sd_notify, watchdog_interval_ms


def test_sd_notify_sends_one_datagram_to_the_notify_socket(tmp_path: Path) -> None:
    path = tmp_path / "notify"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as server:
        server.bind(str(path))
        assert sd_notify("WATCHDOG=1", {"NOTIFY_SOCKET": str(path)})
        assert server.recv(256) == b"WATCHDOG=1"


def test_sd_notify_reaches_an_abstract_socket() -> None:
    name = f"kiosk-test-{uuid.uuid4().hex}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as server:
        server.bind("\0" + name)
        assert sd_notify("READY=1", {"NOTIFY_SOCKET": "@" + name})
        assert server.recv(256) == b"READY=1"


def test_sd_notify_outside_systemd_is_a_no_op(tmp_path: Path) -> None:
    assert not sd_notify("WATCHDOG=1", {})
    assert not sd_notify("WATCHDOG=1", {"NOTIFY_SOCKET": str(tmp_path / "gone")})


def test_watchdog_interval_is_half_of_watchdog_sec() -> None:
    assert watchdog_interval_ms({"WATCHDOG_USEC": "30000000"}) == 15_000
    assert watchdog_interval_ms({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": str(os.getpid())}) == 15_000
    assert watchdog_interval_ms({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"}) == 10_000
    assert watchdog_interval_ms({}) == 10_000


def test_visit_flag_is_fresh_only_while_kept_alive(tmp_path: Path) -> None:
    now = [1000.0]
    flag = VisitFlag(tmp_path / "u" / "visit-in-progress", stale_after_s=60, clock=lambda: now[0])
    assert not flag.in_progress()
    flag.set(True)
    assert flag.in_progress() and (flag.path.stat().st_mode & 0o077) == 0
    now[0] += 61  # the kiosk died mid-visit: the flag no longer blocks updates
    assert not flag.in_progress()
    flag.set(True)
    flag.set(False)
    assert not flag.path.exists() and not flag.in_progress()


def test_heartbeat_notifies_keeps_the_flag_and_restarts_only_between_visits(tmp_path: Path) -> None:
    sent: list[str] = []
    busy = [False]
    generation = [4]
    flag = VisitFlag(tmp_path / "visit")
    beat = Heartbeat(busy=lambda: busy[0], visit_flag=flag, generation=lambda: generation[0],
                     notify=lambda m: sent.append(m) or True)
    beat.ready()
    assert sent == ["READY=1"]
    busy[0] = True
    assert beat.beat() is False and flag.in_progress()
    generation[0] = 5  # the scheduled updater swapped a release in while a citizen was being served
    assert beat.beat() is False
    busy[0] = False
    assert beat.beat() is True and not flag.in_progress()
    assert sent == ["READY=1", "WATCHDOG=1", "WATCHDOG=1", "WATCHDOG=1", "STOPPING=1"]
