"""The real kiosk window process (offscreen) talking to a systemd-style notify socket."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.catalogue.loader import SHIPPED_FOLDER
from kiosk.updates.store import ReleaseStore

pytestmark = pytest.mark.integration


def _receive(sock: socket.socket, wanted: str, deadline_s: float) -> list[str]:
    got: list[str] = []
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        sock.settimeout(max(0.1, end - time.monotonic()))
        try:
            got.append(sock.recv(4096).decode())
        except TimeoutError:
            break
        if got[-1] == wanted:
            return got
    raise AssertionError(f"no {wanted} within {deadline_s} s; got {got[-5:]}")


def test_window_beats_the_watchdog_and_restarts_between_visits_for_an_update(tmp_path: Path) -> None:
    data = tmp_path / "data"
    root = tmp_path / "root.json"
    root.write_text("{}")
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[kiosk]\ndata_dir = "{data}"\n[speech]\nbackend = "silent"\n'
                      '[portal]\nstart_simulator = false\nbase_url = "http://127.0.0.1:9"\n'
                      f'[updates]\nenabled = true\nrepository_url = "http://127.0.0.1:9"\nroot_file = "{root}"\n'
                      '[logging]\nformat = "json"\n')
    notify = tmp_path / "notify"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "NOTIFY_SOCKET": str(notify), "WATCHDOG_USEC": "600000"}
    env.pop("WATCHDOG_PID", None)
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(str(notify))
        proc = subprocess.Popen([sys.executable, "-m", "ui", "--config", str(config)], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            _receive(sock, "READY=1", 120)
            beats = _receive(sock, "WATCHDOG=1", 5)
            beats += _receive(sock, "WATCHDOG=1", 5)  # again: it comes from the running event loop
            assert beats.count("WATCHDOG=1") >= 2
            # The update timer swaps a catalogue release in while the kiosk is idle: it restarts to take it.
            store = ReleaseStore(data / "updates")
            staged = store.staging("catalogue")
            for path in SHIPPED_FOLDER.glob("*.yaml"):
                shutil.copy(path, staged / path.name)
            store.promote("catalogue", staged, 1, "d" * 64, "catalogue.tar")
            _receive(sock, "STOPPING=1", 10)
            assert proc.wait(timeout=30) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert proc.stderr is not None
    logs = [json.loads(line) for line in proc.stderr.read().splitlines() if line.startswith("{")]
    assert any(entry["message"] == "an update was applied; restarting between visits" for entry in logs)
