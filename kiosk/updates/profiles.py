"""Configuration profiles: the settings a province sets for a group of kiosks, delivered as signed updates.

A profile is a TOML file in the same format as the kiosk's own configuration file, holding only the tables a
province manages (portal address, session timings, printer paper, …). On the kiosk it is laid over the local file,
so the profile wins for the settings it names. It may not set the kiosk's identity and data folder (`[kiosk]`) or
where updates come from (`[updates]`): those stay with the machine, so a published profile can neither turn one
kiosk into another nor point the fleet at a different repository.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kiosk.config import PROFILE_LOCAL_ONLY, KioskConfig, load_config, parse_profile

LOCAL_ONLY = PROFILE_LOCAL_ONLY
__all__ = ["LOCAL_ONLY", "check_profile", "parse_profile"]


def check_profile(raw: dict[str, Any], local_config: Path | None) -> KioskConfig:
    """Validate the profile laid over `local_config` (None: the defaults) exactly as the kiosk will load it."""
    return load_config(local_config, overrides=raw, apply_profile=False)
