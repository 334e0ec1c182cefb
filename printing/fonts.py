"""The typeface every document is set in: DejaVu Sans, which covers all Vietnamese letters (Unicode Latin
Extended Additional, U+1EA0–U+1EF9, plus the combining tone marks).

Decision: the project installs the Debian package `fonts-dejavu-core` (scripts/setup.sh), so every kiosk
renders byte-for-byte the same glyphs; reportlab's bundled Vera lacks Vietnamese letters and no small PyPI package
ships DejaVu. The fonts are embedded (subset) in each PDF, so a printer or viewer needs nothing installed.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

REGULAR = "KioskSans"
BOLD = "KioskSans-Bold"
ITALIC = "KioskSans-Italic"
BOLD_ITALIC = "KioskSans-BoldItalic"

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"),)
_FILES = {
    REGULAR: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    ITALIC: "DejaVuSans-Oblique.ttf",
    BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
}


class FontMissingError(RuntimeError):
    """DejaVu Sans is not installed (run scripts/setup.sh, which installs fonts-dejavu-core)."""

    message_key = "printer.font_missing"


def register_fonts() -> None:
    """Make the kiosk font family known to reportlab (idempotent; called before any document is drawn)."""
    if REGULAR in pdfmetrics.getRegisteredFontNames():
        return
    for name, filename in _FILES.items():
        path = _find(filename)
        pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC)
    for bold, italic, name in ((0, 0, REGULAR), (1, 0, BOLD), (0, 1, ITALIC), (1, 1, BOLD_ITALIC)):
        addMapping(REGULAR, bold, italic, name)


def _find(filename: str) -> Path:
    for folder in FONT_DIRS:
        candidate = folder / filename
        if candidate.is_file():
            return candidate
    raise FontMissingError(f"{filename} not found in {', '.join(map(str, FONT_DIRS))}; install fonts-dejavu-core")
