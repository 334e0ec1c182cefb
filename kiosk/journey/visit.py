"""One citizen's visit, from the card on the pad to the printed receipt: the `Visit` that dispatches commands to the
steps of the journey and shows their views, no Qt.

    visit = Visit(parts)                       # parts: JourneyParts, built by kiosk.bootstrap.build_visit
    view = visit.view()                        # ScreenView: what to show and say now
    view = visit.handle(CardPlaced())          # every input is a command (kiosk.journey.commands)

welcome → card (the camera above the pad reads the QR code on the card front, the access key is derived from it
and the chip is read: ICAO 9303-11 BAC/PACE; typed ID number and ddmmyyyy dates are the fallback) → face (frames
from the camera, judged by the face verifier) → services → one question per screen (kiosk.journey.questions) →
review (the answers read aloud) → send (saved to the encrypted queue, then one try at the portal) → receipt
printed → done; side paths: status look-up and withdrawal (no card), hospital check-in (insurance check and a
numbered exam slip instead of a submission), help from any screen.

The steps live in their own modules as plain functions of a `VisitContext` (kiosk.journey.context: the parts, the
`VisitState` of kiosk.journey.state, the translator): identify, face_step, service_steps and question_views, review,
submit, lookup, help_desk. This module only routes: commands to the step of the current screen, camera frames and QR
codes to the step that wants them, and each screen id to its view.

The visit composes the Qt-free parts that already exist rather than repeating them: `kiosk.session.Session` keeps
the state machine, the inactivity timer and the one `wipe()` (the visit registers itself with it, so removing the
card, inactivity, "Làm lại" and staff modes clear the visit's own data too); `kiosk.forms.engine.FormSession`
keeps and checks the answers; `kiosk.hospital.visit.HospitalVisit` issues exam slips; `SubmissionService` saves and
sends; `kiosk.receipts.desk` renders documents. Devices are reached only through the interfaces handed in.

Slow commands (CardPlaced, a Tick on the card or face screen, Tap("send"), Tap("print_again"), the tap on a booked
hospital appointment) may take seconds on real devices: a UI runs `handle` for them off its GUI thread and shows
`pending_view(command)` meanwhile.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from devices.card.identity import Identity
from kiosk.catalogue.model import ServiceSpec
from kiosk.forms.engine import FormSession
from kiosk.hospital.visit import TicketOutcome
from kiosk.i18n import Translator
from kiosk.journey import (
    assisted,
    face_step,
    help_desk,
    hospital_step,
    identify,
    lookup,
    marks,
    metrics_hooks,
    owner_consent,
    payment_step,
    question_views,
    restart,
    review,
    service_steps,
    submit,
    supplement,
    withdraw,
)
from kiosk.journey.commands import (
    Back,
    CameraResult,
    CardPlaced,
    CardRemoved,
    ChangeLanguage,
    Command,
    Frame,
    Help,
    QrRead,
    Restart,
    Tap,
    Tick,
    Typed,
)
from kiosk.journey.context import VisitContext, lang_of, replace_view
from kiosk.journey.display import DisplayPrefs
from kiosk.journey.parts import JourneyParts
from kiosk.journey.routes import Routes, install
from kiosk.journey.speech_queue import Cause, SpeechPolicy, Utterance
from kiosk.journey.state import VisitState
from kiosk.journey.views import LineView, ScreenView
from kiosk.session import events as ev
from kiosk.session.events import SessionState
from kiosk.submissions import SubmitOutcome

S = SessionState
SERVICES_PER_PAGE = service_steps.SERVICES_PER_PAGE

Step = Callable[[VisitContext, str], None]
View = Callable[[VisitContext], ScreenView]

# Where a lower step hands over to a higher one (kiosk.journey.routes): the only place these jumps are wired.
install(Routes(print_paid_receipt=submit.print_paid_receipt, receipt_head=submit.receipt_head,
               receipt_prompts=submit.receipt_prompts, owner_begin=owner_consent.begin))

# What a tap does on each screen (taps common to every screen are handled first, in Visit._tap).
TAPS: dict[str, Step] = {
    "payment": payment_step.tap_payment,
    "supplement": supplement.tap_supplement,
    "supplement_done": supplement.tap_supplement_done,
    "welcome": identify.tap_welcome,
    "card_wait": identify.tap_card_wait,
    "card_error": identify.tap_card_error,
    "card_key_id": identify.tap_card_key_id,
    "card_key_birth": identify.tap_card_key_birth,
    "card_key_expiry": identify.tap_card_key_expiry,
    "face_failed": face_step.tap_face_failed,
    "services": assisted.tap_services,
    "assisted_offer": assisted.tap_assisted_offer,
    "owner_card": owner_consent.tap_owner_card,
    "question": service_steps.tap_question,
    "review": review.tap_review,
    "receipt": submit.tap_receipt,
    "done": submit.tap_done,
    "status_find": lookup.tap_status_find,
    "status": lookup.tap_status,
    "withdraw_confirm": withdraw.tap_withdraw_confirm,
    "withdraw_done": lookup.tap_withdraw_done,
    "help": help_desk.tap_help,
    "volunteer_pin": help_desk.tap_volunteer_pin,
    "restart_confirm": restart.tap_restart_confirm,
}

# What each screen shows.
VIEWS: dict[str, View] = {
    "payment": payment_step.view_payment,
    "supplement": supplement.view_supplement,
    "supplement_done": supplement.view_supplement_done,
    "welcome": identify.view_welcome,
    "card_wait": identify.view_card_wait,
    "card_reading": identify.view_card_reading,
    "card_error": identify.view_card_error,
    "card_key_id": identify.view_card_key_id,
    "card_key_birth": identify.view_card_key_birth,
    "card_key_expiry": identify.view_card_key_expiry,
    "face": face_step.view_face,
    "face_failed": face_step.view_face_failed,
    "services": question_views.view_services,
    "assisted_offer": assisted.view_assisted_offer,
    "owner_card": owner_consent.view_owner_card,
    "question": question_views.view_question,
    "review": review.view_review,
    "submitting": submit.view_submitting,
    "receipt": submit.view_receipt,
    "done": submit.view_done,
    "status_find": lookup.view_status_find,
    "status": lookup.view_status,
    "withdraw_confirm": withdraw.view_withdraw_confirm,
    "withdraw_done": withdraw.view_withdraw_done,
    "help": help_desk.view_help,
    "volunteer_pin": help_desk.view_volunteer_pin,
    "restart_confirm": restart.view_restart_confirm,
}


class Visit:
    def __init__(self, parts: JourneyParts) -> None:
        self.parts = parts
        self.session = parts.session
        self._lock = threading.RLock()
        self._ctx = VisitContext(parts, Translator(lang_of(self.session.language), parts.translator.catalogue))
        self._wipe_reason: ev.WipeReason | None = None
        self._speech = SpeechPolicy()
        self._repeat = False
        self._display = DisplayPrefs.defaults(parts.config.speech.volume)
        self.session.register_collaborator(self)
        self.session.subscribe(self._on_session_event)

    # ---- the state of one visit ------------------------------------------------------------------------------
    def _clear(self) -> None:
        self._ctx.state = VisitState()

    def wipe(self) -> None:
        """Called by `Session.wipe` on every exit path: forget everything of this visit."""
        with self._lock:
            self._ctx.stop_camera()
            metrics_hooks.visit_ended(self._ctx)   # before the help request is closed and the state forgotten
            help_desk.close_request(self._ctx)
            self._speech.forget()
            self._clear()
            self._display = DisplayPrefs.defaults(self.parts.config.speech.volume)  # nothing carries over

    def _on_session_event(self, event: ev.SessionEvent) -> None:
        if isinstance(event, ev.SessionWiped):
            self._wipe_reason = event.reason
            reason = event.reason
            self._ctx.notice = {ev.WipeReason.CARD_REMOVED: "journey.notice_card_removed",
                                ev.WipeReason.INACTIVITY: "journey.notice_inactivity"}.get(reason, "")

    # ---- the citizen's text size, contrast and voice volume (kiosk.journey.display) -----------------------------
    @property
    def display(self) -> DisplayPrefs:
        return self._display

    def set_text_scale(self, scale: float) -> DisplayPrefs:
        with self._lock:
            self._display = self._display.with_text_scale(scale)
            return self._display

    def toggle_contrast(self, on: bool | None = None) -> DisplayPrefs:
        """High contrast on/off (`on`, as the header's switch now shows it; None: the other way round)."""
        with self._lock:
            self._display = self._display.with_high_contrast(not self._display.high_contrast if on is None else on)
            return self._display

    def louder(self) -> DisplayPrefs:
        with self._lock:
            self._display = self._display.louder()
            return self._display

    def quieter(self) -> DisplayPrefs:
        with self._lock:
            self._display = self._display.quieter()
            return self._display

    @property
    def identity(self) -> Identity | None:
        return self._ctx.state.identity

    @property
    def form(self) -> FormSession | None:
        return self._ctx.state.form

    @property
    def outcome(self) -> SubmitOutcome | TicketOutcome | None:
        return self._ctx.state.outcome

    @property
    def screen(self) -> str:
        return self._ctx.state.screen

    @property
    def receipt_qr(self) -> str:
        """The QR code on the receipt just printed (what the citizen takes); empty before printing."""
        return self._ctx.state.receipt_qr

    def offered_services(self) -> list[ServiceSpec]:
        """The catalogue's services in its order; at a hospital (a kiosk with a hospital desk) check-in comes first,
        as nearly everyone there has come for it."""
        return service_steps.offered_services(self._ctx)

    def review_lines(self) -> tuple[LineView, ...]:
        return review.review_lines(self._ctx)

    # ---- commands ------------------------------------------------------------------------------------------
    def handle(self, command: Command) -> ScreenView:
        with self._lock:
            self._repeat = False
            began = self.parts.monotonic()
            self._dispatch(command)
            metrics_hooks.visit_began(self._ctx, began)
            view = self.view()
            self._speech.offer(view, "repeat" if self._repeat else cause_of(command))
            return view

    def utterances(self) -> list[Utterance]:
        """What to say since the last call, in order, each marked whether it may cut off what is being said
        (kiosk.journey.speech_queue). The first view of a visit is offered when this is first called."""
        with self._lock:
            self._speech.offer(self.view(), "auto")
            return self._speech.take()

    def _dispatch(self, command: Command) -> None:
        ctx = self._ctx
        if isinstance(command, Tick):
            self._tick()
            return
        if isinstance(command, CardRemoved) and ctx.state.screen == "owner_card":
            owner_consent.card_removed(ctx)   # the expected card swap for the owner's consent: no wipe
            return
        if isinstance(command, CardRemoved):
            identify.card_removed(ctx)
            return
        if not isinstance(command, CameraResult):
            self.session.activity()
        if isinstance(command, CardPlaced) and ctx.state.screen == "withdraw_confirm":
            withdraw.card_placed(ctx)
        elif isinstance(command, CardPlaced) and ctx.state.screen == "owner_card":
            owner_consent.card_placed(ctx)
        elif isinstance(command, CardPlaced):
            identify.card_placed(ctx)
        elif isinstance(command, ChangeLanguage):
            self._set_language(command.language)
        elif isinstance(command, Restart):
            restart.ask_restart(ctx)
        elif isinstance(command, Help):
            help_desk.open_help(ctx)
        elif isinstance(command, Back):
            self._back()
        elif isinstance(command, Typed):
            service_steps.typed_text(ctx, command.field, command.text)
        elif isinstance(command, QrRead):
            self._qr_text(command.text)
        elif isinstance(command, CameraResult):
            self._frame(command.frame)
        elif isinstance(command, Tap):
            self._tap(command.target)

    def pending_view(self, command: Command) -> ScreenView | None:
        """The progress view to show while a slow command runs (None when the command is quick)."""
        if isinstance(command, CardPlaced) or (isinstance(command, Tap) and command.target in ("card_qr_again",
                                                                                               "card_key_read")):
            return self._ctx.simple("card_reading", "journey.card_reading", "journey.card_reading_say", pending=True)
        if isinstance(command, Tap) and (command.target in ("send", "print_again")
                                         or hospital_step.issues_at_once(self._ctx, command.target)):
            return self._ctx.simple("submitting", "journey.submitting", "journey.submitting_say", pending=True)
        return None

    def _tick(self) -> None:
        ctx = self._ctx
        was = self.session.state
        self.session.tick()
        if was is not S.IDLE and self.session.state is S.IDLE:
            return  # wiped for inactivity: the welcome screen with its notice
        if ctx.state.screen == "payment":
            payment_step.tick(ctx)
        if ctx.state.screen == "help":
            help_desk.check_request(ctx)
        if ctx.state.screen == "done":
            hospital_step.tick(ctx)
        if (ctx.state.screen in ("face", "status_find") and ctx.state.camera_on) \
                or service_steps.asks_receipt(ctx):
            frame = ctx.read_frame()
            if frame is not None:
                self._frame(frame)

    def _tap(self, target: str) -> None:
        if target == "more_time":
            self.session.extend()
            return
        if target == "help":
            help_desk.open_help(self._ctx)
            return
        if target == "restart":
            restart.ask_restart(self._ctx)
            return
        if target == "repeat":
            self._repeat = True
            return
        if target == "back":
            self._back()
            return
        if target.startswith("lang_"):
            self._set_language(target.removeprefix("lang_"))
            return
        handler = TAPS.get(self._ctx.state.screen)
        if handler is not None:
            handler(self._ctx, target)

    def _set_language(self, language: str) -> None:
        ctx = self._ctx
        lang = lang_of(language)
        self.session.set_language(lang)
        ctx.tr.language = lang
        if ctx.state.form is not None:
            ctx.state.form.set_language(lang)
        if ctx.state.hospital is not None:
            ctx.state.hospital.set_language(lang)

    # ---- camera frames and QR codes: to the step that wants them ------------------------------------------------
    def _qr_text(self, text: str) -> None:
        if self._ctx.state.screen == "owner_card":
            owner_consent.qr_text(self._ctx, text)
            return
        if self._ctx.state.screen == "withdraw_confirm":   # the holder's card front, seen by the UI's preview
            withdraw.card_qr(self._ctx, text)
            return
        if self._ctx.state.screen == "status_find" or service_steps.asks_receipt(self._ctx):
            self._receipt_qr(text)
            return
        identify.qr_key(self._ctx, text)

    def _frame(self, frame: Frame) -> None:
        ctx = self._ctx
        if ctx.state.screen == "status_find" or service_steps.asks_receipt(ctx):
            for code in lookup.decode(ctx, frame):
                self._receipt_qr(code)
                if ctx.state.screen != "status_find":
                    return
            return
        if ctx.state.screen in ("card_wait", "card_key_id", "card_error"):
            identify.card_frame(ctx, frame)
            return
        if ctx.state.screen != "face":
            return
        face_step.face_frame(ctx, frame)

    def _receipt_qr(self, text: str) -> None:
        """A receipt's QR code: it answers a question for a file code, or finds the file on the status screen."""
        from printing.qr_payload import QrPayloadError, decode

        ctx = self._ctx
        try:
            payload = decode(text)
        except QrPayloadError:
            return
        ctx.stop_camera()
        if service_steps.asks_receipt(ctx):
            service_steps.answer(ctx, "file_code", payload.file_code)
            return
        lookup.lookup(ctx, payload.file_code, payload.masked_id[-4:])

    # ---- back ------------------------------------------------------------------------------------------------
    def _back(self) -> None:
        ctx = self._ctx
        screen = ctx.state.screen
        if screen == "help":
            ctx.state.screen = ctx.state.help_from or "welcome"
        elif screen in ("card_key_birth",):
            ctx.state.screen = "card_key_id"
        elif screen == "card_key_expiry":
            ctx.state.screen = "card_key_birth"
        elif screen == "question":
            service_steps.back_question(ctx)
        elif screen == "review":
            self.session.set_reading_screen(False)
            self.session.back()
            service_steps.back_question(ctx)
        elif screen == "withdraw_confirm":
            withdraw.leave(ctx)
        elif screen == "restart_confirm":
            restart.back_from_confirm(ctx)
        elif screen == "services":
            service_steps.back_services(ctx)
        elif screen == "assisted_offer":
            assisted.back(ctx)
        elif screen == "owner_card":
            owner_consent.back(ctx)
        elif screen == "volunteer_pin":
            ctx.state.typed.pop("pin", None)
            ctx.state.screen = "help"
        elif screen == "card_wait" and self.session.state is S.IDENTIFY:
            self.session.cancel()

    # ---- views ---------------------------------------------------------------------------------------------
    def view(self) -> ScreenView:
        with self._lock:
            ctx = self._ctx
            if self.session.state is S.IDLE and ctx.state.screen != "welcome":
                ctx.stop_camera()
                self._clear()
            ctx.tr.language = lang_of(self.session.language)
            view = VIEWS[ctx.state.screen](ctx)
            helper = self.session.helper
            warned = self.session.warned
            if warned:
                view = replace_view(view, warning=True, choices=(
                    *view.choices, ctx.choice("more_time", "journey.more_time")),
                                    prompts=(ctx.prompt("journey.inactivity_say"),))
            return marks.marked(replace_view(view, helper=helper.staff_id if helper is not None else ""))


def cause_of(command: Command) -> Cause:
    """Whether the citizen chose what comes next (a tap, Back, Help, start over, the language) or it came by
    itself (the card, the camera, time): only the first may cut off the voice (kiosk.journey.speech_queue)."""
    if isinstance(command, Tap):
        return "auto" if command.target == "more_time" else "tap"
    if isinstance(command, Back | Help | Restart | ChangeLanguage | Typed):
        return "tap"
    return "auto"


__all__ = ["JourneyParts", "Visit"]
