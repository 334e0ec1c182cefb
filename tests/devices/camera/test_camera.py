from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from devices.camera.camera import Camera, CameraError, CameraNotFoundError, CameraState, CameraStoppedError
from devices.camera.opencv import OpenCvCamera
from devices.camera.simulated import SimulatedCamera


def numbered(i: int, size: tuple[int, int] = (320, 240)) -> np.ndarray:
    """A frame whose mean grey level encodes its number, so order survives resizing and compression."""
    return np.full((size[1], size[0], 3), 20 + 20 * i, dtype=np.uint8)


def write_video(path: Path, count: int, size: tuple[int, int] = (320, 240)) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10.0, size)
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
    assert shot.is_file() and level(cv2.imread(str(shot))) == 2


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
