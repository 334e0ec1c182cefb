"""The session's sense of time: an injectable clock and the inactivity timer (WCAG 2.2 SC 2.2.1 Timing Adjustable).

The timer warns after a quiet spell (longer on reading screens), lets the citizen extend it a configured number of
times (at least ten per SC 2.2.1 and services.md §5.3), and asks for a wipe when a warning goes unanswered. It only
measures; the session decides what a warning or a wipe means. Nothing here reads the wall clock directly, so tests
drive it with `ManualClock`.
"""

from __future__ import annotations

import time
from enum import Enum
from typing import Protocol

from kiosk.config import SessionConfig


class Clock(Protocol):
    def monotonic(self) -> float: ...


class SystemClock:
    def monotonic(self) -> float:
        return time.monotonic()


class ManualClock:
    """A clock that moves only when told to: for tests and the technician's demo."""

    def __init__(self, start: float = 0.0) -> None:
        self._now = start

    def monotonic(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("a clock does not go backwards")
        self._now += seconds


class TimerVerdict(Enum):
    QUIET = "quiet"
    WARN = "warn"        # the warning is due now (reported once)
    WIPE = "wipe"        # the warning went unanswered


class InactivityTimer:
    def __init__(self, config: SessionConfig, clock: Clock) -> None:
        self._config = config
        self._clock = clock
        self._last_activity = clock.monotonic()
        self._warned_at: float | None = None
        self._extensions_used = 0

    @property
    def warned(self) -> bool:
        return self._warned_at is not None

    @property
    def extensions_used(self) -> int:
        return self._extensions_used

    @property
    def extensions_left(self) -> int:
        return max(0, self._config.max_extensions - self._extensions_used)

    def reset(self) -> None:
        """A new visit: the quiet spell and the extension count start again."""
        self.restart()
        self._extensions_used = 0

    def restart(self) -> None:
        """A new screen: the quiet spell starts again and any warning is withdrawn."""
        self._warned_at = None
        self._last_activity = self._clock.monotonic()

    def activity(self) -> None:
        """A tap or key press. It does not dismiss a warning: only `extend()` does, so no stray tap is misread."""
        if self._warned_at is None:
            self._last_activity = self._clock.monotonic()

    def extend(self) -> bool:
        if self._warned_at is None or self.extensions_left == 0:
            return False
        self._extensions_used += 1
        self.restart()
        return True

    def check(self, reading: bool) -> TimerVerdict:
        now = self._clock.monotonic()
        if self._warned_at is None:
            if now - self._last_activity >= self._warning_after(reading):
                self._warned_at = now
                return TimerVerdict.WARN
            return TimerVerdict.QUIET
        if now - self._warned_at >= self._config.wipe_after_warning_s:
            return TimerVerdict.WIPE
        return TimerVerdict.QUIET

    def seconds_until_warning(self, reading: bool) -> float | None:
        if self._warned_at is not None:
            return None
        return max(0.0, self._last_activity + self._warning_after(reading) - self._clock.monotonic())

    def seconds_until_wipe(self) -> float | None:
        if self._warned_at is None:
            return None
        return max(0.0, self._warned_at + self._config.wipe_after_warning_s - self._clock.monotonic())

    def _warning_after(self, reading: bool) -> float:
        return self._config.reading_screen_warning_s if reading else self._config.inactivity_warning_s
