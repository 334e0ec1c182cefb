"""What the kiosk's window needs besides the visit, from the journey core's public modules only.

The window (ui/) renders `ScreenView`s and sends commands; around that it has to start the kiosk, say the view's
prompts, turn the card reader's events into commands, show the frames the visit looks at and beat the watchdog.
This module gathers those few things so that ui/ imports nothing of kiosk/ but kiosk.journey (an import-linter
contract in pyproject.toml holds it to that). No Qt here.

The voice says each new view's prompts once (`ViewVoice.say`), through the kiosk's voice guide; the card events
arrive on the reader's thread as `CardPlaced`/`CardRemoved` (ISO/IEC 14443 field entered or left); `FrameTap`
sits between the visit and its camera, which is read on a thread of its own (devices.camera.grabber), so the
preview shows what the lens sees now, as often as the screen repaints, while the face check or the QR reader judges
a frame, without opening the camera a second time. The tap forgets the frame when the camera stops, which the visit
does on every wipe.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from devices.camera.camera import Camera, CameraHealth, CameraState
from devices.camera.grabber import GrabbingCamera
from kiosk.bootstrap import (
    DataFolderError,
    DemoSetup,
    DeviceUnavailableError,
    Kiosk,
    QueueUnavailableError,
    build_kiosk,
    build_visit,
)
from kiosk.config import ConfigError, KioskConfig, load_config
from kiosk.i18n import Translator
from kiosk.journey.commands import CardPlaced, CardRemoved, Command, Frame
from kiosk.journey.context import lang_of
from kiosk.journey.display import DisplayPrefs, apply_volume
from kiosk.journey.visit import Visit
from kiosk.session.events import (
    STAFF_STATES,
    AssistanceEnded,
    AssistanceStarted,
    SessionEvent,
    SessionState,
    SessionWiped,
    StateChanged,
    WipeReason,
)
from kiosk.watchdog import service_heartbeat, watchdog_interval_ms


class FrameTap:
    """A `Camera` that hands every frame on to the visit and the newest one to the screen's preview.

    Behind a `GrabbingCamera` the preview gets what the camera saw last, whether or not the visit has read it yet;
    behind any other camera (a frame held up by `showing`), the frame the visit read last.
    """

    def __init__(self, camera: Camera) -> None:
        self.camera = camera
        self.width = camera.width
        self.height = camera.height
        self.fps = camera.fps
        self._lock = threading.Lock()
        self._last: Frame | None = None
        self.frames = 0

    def start(self) -> None:
        self.camera.start()

    def stop(self) -> None:
        with self._lock:
            self._last = None
        self.camera.stop()

    def read(self) -> Frame:
        frame = self.camera.read()
        with self._lock:
            self._last = frame
            self.frames += 1
        return frame

    def health(self) -> CameraHealth:
        return self.camera.health()

    def snapshot(self, path: Path) -> Path:
        return self.camera.snapshot(path)

    def last_frame(self) -> Frame | None:
        camera = self.camera
        newest = camera.newest() if isinstance(camera, GrabbingCamera) else None
        if newest is not None:
            return newest
        with self._lock:
            return self._last

    def forget(self) -> None:
        with self._lock:
            self._last = None

    @contextmanager
    def showing(self, frame: Frame) -> Iterator[None]:
        """Demos and tests: the camera sees `frame` (a receipt or a card front held up) until the block ends."""
        from devices.camera.simulated import SimulatedCamera

        before = self.camera
        held = SimulatedCamera(None, frames=[frame], width=frame.shape[1], height=frame.shape[0], fps=30,
                               realtime=False)
        held.start()
        self.camera = held
        try:
            yield
        finally:
            self.camera = before
            if held.health().state is CameraState.RUNNING:  # the visit is still looking: it sees the room again
                before.start()
            held.stop()


def open_visit(kiosk: Kiosk) -> tuple[Visit, FrameTap]:
    """The kiosk's visit, its camera grabbed on a thread of its own behind a `FrameTap` for the preview."""
    visit = build_visit(kiosk)
    tap = FrameTap(GrabbingCamera(visit.parts.camera))
    visit.parts.camera = tap
    return visit, tap


def watch_card(kiosk: Kiosk, send: Callable[[Command], None]) -> None:
    """`send(CardPlaced())` / `send(CardRemoved())` from whatever thread the reader reports on."""
    kiosk.watch_card(lambda present: send(CardPlaced() if present else CardRemoved()))


class ViewVoice:
    """Says what the visit has to say (`Visit.utterances()`: each new screen's prompts, the inactivity warning, a
    "Nghe lại") through the kiosk's voice guide. Utterances waiting together are said as one, in order, so none is
    cut off by the next (kiosk.journey.speech_queue decides what may interrupt). Silence is never fatal: the
    screen shows what is said."""

    def __init__(self, kiosk: Kiosk, visit: Visit) -> None:
        self.kiosk = kiosk
        self.visit = visit

    def say_pending(self) -> int:
        """Say everything the visit has queued; returns how many prompts were said."""
        utterances = self.visit.utterances()
        # A prompt with parameters is said as the text the visit made of it: a recording stands in only for a
        # fixed message, and the parameters are already written out in the visit's language.
        messages = [(p.key, {}) if not p.params else ("ui.say_text", {"text": p.text})
                    for u in utterances for p in u.prompts]
        guide = self.kiosk.guide
        guide.follow_screens = False   # the visit's views say every screen: one voice, never two cutting in
        if not messages:
            guide.pump()
            return 0
        try:
            # Only a screen the citizen tapped to (or "Nghe lại") cuts what is being said; the policy puts such an
            # utterance first, having dropped what waited before it. Anything else waits for the speaker.
            guide.speak_all(messages, utterances[-1].language, interrupt=utterances[0].interrupt)
        except Exception:  # a broken voice must not stop the visit
            logging.getLogger(__name__).warning("the voice could not say the prompts of %s", utterances[-1].screen)
        return len(messages)

    def volume_changed(self, prefs: DisplayPrefs) -> int:
        """The citizen chose a louder or quieter voice: the speaker takes it and says so at the new volume."""
        volume = apply_volume(prefs, self.kiosk.guide)
        try:
            language = lang_of(self.visit.session.language)
            self.kiosk.guide.speak_all([("ui.display_volume_now", {})], language, interrupt=True)
        except Exception:  # a broken voice must not stop the visit
            logging.getLogger(__name__).warning("the voice could not confirm the new volume")
        return volume

    def follow_display(self, prefs: DisplayPrefs) -> int:
        """Put the speaker at `prefs`' volume without a word (a wipe back to the defaults)."""
        return apply_volume(prefs, self.kiosk.guide)


__all__ = ["STAFF_STATES", "AssistanceEnded", "AssistanceStarted", "ConfigError", "DataFolderError", "DemoSetup",
           "DeviceUnavailableError", "FrameTap", "Kiosk", "KioskConfig", "QueueUnavailableError", "SessionEvent",
           "SessionState", "SessionWiped", "StateChanged", "Translator", "ViewVoice", "WipeReason", "build_kiosk",
           "load_config", "open_visit", "service_heartbeat", "watch_card", "watchdog_interval_ms"]
