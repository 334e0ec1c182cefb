"""The face screen's live preview: it keeps showing the camera while a frame is judged, and stops with the screen.

The camera plays numbered frames (each frame's grey level is its number) and the face verifier can be held in the
middle of a judgement until the test lets it go, so "the preview moves while the check thinks" is checked by what
was painted, not by how fast.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QPaintEvent

from kiosk.bootstrap import card_front_qr
from ui.demo import Driver, qr_frame
from ui.screens.journey import FramePreview

FRAMES = 30


def numbered_frames(folder: Path) -> Path:
    """FRAMES camera frames, 640×480, frame i of grey level 8·i + 4: the simulated camera plays them in a loop."""
    folder.mkdir(parents=True)
    for i in range(FRAMES):
        cv2.imwrite(str(folder / f"{i:03d}.png"), np.full((480, 640, 3), 8 * i + 4, dtype=np.uint8))
    return folder


def number_of(frame: np.ndarray) -> int:
    return round((float(frame[240, 320, 1]) - 4) / 8)


def demo_card_qr() -> str:
    from devices.card.emulator.profile import load_profile, shipped_profiles_folder

    return card_front_qr(load_profile(shipped_profiles_folder() / "demo.toml"))


class HeldVerifier:
    """The kiosk's (simulated) face verifier, except that once `hold()` is called the next judgement waits in the
    middle until `release` is set."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.judging = threading.Event()
        self.release = threading.Event()
        self._armed = False

    def hold(self) -> None:
        self._armed = True

    def process(self, frame: Any, at: float | None = None) -> Any:
        if self._armed:
            self._armed = False
            self.judging.set()
            self.release.wait(timeout=30)
        return self.inner.process(frame, at)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def active_timers(window: Any) -> list[int]:
    return sorted(t.interval() for t in window.findChildren(QTimer) if t.isActive())


def camera_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "camera-grab" and t.is_alive()]


@pytest.fixture
def painted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of the camera frame each paint of a preview showed."""
    shown: list[int] = []
    paint = FramePreview.paintEvent

    def recording(self: FramePreview, event: QPaintEvent) -> None:
        paint(self, event)
        frame = self._frame()
        if frame is not None:
            shown.append(number_of(frame))

    monkeypatch.setattr(FramePreview, "paintEvent", recording)
    return shown


class Before:
    """What ran on the welcome screen: the window's active timers and the camera threads of the whole process."""

    def __init__(self, driver: Driver) -> None:
        driver.settle()
        self.timers = active_timers(driver.window)
        self.threads = set(camera_threads())


def on_face_screen(make_kiosk: Any, tmp_path: Path) -> tuple[Driver, HeldVerifier, Before]:
    """The kiosk with the numbered camera, on the face screen, and what ran before on the welcome screen."""
    driver: Driver = make_kiosk(camera={"video": str(numbered_frames(tmp_path / "camera")), "fps": 30})
    before = Before(driver)
    verifier = HeldVerifier(driver.visit.parts.face_verifier)
    driver.visit.parts.face_verifier = verifier
    with driver.held_to_camera(qr_frame(demo_card_qr())):
        driver.insert_card()
    assert driver.view.screen == "face"
    return driver, verifier, before


def test_the_preview_keeps_showing_new_frames_while_a_frame_is_judged(make_kiosk: Any, tmp_path: Path, qtbot: Any,
                                                                     painted: list[int]) -> None:
    driver, verifier, _ = on_face_screen(make_kiosk, tmp_path)
    verifier.hold()
    qtbot.waitUntil(verifier.judging.is_set, timeout=10_000)   # the window's own timers handed a frame over
    painted.clear()
    try:
        # Nothing else happens: only the window's timers and the camera run while the judgement waits.
        qtbot.waitUntil(lambda: len(set(painted)) >= 5, timeout=10_000)
        assert driver.window.busy  # all of them painted while the judgement was still in progress
    finally:
        verifier.release.set()


def left_behind(driver: Driver, before: Before) -> None:
    """After the face screen: the timers of the welcome screen and nothing more, no frame kept, no camera thread."""
    driver.settle()
    assert active_timers(driver.window) == before.timers
    assert driver.ctx.camera.last_frame() is None
    assert set(camera_threads()) <= before.threads


def test_the_face_check_passed_leaves_no_preview_timer_or_camera_running(make_kiosk: Any, tmp_path: Path) -> None:
    driver, _, before = on_face_screen(make_kiosk, tmp_path)
    driver.tick_until(lambda: driver.view.screen != "face", "end of the face check")
    assert driver.view.screen == "services"
    left_behind(driver, before)


def test_the_card_taken_away_on_the_face_screen_leaves_no_preview_timer_or_camera_running(
        make_kiosk: Any, tmp_path: Path) -> None:
    driver, _, before = on_face_screen(make_kiosk, tmp_path)
    driver.remove_card()
    assert driver.view.screen == "welcome"
    left_behind(driver, before)
