"""A thin bridge from key presses to the Qt-free Vietnamese typing engine (`kiosk.vietnamese_input`).

The keyboard widget only knows "a key was pressed", "erase", "set the text"; this class turns that into calls on
the engine for the chosen mode (Telex, VNI, or simple tone keys). Tone and mark keys of the simple mode arrive as
their Telex letters (sắc = s, huyền = f, …) or as the marked vowel itself.
"""

from __future__ import annotations

from typing import Any

from kiosk import vietnamese_input as vi

_TONE_BY_TELEX = {"s": "sac", "f": "huyen", "r": "hoi", "x": "nga", "j": "nang"}


class TypingEngine:
    def __init__(self, mode: str) -> None:
        self.mode = mode
        self._engine: Any = vi.new_engine(mode)

    @property
    def text(self) -> str:
        return str(vi.engine_text(self._engine))

    def set_text(self, text: str) -> None:
        vi.engine_set_text(self._engine, text)

    def key(self, value: str) -> None:
        vi.engine_key(self._engine, value)

    def backspace(self) -> None:
        vi.engine_backspace(self._engine)
