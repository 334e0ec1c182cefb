"""The session's vocabulary: its states and allowed moves, what it tells observers (events, named in the past
tense), and the small protocols its collaborators fulfil.

Events carry no personal data (no names, ID numbers or photos): the UI, the voice guide and the audit log all
listen to them, and any of those may end up in a log. Where a citizen must be told something, the UI looks the
state up on the session itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal, Protocol


class SessionState(StrEnum):
    """One screen-sized step of the journey (services.md §5.2: one task per screen)."""

    IDLE = "idle"                      # welcome screen; no citizen data held
    LANGUAGE = "language"              # choose Vietnamese / English
    IDENTIFY = "identify"              # place the card, enter the access key (CAN) if asked, chip read
    VERIFY_FACE = "verify_face"        # look at the camera; compared with the chip photo
    CHOOSE_SERVICE = "choose_service"
    STEPS = "steps"                    # the chosen service's form, one question per screen
    REVIEW = "review"                  # the summary, read aloud, before sending
    SUBMITTING = "submitting"          # sending to the portal (or putting it in the offline queue)
    RECEIPT = "receipt"                # printing the receipt
    DONE = "done"                      # "take your card" / goodbye; wiped when the card leaves
    STATUS_LOOKUP = "status_lookup"    # look up a file by its code; no card needed
    TECHNICIAN = "technician"          # device health, test print, logs; PIN protected
    MANAGER = "manager"                # the ward manager's statistics (counts only); same PIN pad


class WipeReason(StrEnum):
    CARD_REMOVED = "card_removed"
    INACTIVITY = "inactivity"
    CANCELLED = "cancelled"            # "Làm lại" / abandon at any point
    FINISHED = "finished"              # a normal goodbye
    STAFF_MODE_LEFT = "staff_mode_left"
    ERROR = "error"                    # the UI's last-resort handler


SubmissionRoute = Literal["sent", "queued"]


@dataclass(frozen=True)
class SessionEvent:
    """Base of every event; `at` is the session clock's monotonic time when it happened."""

    at: float


@dataclass(frozen=True)
class StateChanged(SessionEvent):
    old: SessionState
    new: SessionState


@dataclass(frozen=True)
class SessionStarted(SessionEvent):
    session_hash: str


@dataclass(frozen=True)
class LanguageChanged(SessionEvent):
    language: str


@dataclass(frozen=True)
class CardInserted(SessionEvent):
    pass


@dataclass(frozen=True)
class CardRemoved(SessionEvent):
    pass


@dataclass(frozen=True)
class IdentityRead(SessionEvent):
    trustworthy: bool  # the chip's authenticity verdict only; never a field of the identity


@dataclass(frozen=True)
class FaceVerified(SessionEvent):
    method: Literal["camera", "staff"]


@dataclass(frozen=True)
class ServiceChosen(SessionEvent):
    service_code: str


@dataclass(frozen=True)
class StepsCompleted(SessionEvent):
    pass


@dataclass(frozen=True)
class SubmissionStarted(SessionEvent):
    service_code: str


@dataclass(frozen=True)
class SubmissionCompleted(SessionEvent):
    route: SubmissionRoute
    file_code: str
    orphaned: bool = False  # the citizen had already left (card removed while it was in flight)


@dataclass(frozen=True)
class SubmissionFailed(SessionEvent):
    message_key: str
    orphaned: bool = False


@dataclass(frozen=True)
class ReceiptPrinted(SessionEvent):
    pass


@dataclass(frozen=True)
class InactivityWarned(SessionEvent):
    seconds_left: float
    can_extend: bool


@dataclass(frozen=True)
class TimeExtended(SessionEvent):
    extensions_used: int
    extensions_left: int


@dataclass(frozen=True)
class SessionWiped(SessionEvent):
    reason: WipeReason
    kept_submission_key: bool  # True only when a submission was in flight at the time


@dataclass(frozen=True)
class AssistanceStarted(SessionEvent):
    staff_id: str  # the banner takes the volunteer's name from `Session.helper`, so no name travels in events


@dataclass(frozen=True)
class AssistanceEnded(SessionEvent):
    staff_id: str


@dataclass(frozen=True)
class TechnicianModeEntered(SessionEvent):
    staff_id: str


@dataclass(frozen=True)
class TechnicianModeLeft(SessionEvent):
    staff_id: str


@dataclass(frozen=True)
class ManagerModeEntered(SessionEvent):
    staff_id: str  # the role's fixed ID ("manager"), never a name


@dataclass(frozen=True)
class ManagerModeLeft(SessionEvent):
    staff_id: str


S = SessionState

# Every move the journey allows. IDLE is reachable from anywhere, but only through wipe().
ALLOWED: dict[SessionState, frozenset[SessionState]] = {
    S.IDLE: frozenset({S.LANGUAGE, S.STATUS_LOOKUP, S.TECHNICIAN, S.MANAGER}),
    S.LANGUAGE: frozenset({S.IDENTIFY, S.STATUS_LOOKUP}),
    S.IDENTIFY: frozenset({S.VERIFY_FACE, S.LANGUAGE}),
    S.VERIFY_FACE: frozenset({S.CHOOSE_SERVICE, S.IDENTIFY}),
    S.CHOOSE_SERVICE: frozenset({S.STEPS}),
    S.STEPS: frozenset({S.REVIEW, S.CHOOSE_SERVICE}),
    S.REVIEW: frozenset({S.SUBMITTING, S.STEPS}),
    S.SUBMITTING: frozenset({S.RECEIPT, S.REVIEW}),
    S.RECEIPT: frozenset({S.DONE}),
    S.DONE: frozenset(),
    S.STATUS_LOOKUP: frozenset(),
    S.TECHNICIAN: frozenset(),
    S.MANAGER: frozenset(),
}
# Where "Back" leads; states not listed have no back (e.g. a submission cannot be un-sent).
BACK: dict[SessionState, SessionState] = {
    S.IDENTIFY: S.LANGUAGE,
    S.VERIFY_FACE: S.IDENTIFY,
    S.STEPS: S.CHOOSE_SERVICE,
    S.REVIEW: S.STEPS,
}
# Screens where the citizen mostly reads (the summary before sending) get the longer timer.
READING_STATES = frozenset({S.REVIEW})
# No inactivity timer: nothing to protect (idle), or the wait is the kiosk's, not the citizen's (submitting).
UNTIMED_STATES = frozenset({S.IDLE, S.SUBMITTING})
# Staff modes, entered only from the welcome screen through the PIN pad; leaving one wipes (back to welcome).
STAFF_STATES = frozenset({S.TECHNICIAN, S.MANAGER})
NO_CARD_DATA_STATES = frozenset({S.IDLE, S.LANGUAGE, S.IDENTIFY, S.STATUS_LOOKUP, *STAFF_STATES})


class Wipeable(Protocol):
    """Anything holding citizen data the session must clear: form state, face checker, scans, print spool."""

    def wipe(self) -> None: ...


class AuditTrail(Protocol):
    """Where the session records what happened (see kiosk.audit.AuditLog); never given personal data."""

    def record(self, event: str, *, session_hash: str = "", staff_id: str = "", service_code: str = "",
               file_code: str = "") -> object: ...


@dataclass(frozen=True)
class Helper:
    """A signed-in volunteer, technician or manager: their own staff ID and display name, nothing about citizens."""

    staff_id: str
    display_name: str = field(repr=False)  # a person's name: kept out of logs and tracebacks


class SessionTransitionError(RuntimeError):
    """The UI asked for a move the journey does not allow from the current state (a programming error)."""

    message_key = "session.unexpected_step"

    def __init__(self, current: SessionState, requested: str) -> None:
        super().__init__(f"cannot {requested} from state {current.value}")
        self.current = current
        self.requested = requested
