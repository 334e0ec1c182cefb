"""What a form session needs from the kiosk around it: agency, holidays, how the citizen was identified.

`auth.method` and `level` follow the kiosk ↔ provincial-system contract (kiosk/portal); the consent notice
version goes into the payload's consent record (Personal Data Protection Law 91/2025, Decree 356/2025).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from kiosk.catalogue.holidays import HolidayCalendar, load_holidays

if TYPE_CHECKING:
    from kiosk.config import KioskConfig


class FormIncompleteError(RuntimeError):
    """The payload was asked for before every step was answered and the citizen confirmed."""

    message_key = "forms.incomplete"


@dataclass(frozen=True)
class FormSettings:
    agency_code: str = ""                      # the kiosk's own agency (kiosk.agency_code)
    holidays: HolidayCalendar | None = None    # None: the shipped calendar
    auth_method: Literal["chip_face", "vneid_qr", "assisted"] = "chip_face"
    evidence_ref: str = ""                     # e.g. the face-match record id, never the image
    consent_notice_version: str = "2026-01"


def form_settings(config: KioskConfig, auth_method: Literal["chip_face", "vneid_qr", "assisted"] = "chip_face",
                  evidence_ref: str = "") -> FormSettings:
    """FormSettings from the kiosk configuration: the ward's agency code and the configured holidays file."""
    return FormSettings(agency_code=config.kiosk.agency_code, holidays=load_holidays(config.catalogue.holidays_file),
                        auth_method=auth_method, evidence_ref=evidence_ref)
