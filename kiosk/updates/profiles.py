"""Configuration profiles: the settings a province sets for a group of kiosks, delivered as signed updates.

A profile is a TOML file in the same format as the kiosk's own configuration file, holding only the tables a
province manages (portal address, session timings, printer paper, …). On the kiosk it is laid over the local file,
so the profile wins for the settings it names. It may not set the kiosk's identity and data folder (`[kiosk]`) or
where updates come from (`[updates]`): those stay with the machine, so a published profile can neither turn one
kiosk into another nor point the fleet at a different repository.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from kiosk.config import ConfigError, KioskConfig, load_config

LOCAL_ONLY = ("kiosk", "updates")


def parse_profile(data: bytes, name: str) -> dict[str, Any]:
    """The profile's TOML table; a ConfigError naming `name` when it is not UTF-8 TOML or sets a local-only table."""
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, ValueError) as exc:
        raise ConfigError(f"profile {name} is not valid UTF-8 TOML: {exc}", file=name) from exc
    for table in LOCAL_ONLY:
        if table in raw:
            raise ConfigError(f"profile {name} may not set [{table}] (kept on each kiosk)", setting=table, file=name)
    return raw


def check_profile(raw: dict[str, Any], local_config: Path | None) -> KioskConfig:
    """Validate the profile laid over `local_config` (None: the defaults) exactly as the kiosk will load it."""
    return load_config(local_config, overrides=raw, apply_profile=False)
