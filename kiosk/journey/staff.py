"""The staff side of the kiosk, as the window's staff screens use it: PIN errors, the ward manager's statistics
(this kiosk's own, and its ward's across kiosks from the province's Prometheus), the technician's reprint list and
the pending "needs help" slips.

Technician and manager modes are not part of a citizen's visit (they are reached only from the welcome screen, so no
citizen's data can be on screen), so they keep working with the kiosk's own staff objects; this module is the one
door through which ui/ reaches them (services.md §5.6). Statistics read only the queue's clear columns and days are
counted in Vietnam time (UTC+7, kiosk.staff.statistics). The ward's figures are counts per service and outcome that
the kiosks export as Prometheus metrics (kiosk.fleet.stats), never a citizen's data.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from kiosk.fleet.stats import FleetStatsError, manager_lines
from kiosk.i18n import Translator, language_of
from kiosk.receipts.desk import recent_submissions, reprint_at_kiosk
from kiosk.receipts.recovery import PendingSlip, PrinterRecovery, recovery_for
from kiosk.staff import StaffError, hash_pin
from kiosk.staff.statistics import KioskStatisticsResult, compute_statistics
from kiosk.vietnam import VIETNAM_TIME as VN

__all__ = ["VN", "KioskStatisticsResult", "PendingSlip", "PrinterRecovery", "StaffError", "WardFigures",
           "compute_statistics", "hash_pin", "recent_submissions", "recovery_for", "reprint_at_kiosk",
           "ward_figures"]

log = logging.getLogger(__name__)
WARD_DAYS = 30


@dataclass(frozen=True)
class WardFigures:
    """The ward's figures as (label, value) rows, or, with none, `problem_key`: the message that says why."""

    lines: tuple[tuple[str, str], ...] = ()
    problem_key: str = ""


def ward_figures(prometheus_url: str, ward: str, language: str, days: int = WARD_DAYS) -> WardFigures:
    """The ward's figures over the last `days` days from Prometheus at `prometheus_url` (`[fleet] prometheus_url`).

    Slow (HTTP, a few seconds at worst): the UI calls it off the GUI thread. Never raises for an unset, unreachable
    or misbehaving Prometheus: the manager is told in one translated line instead."""
    if not prometheus_url:
        return WardFigures(problem_key="staff.manager_ward_not_configured")
    try:
        rows = manager_lines(prometheus_url, ward, Translator(language_of(language)), days)
    except (FleetStatsError, ValueError, TypeError, AttributeError) as exc:   # an answer not shaped as a result
        log.warning("ward figures unavailable: %s", exc)
        return WardFigures(problem_key="staff.manager_ward_unreachable")
    return WardFigures(tuple(rows))
