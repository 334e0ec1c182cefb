"""The Vietnamese typing rules the window's on-screen keyboard follows (Telex, VNI and the simple tone-key mode of
kiosk.vietnamese_input), through the journey core's public modules: the keyboard sends the visit the composed text
as `Typed`, so what a citizen types is the same whoever draws the keys."""

from __future__ import annotations

from kiosk.vietnamese_input import MARK_KEYS, TELEX_TONES, InputMode, VietnameseComposer

__all__ = ["MARK_KEYS", "TELEX_TONES", "InputMode", "VietnameseComposer"]
