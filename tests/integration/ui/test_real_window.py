"""The kiosk on a real X display (Xvfb) through Qt's xcb platform, as a kiosk PC with a screen runs it.

The unit UI tests use Qt's offscreen platform, which needs none of the X libraries; these tests prove the
project installs what the xcb platform plugin needs and that the window starts and draws.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageStat

pytestmark = pytest.mark.integration

KIOSK = Path(sys.executable).with_name("kiosk")


@pytest.fixture(scope="module")
def display() -> Iterator[str]:
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        pytest.skip("Xvfb is not installed (Debian package xvfb): cannot test the real window")
    read_fd, write_fd = os.pipe()
    # -displayfd: Xvfb picks a free display number itself and writes it to the pipe once it accepts clients.
    server = subprocess.Popen([xvfb, "-displayfd", str(write_fd), "-screen", "0", "1080x1920x24", "-nolisten", "tcp"],
                              pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    try:
        with os.fdopen(read_fd) as pipe:
            number = pipe.readline().strip()
        assert number.isdigit(), "Xvfb did not report a display number"
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def _env(display: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env["DISPLAY"] = display
    return env


def test_kiosk_run_opens_its_window_on_a_real_display_and_keeps_running(display: str, tmp_path: Path) -> None:
    kiosk = subprocess.Popen([str(KIOSK), "run"], cwd=tmp_path, env=_env(display), start_new_session=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 6
        while time.monotonic() < deadline and kiosk.poll() is None:
            time.sleep(0.2)
        alive = kiosk.poll() is None
    finally:
        kiosk.terminate()  # as a service manager stops the kiosk: `kiosk run` must take its window down too
        try:
            _, err = kiosk.communicate(timeout=20)
            window_left = subprocess.run(["pgrep", "-s", str(kiosk.pid)], capture_output=True, check=False).stdout
        finally:
            if _group_alive(kiosk.pid):  # only our own process group: never anything this test did not start
                os.killpg(kiosk.pid, signal.SIGKILL)
    assert alive, f"the kiosk window exited at once: {err[-800:]}"
    assert "Could not load the Qt platform plugin" not in err
    assert window_left == b"", "the window process outlived `kiosk run`"


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_demo_with_a_display_plays_the_journey_in_a_window_and_saves_every_screen(display: str, tmp_path: Path) -> None:
    out = tmp_path / "demo"
    done = subprocess.run([str(KIOSK), "demo", "--out", str(out)], cwd=tmp_path, env=_env(display),
                          capture_output=True, text=True, timeout=240, check=False)
    assert done.returncode == 0, done.stderr[-800:]
    shots = sorted(out.glob("*.png"))
    assert len(shots) >= 6 and (out / "receipt.pdf").stat().st_size > 0
    for shot in shots:
        with Image.open(shot) as image:
            assert image.size == (1080, 1920)
            # A screen that drew nothing is one flat colour; every kiosk screen has text and buttons on it.
            assert max(ImageStat.Stat(image.convert("L")).stddev) > 10, shot.name
