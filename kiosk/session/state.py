"""The plumbing under the citizen's session (kiosk.session): what one visit holds, what the UI may read of it,
observers, the audit trail and the guarded move between states.

The journey, staff modes, inactivity handling and the one `wipe()` live in `kiosk.session.Session`, which builds on
`SessionCore`. The transition table it guards with is `kiosk.session.events.ALLOWED`; the privacy rules it serves are
those of services.md §5.3 (PDPL 91/2025, Decree 356/2025).
"""


from __future__ import annotations

import hashlib
import logging
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from devices.card.identity import Identity
from kiosk.config import SessionConfig
from kiosk.session import events as ev
from kiosk.session.events import (
    ALLOWED,
    READING_STATES,
    UNTIMED_STATES,
    AuditTrail,
    Helper,
    SessionEvent,
    SessionState,
    SessionTransitionError,
    SubmissionRoute,
    Wipeable,
)
from kiosk.session.timer import Clock, InactivityTimer, SystemClock

if TYPE_CHECKING:
    from kiosk.forms.protocol import VisitForm

S = SessionState
F = TypeVar("F")
_log = logging.getLogger(__name__)

Observer = Callable[[SessionEvent], None]


@dataclass
class VisitData:
    """Everything one citizen's visit holds; replaced wholesale by wipe()."""

    session_id: str = field(default_factory=lambda: secrets.token_hex(16))
    identity: Identity | None = None
    face_verified: bool = False
    service_code: str = ""
    form: VisitForm | None = None
    scans: list[Wipeable] = field(default_factory=list)
    submission_key: str | None = None
    file_code: str = ""
    route: SubmissionRoute | None = None
    reading_screen: bool = False
    helper: Helper | None = None
    face_failures: int = 0  # failed face checks this visit; the third one offers the assisted path


class SessionCore:
    """State, held data and plumbing shared by every `Session` method; not used on its own."""

    def __init__(self, config: SessionConfig, clock: Clock | None = None, audit: AuditTrail | None = None,
                 default_language: str = "vi") -> None:
        self._config = config
        self._clock: Clock = clock or SystemClock()
        self._audit = audit
        self._default_language = default_language
        self._lock = threading.RLock()
        self._observers: list[Observer] = []
        self._collaborators: list[Wipeable] = []
        self._state = S.IDLE
        self._held = VisitData()
        self._timer = InactivityTimer(config, self._clock)
        self.language = default_language
        self.card_present = False
        self.technician: Helper | None = None
        self.manager: Helper | None = None
        # Submissions still in flight from sessions already wiped: idempotency key → that session's hash.
        self._orphans: dict[str, str] = {}

    # ---- what the UI reads -------------------------------------------------------------------------------
    @property
    def state(self) -> SessionState:
        return self._state

    @property
    def identity(self) -> Identity | None:
        return self._held.identity

    @property
    def service_code(self) -> str:
        return self._held.service_code

    @property
    def form(self) -> VisitForm | None:
        """The visit's form given to `choose_service` (a public-service form or a hospital check-in), or None;
        `form_as(Kind)` narrows it to one of them."""
        return self._held.form

    def form_as(self, kind: type[F]) -> F | None:
        """The form state as the type the caller gave `choose_service` (None if there is none of that type)."""
        form = self._held.form
        return form if isinstance(form, kind) else None

    @property
    def helper(self) -> Helper | None:
        """The volunteer assisting this citizen (banner "Đang được hỗ trợ bởi …"), if any."""
        return self._held.helper

    @property
    def submission_key(self) -> str | None:
        return self._held.submission_key

    @property
    def file_code(self) -> str:
        return self._held.file_code

    @property
    def route(self) -> SubmissionRoute | None:
        return self._held.route

    @property
    def session_hash(self) -> str:
        """What logs and audit records use instead of the session: a hash of a random per-visit ID."""
        return _hash(self._held.session_id)

    @property
    def orphaned_submission_keys(self) -> frozenset[str]:
        return frozenset(self._orphans)

    @property
    def warned(self) -> bool:
        return self._timer.warned

    @property
    def extensions_left(self) -> int:
        return self._timer.extensions_left

    def holds_citizen_data(self) -> bool:
        h = self._held
        return bool(h.identity or h.face_verified or h.service_code or h.form or h.scans or h.file_code
                    or h.submission_key)

    def seconds_until_warning(self) -> float | None:
        if self._state in UNTIMED_STATES:
            return None
        return self._timer.seconds_until_warning(self._reading())

    def seconds_until_wipe(self) -> float | None:
        """While warned: the count-down the warning screen shows."""
        return self._timer.seconds_until_wipe()

    # ---- observers and collaborators ---------------------------------------------------------------------
    def subscribe(self, observer: Observer) -> Callable[[], None]:
        """Call `observer` with every event; returns a function that stops it."""
        self._observers.append(observer)
        return lambda: self._observers.remove(observer) if observer in self._observers else None

    def register_collaborator(self, collaborator: Wipeable) -> None:
        """A long-lived object holding per-visit data (face checker, print spool): wiped on every reset."""
        self._collaborators.append(collaborator)

    # ---- inside -----------------------------------------------------------------------------------------
    def _reading(self) -> bool:
        return self._held.reading_screen or self._state in READING_STATES

    def _require(self, state: SessionState, requested: str) -> None:
        if self._state is not state:
            raise SessionTransitionError(self._state, requested)

    def _check_move(self, new: SessionState, requested: str) -> None:
        if new not in ALLOWED[self._state]:
            raise SessionTransitionError(self._state, requested)

    def _move(self, new: SessionState, requested: str) -> None:
        self._check_move(new, requested)
        old, self._state = self._state, new
        self._held.reading_screen = False
        self._timer.restart()
        self._emit(ev.StateChanged(self._now(), old, new))

    def _wipe_form(self) -> None:
        if self._held.form is not None:
            self._held.form.wipe()
        self._held.form = None
        self._held.service_code = ""

    def _staff_id(self) -> str:
        return self._held.helper.staff_id if self._held.helper else ""

    def _now(self) -> float:
        return self._clock.monotonic()

    def _emit(self, event: SessionEvent) -> None:
        # The state is already consistent when observers run; one failing observer must not silence the rest.
        for observer in list(self._observers):
            try:
                observer(event)
            except Exception:
                _log.exception("session observer failed on %s", type(event).__name__)

    def _record(self, event: str, *, session_hash: str | None = None, staff_id: str = "", service_code: str = "",
                file_code: str = "") -> None:
        if self._audit is not None:
            self._audit.record(event, session_hash=self.session_hash if session_hash is None else session_hash,
                               staff_id=staff_id, service_code=service_code, file_code=file_code)


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("ascii")).hexdigest()[:16]
