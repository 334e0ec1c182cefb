"""CLI group `portal_sim`: filled in by its area."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    """Add this group's sub-commands to the `kiosk` parser."""
    del sub
    _ = argparse
