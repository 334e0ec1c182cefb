"""The releases in service for one kiosk's configuration: where its update store lives and which catalogue
release it serves (kiosk.updates.store keeps the releases themselves)."""

from __future__ import annotations

import logging
from pathlib import Path

from kiosk.config import KioskConfig
from kiosk.updates.store import ReleaseStore

log = logging.getLogger(__name__)


def store_for(config: KioskConfig) -> ReleaseStore:
    return ReleaseStore(config.kiosk.data_dir / "updates")


def applied_catalogue(config: KioskConfig) -> Path | None:
    """The folder of the catalogue release in service, checked to load; a bad one is rolled back first."""
    if not config.updates.enabled:
        return None
    from kiosk.catalogue.loader import CatalogueInvalidError, load_catalogue

    store = store_for(config)
    while (release := store.current("catalogue")) is not None:
        try:
            load_catalogue(release.path)
            return release.path
        except CatalogueInvalidError as exc:
            log.error("catalogue release %d refused at start-up (%d problem(s)); rolling back",
                      release.release, len(exc.problems))
            store.roll_back("catalogue")
    return None
