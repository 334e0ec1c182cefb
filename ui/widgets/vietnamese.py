"""A thin bridge from key presses to the Qt-free Vietnamese composer (`kiosk.vietnamese_input`).

The keyboard widget only knows "a key was pressed", "erase", "set the text"; this turns that into calls on the
composer for the chosen mode. In the simple mode the tone keys arrive as their Telex letters (sắc = s, huyền = f,
…, marked `tone:`) and the mark keys as the marked letter; "numeric" and "code" modes type characters as they are.
"""

from __future__ import annotations

from kiosk.journey.keyboard import MARK_KEYS, TELEX_TONES, InputMode, VietnameseComposer

TONE_PREFIX = "tone:"
_MODES = {"telex": InputMode.TELEX, "vni": InputMode.VNI, "simple": InputMode.SIMPLE}


class TypingEngine:
    def __init__(self, mode: str, max_length: int = 200) -> None:
        self.mode = mode
        self._composer = VietnameseComposer(_MODES.get(mode, InputMode.SIMPLE), max_length=max_length)

    @property
    def text(self) -> str:
        return self._composer.text

    def set_text(self, text: str) -> None:
        self._composer.set_text(text)

    def key(self, value: str) -> None:
        if value.startswith(TONE_PREFIX):
            self._composer.apply_tone(TELEX_TONES[value.removeprefix(TONE_PREFIX)])
        elif self.mode == "simple" and value in MARK_KEYS:
            self._composer.apply_mark(value)
        else:
            self._composer.press(value)

    def backspace(self) -> None:
        self._composer.backspace()
