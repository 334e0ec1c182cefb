"""Page finding and image checks for a document camera: the page outline, its flattening, blur and glare.

The page is the largest convex four-cornered outline in the frame (edges from Canny, outlines simplified with
Douglas–Peucker), flattened by a perspective transform onto a rectangle of its physical size at the output
resolution. Blur is the variance of the Laplacian (Pech-Pacheco et al., 2000), measured at a fixed working width
so the threshold does not depend on the camera's resolution. Glare is the share of the page whose pixels are
clipped in every channel: paper photographed under normal light stays below white, a reflection does not.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from devices.scanner.scanner import (
    MM_PER_INCH,
    Image,
    PageQuality,
    PageSize,
    size_class,
)

HINT_NO_PAGE = "documents.hint_no_page"
HINT_BLURRY = "documents.hint_blurry"
HINT_GLARE = "documents.hint_glare"
HINT_BLANK = "documents.hint_blank"

WORKING_WIDTH = 800        # pixels; sharpness is measured on the page scaled to this width
CLIPPED_LEVEL = 250        # a pixel at or above this in all three channels is blown out
BLANK_STDDEV = 4.0         # grey levels; printed paper varies far more than this, an empty sheet does not

Corners = npt.NDArray[np.float32]
"""4×2 corner points: top-left, top-right, bottom-right, bottom-left."""


@dataclass(frozen=True)
class QualityLimits:
    min_sharpness: float = 50.0      # sharp print measures in the hundreds, an out-of-focus page below 25
    max_glare_fraction: float = 0.02
    min_page_fraction: float = 0.02   # an outline smaller than this share of the frame is not the page (an ID-1 card
    #                                   on a 420 mm wide view is about 3 %)


def order_corners(points: npt.NDArray[np.floating]) -> Corners:
    """Four points in reading order: top-left, top-right, bottom-right, bottom-left."""
    pts = np.asarray(points, dtype=np.float32).reshape(4, 2)
    total = pts.sum(axis=1)
    diff = pts[:, 1] - pts[:, 0]
    return np.array([pts[np.argmin(total)], pts[np.argmin(diff)], pts[np.argmax(total)], pts[np.argmax(diff)]],
                    dtype=np.float32)


def find_page(frame: Image, min_fraction: float = QualityLimits.min_page_fraction) -> Corners | None:
    """The corners of the largest convex four-cornered outline covering at least `min_fraction` of the frame."""
    import cv2

    height, width = frame.shape[:2]
    # Outlines are found on a smaller copy: faster, and paper texture and print no longer break the page's edge.
    scale = min(1.0, 1000.0 / max(height, width))
    small = cv2.resize(frame, (round(width * scale), round(height * scale)), interpolation=cv2.INTER_AREA)
    grey = cv2.GaussianBlur(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY), (5, 5), 0)
    edges = cv2.dilate(cv2.Canny(grey, 40, 120), np.ones((3, 3), np.uint8))
    _, bright = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    best: Corners | None = None
    frame_area = small.shape[0] * small.shape[1]
    best_area = min_fraction * frame_area
    for mask in (edges, bright):
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        for contour in contours:
            hull = cv2.convexHull(contour)
            area = cv2.contourArea(hull)
            # A page is a solid outline (not scattered specks whose hull is large) and never the whole view.
            if area <= best_area or area > 0.95 * frame_area or cv2.contourArea(contour) < 0.85 * area:
                continue
            approx = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True)
            if len(approx) == 4 and cv2.isContourConvex(approx):
                best, best_area = order_corners(approx.reshape(4, 2) / scale), area
    return best


def side_lengths(corners: Corners) -> tuple[float, float]:
    """(width, height) of the outline in pixels: the mean of its opposite sides."""
    tl, tr, br, bl = corners
    width = (np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / 2
    height = (np.linalg.norm(bl - tl) + np.linalg.norm(br - tr)) / 2
    return float(width), float(height)


@dataclass(frozen=True)
class FlatPage:
    image: Image
    size: PageSize
    source_dpi: float


def flatten_page(frame: Image, corners: Corners, px_per_mm: float, dpi: int) -> FlatPage:
    """Warp the outlined page onto a rectangle of its size class at `dpi`, in the orientation it lies in."""
    import cv2

    width_px, height_px = side_lengths(corners)
    landscape = width_px > height_px
    long_mm, short_mm = max(width_px, height_px) / px_per_mm, min(width_px, height_px) / px_per_mm
    size = size_class(long_mm, short_mm)
    out_w, out_h = size.pixels(dpi, landscape=landscape)
    target = np.array([[0, 0], [out_w - 1, 0], [out_w - 1, out_h - 1], [0, out_h - 1]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(corners.astype(np.float32), target)
    flat = cv2.warpPerspective(frame, matrix, (out_w, out_h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)
    return FlatPage(np.asarray(flat, dtype=np.uint8), size, px_per_mm * MM_PER_INCH)


def sharpness(image: Image) -> float:
    """Variance of the Laplacian of the grey image scaled to `WORKING_WIDTH`."""
    import cv2

    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    h, w = grey.shape[:2]
    grey = cv2.resize(grey, (WORKING_WIDTH, max(1, round(h * WORKING_WIDTH / w))), interpolation=cv2.INTER_AREA)
    return float(cv2.Laplacian(grey, cv2.CV_64F).var())


def glare_fraction(image: Image) -> float:
    """Share of pixels clipped in every channel (a reflection of a lamp or a window on glossy paper)."""
    clipped = np.all(image >= CLIPPED_LEVEL, axis=2) if image.ndim == 3 else image >= CLIPPED_LEVEL
    return float(np.count_nonzero(clipped)) / clipped.size


def is_blank(image: Image) -> bool:
    """Nothing printed: the sheet lies the wrong way up (its empty back towards the lens or the glass)."""
    import cv2

    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    # The rim is left out: a page's edge found a pixel or two off brings in a sliver of desk.
    h, w = grey.shape[:2]
    grey = grey[h // 20:h - h // 20, w // 20:w - w // 20]
    small = cv2.resize(grey, (WORKING_WIDTH, max(1, round(grey.shape[0] * WORKING_WIDTH / grey.shape[1]))),
                       interpolation=cv2.INTER_AREA)
    return float(small.std()) < BLANK_STDDEV


def assess(page: Image, limits: QualityLimits, *, camera: bool = True) -> PageQuality:
    """An empty sheet first (turn it over), then blur (take it again whatever else), then glare. A scanner's
    glass and lid leave no reflection and no focus to miss, so `camera=False` judges only emptiness."""
    sharp = sharpness(page)
    glare = glare_fraction(page) if camera else 0.0
    hint = ""
    if is_blank(page):
        hint = HINT_BLANK
    elif not camera:
        hint = ""
    elif sharp < limits.min_sharpness:
        hint = HINT_BLURRY
    elif glare > limits.max_glare_fraction:
        hint = HINT_GLARE
    return PageQuality(sharp, glare, hint)
