"""The state of the residence owner's consent given at the kiosk: the owner places their own ID card and agrees.

Plain data kept in `VisitState` (wiped with the visit). Only the owner's ID number and name are kept, with their
answer; nothing else read from the owner's chip is held. The steps are kiosk.journey.owner_consent.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# The card swap, in order: the applicant takes their card away, the owner places theirs and agrees (or not), the
# owner takes it away, and the applicant places their own card again.
PHASES = ("swap_out", "owner_wait", "owner_consent", "swap_back", "applicant_wait")


@dataclass
class OwnerCardFlow:
    field_key: str                 # the catalogue's `owner_card` field being answered
    phase: str = "swap_out"
    owner_id: str = field(default="", repr=False)
    owner_name: str = field(default="", repr=False)
    agreed: bool = False
    error_key: str = ""


__all__ = ["PHASES", "OwnerCardFlow"]
