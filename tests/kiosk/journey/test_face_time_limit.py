"""The face check gives up after a time, not after a number of frames: how many frames are judged per second
depends on the camera and the CPU, and a fast camera must not cut a citizen's attempts short."""

from __future__ import annotations

from collections.abc import Callable

from devices.card.identity import FacePhoto
from devices.face.verifier import FaceFeedback, FaceVerificationResult
from kiosk.journey import CardPlaced, Tick
from tests.kiosk.journey.conftest import Stand


class StillLooking:
    """A verifier that sees a face and never decides (a citizen who does not follow the prompts)."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.frames = 0

    def set_reference(self, photo: FacePhoto) -> None:
        self.frames = 0

    def process(self, frame: object, at: float | None = None) -> FaceFeedback:
        self.frames += 1
        return FaceFeedback(None, None, None, 0.5, None, False)

    def result(self) -> FaceVerificationResult:
        return self.inner.result()  # type: ignore[attr-defined, no-any-return]

    def wipe(self) -> None:
        self.frames = 0


def test_many_fast_frames_do_not_end_the_check_before_its_time(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand(settings={"camera": {"fps": 120}})  # the camera is read at its own pace: keep it quick
    now = [1000.0]
    stand.visit.parts.monotonic = lambda: now[0]
    looking = StillLooking(stand.visit.parts.face_verifier)
    stand.visit.parts.face_verifier = looking  # type: ignore[assignment]
    stand.place()
    view = stand.visit.handle(CardPlaced())
    assert view.screen == "face"
    limit = stand.visit.parts.face_seconds
    for _ in range(700):  # more frames than a 15 fps camera gives in 45 s, judged in far less time
        view = stand.visit.handle(Tick())
    assert view.screen == "face", "the check gave up on frames, before the citizen's time was up"
    now[0] += limit - 1
    assert stand.visit.handle(Tick()).screen == "face"
    now[0] += 1
    view = stand.visit.handle(Tick())
    assert view.screen == "face_failed" and view.error_key == "face.needs_assistance"
    assert looking.frames >= 700
