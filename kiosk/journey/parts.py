"""What a visit works with: the devices, services and settings handed in by the composition root.

`kiosk.bootstrap.build_visit` builds one `JourneyParts`; the journey reaches devices only through these interfaces.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from devices.camera.camera import Camera
from devices.card.interface import CardReader
from devices.face.verifier import FaceVerifier
from devices.printer import Printer
from devices.qr.scanner import QrScanner
from devices.scanner.scanner import DocumentScanner
from kiosk.catalogue.holidays import HolidayCalendar
from kiosk.catalogue.model import Catalogue
from kiosk.config import KioskConfig
from kiosk.help import HelpDesk
from kiosk.hospital.checkin import HospitalCheckIn
from kiosk.i18n import Translator
from kiosk.payment import PaymentDesk
from kiosk.receipts.recovery import PrinterRecovery
from kiosk.session import Session
from kiosk.staff import StaffAuthenticator
from kiosk.submissions import SubmissionService

if TYPE_CHECKING:
    from kiosk.fleet.metrics import KioskMetrics


@dataclass
class JourneyParts:
    """Everything a visit works with, built once by the composition root (kiosk.bootstrap.build_visit)."""

    config: KioskConfig
    session: Session
    catalogue: Catalogue
    translator: Translator
    now: Callable[[], datetime]
    card_reader: CardReader
    camera: Camera
    qr_scanner: QrScanner
    face_verifier: FaceVerifier
    printer: Printer
    submissions: SubmissionService
    hospital: HospitalCheckIn | None = None
    holidays: HolidayCalendar | None = None
    recovery: PrinterRecovery | None = None
    staff: StaffAuthenticator | None = None            # volunteers sign in from the help screen (assisted mode)
    snapshot_jpeg: Callable[[], bytes] | None = None   # a document page from the camera (no scanner: attachments)
    payments: PaymentDesk | None = None                # fees paid at the kiosk (None: paid at the counter)
    scanner: DocumentScanner | None = None             # paper documents, page by page (kiosk.documents)
    monotonic: Callable[[], float] = time.monotonic    # the session's clock: payment polling and its wait
    help_desk: HelpDesk | None = None                  # "Gọi cán bộ": the `[help] backend` (kiosk.help)
    metrics: KioskMetrics | None = None                # fleet metrics (kiosk.journey.metrics_hooks); None: off
    qr_frames: int = 45        # camera frames searched for the card's QR before typing is offered (~3 s)
    # Time before the face check gives up and asks for staff: three challenge attempts (12 s each, face.toml) and
    # their prompt waits. A time, not a frame count: how many frames are judged depends on the camera and the CPU.
    face_seconds: float = 45.0


__all__ = ["JourneyParts"]
