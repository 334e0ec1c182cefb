"""One citizen's visit, from the card on the pad to the printed receipt: the whole journey in one place, no Qt.

    visit = Visit(parts)                       # parts: JourneyParts, built by kiosk.bootstrap.build_visit
    view = visit.view()                        # ScreenView: what to show and say now
    view = visit.handle(CardPlaced())          # every input is a command (kiosk.journey.commands)

welcome → card (the camera above the pad reads the QR code on the card front, the access key is derived from it
and the chip is read: ICAO 9303-11 BAC/PACE; typed ID number and ddmmyyyy dates are the fallback) → face (frames
from the camera, judged by the face verifier) → services → one question per screen (kiosk.journey.questions) →
review (the answers read aloud) → send (saved to the encrypted queue, then one try at the portal) → receipt
printed → done; side paths: status look-up and withdrawal (no card), hospital check-in (insurance check and a
numbered exam slip instead of a submission), help from any screen.

The visit composes the Qt-free parts that already exist rather than repeating them: `kiosk.session.Session` keeps
the state machine, the inactivity timer and the one `wipe()` (the visit registers itself with it, so removing the
card, inactivity, "Làm lại" and staff modes clear the visit's own data too); `kiosk.forms.session.FormSession`
keeps and checks the answers; `kiosk.hospital_visit.HospitalVisit` issues exam slips; `SubmissionService` saves and
sends; `kiosk.receipts` renders documents. Devices are reached only through the interfaces handed in.

Slow commands (CardPlaced, a Tick on the card or face screen, Tap("send"), Tap("print_again")) may take seconds on
real devices: a UI runs `handle` for them off its GUI thread and shows `pending_view(command)` meanwhile.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from devices.camera.camera import Camera, CameraError
from devices.card.access_keys import AccessKey, InvalidAccessKeyError, from_details, from_qr
from devices.card.errors import CardError
from devices.card.identity import Identity
from devices.card.interface import CardReader
from devices.card.lds.mrz import NO_EXPIRY_MRZ_DATE
from devices.face.errors import FaceCheckError
from devices.face.verifier import FaceFeedback, FaceVerifier
from devices.printer import Printer, PrinterError
from devices.qr.scanner import QrScanner, QrScannerUnavailableError
from kiosk import session_events as ev
from kiosk.catalogue.holidays import HolidayCalendar
from kiosk.catalogue.model import Catalogue, FieldSpec, ServiceSpec
from kiosk.config import KioskConfig
from kiosk.forms import address
from kiosk.forms.fields import ScannedPage, is_empty
from kiosk.forms.session import FormSession
from kiosk.forms.settings import FormSettings
from kiosk.forms.views import display_value, money, spoken_date
from kiosk.hospital.checkin import HospitalCheckIn
from kiosk.hospital_visit import SPECIALTY, HospitalVisit, TicketOutcome
from kiosk.i18n import Language, Translator
from kiosk.journey import questions as q
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
from kiosk.journey.views import ChoiceView, InputView, LineView, Prompt, ScreenView
from kiosk.printer_recovery import PrinterRecovery
from kiosk.receipts import issuer_for, print_document, receipt_from_facts, render_for_config
from kiosk.session import Session
from kiosk.session_events import SessionState
from kiosk.staff import StaffAuthenticator, StaffError
from kiosk.submissions import StatusOutcome, SubmissionService, SubmitOutcome, WithdrawOutcome
from offline_cache import Attachment, QueueError
from printing import HelpSlipData, ReceiptData, ReceivedDocument
from printing.qr_payload import encode as encode_qr
from printing.receipt import qr_payload_for

log = logging.getLogger(__name__)
S = SessionState
SERVICES_PER_PAGE = 6
WITHDRAWABLE = (1, 2, 4, 5)   # the adapter contract: 1 withdrawn at once; 2/4/5 an officer decides


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
    snapshot_jpeg: Callable[[], bytes] | None = None   # a document page from the camera (attachments)
    qr_frames: int = 45        # camera frames searched for the card's QR before typing is offered (~3 s)
    face_frames: int = 600     # frames before the face check gives up and asks for staff (~40 s)


@dataclass
class _Card:
    """The typed access key so far (fallback path), kept only until the chip is read."""

    id_number: str = ""
    birth: str = ""
    expiry: str = ""
    keys: tuple[AccessKey, ...] = ()


class Visit:
    def __init__(self, parts: JourneyParts) -> None:
        self.parts = parts
        self.session = parts.session
        self._lock = threading.RLock()
        self._tr = Translator(_lang(self.session.language), parts.translator.catalogue)
        self._clear()
        self._notice = ""
        self._wipe_reason: ev.WipeReason | None = None
        self.session.register_collaborator(self)
        self.session.subscribe(self._on_session_event)

    # ---- the state of one visit ------------------------------------------------------------------------------
    def _clear(self) -> None:
        self._screen = "welcome"
        self._card = _Card()
        self._card_error = ""
        self._identity: Identity | None = None
        self._service: ServiceSpec | None = None
        self._form: FormSession | None = None
        self._hospital: HospitalVisit | None = None
        self._answered: set[str] = set()
        self._asked: list[str] = []           # fields asked, in order, for "Back"
        self._cursor: q.Cursor | None = None
        self._typed: dict[str, str] = {}
        self._input_error = ""
        self._editing = False                 # a question opened from the review returns there
        self._face: FaceFeedback | None = None
        self._face_frames = 0
        self._face_failed = ""
        self._camera_on = False
        self._qr_misses = 0
        self._outcome: SubmitOutcome | TicketOutcome | None = None
        self._submission_id = ""
        self._print_error = ""
        self._review_error = ""
        self._status: StatusOutcome | None = None
        self._status_query: tuple[str, str] = ("", "")
        self._withdrawn: WithdrawOutcome | None = None
        self._help_from = ""
        self._help_printed = False
        self._error_params: dict[str, object] = {}
        self._services_page = 0
        self.receipt_qr = ""                  # the QR code on the receipt just printed (what the citizen takes)

    def wipe(self) -> None:
        """Called by `Session.wipe` on every exit path: forget everything of this visit."""
        with self._lock:
            self._stop_camera()
            self._clear()

    def _on_session_event(self, event: ev.SessionEvent) -> None:
        if isinstance(event, ev.SessionWiped):
            self._wipe_reason = event.reason
            reason = event.reason
            self._notice = {ev.WipeReason.CARD_REMOVED: "journey.notice_card_removed",
                            ev.WipeReason.INACTIVITY: "journey.notice_inactivity"}.get(reason, "")

    @property
    def identity(self) -> Identity | None:
        return self._identity

    @property
    def form(self) -> FormSession | None:
        return self._form

    @property
    def outcome(self) -> SubmitOutcome | TicketOutcome | None:
        return self._outcome

    @property
    def screen(self) -> str:
        return self._screen

    # ---- commands ------------------------------------------------------------------------------------------
    def handle(self, command: Command) -> ScreenView:
        with self._lock:
            self._dispatch(command)
            return self.view()

    def _dispatch(self, command: Command) -> None:
        if isinstance(command, Tick):
            self._tick()
            return
        if isinstance(command, CardRemoved):
            self._card_removed()
            return
        if not isinstance(command, CameraResult):
            self.session.activity()
        if isinstance(command, CardPlaced):
            self._card_placed()
        elif isinstance(command, ChangeLanguage):
            self._set_language(command.language)
        elif isinstance(command, Restart):
            self.session.cancel()
        elif isinstance(command, Help):
            self._open_help()
        elif isinstance(command, Back):
            self._back()
        elif isinstance(command, Typed):
            self._typed_text(command.field, command.text)
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
            return self._simple("card_reading", "journey.card_reading", "journey.card_reading_say", pending=True)
        if isinstance(command, Tap) and command.target in ("send", "print_again"):
            return self._simple("submitting", "journey.submitting", "journey.submitting_say", pending=True)
        return None

    def _tick(self) -> None:
        was = self.session.state
        self.session.tick()
        if was is not S.IDLE and self.session.state is S.IDLE:
            return  # wiped for inactivity: the welcome screen with its notice
        if (self._screen in ("face", "status_find") and self._camera_on) or self._asks_receipt():
            frame = self._read_frame()
            if frame is not None:
                self._frame(frame)

    def _tap(self, target: str) -> None:
        if target == "more_time":
            self.session.extend()
            return
        if target == "help":
            self._open_help()
            return
        if target == "restart":
            self.session.cancel()
            return
        if target == "back":
            self._back()
            return
        if target.startswith("lang_"):
            self._set_language(target.removeprefix("lang_"))
            return
        handler = getattr(self, f"_tap_{self._screen}", None)
        if handler is not None:
            handler(target)

    # ---- language ------------------------------------------------------------------------------------------
    def _set_language(self, language: str) -> None:
        lang = _lang(language)
        self.session.set_language(lang)
        self._tr.language = lang
        if self._form is not None:
            self._form.set_language(lang)
        if self._hospital is not None:
            self._hospital.set_language(lang)

    # ---- welcome and card ------------------------------------------------------------------------------------
    def _begin(self) -> None:
        if self.session.state is S.IDLE:
            self._notice = ""
            self.session.start()
        if self.session.state is S.LANGUAGE:
            self.session.choose_language(self._tr.language)

    def _tap_welcome(self, target: str) -> None:
        if target == "start":
            self._begin()
            self._screen = "card_wait"
            if self.parts.card_reader.card_present():
                self._card_placed()
        elif target == "status":
            self._notice = ""
            self.session.start_status_lookup()
            self._screen = "status_find"
            self._typed = {}
            self._start_camera()

    def _card_placed(self) -> None:
        if self._screen not in ("welcome", "card_wait", "card_error", "card_key_id", "card_key_birth",
                                "card_key_expiry"):
            self.session.card_inserted()
            return
        self._begin()
        self.session.card_inserted()
        if self._card.keys:   # a typed key from before the card was turned round: use it again
            self._read_chip(list(self._card.keys))
            return
        self._look_for_card_qr()

    def _look_for_card_qr(self) -> None:
        """The camera above the pad sees the card front: its QR code gives the access key (no typing)."""
        self._start_camera()
        text = ""
        for _ in range(max(1, self.parts.qr_frames)):
            frame = self._read_frame()
            if frame is None:
                break
            text = self._card_qr_in(frame)
            if text:
                break
        if not text:
            self._stop_camera()
            self._screen = "card_key_id"
            self._card_error = "journey.card_qr_not_seen"
            return
        self._qr_text(text)

    def _card_qr_in(self, frame: Frame) -> str:
        try:
            codes = self.parts.qr_scanner.decode(frame)
        except QrScannerUnavailableError:
            return ""
        for code in codes:
            try:
                from_qr(code.text)
            except InvalidAccessKeyError:
                continue
            return code.text
        return ""

    def _qr_text(self, text: str) -> None:
        if self._screen == "status_find" or self._asks_receipt():
            self._receipt_qr(text)
            return
        try:
            keys = from_qr(text)
        except InvalidAccessKeyError:
            return  # not a CCCD's code: keep looking
        self._read_chip(keys)

    def _read_chip(self, keys: list[AccessKey]) -> None:
        if not self.parts.card_reader.card_present():
            self._screen = "card_wait"
            return
        try:
            identity = self.parts.card_reader.read_identity(keys)
        except CardError as exc:
            self._stop_camera()
            self._card_error = exc.message_key
            self._screen = "card_error"
            return
        self._card = _Card()
        self._identity = identity
        self.session.identified(identity)
        self._start_face()

    def _tap_card_wait(self, target: str) -> None:
        if target == "card_typed":
            self._screen = "card_key_id"

    def _tap_card_error(self, target: str) -> None:
        if target == "try_again":
            self._card_error = ""
            self._look_for_card_qr()
        elif target == "card_typed":
            self._card_error = ""
            self._screen = "card_key_id"

    def _tap_card_key_id(self, target: str) -> None:
        if target == "card_qr_again":
            self._card_error = ""
            self._look_for_card_qr()
        elif target == "next":
            digits = q.digits_only(self._typed.get("card_id", ""))
            if len(digits) != 12:
                self._input_error = "journey.card_id_12_digits"
                return
            self._card.id_number = digits
            self._card_error = ""
            self._input_error = ""
            self._screen = "card_key_birth"

    def _tap_card_key_birth(self, target: str) -> None:
        if target == "next":
            text = self._typed.get("card_birth", "")
            problem = q.date_typing_error(text) or ("" if len(text) == 8 else "forms.date_format")
            if problem:
                self._input_error = problem
                return
            self._card.birth = text
            self._input_error = ""
            self._screen = "card_key_expiry"

    def _tap_card_key_expiry(self, target: str) -> None:
        if target == "no_expiry":
            expiry = NO_EXPIRY_MRZ_DATE
        elif target == "next":
            text = self._typed.get("card_expiry", "")
            problem = q.date_typing_error(text) or ("" if len(text) == 8 else "forms.date_format")
            if problem:
                self._input_error = problem
                return
            expiry = text[6:8] + text[2:4] + text[0:2]
        else:
            return
        birth = self._card.birth
        try:
            key = from_details(self._card.id_number, birth[6:8] + birth[2:4] + birth[0:2], expiry)
        except InvalidAccessKeyError as exc:
            self._input_error = exc.message_key
            return
        self._input_error = ""
        self._card.keys = (key,)
        self._typed = {}
        self._read_chip([key])

    def _card_removed(self) -> None:
        self.session.card_removed()
        if self.session.state in (S.IDENTIFY, S.LANGUAGE):  # nothing was held: wait for the card again
            self._stop_camera()
            self._screen = "card_wait"

    # ---- face --------------------------------------------------------------------------------------------
    def _start_face(self) -> None:
        self._face = None
        self._face_frames = 0
        self._face_failed = ""
        photo = self._identity.photo if self._identity is not None else None
        try:
            if photo is None:
                raise FaceCheckError("the chip holds no photo")
            self.parts.face_verifier.set_reference(photo)
        except FaceCheckError as exc:
            self._stop_camera()
            self._face_failed = getattr(exc, "message_key", "") or "face.check_unavailable"
            self._screen = "face_failed"
            return
        self._start_camera()
        self._screen = "face"

    def _frame(self, frame: Frame) -> None:
        if self._screen == "status_find" or self._asks_receipt():
            for code in self._decode(frame):
                self._receipt_qr(code)
                if self._screen != "status_find":
                    return
            return
        if self._screen in ("card_wait", "card_key_id", "card_error"):
            text = self._card_qr_in(frame)
            if text:
                self._qr_text(text)
            return
        if self._screen != "face":
            return
        self._face_frames += 1
        try:
            self._face = self.parts.face_verifier.process(frame)
        except FaceCheckError as exc:
            self._face_failed = getattr(exc, "message_key", "") or "face.check_unavailable"
            self._screen = "face_failed"
            self._stop_camera()
            return
        if self._face.done:
            self._face_decided()
        elif self._face_frames >= self.parts.face_frames:
            self._face_failed = "face.needs_assistance"
            self._screen = "face_failed"
            self._stop_camera()

    def _face_decided(self) -> None:
        result = self.parts.face_verifier.result()
        self._stop_camera()
        log.info("face check decision=%s frames=%s", result.decision.value, result.frames_seen)
        if result.matched:
            self.session.face_verified("camera")
            self._screen = "services"
            return
        self._face_failed = f"journey.face_{result.decision.value}"
        self._screen = "face_failed"

    def _tap_face_failed(self, target: str) -> None:
        if target == "try_again":
            self._start_face()
        elif target == "staff_vouch" and self.session.helper is not None:
            self.session.face_verified("staff")
            self._screen = "services"

    # ---- services ----------------------------------------------------------------------------------------
    def offered_services(self) -> list[ServiceSpec]:
        """The catalogue's services in its order; at a hospital (a kiosk with a hospital desk) check-in comes first,
        as nearly everyone there has come for it."""
        services = [s for s in self.parts.catalogue.services if s.kind != "hospital"]
        if self.parts.hospital is None:
            return services
        return [s for s in self.parts.catalogue.services if s.kind == "hospital"] + services

    def _tap_services(self, target: str) -> None:
        if target == "more":
            pages = max(1, -(-len(self.offered_services()) // SERVICES_PER_PAGE))
            self._services_page = (self._services_page + 1) % pages
            return
        if target.startswith("service:"):
            self._choose_service(self.parts.catalogue.get(target.removeprefix("service:")))

    def _choose_service(self, spec: ServiceSpec) -> None:
        settings = FormSettings(agency_code=self.parts.config.kiosk.agency_code, holidays=self.parts.holidays,
                                auth_method="assisted" if self.session.helper else "chip_face")
        form = FormSession(spec, self._identity, self.parts.now, settings, language=self._tr.language,
                           translator=self.parts.translator)
        self._service = spec
        self._form = form
        self._answered = set()
        self._asked = []
        if spec.kind == "hospital" and self.parts.hospital is not None:
            self._hospital = HospitalVisit(self.parts.hospital, form, self.parts.translator.catalogue)
            self.session.choose_service(spec.code, self._hospital)
        else:
            self._hospital = None
            self.session.choose_service(spec.code, form)
        self._advance()

    # ---- questions ---------------------------------------------------------------------------------------
    def _advance(self) -> None:
        """Ask the next fact, or go to the review (a look-up goes straight to its answer)."""
        form = self._form
        if form is None:
            return
        self._typed = {}
        self._input_error = ""
        spec = q.next_field(form, self._answered)
        if spec is not None:
            self._cursor = q.Cursor(spec.key, "ward" if spec.type == "address" else "")
            self._screen = "question"
            return
        if self._hospital is not None and not self._hospital.specialty:
            self._cursor = q.Cursor(SPECIALTY)
            self._screen = "question"
            return
        self._cursor = None
        errors = form.finish()
        if errors:  # a fact the checks refuse although it was not asked (a chip value, an answer changed)
            self._answered.discard(errors[0].field)
            self._cursor = q.Cursor(errors[0].field)
            self._screen = "question"
            return
        self._editing = False
        if self._service is not None and self._service.kind == "lookup":
            self._lookup(str(form.value("file_code") or ""), str(form.value("id_last4") or ""))
            return
        if self._hospital is not None:
            self._hospital.set_value(SPECIALTY, self._hospital.specialty)
            self._hospital.next()
        if self.session.state is S.STEPS:
            self.session.steps_completed()
        self.session.set_reading_screen(True)
        self._screen = "review"

    def _spec(self, key: str) -> FieldSpec:
        assert self._service is not None
        for spec in self._service.all_fields():
            if spec.key == key:
                return spec
        raise KeyError(key)

    def _answer(self, key: str, value: object) -> None:
        """Store an answer; on a problem stay on the question with the message, else move on."""
        form = self._form
        if form is None:
            return
        if key == SPECIALTY and self._hospital is not None:
            self._hospital.specialty = str(value)
            self._answered.add(key)
            self._asked.append(key)
            self._advance()
            return
        error = form.set_value(key, value)
        if error is None:
            error = form.field_error(key)
        if error is not None:
            self._input_error = error.message_key
            return
        self._answered.add(key)
        self._asked.append(key)
        self._advance()

    def _tap_question(self, target: str) -> None:
        cursor = self._cursor
        form = self._form
        if cursor is None or form is None:
            return
        if cursor.key == SPECIALTY:
            if target.startswith("choice:"):
                self._answer(SPECIALTY, target.removeprefix("choice:"))
            return
        spec = self._spec(cursor.key)
        if spec.type == "group":
            self._tap_group(spec, cursor, target)
            return
        if spec.type == "address":
            self._tap_address(spec, cursor, target)
            return
        if target == "skip" and not spec.required:
            form.set_value(spec.key, None)
            self._answered.add(spec.key)
            self._asked.append(spec.key)
            self._advance()
        elif target.startswith("choice:"):
            self._answer(spec.key, self._choice_value(spec, target.removeprefix("choice:")))
        elif target.startswith("suggest:"):
            suggestions = self._suggestions(spec)
            index = int(target.removeprefix("suggest:"))
            if 0 <= index < len(suggestions):
                self._answer(spec.key, suggestions[index][1])
        elif target == "scan" and spec.type == "attachment":
            self._answer(spec.key, self._scan())
        elif target == "next":
            self._answer(spec.key, self._typed_value(spec, self._typed.get(spec.key, "")))

    def _choice_value(self, spec: FieldSpec, value: str) -> object:
        if spec.type == "yes_no":
            return value == "yes"
        if spec.type == "number":
            return int(value)
        return value

    def _typed_value(self, spec: FieldSpec, text: str) -> object:
        if spec.type == "month":
            return q.month_value(text)
        if spec.type == "number":
            return int(text) if text.isdigit() else text
        return text

    def _scan(self) -> list[ScannedPage]:
        snapshot = self.parts.snapshot_jpeg
        data = snapshot() if snapshot is not None else b""
        return q.scanned(data) if data else []

    def _typed_text(self, key: str, text: str) -> None:
        self._typed[key] = text
        cursor = self._cursor
        kind = ""
        if key in ("card_birth", "card_expiry"):
            kind = "date"
        elif cursor is not None and self._screen == "question" and cursor.key != SPECIALTY:
            spec = self._sub_spec(cursor) or self._spec(cursor.key)
            kind = spec.type
        if kind == "date":
            self._input_error = q.date_typing_error(text)
        elif kind == "month":
            self._input_error = q.month_typing_error(text)
        else:
            self._input_error = ""

    # addresses: the ward (found by typing a few letters, or one given earlier), then the street
    def _tap_address(self, spec: FieldSpec, cursor: q.Cursor, target: str) -> None:
        form = self._form
        assert form is not None
        if cursor.part == "ward":
            if target.startswith("same:"):
                other = form.value(target.removeprefix("same:"))
                if isinstance(other, dict):
                    self._answer(spec.key, dict(other))
                return
            if target.startswith("ward:"):
                _, province, ward = target.split(":")
                cursor.item = {"province_code": int(province), "ward_code": int(ward)}
                cursor.part = "street"
                self._typed = {}
                self._input_error = ""
            return
        if cursor.part == "street" and target == "next":
            street = self._typed.get(f"{spec.key}:street", "").strip()
            if not street:
                self._input_error = "forms.address_street"
                return
            self._answer(spec.key, {**cursor.item, "street": street})

    # lists: "add" fills one item, sub-field by sub-field; "done" once the list is long enough
    def _sub_spec(self, cursor: q.Cursor) -> FieldSpec | None:
        if cursor.sub < 0:
            return None
        spec = self._spec(cursor.key)
        return spec.fields[cursor.sub] if cursor.sub < len(spec.fields) else None

    def _tap_group(self, spec: FieldSpec, cursor: q.Cursor, target: str) -> None:
        form = self._form
        assert form is not None
        items = form.value(spec.key)
        have = list(items) if isinstance(items, list) else []
        sub = self._sub_spec(cursor)
        if sub is None:
            if target == "add":
                cursor.item = {}
                cursor.sub = 0
            elif target == "done" and len(have) >= (spec.minimum or (1 if spec.required else 0)):
                self._answered.add(spec.key)
                self._asked.append(spec.key)
                self._advance()
            return
        value: object = None
        if target.startswith("choice:"):
            value = self._choice_value(sub, target.removeprefix("choice:"))
        elif target.startswith("suggest:"):
            suggestions = self._suggestions(sub)
            index = int(target.removeprefix("suggest:"))
            value = suggestions[index][1] if 0 <= index < len(suggestions) else None
        elif target == "next":
            value = self._typed_value(sub, self._typed.get(f"{spec.key}:{sub.key}", ""))
        elif target == "skip" and not sub.required:
            value = None
        else:
            return
        if value is not None and value != "":
            cursor.item[sub.key] = value
        elif sub.required:
            self._input_error = "forms.required"
            return
        self._typed = {}
        self._input_error = ""
        cursor.sub += 1
        if cursor.sub < len(spec.fields):
            return
        error = form.set_value(spec.key, [*have, dict(cursor.item)])
        cursor.item = {}
        cursor.sub = -1
        if error is not None:
            form.set_value(spec.key, have or None)
            self._input_error = error.message_key

    def _suggestions(self, spec: FieldSpec) -> list[tuple[str, object]]:
        """Answers given earlier in this visit (or read from the chip) that fit this question: one tap each."""
        form = self._form
        if form is None or spec.type not in ("name", "text", "phone"):
            return []
        seen: list[tuple[str, object]] = []
        if spec.type == "name" and self._identity is not None:
            for name in (self._identity.full_name, self._identity.spouse_name, self._identity.father_name,
                         self._identity.mother_name):
                if name and all(name != v for _, v in seen):
                    seen.append((name, name))
        assert self._service is not None
        values = form.values()
        for other in self._service.all_fields():
            value = values.get(other.key)
            if other.key == spec.key or other.type != spec.type or not isinstance(value, str) or not value:
                continue
            if all(value != v for _, v in seen):
                seen.append((value, value))
        return seen[:4]

    # ---- review, send, print ----------------------------------------------------------------------------------
    def _tap_review(self, target: str) -> None:
        if target == "send":
            self._send()
        elif target.startswith("edit:"):
            key = target.removeprefix("edit:")
            self.session.set_reading_screen(False)
            if self.session.state is S.REVIEW:
                self.session.back()
            self._editing = True
            self._answered.discard(key)
            if key == SPECIALTY and self._hospital is not None:
                self._hospital.back()
                self._hospital.specialty = ""
                self._cursor = q.Cursor(SPECIALTY)
            else:
                spec = self._spec(key)
                self._cursor = q.Cursor(key, "ward" if spec.type == "address" else "")
            self._typed = {}
            self._screen = "question"

    def _send(self) -> None:
        form = self._form
        service = self._service
        if form is None or service is None or self.session.state is not S.REVIEW:
            return
        form.confirm()
        sid = self._submission_id or secrets.token_hex(16)
        self._submission_id = sid
        self.session.submission_started(sid)
        outcome: SubmitOutcome | TicketOutcome
        try:
            if self._hospital is not None:
                outcome = self._hospital.issue(sid)
            else:
                identity = form.identity()
                outcome = self.parts.submissions.submit(
                    service.code, form.payload(), self._attachments(form),
                    identity.id_last4 if identity is not None else "", service_name=service.name.get("vi"),
                    submission_id=sid)
        except (QueueError, CardError) as exc:
            self.session.submission_failed(sid, exc.message_key)
            self._review_error = exc.message_key
            self._submission_id = ""
            return
        if outcome.kind == "rejected":
            self.session.submission_failed(sid, outcome.message_key)
            self._review_error = outcome.message_key
            self._submission_id = ""
            return
        self._outcome = outcome
        route: Literal["sent", "queued"] = "queued" if outcome.kind == "queued" else "sent"
        self.session.submission_completed(sid, route, outcome.file_code or sid)
        self._review_error = ""
        self._print()

    def _attachments(self, form: FormSession) -> list[Attachment]:
        out: list[Attachment] = []
        for component, pages in form.attachment_pages().items():
            for i, page in enumerate(pages):
                out.append(Attachment(component, f"{component}-{i + 1}.jpg", page.media_type, page.data))
        return out

    def _print(self) -> None:
        """The receipt (or the hospital's exam slip). A failure keeps the visit on the receipt screen with a retry;
        printer recovery remembers it so the counter gets a help slip when paper is back."""
        outcome = self._outcome
        form = self._form
        if outcome is None or form is None:
            return
        recovery = self.parts.recovery
        try:
            if self._hospital is not None:
                document = self._hospital.ticket_document(self.parts.config, self._tr.language)
            else:
                assert isinstance(outcome, SubmitOutcome)
                data = self._receipt_data(form, outcome)
                document = render_for_config(self.parts.config, data)
                self.receipt_qr = encode_qr(qr_payload_for(data))
            print_document(self.parts.printer, document)
        except PrinterError as exc:
            self._print_error = str(exc.message_key)
            if recovery is not None:
                recovery.remember(outcome.submission_id, service_code=form.service.code,
                                  reason_key=self._print_error, file_code=outcome.file_code,
                                  kind="ticket" if self._hospital is not None else "receipt")
            self._screen = "receipt"
            return
        if recovery is not None:
            recovery.forget(outcome.submission_id)
        self._print_error = ""
        self.session.receipt_printed()
        self._screen = "done"

    def _receipt_data(self, form: FormSession, outcome: SubmitOutcome) -> ReceiptData:
        service = form.service
        identity = form.identity()
        methods = service.delivery_methods or ("counter",)
        delivery = str(form.values().get("delivery.method") or ("counter" if "counter" in methods else methods[0]))
        documents = [ReceivedDocument(spec.label.vi, len(pages)) for spec in service.all_fields()
                     if spec.type == "attachment" and isinstance(pages := form.value(spec.key), list) and pages]
        return receipt_from_facts(
            self.parts.config, outcome.receipt, submission_id=outcome.submission_id, file_code=outcome.file_code,
            due_at=outcome.due_at, applicant_name=identity.full_name if identity is not None else "",
            service=service, documents=documents, delivery=delivery, language=self._tr.language,
            received_at=self.parts.now(),
            estimated_appointment=form.appointment_date() if outcome.file_code is None else None)

    def _tap_receipt(self, target: str) -> None:
        if target == "print_again":
            self._print()
        elif target == "finish":
            self.session.cancel()

    def _tap_done(self, target: str) -> None:
        if target == "finish":
            self.session.finish()

    # ---- status look-up and withdrawal ------------------------------------------------------------------------
    def _decode(self, frame: Frame) -> list[str]:
        try:
            return [c.text for c in self.parts.qr_scanner.decode(frame)]
        except QrScannerUnavailableError:
            return []

    def _receipt_qr(self, text: str) -> None:
        from printing.qr_payload import QrPayloadError, decode

        try:
            payload = decode(text)
        except QrPayloadError:
            return
        self._stop_camera()
        if self._asks_receipt():
            self._answer("file_code", payload.file_code)
            return
        self._lookup(payload.file_code, payload.masked_id[-4:])

    def _asks_receipt(self) -> bool:
        """A question for a file code: the camera reads it from the receipt's QR code, no typing needed."""
        cursor = self._cursor
        if self._screen != "question" or cursor is None or cursor.key == SPECIALTY or self._service is None:
            return False
        return cursor.sub < 0 and self._spec(cursor.key).type == "file_code"

    def _tap_status_find(self, target: str) -> None:
        if target == "next":
            code = self._typed.get("file_code", "").strip().upper()
            last4 = q.digits_only(self._typed.get("id_last4", ""))
            if not code:
                self._input_error = "forms.file_code_format"
                return
            if self._typed.get("_step") != "last4":
                self._typed["_step"] = "last4"
                self._input_error = ""
                return
            if len(last4) != 4:
                self._input_error = "forms.id_last4_format"
                return
            self._stop_camera()
            self._lookup(code, last4)

    def _lookup(self, file_code: str, id_last4: str) -> None:
        self._status_query = (file_code, id_last4)
        self._status = self.parts.submissions.lookup_status(file_code, id_last4)
        self._withdrawn = None
        self._screen = "status"

    def _tap_status(self, target: str) -> None:
        if target == "withdraw" and self._can_withdraw():
            self._screen = "withdraw_confirm"
        elif target == "finish":
            self._finish_lookup()

    def _tap_withdraw_confirm(self, target: str) -> None:
        if target == "withdraw_yes":
            code, last4 = self._status_query
            self._withdrawn = self.parts.submissions.withdraw(file_code=code, id_last4=last4)
            self._screen = "withdraw_done"
        elif target == "withdraw_no":
            self._screen = "status"

    def _tap_withdraw_done(self, target: str) -> None:
        if target == "finish":
            self._finish_lookup()

    def _finish_lookup(self) -> None:
        if self.session.state in (S.STATUS_LOOKUP, S.DONE):
            self.session.finish()
        else:
            self.session.cancel()

    def _can_withdraw(self) -> bool:
        status = self._status
        return status is not None and status.kind == "found" and status.status in WITHDRAWABLE

    # ---- help and back -------------------------------------------------------------------------------------
    def _open_help(self) -> None:
        if self._screen != "help":
            self._help_from = self._screen
            self._help_printed = False
        self._screen = "help"

    def _tap_help(self, target: str) -> None:
        if target == "print_help_slip":
            self._print_help_slip()
        elif target == "close_help":
            self._screen = self._help_from or "welcome"
        elif target == "volunteer_sign_in" and self.parts.staff is not None:
            self._typed.pop("pin", None)
            self._input_error = ""
            self._screen = "volunteer_pin"
        elif target == "volunteer_sign_out":
            self.session.end_assistance()

    def _tap_volunteer_pin(self, target: str) -> None:
        staff = self.parts.staff
        if target != "next" or staff is None:
            return
        pin = self._typed.pop("pin", "")
        try:
            helper = staff.authenticate_volunteer(pin)
            self.session.begin_assistance(helper)
        except StaffError as exc:
            self._input_error = exc.message_key
            self._error_params = dict(exc.message_params)
            return
        self._input_error = ""
        self._screen = self._help_from if self._help_from not in ("", "welcome") else "card_wait"

    def _print_help_slip(self) -> None:
        config = self.parts.config
        service = self._service
        reference = self._submission_id or self.session.session_hash[:8]
        data = HelpSlipData(issuer=issuer_for(config), reason=self._tr_vi("printer.help_reason_generic"),
                            reason_code="printer.help_reason_generic",
                            service_name=service.name.vi if service is not None else "",
                            occurred_at=self.parts.now(), reference=reference, language=self._tr.language)
        try:
            print_document(self.parts.printer, render_for_config(config, data))
            self._help_printed = True
        except PrinterError as exc:
            self._print_error = str(exc.message_key)

    def _back(self) -> None:
        screen = self._screen
        if screen == "help":
            self._screen = self._help_from or "welcome"
        elif screen in ("card_key_birth",):
            self._screen = "card_key_id"
        elif screen == "card_key_expiry":
            self._screen = "card_key_birth"
        elif screen == "question":
            self._back_question()
        elif screen == "review":
            self.session.set_reading_screen(False)
            self.session.back()
            self._back_question()
        elif screen == "withdraw_confirm":
            self._screen = "status"
        elif screen == "volunteer_pin":
            self._typed.pop("pin", None)
            self._screen = "help"
        elif screen == "card_wait" and self.session.state is S.IDENTIFY:
            self.session.cancel()

    def _back_question(self) -> None:
        cursor = self._cursor
        if cursor is not None and cursor.part == "street":
            cursor.part = "ward"
            return
        if cursor is not None and cursor.sub > 0:
            cursor.sub -= 1
            return
        if not self._asked:
            self.session.back()           # to the services: the half-filled form is dropped
            self._form = None
            self._hospital = None
            self._service = None
            self._cursor = None
            self._screen = "services"
            return
        key = self._asked.pop()
        self._answered.discard(key)
        if key == SPECIALTY:
            if self._hospital is not None:
                self._hospital.specialty = ""
            self._cursor = q.Cursor(SPECIALTY)
        else:
            spec = self._spec(key)
            self._cursor = q.Cursor(key, "ward" if spec.type == "address" else "")
        self._typed = {}
        self._input_error = ""
        self._screen = "question"

    # ---- camera ----------------------------------------------------------------------------------------------
    def _start_camera(self) -> None:
        if self._camera_on:
            return
        try:
            self.parts.camera.start()
            self._camera_on = True
        except CameraError:
            log.warning("camera could not start")

    def _stop_camera(self) -> None:
        if not self._camera_on:
            return
        self._camera_on = False
        try:
            self.parts.camera.stop()
        except CameraError:
            log.warning("camera could not stop cleanly")

    def _read_frame(self) -> Frame | None:
        self._start_camera()
        try:
            return self.parts.camera.read()
        except CameraError:
            return None

    # ---- views ---------------------------------------------------------------------------------------------
    def _t(self, key: str, **params: object) -> str:
        return self._tr.text(key, **params)

    def _tr_vi(self, key: str) -> str:
        return Translator("vi", self._tr.catalogue).text(key)

    def _prompt(self, key: str, **params: object) -> Prompt:
        return Prompt(key, tuple((k, str(v)) for k, v in params.items()), self._t(key, **params))

    def _choice(self, id_: str, key: str, kind: str = "primary", **params: object) -> ChoiceView:
        return ChoiceView(id_, self._t(key, **params), kind)

    def _simple(self, screen: str, title_key: str, say_key: str = "", *, pending: bool = False,
                choices: tuple[ChoiceView, ...] = ()) -> ScreenView:
        prompts = (self._prompt(say_key),) if say_key else ()
        return ScreenView(screen, title_key, self._t(title_key), choices=choices, prompts=prompts, pending=pending,
                          language=self._tr.language)

    def view(self) -> ScreenView:
        with self._lock:
            if self.session.state is S.IDLE and self._screen != "welcome":
                self._stop_camera()
                self._clear()
            self._tr.language = _lang(self.session.language)
            view = getattr(self, f"_view_{self._screen}")()
            assert isinstance(view, ScreenView)
            helper = self.session.helper
            warned = self.session.warned
            if warned:
                view = _replace(view, warning=True, choices=(
                    *view.choices, self._choice("more_time", "journey.more_time")),
                    prompts=(self._prompt("journey.inactivity_say"),))
            return _replace(view, helper=helper.staff_id if helper is not None else "")

    def _nav(self, *, back: bool = True) -> tuple[ChoiceView, ...]:
        out = [self._choice("help", "journey.help", "nav")]
        if back:
            out.insert(0, self._choice("back", "journey.back", "nav"))
        out.append(self._choice("restart", "journey.restart", "nav"))
        return tuple(out)

    def _view_welcome(self) -> ScreenView:
        other = "en" if self._tr.language == "vi" else "vi"
        choices = (self._choice("start", "journey.start"), self._choice("status", "journey.status", "secondary"),
                   self._choice(f"lang_{other}", f"journey.lang_{other}", "secondary"),
                   self._choice("help", "journey.help", "nav"))
        view = self._simple("welcome", "journey.welcome", "journey.welcome_say", choices=choices)
        return _replace(view, notice_key=self._notice)

    def _view_card_wait(self) -> ScreenView:
        choices = (self._choice("card_typed", "journey.card_typed", "secondary"), *self._nav())
        return self._simple("card_wait", "journey.card_wait", "journey.card_wait_say", choices=choices)

    def _view_card_reading(self) -> ScreenView:
        return self._simple("card_reading", "journey.card_reading", "journey.card_reading_say", pending=True)

    def _view_card_error(self) -> ScreenView:
        choices = (self._choice("try_again", "journey.try_again"),
                   self._choice("card_typed", "journey.card_typed", "secondary"), *self._nav(back=False))
        view = self._simple("card_error", "journey.card_error", choices=choices)
        key = self._card_error or "card.read_failed"
        return _replace(view, error_key=key, error=self._t(key), prompts=(self._prompt(key),))

    def _key_view(self, screen: str, field: str, say: str, extra: tuple[ChoiceView, ...] = ()) -> ScreenView:
        text = self._typed.get(field, "")
        kind = "digits" if field == "card_id" else "date"
        error = self._input_error
        input_view = InputView(field, kind, text, 12 if kind == "digits" else 8, error,
                               self._t(error) if error else "", "" if kind == "digits" else "dd/mm/yyyy")
        choices = (*extra, self._choice("next", "journey.next"), *self._nav())
        view = self._simple(screen, f"journey.{screen}", say, choices=choices)
        notice = self._card_error
        return _replace(view, input=input_view, error_key=notice, error=self._t(notice) if notice else "")

    def _view_card_key_id(self) -> ScreenView:
        return self._key_view("card_key_id", "card_id", "journey.card_key_id_say",
                              (self._choice("card_qr_again", "journey.card_qr_again", "secondary"),))

    def _view_card_key_birth(self) -> ScreenView:
        return self._key_view("card_key_birth", "card_birth", "journey.card_key_birth_say")

    def _view_card_key_expiry(self) -> ScreenView:
        return self._key_view("card_key_expiry", "card_expiry", "journey.card_key_expiry_say",
                              (self._choice("no_expiry", "journey.no_expiry", "secondary"),))

    def _view_face(self) -> ScreenView:
        view = self._simple("face", "journey.face", "journey.face_say", choices=self._nav(back=False))
        feedback = self._face
        lines: tuple[LineView, ...] = ()
        if feedback is not None:
            key = feedback.challenge_key or feedback.hint_key
            if key:
                lines = (LineView("", self._t(key), "info"),)
        return _replace(view, camera=True, lines=lines)

    def _view_face_failed(self) -> ScreenView:
        choices = [self._choice("try_again", "journey.try_again")]
        if self.session.helper is not None:
            choices.append(self._choice("staff_vouch", "journey.staff_vouch", "secondary"))
        view = self._simple("face_failed", "journey.face_failed", choices=(*choices, *self._nav(back=False)))
        key = self._face_failed or "journey.face_needs_assistance"
        return _replace(view, error_key=key, error=self._t(key), prompts=(self._prompt(key),))

    def _view_services(self) -> ScreenView:
        offered = self.offered_services()
        start = self._services_page * SERVICES_PER_PAGE
        page = offered[start:start + SERVICES_PER_PAGE]
        lang = self._tr.language
        choices = [ChoiceView(f"service:{s.code}", s.name.get(lang), "answer") for s in page]
        if len(offered) > SERVICES_PER_PAGE:
            choices.append(self._choice("more", "journey.more", "secondary"))
        return self._simple("services", "journey.services", "journey.services_say",
                            choices=(*choices, *self._nav(back=False)))

    def _view_question(self) -> ScreenView:
        cursor = self._cursor
        form = self._form
        assert cursor is not None and form is not None
        asked = len(self._asked) + 1
        total = asked + q.remaining(form, self._answered) - 1 + (1 if self._hospital and cursor.key != SPECIALTY
                                                                 and not self._hospital.specialty else 0)
        error = self._input_error
        base = ScreenView("question", "journey.question", "", field=cursor.key, step=(asked, max(asked, total)),
                          error_key=error, error=self._t(error) if error else "", language=self._tr.language)
        if cursor.key == SPECIALTY:
            return self._specialty_question(base)
        spec = self._spec(cursor.key)
        if spec.type == "group":
            return self._group_question(base, spec, cursor)
        if spec.type == "address":
            return self._address_question(base, spec, cursor)
        return self._field_question(base, spec, spec.key)

    def _label(self, spec: FieldSpec) -> str:
        return spec.label.get(self._tr.language)

    def _field_question(self, base: ScreenView, spec: FieldSpec, input_key: str) -> ScreenView:
        label = self._label(spec)
        prompts: list[Prompt] = [self._prompt("journey.ask", label=label)]
        choices: list[ChoiceView] = []
        input_view: InputView | None = None
        lang = self._tr.language
        if spec.type in ("choice",) or spec.choices:
            choices = [ChoiceView(f"choice:{c.value}", c.label.get(lang)) for c in spec.choices]
        elif spec.type == "yes_no":
            choices = [self._choice("choice:yes", "journey.yes", "answer"),
                       self._choice("choice:no", "journey.no", "answer")]
        elif spec.type == "number" and spec.minimum is not None and spec.maximum is not None \
                and spec.maximum - spec.minimum < q.CHOICE_NUMBER_SPAN:
            choices = [ChoiceView(f"choice:{n}", str(n)) for n in range(spec.minimum, spec.maximum + 1)]
        elif spec.type == "attachment":
            choices = [self._choice("scan", "journey.scan")]
            prompts.append(self._prompt("journey.scan_say"))
        else:
            kind = q.INPUT_KINDS.get(spec.type, "code")
            mask = {"date": "dd/mm/yyyy", "month": "mm/yyyy"}.get(spec.type, "")
            longest = q.MAX_LENGTH.get(spec.type) or (4 if spec.type == "number" else spec.maximum or 0)
            input_view = InputView(input_key, kind, self._typed.get(input_key, ""), longest, base.error_key,
                                   base.error, mask)
            choices = [ChoiceView(f"suggest:{i}", text, "suggestion")
                       for i, (text, _) in enumerate(self._suggestions(spec))]
            choices.append(self._choice("next", "journey.next"))
        if not spec.required:
            choices.append(self._choice("skip", "journey.skip", "secondary"))
        help_lines = (LineView("", spec.help.get(lang), "info"),) if spec.help else ()
        return _replace(base, title=label, title_key="journey.question", input=input_view, lines=help_lines,
                        choices=(*choices, *self._nav()), prompts=tuple(prompts),
                        camera=spec.type == "file_code")

    def _specialty_question(self, base: ScreenView) -> ScreenView:
        hospital = self.parts.hospital
        assert hospital is not None
        lang = self._tr.language
        choices = tuple(ChoiceView(f"choice:{s.code}", s.name.get(lang)) for s in hospital.specialties.clinics)
        title = self._t("ui.hospital_specialty")
        return _replace(base, title=title, choices=(*choices, *self._nav()),
                        prompts=(self._prompt("journey.ask", label=title),))

    def _address_question(self, base: ScreenView, spec: FieldSpec, cursor: q.Cursor) -> ScreenView:
        form = self._form
        assert form is not None and self._service is not None
        label = self._label(spec)
        if cursor.part == "street":
            key = f"{spec.key}:street"
            place = address.format_address({**cursor.item, "street": ""})
            input_view = InputView(key, "text", self._typed.get(key, ""), 200, base.error_key, base.error)
            return _replace(base, title=self._t("journey.street", place=place), field=key, input=input_view,
                            choices=(self._choice("next", "journey.next"), *self._nav()),
                            prompts=(self._prompt("journey.street_say"),))
        key = f"{spec.key}:ward"
        earlier: list[ChoiceView] = []
        provinces: list[int] = []
        values = form.values()
        for other in self._service.all_fields():
            value = values.get(other.key)
            if other.type == "address" and other.key != spec.key and isinstance(value, dict) \
                    and value.get("street") and all(c.id != f"same:{other.key}" for c in earlier):
                earlier.append(ChoiceView(f"same:{other.key}", self._t(
                    "journey.same_address", place=address.format_address(value)), "suggestion"))
                province = value.get("province_code")
                if isinstance(province, int):
                    provinces.append(province)
        typed = self._typed.get(key, "")
        wards = [ChoiceView(f"ward:{m.province_code}:{m.ward_code}", m.label)
                 for m in q.find_wards(typed, tuple(provinces))]
        input_view = InputView(key, "search", typed, 40, base.error_key, base.error)
        return _replace(base, title=label, field=key, input=input_view, choices=(*earlier, *wards, *self._nav()),
                        prompts=(self._prompt("journey.ask", label=label), self._prompt("journey.ward_say")))

    def _group_question(self, base: ScreenView, spec: FieldSpec, cursor: q.Cursor) -> ScreenView:
        form = self._form
        assert form is not None
        sub = self._sub_spec(cursor)
        if sub is not None:
            view = self._field_question(base, sub, f"{spec.key}:{sub.key}")
            return _replace(view, field=f"{spec.key}:{sub.key}")
        items = form.value(spec.key)
        have = list(items) if isinstance(items, list) else []
        lang = self._tr.language
        lines = tuple(LineView(str(n), "; ".join(display_value(s, item.get(s.key), lang, self._tr)
                                                 for s in spec.fields if item.get(s.key) not in (None, "")),
                               "answer")
                      for n, item in enumerate(have, start=1) if isinstance(item, dict))
        choices = [self._choice("add", "journey.add")]
        if len(have) >= (spec.minimum or (1 if spec.required else 0)):
            choices.append(self._choice("done", "journey.done_adding", "secondary"))
        label = self._label(spec)
        return _replace(base, title=label, lines=lines, choices=(*choices, *self._nav()),
                        prompts=(self._prompt("journey.ask", label=label),))

    def review_lines(self) -> tuple[LineView, ...]:
        form = self._form
        if form is None:
            return ()
        lang = self._tr.language
        out: list[LineView] = []
        seen: set[str] = set()
        for _, fields in form.shown_fields():
            for spec in fields:
                if spec.key in seen:
                    continue
                seen.add(spec.key)
                value = form.value(spec.key)
                if spec.type == "computed":
                    if spec.compute in ("fee", "appointment_date"):
                        continue
                    source = "computed"
                elif form.is_prefilled(spec.key):
                    source = "chip"
                elif spec.key in self._answered:
                    source = "answer"
                elif is_empty(value):
                    source = "missing"
                else:
                    source = "default"
                shown = display_value(spec, value, lang, self._tr) if not is_empty(value) else ""
                edit = "" if spec.type == "computed" else f"edit:{spec.key}"
                out.append(LineView(self._label(spec), shown, source, edit))
        if self._hospital is not None and self._hospital.specialty:
            name = self._hospital.checkin.specialties.get(self._hospital.specialty).name.get(lang)
            out.append(LineView(self._t("ui.hospital_specialty"), name, "answer", f"edit:{SPECIALTY}"))
        if self._service is not None and self._service.kind == "application":
            out.append(LineView(self._t("journey.fee"), money(form.fee(), lang, self._tr), "computed"))
            out.append(LineView(self._t("journey.result_date"), form.appointment_date().strftime("%d/%m/%Y"),
                                "computed"))
        return tuple(out)

    def _view_review(self) -> ScreenView:
        form = self._form
        assert form is not None and self._service is not None
        lang = self._tr.language
        lines = self.review_lines()
        # What is read aloud: what the citizen typed in this visit (so a slip of the finger is heard), the fee and
        # the date. Tapped answers were just heard as buttons, and the chip's facts are on screen, marked "from the
        # card"; reading them out again would only lengthen the visit.
        prompts = [self._prompt("journey.review_say", service=self._service.name.get(lang))]
        for spec_key in self._asked:
            if spec_key == SPECIALTY or spec_key not in self._answered:
                continue
            spec = self._spec(spec_key)
            value = form.value(spec_key)
            if not _typed_answer(spec) or is_empty(value):
                continue
            prompts.append(self._prompt("journey.say_line", label=self._label(spec),
                                        value=display_value(spec, value, lang, self._tr, spoken=True)))
        if self._hospital is not None and self._hospital.specialty:
            name = self._hospital.checkin.specialties.get(self._hospital.specialty).name.get(lang)
            prompts.append(self._prompt("journey.say_clinic", name=name))
        if self._service.kind == "application":
            fee = form.fee()
            prompts.append(self._prompt("journey.say_fee", amount=money(fee, lang, self._tr)) if fee
                           else self._prompt("journey.say_free"))
            prompts.append(self._prompt("journey.say_date", date=spoken_date(form.appointment_date(), lang)))
        send_key = "journey.take_number" if self._hospital is not None else "journey.send"
        error = self._review_error
        return ScreenView("review", "journey.review", self._t("journey.review"), lines=lines,
                          choices=(self._choice("send", send_key), *self._nav()), prompts=tuple(prompts),
                          error_key=error, error=self._t(error) if error else "", language=lang)

    def _view_submitting(self) -> ScreenView:
        return self._simple("submitting", "journey.submitting", "journey.submitting_say", pending=True)

    def _outcome_lines(self) -> tuple[LineView, ...]:
        outcome = self._outcome
        if outcome is None:
            return ()
        lang = self._tr.language
        if isinstance(outcome, TicketOutcome):
            lines = [LineView(self._t("journey.queue_number"), outcome.file_code, "info")]
            ticket = self._hospital.ticket if self._hospital is not None else None
            if ticket is not None:
                lines.append(LineView(self._t("journey.room"),
                                      f"{ticket.specialty.name.get(lang)} — {ticket.specialty.room}", "info"))
            return tuple(lines)
        lines = [LineView(self._t("journey.file_code"), outcome.file_code or outcome.submission_id, "info")]
        if outcome.due_at:
            try:
                due = datetime.fromisoformat(outcome.due_at).date()
            except ValueError:
                due = None
            if due is not None:
                lines.append(LineView(self._t("journey.result_date"), due.strftime("%d/%m/%Y"), "info"))
        return tuple(lines)

    def _outcome_prompts(self) -> list[Prompt]:
        outcome = self._outcome
        if outcome is None:
            return []
        if isinstance(outcome, TicketOutcome):
            ticket = self._hospital.ticket if self._hospital is not None else None
            room = ticket.specialty.room if ticket is not None else ""
            return [self._prompt("journey.ticket_say", number=outcome.file_code, room=room)]
        return [self._prompt("journey.sent_say" if outcome.kind == "sent" else "journey.queued_say")]

    def _view_receipt(self) -> ScreenView:
        error = self._print_error
        choices = (self._choice("print_again", "journey.print_again"),
                   self._choice("finish", "journey.finish", "secondary"), self._choice("help", "journey.help", "nav"))
        return ScreenView("receipt", "journey.receipt", self._t("journey.receipt"), lines=self._outcome_lines(),
                          choices=choices, prompts=(*self._outcome_prompts(), self._prompt(error or
                                                                                           "journey.print_failed")),
                          error_key=error, error=self._t(error) if error else "", language=self._tr.language)

    def _view_done(self) -> ScreenView:
        prompts = (*self._outcome_prompts(), self._prompt("journey.done_say"))
        return ScreenView("done", "journey.done", self._t("journey.done"), lines=self._outcome_lines(),
                          choices=(self._choice("finish", "journey.finish"),), prompts=prompts,
                          language=self._tr.language)

    def _view_status_find(self) -> ScreenView:
        field = "id_last4" if self._typed.get("file_code") and self._typed.get("_step") == "last4" else "file_code"
        error = self._input_error
        input_view = InputView(field, "code" if field == "file_code" else "digits", self._typed.get(field, ""),
                               40 if field == "file_code" else 4, error, self._t(error) if error else "")
        view = self._simple("status_find", "journey.status_find", "journey.status_find_say",
                            choices=(self._choice("next", "journey.next"), *self._nav(back=False)))
        return _replace(view, input=input_view, camera=True)

    def _view_status(self) -> ScreenView:
        status = self._status
        assert status is not None
        code, _ = self._status_query
        lines = [LineView(self._t("journey.file_code"), code, "info")]
        if status.due_at:
            lines.append(LineView(self._t("journey.result_date"), status.due_at[:10], "info"))
        choices = []
        if self._can_withdraw():
            choices.append(self._choice("withdraw", "journey.withdraw", "secondary"))
        choices.append(self._choice("finish", "journey.finish"))
        return ScreenView("status", "journey.status_title", self._t("journey.status_title"), lines=tuple(lines),
                          choices=(*choices, self._choice("help", "journey.help", "nav")),
                          prompts=(self._prompt(status.message_key),), language=self._tr.language)

    def _view_withdraw_confirm(self) -> ScreenView:
        choices = (self._choice("withdraw_yes", "journey.withdraw_yes"),
                   self._choice("withdraw_no", "journey.withdraw_no", "secondary"))
        return self._simple("withdraw_confirm", "journey.withdraw_confirm", "journey.withdraw_confirm_say",
                            choices=choices)

    def _view_withdraw_done(self) -> ScreenView:
        result = self._withdrawn
        key = result.message_key if result is not None else "queue.nothing_to_withdraw"
        return ScreenView("withdraw_done", "journey.withdraw_done", self._t("journey.withdraw_done"),
                          lines=(LineView("", self._t(key), "info"),),
                          choices=(self._choice("finish", "journey.finish"),), prompts=(self._prompt(key),),
                          language=self._tr.language)

    def _view_volunteer_pin(self) -> ScreenView:
        error = self._input_error
        text = self._t(error, **self._error_params) if error else ""
        view = self._simple("volunteer_pin", "journey.volunteer_pin", "journey.volunteer_pin_say",
                            choices=(self._choice("next", "journey.next"), self._choice("back", "journey.back", "nav")))
        return _replace(view, input=InputView("pin", "pin", "", 12, error, text), error_key=error, error=text)

    def _view_help(self) -> ScreenView:
        choices: tuple[ChoiceView, ...] = (self._choice("print_help_slip", "journey.print_help_slip", "secondary"),
                                           self._choice("close_help", "journey.close_help"))
        if self.session.helper is not None:
            choices = (*choices, self._choice("volunteer_sign_out", "journey.volunteer_sign_out", "secondary"))
        elif self.parts.staff is not None:
            choices = (*choices, self._choice("volunteer_sign_in", "journey.volunteer_sign_in", "secondary"))
        view = self._simple("help", "journey.help_title", "journey.help_say", choices=choices)
        if self._help_printed:
            view = _replace(view, lines=(LineView("", self._t("journey.help_slip_printed"), "info"),))
        return view


def _typed_answer(spec: FieldSpec) -> bool:
    """Whether the question was answered by typing (not by a tap on a choice, a photo or a list)."""
    if spec.choices or spec.type in ("choice", "yes_no", "attachment", "group"):
        return False
    if spec.type == "number" and spec.minimum is not None and spec.maximum is not None:
        return spec.maximum - spec.minimum >= q.CHOICE_NUMBER_SPAN
    return True


def _lang(language: str) -> Language:
    return "en" if language == "en" else "vi"


def _replace(view: ScreenView, **changes: object) -> ScreenView:
    import dataclasses

    return dataclasses.replace(view, **changes)  # type: ignore[arg-type]


__all__ = ["JourneyParts", "Visit"]
