"""The mutable state of one visit: everything the privacy wipe forgets (identity, form, answers, outcome, screen).

A wipe (card removed, inactivity, "Làm lại", staff modes) replaces the whole `VisitState` with a fresh one, so a
field added here is forgotten with the rest without further code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from devices.card.access_keys import AccessKey
from devices.card.identity import Identity
from devices.face.verifier import FaceFeedback
from kiosk.catalogue.model import ServiceSpec
from kiosk.forms.engine import FormSession
from kiosk.help import HelpResult
from kiosk.hospital.visit import HospitalVisit, TicketOutcome
from kiosk.journey.flows import PagesFlow, PaymentFlow, SupplementFlow
from kiosk.journey.hospital_flow import HospitalFlow
from kiosk.journey.owner_flow import OwnerCardFlow
from kiosk.journey.questions import Cursor
from kiosk.submissions import StatusOutcome, SubmitOutcome, WithdrawOutcome


@dataclass
class JourneyTrack:
    """What the metrics count when a visit ends (kiosk.journey.metrics_hooks); wiped with the `VisitState`."""

    started: float | None = None     # the visit clock's monotonic seconds at the visit's first command
    staff: bool = False              # a volunteer or staff member vouched for the face
    rejected: bool = False           # the portal refused the last send
    payments: set[str] = field(default_factory=set)   # file codes whose payment outcome was counted


@dataclass
class CardKey:
    """The typed access key so far (fallback path), kept only until the chip is read (ICAO 9303-11 BAC inputs)."""

    id_number: str = ""
    birth: str = ""
    expiry: str = ""
    keys: tuple[AccessKey, ...] = ()


@dataclass
class VisitState:
    """One visit's data; a fresh instance is the welcome screen with nothing remembered."""

    screen: str = "welcome"
    # identify
    card: CardKey = field(default_factory=CardKey)
    card_error: str = ""
    identity: Identity | None = None
    # face
    face: FaceFeedback | None = None
    face_frames: int = 0
    face_started_at: float = 0.0   # the session clock when the face check began
    face_failed: str = ""
    camera_on: bool = False
    qr_misses: int = 0
    # service and questions
    service: ServiceSpec | None = None
    form: FormSession | None = None
    hospital: HospitalVisit | None = None
    hospital_flow: HospitalFlow = field(default_factory=HospitalFlow)   # appointments, "people ahead"
    answered: set[str] = field(default_factory=set)
    asked: list[str] = field(default_factory=list)     # fields asked, in order, for "Back"
    cursor: Cursor | None = None
    typed: dict[str, str] = field(default_factory=dict)
    drafts: dict[str, str] = field(default_factory=dict)  # the last text typed per input: never lost on Back
    input_error: str = ""
    editing: bool = False                               # a question opened from the review returns there
    services_page: int = 0
    # review, send, print
    outcome: SubmitOutcome | TicketOutcome | None = None
    submission_id: str = ""
    print_error: str = ""
    review_error: str = ""
    receipt_qr: str = ""                                # the QR code on the receipt just printed
    printed: bool = False                               # the receipt (or exam slip) came out of the printer
    # status look-up and withdrawal
    status: StatusOutcome | None = None
    status_query: tuple[str, str] = ("", "")
    reprinted: bool = False                             # the receipt was printed again from the look-up
    withdrawn: WithdrawOutcome | None = None
    withdraw_reason: str = ""                           # the reason code chosen on the confirmation
    withdraw_holder: bool = False                       # the card read again is the file holder's (or a volunteer)
    withdraw_error: str = ""                            # why the card read again did not open the withdrawal
    # fees, paper documents, supplements (kiosk.journey.flows)
    payment: PaymentFlow | None = None
    documents: dict[str, PagesFlow] = field(default_factory=dict)   # attachment field → its pages
    supplement: SupplementFlow | None = None
    track: JourneyTrack = field(default_factory=JourneyTrack)   # what the metrics count when the visit ends
    # a service offered with a volunteer (kiosk.journey.assisted), and a home owner's consent by their card
    offered_service: str = ""
    owner_card: OwnerCardFlow | None = None
    # help
    help_from: str = ""
    help_printed: bool = False
    help_request: str = ""                              # the help desk's request ID while help is open
    help_result: HelpResult | None = None               # what the help desk confirmed, and the time waited
    help_checked: float = 0.0                           # monotonic time of the last check with the desk
    # start over
    restart_from: str = ""                              # the screen "Làm lại" was tapped on
    error_params: dict[str, object] = field(default_factory=dict)


__all__ = ["CardKey", "JourneyTrack", "VisitState"]
