"""Whether a citizen's visit is in progress, for an updater that must never swap a release mid-journey.

In the kiosk process the session knows (`session_busy`). The scheduled updater runs in its own process (a systemd
timer), so the kiosk also keeps a small flag file fresh while a visit is on (`VisitFlag`, refreshed by the
watchdog heartbeat); a flag older than `stale_after_s` is ignored, so a kiosk that died mid-visit does not block
updates forever (systemd restarts it, idle, long before).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

FLAG_NAME = "visit-in-progress"


def session_busy(session: Any) -> Callable[[], bool]:
    """The predicate for a `kiosk.session.Session`: anything but idle is a visit (or staff at work)."""
    from kiosk.session.events import SessionState

    return lambda: session.state is not SessionState.IDLE


class VisitFlag:
    def __init__(self, path: Path, stale_after_s: float = 120.0, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self.stale_after_s = stale_after_s
        self.clock = clock

    def set(self, in_progress: bool) -> None:
        if in_progress:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.close(fd)
            now = self.clock()
            os.utime(self.path, (now, now))
        else:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()

    def in_progress(self) -> bool:
        try:
            age = self.clock() - self.path.stat().st_mtime
        except FileNotFoundError:
            return False
        return age < self.stale_after_s
