"""Leaving the status look-up (kiosk.journey.lookup) and the screens opened from it (the fee, a supplement): the
session ends as done when the look-up was the visit's purpose, else the service in progress is cancelled.
"""

from __future__ import annotations

from kiosk.journey.context import VisitContext
from kiosk.session.events import SessionState as S


def finish_lookup(ctx: VisitContext) -> None:
    if ctx.session.state in (S.STATUS_LOOKUP, S.DONE):
        ctx.session.finish()
    else:
        ctx.session.cancel()


__all__ = ["finish_lookup"]
