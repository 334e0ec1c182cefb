"""The document-camera back end over a simulated camera, the simulated scanner, and SANE's argument checks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from devices.camera.simulated import SimulatedCamera
from devices.scanner import quality as q
from devices.scanner.camera import CameraDocumentScanner
from devices.scanner.sane import SaneScanner, is_feeder
from devices.scanner.scanner import (
    A4,
    A5,
    CoverOpenError,
    DocumentScanner,
    NoPaperError,
    PaperJamError,
    ScannerNotFoundError,
)
from devices.scanner.simulated import SimulatedScanner
from devices.scanner.synthetic import DESK_BGR, DeskView, desk_frame, draw_page

VIEW = DeskView(frame_width=1600, frame_height=1300, bed_width_mm=460.0)


def _camera(frames: list[np.ndarray]) -> SimulatedCamera:
    return SimulatedCamera(None, width=VIEW.frame_width, height=VIEW.frame_height, frames=frames, realtime=False)


def _view(**changes: float) -> DeskView:
    return DeskView(VIEW.frame_width, VIEW.frame_height, VIEW.bed_width_mm, **changes)  # type: ignore[arg-type]


def test_the_camera_back_end_keeps_the_sharpest_frame_showing_a_page() -> None:
    page = draw_page(A5, 150)
    blurred = desk_frame(page, A5, _view(blur_sigma=3.0))[0]
    sharp = desk_frame(page, A5, VIEW)[0]
    scanner = CameraDocumentScanner(_camera([blurred, sharp, blurred]), bed_width_mm=460.0, frames=3,
                                    warmup_frames=0)
    assert isinstance(scanner, DocumentScanner)
    (result,) = scanner.scan()
    assert result.quality.ok
    assert result.size is A5 and result.dpi == 200
    assert result.image.shape[1::-1] == A5.pixels(200)


def test_only_blurred_frames_give_the_blur_hint() -> None:
    blurred = desk_frame(draw_page(A4, 150), A4, _view(blur_sigma=3.0))[0]
    scanner = CameraDocumentScanner(_camera([blurred]), bed_width_mm=460.0, frames=2, warmup_frames=1)
    (result,) = scanner.scan()
    assert result.quality.hint_key == q.HINT_BLURRY


def test_no_page_in_view_gives_the_no_page_hint() -> None:
    empty = np.full((VIEW.frame_height, VIEW.frame_width, 3), DESK_BGR, np.uint8)
    (result,) = CameraDocumentScanner(_camera([empty]), bed_width_mm=460.0, frames=2).scan()
    assert result.quality.hint_key == q.HINT_NO_PAGE


def test_the_camera_is_released_after_each_press() -> None:
    camera = _camera([desk_frame(draw_page(A4, 100), A4, VIEW)[0]])
    CameraDocumentScanner(camera, bed_width_mm=460.0, frames=1).scan()
    assert camera.health().state.value == "stopped"


def test_a_missing_camera_is_a_scanner_not_found(tmp_path: Path) -> None:
    camera = SimulatedCamera(tmp_path / "nothing-here", width=640, height=480, realtime=False)
    scanner = CameraDocumentScanner(camera, bed_width_mm=420.0)
    with pytest.raises(ScannerNotFoundError) as caught:
        scanner.scan()
    assert caught.value.message_key == "documents.scanner_unavailable"
    health = scanner.check()
    assert not health.ok and "nothing-here" in health.detail


def test_the_technician_check_flags_a_view_too_coarse_for_the_output() -> None:
    frame = desk_frame(draw_page(A4, 60), A4, VIEW)[0]
    coarse = CameraDocumentScanner(_camera([frame]), bed_width_mm=460.0).check()   # 88 dpi on the desk
    assert not coarse.ok and "88 dpi" in coarse.detail
    fine = CameraDocumentScanner(_camera([frame]), bed_width_mm=160.0).check()     # 254 dpi
    assert fine.ok


def test_an_output_under_200_dpi_is_refused() -> None:
    with pytest.raises(ValueError, match="200 dpi"):
        CameraDocumentScanner(_camera([]), bed_width_mm=420.0, dpi=150)
    with pytest.raises(ValueError, match="200 dpi"):
        SaneScanner("test", dpi=150)
    with pytest.raises(ValueError, match="200 dpi"):
        SimulatedScanner(dpi=150)


def test_the_simulated_scanner_plays_its_script_through_the_camera_path() -> None:
    scanner = SimulatedScanner(script=["blurry", "glare", "no_page", "blank", "jam", "no_paper", "cover_open"],
                               view=DeskView(1600, 1300, 460.0))
    assert isinstance(scanner, DocumentScanner)
    hints = [scanner.scan()[0].quality.hint_key for _ in range(4)]
    assert hints == [q.HINT_BLURRY, q.HINT_GLARE, q.HINT_NO_PAGE, q.HINT_BLANK]
    for error in (PaperJamError, NoPaperError, CoverOpenError):
        with pytest.raises(error):
            scanner.scan()
    (good,) = scanner.scan()   # after the script: good pages
    assert good.quality.ok and good.size is A4 and good.image.shape[1::-1] == A4.pixels(200)


def test_the_simulated_flatbed_returns_flat_pages_at_the_resolution() -> None:
    scanner = SimulatedScanner(kind="flatbed", dpi=300, page_size=A5, script=["blank"])
    assert scanner.scan()[0].quality.hint_key == q.HINT_BLANK
    (page,) = scanner.scan()
    assert page.quality.ok and page.dpi == 300 and page.image.shape[1::-1] == A5.pixels(300)


def test_the_simulated_scanner_refuses_an_unknown_step() -> None:
    with pytest.raises(ValueError, match="smudge"):
        SimulatedScanner(script=["smudge"])


@pytest.mark.parametrize("device", ["-x", "--help", "a b", ""])
def test_sane_device_names_cannot_pose_as_options(device: str) -> None:
    if device:
        with pytest.raises(ValueError):
            SaneScanner(device)
    else:
        assert SaneScanner(device).device == ""


def test_sane_back_end_options_must_be_long_options() -> None:
    assert SaneScanner("test", options=["--test-picture=Grid"]).options == ("--test-picture=Grid",)
    with pytest.raises(ValueError):
        SaneScanner("test", options=["-d nosuch"])


def test_feeder_sources_are_recognised_by_their_sane_names() -> None:
    assert is_feeder("ADF") and is_feeder("Automatic Document Feeder") and is_feeder("ADF Duplex")
    assert not is_feeder("Flatbed") and not is_feeder("")


def test_a_missing_scanimage_is_reported_by_name() -> None:
    scanner = SaneScanner("test", program="scanimage-not-installed")
    with pytest.raises(ScannerNotFoundError, match="sane-utils"):
        scanner.scan()
    assert not scanner.check().ok
