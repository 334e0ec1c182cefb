from __future__ import annotations

import queue
import threading
from pathlib import Path

import cv2
import numpy as np
import pytest

from devices.camera.camera import (
    Camera,
    CameraError,
    CameraHealth,
    CameraNotFoundError,
    CameraState,
    CameraStoppedError,
)
from devices.camera.grabber import GrabbingCamera
from devices.camera.opencv import OpenCvCamera
from devices.camera.simulated import SimulatedCamera


def numbered(i: int, size: tuple[int, int] = (320, 240)) -> np.ndarray:
    """A frame whose mean grey level encodes its number, so order survives resizing and compression."""
    return np.full((size[1], size[0], 3), 20 + 20 * i, dtype=np.uint8)


def write_video(path: Path, count: int, size: tuple[int, int] = (320, 240)) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 10.0, size)
    assert writer.isOpened()
    for i in range(count):
        writer.write(numbered(i, size))
    writer.release()
    return path


def level(frame: np.ndarray) -> int:
    return round((float(frame.mean()) - 20) / 20)


def test_an_image_folder_plays_in_a_loop_at_the_configured_size(tmp_path: Path) -> None:
    for i in range(3):
        cv2.imwrite(str(tmp_path / f"{i:02d}.png"), numbered(i, (200, 300)))
    camera = SimulatedCamera(tmp_path, width=640, height=480, realtime=False)
    camera.start()
    frames = [camera.read() for _ in range(7)]
    assert [level(f) for f in frames] == [0, 1, 2, 0, 1, 2, 0]
    assert all(f.shape == (480, 640, 3) and f.dtype == np.uint8 for f in frames)
    assert camera.health().frames_delivered == 7 and camera.health().state is CameraState.RUNNING


def test_a_video_file_plays_in_a_loop(tmp_path: Path) -> None:
    camera = SimulatedCamera(write_video(tmp_path / "clip.avi", 4), width=320, height=240, realtime=False)
    camera.start()
    assert [level(camera.read()) for _ in range(6)] == [0, 1, 2, 3, 0, 1]
    camera.stop()
    with pytest.raises(CameraStoppedError):
        camera.read()


def test_a_video_can_keep_its_recorded_rate(tmp_path: Path) -> None:
    clip = write_video(tmp_path / "clip.avi", 2)
    keeps = SimulatedCamera(clip, fps=25.0, realtime=False, use_source_fps=True)
    keeps.start()
    assert keeps.fps == pytest.approx(10.0)
    overrides = SimulatedCamera(clip, fps=25.0, realtime=False)
    overrides.start()
    assert overrides.fps == 25.0


def test_a_video_played_once_reports_its_end(tmp_path: Path) -> None:
    camera = SimulatedCamera(write_video(tmp_path / "clip.avi", 2), realtime=False, loop=False)
    camera.start()
    camera.read()
    camera.read()
    with pytest.raises(CameraError):
        camera.read()


def test_frames_come_at_the_configured_rate() -> None:
    now = [0.0]
    waits: list[float] = []

    def sleep(s: float) -> None:
        waits.append(s)
        now[0] += s

    camera = SimulatedCamera(frames=[numbered(0)], fps=10.0, clock=lambda: now[0], sleep=sleep)
    camera.start()
    for _ in range(5):
        camera.read()
    assert now[0] == pytest.approx(0.4)
    assert camera.health().measured_fps == pytest.approx(12.5)  # 5 frames over the 0.4 s it has run


def test_a_missing_source_is_reported_on_start(tmp_path: Path) -> None:
    camera = SimulatedCamera(tmp_path / "nothing-here.avi")
    with pytest.raises(CameraNotFoundError) as caught:
        camera.start()
    assert caught.value.message_key == "face.camera_unavailable"
    assert camera.health().state is CameraState.FAILED
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(CameraNotFoundError):
        SimulatedCamera(empty).start()


def test_frames_reach_the_disk_only_through_snapshot(tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    cv2.imwrite(str(source / "a.png"), numbered(2))
    out = tmp_path / "out"
    out.mkdir()
    camera = SimulatedCamera(source, realtime=False)
    camera.start()
    for _ in range(5):
        camera.read()
    assert list(out.iterdir()) == []
    shot = camera.snapshot(out / "diag.png")
    written = cv2.imread(str(shot))
    assert shot.is_file() and written is not None and level(np.asarray(written, dtype=np.uint8)) == 2


def test_opencv_camera_reads_a_stream_and_refuses_a_missing_device(tmp_path: Path) -> None:
    clip = write_video(tmp_path / "stream.avi", 3)
    camera = OpenCvCamera(str(clip), width=640, height=480)  # a file path stands in for a stream URL
    camera.start()
    frame = camera.read()
    assert frame.shape == (480, 640, 3) and level(frame) == 0
    camera.stop()
    camera.stop()
    missing = OpenCvCamera(str(tmp_path / "no-such-stream.avi"))
    with pytest.raises(CameraNotFoundError):
        missing.start()
    assert missing.health().state is CameraState.FAILED


def test_both_cameras_implement_the_interface(tmp_path: Path) -> None:
    assert isinstance(OpenCvCamera(), Camera)
    assert isinstance(SimulatedCamera(tmp_path), Camera)


class HandFedCamera:
    """A camera whose `read()` returns the frames the test hands it, one by one, blocking until there is one.

    With `keeps_going` it behaves like a device left running: when nothing was handed in, a read returns a dark
    frame after a few milliseconds instead of waiting."""

    def __init__(self, fps: float = 1000.0, keeps_going: bool = False) -> None:
        self.width, self.height, self.fps = 320, 240, fps
        self.keeps_going = keeps_going
        self.feed: queue.Queue[np.ndarray | Exception] = queue.Queue()
        self.reads = 0
        self.started = self.stopped = 0
        self.reading_while_stopped = False

    def start(self) -> None:
        self.started += 1

    def stop(self) -> None:
        self.stopped += 1

    def read(self) -> np.ndarray:
        if self.stopped >= self.started:
            self.reading_while_stopped = True
        while True:
            try:
                item = self.feed.get(timeout=0.005)
                break
            except queue.Empty:
                if self.keeps_going:
                    item = numbered(9)
                    break
        if isinstance(item, Exception):
            raise item
        self.reads += 1
        return item

    def health(self) -> CameraHealth:
        return CameraHealth(CameraState.RUNNING, self.reads, 0.0, None)

    def snapshot(self, path: Path) -> Path:
        raise NotImplementedError


def shut(camera: GrabbingCamera, source: HandFedCamera) -> None:
    """Stop as on a kiosk: the device goes on delivering frames until it is released."""
    source.keeps_going = True
    camera.stop()


def grabbed(camera: GrabbingCamera, count: int) -> None:
    """Wait (bounded) until the grabbing thread has taken `count` frames from the camera."""
    for _ in range(500):
        if camera.frames_grabbed >= count:
            return
        threading.Event().wait(0.01)
    raise AssertionError(f"only {camera.frames_grabbed} of {count} frames grabbed")


def test_a_grabbed_camera_hands_the_judge_only_new_frames_and_the_newest_first() -> None:
    source = HandFedCamera()
    camera = GrabbingCamera(source)
    camera.start()
    try:
        assert camera.newest() is None  # nothing seen yet, and asking does not wait
        for i in range(3):
            source.feed.put(numbered(i))
        grabbed(camera, 3)
        assert level(camera.read()) == 2          # frames 0 and 1 came while nobody read: skipped
        newest = camera.newest()
        assert newest is not None and level(newest) == 2
        source.feed.put(numbered(3))
        assert level(camera.read()) == 3          # waits for the camera's next frame, never the same one twice
        assert isinstance(camera, Camera)
    finally:
        shut(camera, source)


def test_a_grabbed_camera_keeps_the_newest_frame_while_a_reader_is_busy() -> None:
    source = HandFedCamera()
    camera = GrabbingCamera(source)
    camera.start()
    try:
        source.feed.put(numbered(0))
        first = camera.read()
        # The judge is busy with `first`: the camera goes on, and the preview sees each new frame as it comes.
        shown = []
        for i in range(1, 4):
            source.feed.put(numbered(i))
            grabbed(camera, i + 1)
            newest = camera.newest()
            assert newest is not None
            shown.append(level(newest))
        assert level(first) == 0 and shown == [1, 2, 3]
    finally:
        shut(camera, source)


def grabbing_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name == "camera-grab" and t.is_alive()}


def test_stopping_a_grabbed_camera_forgets_the_frame_and_releases_the_device() -> None:
    source = HandFedCamera(keeps_going=True)
    camera = GrabbingCamera(source)
    before = grabbing_threads()
    camera.start()
    assert len(grabbing_threads() - before) == 1
    source.feed.put(numbered(0))
    grabbed(camera, 1)
    camera.stop()
    assert camera.newest() is None and source.stopped == 1
    assert grabbing_threads() <= before
    assert not source.reading_while_stopped  # released only once nobody reads it
    with pytest.raises(CameraStoppedError):
        camera.read()
    camera.stop()  # twice is fine
    camera.start()  # and it starts again, from a clean slate
    try:
        assert source.started == 2
        assert level(camera.read()) == 9
    finally:
        camera.stop()


def test_a_failing_camera_reaches_the_reader_as_a_camera_error() -> None:
    source = HandFedCamera()
    camera = GrabbingCamera(source, stall_s=5.0)
    camera.start()
    try:
        source.feed.put(numbered(0))
        assert level(camera.read()) == 0
        source.feed.put(RuntimeError("driver crashed"))
        with pytest.raises(CameraError):
            camera.read()
        assert camera.health().state is CameraState.FAILED
        assert camera.newest() is None  # no frozen picture of the past on the preview
    finally:
        shut(camera, source)


def test_a_stalled_camera_is_reported_after_the_stall_limit() -> None:
    source = HandFedCamera()
    camera = GrabbingCamera(source, stall_s=0.05)
    camera.start()
    try:
        with pytest.raises(CameraError):
            camera.read()
    finally:
        shut(camera, source)


def test_a_recording_played_as_fast_as_it_is_read_is_grabbed_at_the_camera_rate() -> None:
    # realtime=False: the simulator never waits, so only the grabber's own pacing keeps its thread from spinning.
    source = SimulatedCamera(frames=[numbered(i) for i in range(4)], fps=20.0, realtime=False)
    camera = GrabbingCamera(source)
    camera.start()
    try:
        levels = [level(camera.read()) for _ in range(4)]
    finally:
        camera.stop()
    assert levels == sorted(levels) and len(set(levels)) == 4  # in order, each new
    # 4 reads at 20 fps take ~0.15 s; a spinning thread would have looped the 4 frames hundreds of times by then.
    assert source.health().frames_delivered < 40
