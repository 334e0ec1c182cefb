"""The update client's metric: the release number of the catalogue and configuration profile in service.

`kiosk_update_release{kind="catalogue"|"config"}` (0 while the shipped catalogue or no profile is in use) is added
to the kiosk's registry (`kiosk.fleet.metrics.KioskMetrics`), so it carries the kiosk, ward and province labels
like every other series and Prometheus can tell which kiosks still run an older release.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from kiosk.fleet.metrics import KioskMetrics
from kiosk.updates.applied import store_for
from kiosk.updates.store import KINDS

if TYPE_CHECKING:
    from kiosk.config import KioskConfig

RELEASE_GAUGE = "kiosk_update_release"


def release_reporter(metrics: KioskMetrics) -> Callable[[str, int], None]:
    """The callable `KioskUpdater` reports each kind's release number to."""
    gauge = metrics.add_gauge(RELEASE_GAUGE, "Release number of the signed update in service (0: none applied).",
                              labels={"kind": KINDS})

    def report(kind: str, release: int) -> None:
        gauge.set(release, kind=kind)
    return report


def report_releases(metrics: KioskMetrics, config: KioskConfig) -> None:
    """Publish what this kiosk process runs: the releases in service when it started (it restarts to change)."""
    report = release_reporter(metrics)
    store = store_for(config)
    for kind in KINDS:
        current = store.current(kind) if config.updates.enabled else None
        report(kind, current.release if current is not None else 0)
