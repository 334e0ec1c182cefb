"""Live preview on the face screen while the face check (with its PAD cues) runs: does the citizen see a fluid image?

    .venv/bin/python bench/face_preview.py [--seconds 8] [--fps 30] [--load 0] [--cache DIR]

The real kiosk window on Qt's offscreen platform, with the emulated card reader and the simulated camera playing a
generated 640×480 clip at `--fps` (a packaged photo of a person moving slightly, so every frame differs), and the
real `DlibFaceVerifier` built from the kiosk's `[face]` settings. The chip holds another photo of the same person
(the `face-recognition` 1.3.0 source distribution's test images, fetched once with pip into the cache). The card is
placed, its front's QR code held to the camera, and the visit reaches the face screen as a citizen's would; then the
window's own timers run the event loop for `--seconds` while the clip plays without answering the challenge, so the
check keeps judging frames all along. `--load N` keeps N other processes busy on the CPU meanwhile (a kiosk whose
other services, or a slow verifier, take the cores).

Reported while the face check runs:
- preview fps: distinct camera frames painted per second (a painted frame counts when its content differs from the
  one painted before it); target ≥ 15;
- GUI latency: how late a 0-ms single-shot QTimer fires, posted every 20 ms (p50/p95/max); whatever blocks the GUI
  thread (painting, page rebuilds, judging done on it) shows here;
- judged fps: frames the verifier judged per second, and its time per frame (no target: the decision does not need
  every frame).
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any QApplication exists

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# bench/queue.py would shadow the standard library's queue (the task runner's thread pool needs it).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(ROOT))

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from devices.face.analysis import DlibFaceAnalyzer  # noqa: E402

FIXED_NOW = datetime(2026, 3, 2, 9, 0)
CHIP_PHOTO = "obama2.jpg"   # the reference in the chip
PROBE_PHOTO = "obama.jpg"   # who stands in front of the camera
TARGET_FPS = 15.0
SDIST = "face-recognition==1.3.0"  # its tests/test_images hold several photos of one person


def fetch_faces(cache: Path) -> Path:
    """The two photos this bench needs, from the source distribution on PyPI (fetched once with pip)."""
    target = cache / "test_images"
    wanted = (CHIP_PHOTO, PROBE_PHOTO)
    if all((target / name).is_file() for name in wanted):
        return target
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", SDIST,
                        "-d", tmp, "--quiet", "--disable-pip-version-check"], check=True, timeout=300,
                       capture_output=True)
        target.mkdir(parents=True, exist_ok=True)
        with tarfile.open(next(Path(tmp).glob("face_recognition-*.tar.gz"))) as tar:
            for member in tar.getmembers():
                parts = Path(member.name).parts
                if member.isfile() and parts[-3:-1] == ("tests", "test_images") and parts[-1] in wanted:
                    data = tar.extractfile(member)
                    if data is not None:
                        (target / parts[-1]).write_bytes(data.read())
    return target


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


def face_crop(analyzer: DlibFaceAnalyzer, image: np.ndarray, face_fraction: float, size: tuple[int, int]) -> np.ndarray:
    """`image` scaled so the face is `face_fraction` of the output width, centred a little above the middle."""
    box = analyzer.detect(image)[0]
    w, h = size
    scale = face_fraction * w / box.width
    cx, cy = box.centre
    matrix = np.array([[scale, 0, w / 2 - cx * scale], [0, scale, h * 0.45 - cy * scale]], dtype=np.float32)
    out: np.ndarray = cv2.warpAffine(image, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return out


def make_clip(analyzer: DlibFaceAnalyzer, photo: np.ndarray, path: Path, fps: float, seconds: float = 4.0) -> Path:
    """A looping 640×480 clip of the person swaying a few pixels, tilting and leaning in a little: every frame
    differs from the one before, as a live camera's do."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), fps, (640, 480))
    if not writer.isOpened():
        raise RuntimeError("OpenCV cannot write an MJPG clip")
    n = round(fps * seconds)
    base = face_crop(analyzer, photo, 0.4, (1280, 960))
    for i in range(n):
        phase = 2 * math.pi * i / n
        matrix = np.asarray(cv2.getRotationMatrix2D((640.0, 432.0), 1.5 * math.sin(phase),
                                                    0.5 * (1 + 0.02 * math.sin(2 * phase))), dtype=np.float64)
        matrix[:, 2] += np.array([6 * math.sin(phase) - 320, 3 * math.cos(phase) - 216])
        writer.write(cv2.warpAffine(base, matrix, (640, 480), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_REPLICATE))
    writer.release()
    return path


def make_card(analyzer: DlibFaceAnalyzer, photo: np.ndarray, folder: Path) -> tuple[Any, Any, str]:
    """The demo citizen's card with `photo` as the chip's portrait: (card image, trust store, front QR text)."""
    from devices.card.emulator.issuer import TestIssuer
    from devices.card.emulator.personalise import personalise
    from devices.card.emulator.profile import load_profile, shipped_profiles_folder
    from devices.card.trust.trust_store import TrustStore
    from kiosk.bootstrap import card_front_qr

    portrait = face_crop(analyzer, photo, 0.5, (360, 480))
    cv2.imwrite(str(folder / "portrait.jpg"), portrait)
    (folder / "bench.toml").write_text((shipped_profiles_folder() / "demo.toml").read_text(encoding="utf-8"),
                                       encoding="utf-8")
    profile = load_profile(folder / "bench.toml")
    issuer = TestIssuer.generate(dsc_not_before=FIXED_NOW.replace(tzinfo=UTC) - timedelta(days=1))
    return personalise(profile, issuer), TrustStore.from_certificates([issuer.csca_der]), card_front_qr(profile)


class Recorder:
    """What the preview painted, from the frame source it reads: a paint counts as new when the content changed."""

    def __init__(self) -> None:
        self.painting = False
        self.recording = False
        self.paints = 0
        self.distinct = 0
        self._last: bytes | None = None

    def wrap(self, source: Any) -> Any:
        def frame() -> Any:
            got = source()
            if self.painting and self.recording and got is not None:
                self.paints += 1
                digest = np.ascontiguousarray(got[::8, ::8]).tobytes()
                if digest != self._last:
                    self.distinct += 1
                    self._last = digest
            return got
        return frame


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="how long to measure on the face screen")
    parser.add_argument("--fps", type=float, default=30.0, help="the camera clip's frame rate")
    parser.add_argument("--load", type=int, default=0, help="CPU-bound processes running meanwhile")
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "kiosk-test-faces")
    args = parser.parse_args()

    from PySide6.QtCore import QEventLoop, QTimer

    from devices.face.dlib_verifier import DlibFaceVerifier, analyzer_for
    from devices.face.settings import FaceSettings
    from kiosk.bootstrap import DemoSetup, build_kiosk
    from kiosk.config import load_config
    from ui.app import start_window
    from ui.demo import Driver, qr_frame
    from ui.screens.journey import FramePreview

    faces = fetch_faces(args.cache)
    analyzer = DlibFaceAnalyzer()
    analyzer.load()
    chip, probe = (np.asarray(cv2.imread(str(faces / name)), dtype=np.uint8) for name in (CHIP_PHOTO, PROBE_PHOTO))

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        clip = make_clip(analyzer, probe, folder / "probe.avi", args.fps)
        card, trust, front = make_card(analyzer, chip, folder)
        config = load_config(None, {"kiosk": {"data_dir": str(folder / "data")}, "speech": {"backend": "silent"},
                                    "camera": {"backend": "simulated", "video": str(clip), "fps": round(args.fps)}})
        setup = DemoSetup(enabled=True, fast=False, now=FIXED_NOW, card_image=card, card_trust=trust,
                          card_front_qr=front)
        kiosk = build_kiosk(config, setup)
        app, window, handler = start_window(kiosk, show=True)
        driver = Driver(window)
        settings = FaceSettings.from_mapping(dataclasses.asdict(config.face))
        judged: list[float] = []
        seen: dict[str, int] = {}   # what the check said to the citizen, frame by frame (face found or not)

        class TimedVerifier(DlibFaceVerifier):
            """The real verifier, timing each frame the visit hands it."""

            def process(self, frame: Any, at: float | None = None) -> Any:
                started = time.perf_counter()
                try:
                    feedback = super().process(frame, at)
                finally:
                    judged.append(time.perf_counter() - started)
                said = feedback.hint_key or feedback.challenge_key or "-"
                said += " (face found)" if feedback.face_box is not None else " (no face)"
                seen[said] = seen.get(said, 0) + 1
                return feedback

        verifier = TimedVerifier(analyzer_for(settings), settings)
        verifier.analyzer.load()
        driver.visit.parts.face_verifier = verifier
        kiosk.session.register_collaborator(verifier)

        recorder = Recorder()
        window.journey._frame = recorder.wrap(window.journey._frame)
        paint = FramePreview.paintEvent

        def recorded_paint(self: FramePreview, event: Any) -> None:
            recorder.painting = True
            try:
                paint(self, event)
            finally:
                recorder.painting = False

        FramePreview.paintEvent = recorded_paint  # type: ignore[method-assign]

        with driver.held_to_camera(qr_frame(front)):
            driver.insert_card()
        if driver.view.screen != "face":
            print(f"the visit did not reach the face screen (on {driver.view.screen})", file=sys.stderr)
            return 1

        lateness: list[float] = []

        def probe_loop() -> None:
            posted = time.perf_counter()
            QTimer.singleShot(0, lambda: lateness.append((time.perf_counter() - posted) * 1000))

        poster = QTimer()
        poster.timeout.connect(probe_loop)
        hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(args.load)]
        try:
            judged.clear()
            seen.clear()
            recorder.recording = True
            cpu0, started = time.process_time(), time.perf_counter()
            poster.start(20)
            loop = QEventLoop()
            ends = QTimer()
            ends.timeout.connect(lambda: loop.quit() if driver.view.screen != "face"
                                 or time.perf_counter() - started >= args.seconds else None)
            ends.start(50)
            loop.exec()
            poster.stop()
            ends.stop()
        finally:
            for hog in hogs:
                hog.kill()
                hog.wait()
        recorder.recording = False
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu0
        screen = driver.view.screen
        handler.uninstall()
        window.close()
        window.ctx.tasks.shutdown()
        kiosk.close()
        del app

    preview_fps = recorder.distinct / elapsed
    judged_ms = [s * 1000 for s in judged]
    print(f"Face screen, {elapsed:.1f} s measured (ended on: {screen}); camera clip 640×480 at {args.fps:g} fps; "
          f"real DlibFaceVerifier; {os.cpu_count()} CPUs, {args.load} busy processes besides; this process used "
          f"{cpu / elapsed * 100:.0f} % of one core")
    print(f"{'measure':44} {'value':>10}  target")
    print(f"{'preview: distinct frames painted / s':44} {preview_fps:10.1f}  ≥ {TARGET_FPS:g} "
          f"({'met' if preview_fps >= TARGET_FPS else 'NOT met'})")
    print(f"{'preview: paints / s':44} {recorder.paints / elapsed:10.1f}")
    if lateness:
        print(f"{'GUI latency (0-ms QTimer lateness) p50, ms':44} {statistics.median(lateness):10.1f}")
        print(f"{'GUI latency p95, ms':44} {percentile(lateness, 95):10.1f}")
        print(f"{'GUI latency max, ms':44} {max(lateness):10.1f}")
    print(f"{'judged frames / s':44} {len(judged) / elapsed:10.1f}  as the CPU gives")
    if judged_ms:
        print(f"{'time per judged frame p50, ms':44} {statistics.median(judged_ms):10.1f}")
        print(f"{'time per judged frame p95, ms':44} {percentile(judged_ms, 95):10.1f}")
    print("what the check said over the judged frames: " + ", ".join(f"{k} ×{n}" for k, n in sorted(seen.items())))
    return 0 if preview_fps >= TARGET_FPS else 2


if __name__ == "__main__":
    sys.exit(main())
