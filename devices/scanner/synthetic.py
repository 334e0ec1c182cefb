"""Synthetic paper for demos and tests: a page with printed lines, and that page lying on a desk seen from above.

Nothing here is a real person's paper: the text is made-up form wording and random numbers from a seeded
generator, so every run draws the same pages. A desk view puts the page at a perspective (its four corners moved
by a few per cent), optionally blurred (camera out of focus) or with a white reflection (glare).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from devices.scanner.scanner import A4, Image, PageSize

PAPER_BGR = (222, 228, 232)     # paper under room light: bright, but not clipped white
DESK_BGR = (60, 75, 95)         # a dark wooden desk pad, so the page stands out
INK_BGR = (40, 35, 30)
_WORDS = ("CONG HOA XA HOI CHU NGHIA VIET NAM", "Doc lap - Tu do - Hanh phuc", "GIAY XAC NHAN", "So:", "Ngay",
          "Ho va ten", "Noi cu tru", "Ly do", "Nguoi ky", "Ban sao")


def draw_page(size: PageSize = A4, dpi: int = 100, *, number: int = 1, seed: int = 0,
              landscape: bool = False) -> Image:
    """A flat page: a heading, a boxed title, lines of text and a page number, at `dpi`."""
    import cv2

    width, height = size.pixels(dpi, landscape=landscape)
    rng = random.Random(seed * 1000 + number)
    page = np.full((height, width, 3), PAPER_BGR, dtype=np.uint8)
    unit = width / 100  # layout in hundredths of the page width
    scale = max(0.3, width / 1400)
    thick = max(1, round(scale * 2))
    y = round(8 * unit)
    for line in _WORDS[:2]:
        cv2.putText(page, line, (round(10 * unit), y), cv2.FONT_HERSHEY_SIMPLEX, scale, INK_BGR, thick, cv2.LINE_AA)
        y += round(5 * unit)
    cv2.rectangle(page, (round(8 * unit), y), (round(92 * unit), y + round(9 * unit)), INK_BGR, thick)
    cv2.putText(page, f"{_WORDS[2]} {number}", (round(30 * unit), y + round(6 * unit)), cv2.FONT_HERSHEY_DUPLEX,
                scale * 1.4, INK_BGR, thick + 1, cv2.LINE_AA)
    y += round(16 * unit)
    while y < height - 12 * unit:
        words = " ".join(rng.choice(_WORDS[3:]) for _ in range(3))
        text = f"{words} {rng.randrange(10**5, 10**6)}"
        cv2.putText(page, text, (round(8 * unit), y), cv2.FONT_HERSHEY_SIMPLEX, scale, INK_BGR, thick, cv2.LINE_AA)
        y += round(4.5 * unit)
    cv2.putText(page, f"- {number} -", (round(46 * unit), height - round(5 * unit)), cv2.FONT_HERSHEY_SIMPLEX,
                scale, INK_BGR, thick, cv2.LINE_AA)
    return page


@dataclass(frozen=True)
class DeskView:
    """How the page lies under the camera: where, how skewed, how focused, how lit."""

    frame_width: int = 1600
    frame_height: int = 1200
    bed_width_mm: float = 420.0          # the desk width the camera sees
    skew: float = 0.04                   # corner displacement, as a share of the page's size
    blur_sigma: float = 0.0              # Gaussian blur of the whole view (out of focus)
    glare: float = 0.0                   # radius of a clipped white spot, as a share of the page's width
    seed: int = 0

    @property
    def px_per_mm(self) -> float:
        return self.frame_width / self.bed_width_mm


def desk_frame(page: Image, page_size: PageSize, view: DeskView = DeskView(), *,
               landscape: bool = False) -> tuple[Image, np.ndarray]:
    """The camera's view of `page` (of physical size `page_size`) on the desk, and the four corners drawn."""
    import cv2

    rng = random.Random(view.seed)
    frame = np.full((view.frame_height, view.frame_width, 3), DESK_BGR, dtype=np.uint8)
    noise = np.random.default_rng(view.seed).integers(0, 12, frame.shape[:2], dtype=np.uint8)
    frame = np.asarray(cv2.add(frame, cv2.merge([noise, noise, noise])), dtype=np.uint8)
    w_mm, h_mm = (page_size.height_mm, page_size.width_mm) if landscape else (page_size.width_mm, page_size.height_mm)
    w, h = w_mm * view.px_per_mm, h_mm * view.px_per_mm
    if w > view.frame_width * 0.95 or h > view.frame_height * 0.95:
        raise ValueError("the page does not fit in the camera's view; widen bed_width_mm")
    cx, cy = view.frame_width / 2, view.frame_height / 2

    def jitter(extent: float) -> float:
        return rng.uniform(-view.skew, view.skew) * extent
    corners = np.array([
        [cx - w / 2 + jitter(w), cy - h / 2 + jitter(h)], [cx + w / 2 + jitter(w), cy - h / 2 + jitter(h)],
        [cx + w / 2 + jitter(w), cy + h / 2 + jitter(h)], [cx - w / 2 + jitter(w), cy + h / 2 + jitter(h)],
    ], dtype=np.float32)
    ph, pw = page.shape[:2]
    source = np.array([[0, 0], [pw - 1, 0], [pw - 1, ph - 1], [0, ph - 1]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(source, corners)
    warped = cv2.warpPerspective(page, matrix, (view.frame_width, view.frame_height), flags=cv2.INTER_AREA)
    mask = cv2.warpPerspective(np.full((ph, pw), 255, np.uint8), matrix, (view.frame_width, view.frame_height))
    frame[mask > 127] = warped[mask > 127]
    if view.glare > 0:
        radius = round(view.glare * w)
        centre = (round(cx + jitter(w)), round(cy + jitter(h)))
        cv2.circle(frame, centre, radius, (255, 255, 255), -1, cv2.LINE_AA)
    if view.blur_sigma > 0:
        frame = np.asarray(cv2.GaussianBlur(frame, (0, 0), view.blur_sigma), dtype=np.uint8)
    return np.asarray(frame, dtype=np.uint8), corners


def desk_frames(pages: Sequence[Image], page_size: PageSize, view: DeskView = DeskView()) -> list[Image]:
    return [desk_frame(p, page_size, view)[0] for p in pages]
