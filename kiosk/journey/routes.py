"""Hand-overs from a lower journey step to a higher one, in one typed table filled by kiosk.journey.visit.

The step modules form a one-way hierarchy (documents, hospital, payment and supplement steps below the status
look-up and the send; the send below the service questions; the owner's consent above them; the visit's dispatcher
on top), so a step never imports one above it. Where a step must hand over upwards (the payment screen reprinting
the receipt the send printed, the questions opening the owner's card swap), it calls the route installed here by
the dispatcher, which may import every step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.catalogue.model import FieldSpec
    from kiosk.journey.context import VisitContext
    from kiosk.journey.views import LineView, Prompt


@dataclass(frozen=True)
class Routes:
    """The upward hand-overs; each names the step that provides it."""

    print_paid_receipt: Callable[[VisitContext], str]                # kiosk.journey.submit: message key or ""
    receipt_head: Callable[[VisitContext], tuple[LineView, ...]]     # kiosk.journey.submit: file code, result date
    receipt_prompts: Callable[[VisitContext], tuple[Prompt, ...]]    # kiosk.journey.submit: the same, said
    owner_begin: Callable[[VisitContext, FieldSpec], None]           # kiosk.journey.owner_consent: the card swap


_installed: list[Routes] = []


def install(routes: Routes) -> None:
    """Called once by kiosk.journey.visit when it is imported; a second call replaces the table."""
    _installed[:] = [routes]


def routes() -> Routes:
    if not _installed:
        raise RuntimeError("journey routes not installed: import kiosk.journey.visit first")
    return _installed[0]


__all__ = ["Routes", "install", "routes"]
