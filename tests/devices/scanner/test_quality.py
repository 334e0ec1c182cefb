"""Page finding, flattening and the blur, glare and blank checks, on drawn desk views with known corners."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from devices.scanner import quality as q
from devices.scanner.scanner import A4, A5, ID1, PageSize, size_class
from devices.scanner.synthetic import DESK_BGR, DeskView, desk_frame, draw_page

VIEW = DeskView(frame_width=1600, frame_height=1300, bed_width_mm=460.0)


def test_output_pixels_follow_the_physical_size_at_the_resolution() -> None:
    assert A4.pixels(200) == (1654, 2339)       # 210 mm and 297 mm at 200 dpi, rounded up
    assert A4.pixels(300) == (2481, 3508)
    assert A5.pixels(200) == (1166, 1654)
    assert A5.pixels(200, landscape=True) == (1654, 1166)
    assert ID1.pixels(200) == (426, 675)


def test_size_classes_are_told_apart_by_both_sides() -> None:
    assert size_class(300, 205) is A4
    assert size_class(212, 150) is A5
    assert size_class(86, 54) is ID1
    assert size_class(150, 100) is A5   # nearer A5 than an ID card


@pytest.mark.parametrize("size", [A4, A5, ID1], ids=lambda s: s.name)
@pytest.mark.parametrize("landscape", [False, True])
def test_the_page_is_found_at_its_drawn_corners(size: PageSize, landscape: bool) -> None:
    page = draw_page(size, 120, landscape=landscape)
    frame, drawn = desk_frame(page, size, DeskView(1600, 1300, 460.0, seed=5), landscape=landscape)
    found = q.find_page(frame)
    assert found is not None
    assert np.abs(found - drawn).max() < 4.0  # pixels, in a 1600 px wide view


@pytest.mark.parametrize("size", [A4, A5, ID1], ids=lambda s: s.name)
def test_flattening_gives_the_size_class_at_200_dpi_and_undoes_the_perspective(size: PageSize) -> None:
    page = draw_page(size, 150, number=3)
    frame, _ = desk_frame(page, size, DeskView(1600, 1300, 460.0, skew=0.05, seed=2))
    corners = q.find_page(frame)
    assert corners is not None
    flat = q.flatten_page(frame, corners, VIEW.px_per_mm, 200)
    assert flat.size is size
    assert flat.image.shape[1::-1] == size.pixels(200)
    assert flat.source_dpi == pytest.approx(1600 / 460 * 25.4)
    # The flattened page matches the drawn one; the tilted page's bounding box (no correction) does not.
    width = 120
    target = cv2.cvtColor(cv2.resize(page, (width, round(width * page.shape[0] / page.shape[1])),
                                     interpolation=cv2.INTER_AREA), cv2.COLOR_BGR2GRAY).astype(float)

    def likeness(image: np.ndarray) -> float:
        grey = cv2.cvtColor(cv2.resize(image, target.shape[::-1], interpolation=cv2.INTER_AREA), cv2.COLOR_BGR2GRAY)
        h, w = grey.shape
        inner = (slice(h // 20, h - h // 20), slice(w // 20, w - w // 20))  # the rim may hold a sliver of desk
        return float(np.corrcoef(grey[inner].astype(float).ravel(), target[inner].ravel())[0, 1])
    x, y, w, h = cv2.boundingRect(corners.astype(np.int32))
    assert likeness(flat.image) > 0.7
    assert likeness(frame[y:y + h, x:x + w]) < 0.4


def test_an_empty_desk_has_no_page() -> None:
    frame, _ = desk_frame(draw_page(A4, 60), A4, VIEW)
    frame[:] = DESK_BGR
    assert q.find_page(frame) is None


def _flat(view: DeskView, page: np.ndarray | None = None) -> np.ndarray:
    frame, _ = desk_frame(draw_page(A4, 150) if page is None else page, A4, view)
    corners = q.find_page(frame)
    assert corners is not None
    return q.flatten_page(frame, corners, view.px_per_mm, 200).image


def test_a_sharp_clean_page_passes_every_check() -> None:
    quality = q.assess(_flat(VIEW), q.QualityLimits())
    assert quality.ok and quality.hint_key == ""
    assert quality.sharpness > 2 * q.QualityLimits().min_sharpness


def test_an_out_of_focus_page_is_called_blurred() -> None:
    view = DeskView(1600, 1300, 460.0, blur_sigma=3.0)
    quality = q.assess(_flat(view), q.QualityLimits())
    assert quality.hint_key == q.HINT_BLURRY
    assert quality.sharpness < q.QualityLimits().min_sharpness / 2


def test_a_reflection_on_the_page_is_called_glare() -> None:
    quality = q.assess(_flat(DeskView(1600, 1300, 460.0, glare=0.12)), q.QualityLimits())
    assert quality.hint_key == q.HINT_GLARE
    assert quality.glare_fraction > q.QualityLimits().max_glare_fraction
    assert q.glare_fraction(_flat(VIEW)) < 0.001  # paper under room light is bright but not clipped


def test_an_empty_sheet_is_called_blank_before_anything_else() -> None:
    blank = draw_page(A4, 150)
    blank[:] = (222, 228, 232)
    assert q.assess(_flat(VIEW, blank), q.QualityLimits()).hint_key == q.HINT_BLANK


def test_a_scanner_page_is_judged_only_for_emptiness() -> None:
    white = np.full((400, 300, 3), 255, np.uint8)
    cv2.putText(white, "So 123", (20, 200), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (0, 0, 0), 2)
    # All that white is clipped; from a camera it would be glare, from a scanner's glass it is just paper.
    assert q.assess(white, q.QualityLimits(), camera=True).hint_key == q.HINT_GLARE
    assert q.assess(white, q.QualityLimits(), camera=False).ok
