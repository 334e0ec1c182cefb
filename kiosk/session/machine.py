"""The citizen's session: one state machine that owns the journey and the privacy rules around it.

idle → language → identify (card + access key) → verify face → choose service → steps → review → submitting
→ receipt → done → wiped (back to idle). Side paths, all from idle: status look-up (no card), technician mode and the
ward manager's statistics mode (both through the staff PIN pad; leaving either wipes back to the welcome screen).
Assisted mode is not a state but an overlay: a signed-in volunteer stays attached until the session is wiped.

The rules it enforces come from services.md §5.3 (PDPL 91/2025, Decree 356/2025) and WCAG 2.2 SC 2.2.1:
- card removed → `wipe()` runs inside `card_removed()` itself, so the 1 s budget is only the reader's poll period;
  while a submission is in flight only its idempotency key (and the session hash for the audit trail) survives;
- inactivity → a warning after `inactivity_warning_s` (`reading_screen_warning_s` on reading screens), which the
  citizen may answer with "I need more time" up to `max_extensions` times; an unanswered warning wipes the session
  `wipe_after_warning_s` later.
There is exactly one `wipe()`, and every exit path (goodbye, cancel, timeout, card removal, staff mode, crash
handler) goes through it. The UI calls `tick()` from a timer (a few times a second); time comes from an injected
`Clock`, so tests drive timeouts with `ManualClock`. Calls are serialised by a lock, so a card monitor thread may
report removal directly, although the UI normally re-emits it on the GUI thread. The held data, observers, audit
records and the guarded state move are in `kiosk.session.state`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from devices.card.identity import Identity
from kiosk.session import events as ev
from kiosk.session.events import (
    BACK,
    NO_CARD_DATA_STATES,
    STAFF_STATES,
    UNTIMED_STATES,
    Helper,
    SessionState,
    SessionTransitionError,
    SubmissionRoute,
    Wipeable,
    WipeReason,
)
from kiosk.session.state import SessionCore, VisitData
from kiosk.session.timer import Clock, ManualClock, SystemClock, TimerVerdict

if TYPE_CHECKING:
    from kiosk.forms.protocol import VisitForm

__all__ = ["Clock", "Helper", "ManualClock", "Session", "SessionState", "SessionTransitionError", "SystemClock",
           "WipeReason", "Wipeable"]

S = SessionState
FACE_FAILURES_FOR_ASSISTANCE = 3


class Session(SessionCore):
    # ---- the journey ----------------------------------------------------------------------------------------
    def start(self) -> None:
        """The citizen touched the welcome screen."""
        with self._lock:
            self._move(S.LANGUAGE, "start")
            self._emit(ev.SessionStarted(self._now(), self.session_hash))
            self._record("session_started")

    def choose_language(self, language: str) -> None:
        """Pick the language; from the language screen this also moves on to identification."""
        with self._lock:
            self.set_language(language)
            if self._state is S.LANGUAGE:
                self._move(S.IDENTIFY, "choose_language")

    def set_language(self, language: str) -> None:
        """Switch language on any screen (services.md §5.4) without changing the step."""
        with self._lock:
            self._timer.activity()
            if language != self.language:
                self.language = language
                self._emit(ev.LanguageChanged(self._now(), language))

    def card_inserted(self) -> None:
        with self._lock:
            self.card_present = True
            self.activity()
            self._emit(ev.CardInserted(self._now()))

    def identified(self, identity: Identity) -> None:
        """The chip was read (and its authenticity judged): hold the identity, go on to the face check."""
        with self._lock:
            self._require(S.IDENTIFY, "identified")
            self._held.identity = identity
            self._move(S.VERIFY_FACE, "identified")
            trustworthy = identity.security.trustworthy if identity.security else False
            self._emit(ev.IdentityRead(self._now(), trustworthy))
            self._record("identity_read")

    def face_verified(self, method: Literal["camera", "staff"] = "camera") -> None:
        """The face matched, or (EN 301 549 §5.3: never biometrics only) the assisting volunteer vouched."""
        with self._lock:
            self._require(S.VERIFY_FACE, "face_verified")
            if method == "staff" and self._held.helper is None:
                raise SessionTransitionError(self._state, "face_verified by staff without a helper")
            self._held.face_verified = True
            self._move(S.CHOOSE_SERVICE, "face_verified")
            self._emit(ev.FaceVerified(self._now(), method))
            self._record("face_verified", staff_id=self._staff_id())
            if method == "staff":
                self._record("face_vouched", staff_id=self._staff_id())  # counted apart: how often staff step in

    def face_check_failed(self, decision: str) -> bool:
        """A face check ended without a match (`decision` is the verifier's); True once the assisted path is due.

        After `FACE_FAILURES_FOR_ASSISTANCE` failures a volunteer or officer is offered, so the check never keeps
        a real person out; each failure is audited (no score, no image) so statistics show how often it happens.
        """
        with self._lock:
            self._require(S.VERIFY_FACE, "face_check_failed")
            self._held.face_failures += 1
            self._record("face_check_failed", staff_id=self._staff_id())
            return self.face_assistance_due

    @property
    def face_assistance_due(self) -> bool:
        return self._held.face_failures >= FACE_FAILURES_FOR_ASSISTANCE

    def choose_service(self, service_code: str, form: VisitForm | None = None) -> None:
        with self._lock:
            self._require(S.CHOOSE_SERVICE, "choose_service")
            self._held.service_code = service_code
            self._held.form = form
            self._move(S.STEPS, "choose_service")
            self._emit(ev.ServiceChosen(self._now(), service_code))
            self._record("service_chosen", service_code=service_code)

    def add_scan(self, scan: Wipeable) -> None:
        """A scanned document (QR, paper) belonging to this visit; wiped with it."""
        with self._lock:
            self.activity()
            self._held.scans.append(scan)

    def steps_completed(self) -> None:
        with self._lock:
            self._require(S.STEPS, "steps_completed")
            self._move(S.REVIEW, "steps_completed")
            self._emit(ev.StepsCompleted(self._now()))

    def back(self) -> None:
        with self._lock:
            target = BACK.get(self._state)
            if target is None:
                raise SessionTransitionError(self._state, "back")
            if self._state is S.STEPS:  # changing the service drops the half-filled form
                self._wipe_form()
            if self._state is S.VERIFY_FACE:  # going back to the card means reading it again
                self._held.identity = None
            self._move(target, "back")

    def submission_started(self, idempotency_key: str) -> None:
        with self._lock:
            self._require(S.REVIEW, "submission_started")
            self._held.submission_key = idempotency_key
            self._move(S.SUBMITTING, "submission_started")
            self._emit(ev.SubmissionStarted(self._now(), self._held.service_code))
            self._record("submission_started", staff_id=self._staff_id(), service_code=self._held.service_code)

    def submission_completed(self, idempotency_key: str, route: SubmissionRoute, file_code: str) -> None:
        """The portal accepted it ("sent") or the offline queue holds it ("queued").

        If the citizen already left, the key is one of the orphans: record it and change nothing on screen.
        """
        with self._lock:
            if idempotency_key in self._orphans:
                session_hash = self._orphans.pop(idempotency_key)
                self._emit(ev.SubmissionCompleted(self._now(), route, file_code, orphaned=True))
                self._record(f"submission_{route}", session_hash=session_hash, file_code=file_code)
                return
            self._require(S.SUBMITTING, "submission_completed")
            if idempotency_key != self._held.submission_key:
                raise SessionTransitionError(self._state, "submission_completed for another submission")
            self._held.route = route
            self._held.file_code = file_code
            self._move(S.RECEIPT, "submission_completed")
            self._emit(ev.SubmissionCompleted(self._now(), route, file_code))
            self._record(f"submission_{route}", staff_id=self._staff_id(), service_code=self._held.service_code,
                         file_code=file_code)

    def submission_failed(self, idempotency_key: str, message_key: str) -> None:
        """Neither sent nor queued (e.g. the queue is full): back to the review screen, data kept."""
        with self._lock:
            orphan_hash = self._orphans.pop(idempotency_key, None)
            if orphan_hash is not None:  # nobody left to tell; the trail shows a file that never went out
                self._emit(ev.SubmissionFailed(self._now(), message_key, orphaned=True))
                self._record("submission_failed", session_hash=orphan_hash)
                return
            self._require(S.SUBMITTING, "submission_failed")
            self._held.submission_key = None
            self._move(S.REVIEW, "submission_failed")
            self._emit(ev.SubmissionFailed(self._now(), message_key))
            self._record("submission_failed", staff_id=self._staff_id(), service_code=self._held.service_code)

    def receipt_printed(self) -> None:
        with self._lock:
            self._require(S.RECEIPT, "receipt_printed")
            self._move(S.DONE, "receipt_printed")
            self._emit(ev.ReceiptPrinted(self._now()))

    def finish(self) -> None:
        """Goodbye without waiting for the card (no card was used, or the citizen pressed "Xong")."""
        with self._lock:
            if self._state not in (S.DONE, S.STATUS_LOOKUP):
                raise SessionTransitionError(self._state, "finish")
            self.wipe(WipeReason.FINISHED)

    def cancel(self) -> None:
        """"Làm lại" / abandon: allowed on every screen; everything is wiped."""
        with self._lock:
            if self._state is not S.IDLE or self.holds_citizen_data():
                self.wipe(WipeReason.CANCELLED)

    def start_status_lookup(self) -> None:
        with self._lock:
            if self._state is S.IDLE:
                self._emit(ev.SessionStarted(self._now(), self.session_hash))
            self._move(S.STATUS_LOOKUP, "start_status_lookup")

    def card_removed(self) -> None:
        """Wipe at once whenever the card leaves while a citizen's data is held (services.md §5.3)."""
        with self._lock:
            self.card_present = False
            self._emit(ev.CardRemoved(self._now()))
            # Before the chip was read nothing is held: let the citizen turn the card round and try again.
            if self._state in NO_CARD_DATA_STATES and not self.holds_citizen_data():
                return
            # Taking the card on the goodbye screen is how a visit normally ends.
            self.wipe(WipeReason.FINISHED if self._state is S.DONE else WipeReason.CARD_REMOVED)

    # ---- staff --------------------------------------------------------------------------------------------
    def begin_assistance(self, helper: Helper) -> None:
        """A volunteer signed in (the PIN is checked by kiosk.staff before this is called)."""
        with self._lock:
            if self._state in STAFF_STATES or self._state is S.SUBMITTING:
                raise SessionTransitionError(self._state, "begin_assistance")
            if self._state is S.IDLE:  # signing in begins a visit, so the inactivity timer covers the helper
                self.start()
            self.activity()
            self._held.helper = helper
            self._emit(ev.AssistanceStarted(self._now(), helper.staff_id))
            self._record("assistance_started", staff_id=helper.staff_id)

    def end_assistance(self) -> None:
        with self._lock:
            helper = self._held.helper
            if helper is None:
                return
            self._held.helper = None
            self._emit(ev.AssistanceEnded(self._now(), helper.staff_id))
            self._record("assistance_ended", staff_id=helper.staff_id)

    def enter_technician_mode(self, technician: Helper) -> None:
        """Only from the welcome screen, so no citizen's data is ever on screen in technician mode."""
        with self._lock:
            self._check_move(S.TECHNICIAN, "enter_technician_mode")
            # Observers (the UI picks its page) run on the state change, so who signed in is known before it.
            self.technician = technician
            self._move(S.TECHNICIAN, "enter_technician_mode")
            self._emit(ev.TechnicianModeEntered(self._now(), technician.staff_id))
            self._record("technician_mode_entered", staff_id=technician.staff_id)

    def leave_technician_mode(self) -> None:
        with self._lock:
            self._require(S.TECHNICIAN, "leave_technician_mode")
            self.wipe(WipeReason.STAFF_MODE_LEFT)

    def enter_manager_mode(self, manager: Helper) -> None:
        """The ward manager's statistics: only from the welcome screen, like technician mode, so no citizen's data
        is held; the audit trail gets the role's ID (kiosk.staff gives the manager "manager"), never a name."""
        with self._lock:
            self._check_move(S.MANAGER, "enter_manager_mode")
            self.manager = manager
            self._move(S.MANAGER, "enter_manager_mode")
            self._emit(ev.ManagerModeEntered(self._now(), manager.staff_id))
            self._record("manager_mode_entered", staff_id=manager.staff_id)

    def leave_manager_mode(self) -> None:
        with self._lock:
            self._require(S.MANAGER, "leave_manager_mode")
            self.wipe(WipeReason.STAFF_MODE_LEFT)

    # ---- time -----------------------------------------------------------------------------------------------
    def activity(self) -> None:
        """Any tap or key press. It does not dismiss a warning: only `extend()` does, so no tap is misread."""
        with self._lock:
            self._timer.activity()

    def set_reading_screen(self, reading: bool) -> None:
        """The UI marks long-text screens (a service's required papers, the summary) for the longer timer."""
        with self._lock:
            self._held.reading_screen = reading
            self._timer.activity()

    def extend(self) -> bool:
        """"Tôi cần thêm thời gian": restart the timer; False once the extensions are used up."""
        with self._lock:
            if not self._timer.extend():
                return False
            self._emit(ev.TimeExtended(self._now(), self._timer.extensions_used, self._timer.extensions_left))
            return True

    def tick(self) -> None:
        """Called by the UI's timer; warns, then wipes, when the citizen has gone quiet."""
        with self._lock:
            if self._state in UNTIMED_STATES:
                return
            verdict = self._timer.check(self._reading())
            if verdict is TimerVerdict.WARN:
                self._emit(ev.InactivityWarned(self._now(), self._config.wipe_after_warning_s,
                                            self._timer.extensions_left > 0))
            elif verdict is TimerVerdict.WIPE:
                self.wipe(WipeReason.INACTIVITY)

    # ---- the one reset ----------------------------------------------------------------------------------
    def wipe(self, reason: WipeReason) -> None:
        """Drop every piece of this visit's data and return to the welcome screen.

        Runs on every exit path. A submission in flight keeps only its idempotency key so the queue or the
        portal can finish it without duplicating it; its receipt is lost with the session on purpose.
        """
        with self._lock:
            held = self._held
            old = self._state
            kept = old is S.SUBMITTING and held.submission_key is not None
            if kept and held.submission_key is not None:
                self._orphans[held.submission_key] = self.session_hash
            session_hash = self.session_hash
            helper_id = held.helper.staff_id if held.helper else ""
            technician_id = self.technician.staff_id if self.technician else ""
            manager_id = self.manager.staff_id if self.manager else ""
            errors: list[BaseException] = []
            for item in [held.form, *held.scans, *self._collaborators]:
                if item is None:
                    continue
                try:
                    item.wipe()
                except Exception as exc:
                    errors.append(exc)
            self._held = VisitData()
            self.technician = None
            self.manager = None
            self.language = self._default_language
            self._timer.reset()
            self._state = S.IDLE
            if old is not S.IDLE:
                self._emit(ev.StateChanged(self._now(), old, S.IDLE))
            if helper_id:
                self._emit(ev.AssistanceEnded(self._now(), helper_id))
            if technician_id:
                self._emit(ev.TechnicianModeLeft(self._now(), technician_id))
            if manager_id:
                self._emit(ev.ManagerModeLeft(self._now(), manager_id))
            self._emit(ev.SessionWiped(self._now(), reason, kept))
            self._record(f"session_wiped_{reason.value}", session_hash=session_hash,
                         staff_id=helper_id or technician_id or manager_id)
            if errors:
                raise errors[0]
