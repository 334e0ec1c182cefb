"""What the UI asks the core to do, one plain method per intent (Anki keeps these in `aqt/operations`; here they
stay Qt-free so they are testable without a window).

`Kiosk` (kiosk.bootstrap) inherits these; each method uses only the collaborators the composition root gave it.
Slow ones (card reads, submitting, printing, device checks) are called by the UI off the GUI thread. Errors from the
lower packages keep their `message_key`; `message_for` is the one place that turns any error into a sentence.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from kiosk.config import KioskConfig
from kiosk.i18n import MissingMessageError, Translator, language_of
from kiosk.session import Session

if TYPE_CHECKING:  # annotations only: the collaborators' modules are imported lazily where they are used
    from devices.camera.camera import Camera, Frame
    from devices.card.access_keys import AccessKey
    from devices.card.emulator.personalise import CardImage
    from devices.card.identity import Identity
    from devices.card.interface import CardReader
    from devices.card.simulated import SimulatedCardReader
    from devices.face.verifier import FaceVerificationResult
    from devices.printer import PrintResult
    from devices.printer.printer import Printer
    from devices.qr.scanner import QrScanner
    from devices.scanner.scanner import DocumentScanner
    from devices.speech.speaker import Speaker
    from kiosk.audit import AuditLog
    from kiosk.catalogue.holidays import HolidayCalendar
    from kiosk.catalogue.loader import CatalogueLoadResult
    from kiosk.catalogue.model import Catalogue, ServiceSpec
    from kiosk.forms.engine import FormSession
    from kiosk.forms.fields import ScannedPage
    from kiosk.forms.protocol import VisitForm
    from kiosk.hospital.checkin import HospitalCheckIn
    from kiosk.hospital.visit import TicketOutcome
    from kiosk.portal.simulator import RunningSimulator
    from kiosk.receipts.recovery import PrinterRecovery
    from kiosk.speech.guide import VoiceGuide
    from kiosk.staff import StaffAuthenticator
    from kiosk.submissions import StatusOutcome, SubmissionService, SubmitOutcome, WithdrawOutcome
    from offline_cache import Attachment

log = logging.getLogger(__name__)


def translate(translator: Translator, key: str, language: str, /, **params: object) -> str:
    """`key` in `language` from the kiosk's catalogue; a missing key is logged and the generic sentence said."""
    tr = Translator(language=language_of(language), catalogue=translator.catalogue)
    try:
        return tr.text(key, **params)
    except (MissingMessageError, KeyError, IndexError):
        log.warning("no message for key %s", key)
        return tr.text("common.unexpected_error")


def message_for(translator: Translator, error: BaseException, language: str) -> str:
    """The one place any error becomes a sentence: its `message_key` and `message_params`, else the generic one."""
    key = getattr(error, "message_key", "") or "common.unexpected_error"
    params = getattr(error, "message_params", None)
    return translate(translator, str(key), language, **(dict(params) if isinstance(params, dict) else {}))


class ServiceNotOfferedError(LookupError):
    """The catalogue lists a service this kiosk was not set up for (a hospital check-in with hospital disabled)."""

    message_key = "services.unknown_service"

    def __init__(self, code: str) -> None:
        super().__init__(f"service {code} is not offered on this kiosk")
        self.message_params = {"code": code}


@dataclass(kw_only=True)
class Operations:
    """The collaborators the operations use, each listed once; `Kiosk` (kiosk.bootstrap) adds the ones only the
    composition root and the window need, and `build_kiosk` fills them all."""

    config: KioskConfig
    session: Session
    now: Callable[[], datetime]
    translator: Translator
    card_reader: CardReader
    camera: Camera
    printer: Printer
    speaker: Speaker
    guide: VoiceGuide
    catalogue: Catalogue
    submissions: SubmissionService
    staff: StaffAuthenticator
    audit: AuditLog
    qr_scanner: QrScanner                      # reads the QR on the card's front in a camera frame
    printer_recovery: PrinterRecovery          # remembers failed prints until a slip for the counter follows
    hospital: HospitalCheckIn | None = None
    catalogue_load: CatalogueLoadResult | None = None  # whether a configured folder was refused
    holidays: HolidayCalendar | None = None   # from catalogue.holidays_file, read once by the composition root
    holidays_refused: str = ""                # why a configured holidays file was refused (shipped one in use)
    portal_simulator: RunningSimulator | None = None
    scanner: DocumentScanner | None = None     # paper documents (`[scanner]`), driven by kiosk.documents
    card_image: CardImage | None = None        # the emulated reader's virtual card (`kiosk run` demo, tests)

    # ---- texts and voice ---------------------------------------------------------------------------------
    def translate(self, key: str, language: str, /, **params: object) -> str:
        return translate(self.translator, key, language, **params)

    def message_for(self, error: BaseException, language: str) -> str:
        """The citizen-facing sentence for any error; unknown errors get the kind generic one."""
        return message_for(self.translator, error, language)

    def speak(self, key: str, language: str, /, **params: object) -> None:
        try:
            self.guide.speak(key, language, **params)
        except Exception:
            log.warning("voice guide could not speak %s", key)

    def speak_texts(self, key: str, texts: Sequence[str], language: str) -> None:
        """Say a message followed by sentences already in the citizen's language (the review read aloud)."""
        try:
            self.guide.speak_all([(key, {}), *(("ui.say_text", {"text": t}) for t in texts)], language)
        except Exception:
            log.warning("voice guide could not read the sentences aloud")

    def repeat_speech(self) -> None:
        try:
            self.guide.repeat()
        except Exception:
            log.warning("voice guide could not repeat")

    # ---- card ----------------------------------------------------------------------------------------------
    def watch_card(self, callback: Callable[[bool], None]) -> None:
        """`callback(True)` on insert and `callback(False)` on removal, from whatever thread the reader uses."""
        from devices.card.interface import CardInserted

        self.card_reader.subscribe(lambda event: callback(isinstance(event, CardInserted)))

    def insert_virtual_card(self) -> None:
        """`kiosk run` on the emulated reader: stand in for the hand that places the virtual card."""
        if self.card_image is None:
            raise RuntimeError("no virtual card was prepared for the emulated reader")
        self._emulated_reader().insert(self.card_image)

    def remove_virtual_card(self) -> None:
        self._emulated_reader().remove()

    def _emulated_reader(self) -> SimulatedCardReader:
        from devices.card.simulated import SimulatedCardReader

        # A metered reader (fleet metrics on) wraps the emulated one: the virtual card goes to the inner reader.
        reader = getattr(self.card_reader, "inner", self.card_reader)
        if not isinstance(reader, SimulatedCardReader):
            raise RuntimeError("only the emulated card reader (card.backend = emulated) takes a virtual card")
        return reader

    def card_needs_key(self) -> bool:
        # Every CCCD chip opens only with BAC/PACE keyed from the MRZ data or the CAN (ICAO 9303-11 §4).
        return True

    def read_card(self, key: AccessKey | Sequence[AccessKey] | None,
                  progress: Callable[[float], None] | None = None) -> Identity:
        from devices.card.access_keys import AccessKey

        keys = [] if key is None else [key] if isinstance(key, AccessKey) else list(key)
        def step(_name: str, fraction: float) -> None:
            if progress is not None:
                progress(fraction)
        return self.card_reader.read_identity(keys, step)

    def access_key_from_mrz(self, text: str) -> AccessKey:
        from devices.card.access_keys import from_mrz

        return from_mrz(text)

    def access_key_from_typed(self, id_number: str, birth: date, expiry: date) -> AccessKey:
        from devices.card.access_keys import from_details

        return from_details(id_number, birth.strftime("%y%m%d"), expiry.strftime("%y%m%d"))

    def access_key_from_card_qr(self, frame: Frame) -> list[AccessKey] | None:
        """Candidate keys from the CCCD front QR in a camera frame, or None while none is seen."""
        from devices.card.access_keys import InvalidAccessKeyError, from_qr

        text = self.decode_qr(frame)
        if not text:
            return None
        try:
            return from_qr(text)
        except InvalidAccessKeyError:
            return None

    def decode_qr(self, frame: Frame) -> str | None:
        found = self.qr_scanner.decode(frame)
        return found[0].text if found else None

    def record_face_result(self, result: FaceVerificationResult) -> None:
        log.info("face check decision=%s frames=%s", result.decision, result.frames_used)

    # ---- forms and services --------------------------------------------------------------------------------
    def new_form(self, spec: ServiceSpec, identity: Identity | None, language: str) -> VisitForm:
        from kiosk.forms.engine import FormSession
        from kiosk.forms.settings import FormSettings

        hospital = self.hospital
        if spec.kind == "hospital" and hospital is None:  # hospital.enabled = false, yet the catalogue lists it
            raise ServiceNotOfferedError(spec.code)
        # The holidays calendar was read once when the kiosk was built (catalogue.holidays_file), so due dates
        # skip the ward's days off without reading the file again for every citizen.
        settings = FormSettings(agency_code=self.config.kiosk.agency_code, holidays=self.holidays,
                                auth_method="assisted" if self.session.helper else "chip_face")
        form = FormSession(spec, identity, self.now, settings, language=language_of(language),
                           translator=self.translator)
        if hospital is not None and spec.kind == "hospital":
            from kiosk.hospital.visit import HospitalVisit

            return HospitalVisit(hospital, form, self.translator.catalogue)
        return form

    def fee_text(self, spec: ServiceSpec, language: str) -> str:
        from kiosk.forms.views import money

        return money(spec.fees.amount({}), language_of(language), Translator(language=language_of(language)))

    @staticmethod
    def new_submission_id() -> str:
        from offline_cache import new_submission_id

        return new_submission_id()

    def submit(self, form: VisitForm, submission_id: str) -> SubmitOutcome | TicketOutcome:
        """Save and send (or queue) the confirmed form; a hospital visit issues its numbered slip instead."""
        from kiosk.forms.engine import FormSession
        from kiosk.hospital.visit import HospitalVisit

        if isinstance(form, HospitalVisit):
            return form.issue(submission_id)
        if not isinstance(form, FormSession):
            raise TypeError(f"no way to submit a {type(form).__name__}")
        identity = form.identity()
        last4 = identity.id_last4 if identity is not None else ""
        return self.submissions.submit(form.service.code, form.payload(), self._attachments(form), last4,
                                       service_name=form.service.name.get("vi"), submission_id=submission_id,
                                       estimated_due=form.appointment_date())

    def _attachments(self, form: FormSession) -> list[Attachment]:
        from offline_cache import Attachment

        out: list[Attachment] = []
        for component, pages in form.attachment_pages().items():
            for i, page in enumerate(pages):
                out.append(Attachment(component, f"{component}-{i + 1}.jpg", page.media_type, page.data))
        return out

    def problems_text(self, outcome: SubmitOutcome, language: str) -> str:
        lines = [self.translate(outcome.message_key, language)]
        for p in outcome.problems:
            lines.append(p.message_en if language == "en" else p.message_vi)
        return "\n".join(lines)

    def portal_offline(self) -> bool:
        try:
            progress = self.submissions.progress()
        except Exception:
            return False
        return bool(getattr(progress, "breaker_open", False))

    @staticmethod
    def spoken_code(code: str) -> str:
        return " ".join(code)

    def due_text(self, due_at: str, language: str) -> str:
        try:
            day = datetime.fromisoformat(due_at).date()
        except ValueError:
            return due_at
        from kiosk.forms.views import spoken_date

        return day.strftime("%d/%m/%Y") if language == "vi" else spoken_date(day, "en")

    def can_withdraw(self, file_code: str, status: int | None) -> bool:
        """Whether a file in portal `status` may be withdrawn here: its service's own `withdraw_statuses` from the
        catalogue (the service is known for a file this kiosk sent; otherwise only what every service allows)."""
        if status is None:
            return False
        record = self.submissions.queue.find_by_file_code(file_code) if file_code else None
        return status in self.catalogue.withdraw_statuses(record.service_code if record is not None else "")

    # ---- status look-up and withdrawal -----------------------------------------------------------------------
    def look_up_file(self, code: str, id_last4: str) -> StatusOutcome:
        """A `StatusOutcome` for the portal's file code, or for the local reference a receipt carries while the
        file still waits on this kiosk (kind "waiting")."""
        return self.submissions.lookup_status(code, id_last4)

    def can_withdraw_outcome(self, outcome: StatusOutcome) -> bool:
        """Offer "withdraw" for a file still waiting here, or one the portal says is early enough."""
        if outcome.kind == "waiting":
            return True
        return bool(outcome.kind == "found" and self.can_withdraw("", outcome.status))

    def withdraw_file(self, code: str, id_last4: str) -> WithdrawOutcome:
        """Withdraw what the citizen looked up (a `WithdrawOutcome`). A file still on this kiosk is cancelled only
        if it never left; one whose send went unanswered is withdrawn at the portal after asking it, or recorded
        and finished when the portal answers. The outcome's message says which."""
        return self.submissions.withdraw(file_code=code, id_last4=id_last4)

    # ---- printing and help -----------------------------------------------------------------------------------
    def print_receipt(self, form: VisitForm | None, outcome: SubmitOutcome | TicketOutcome,
                      language: str) -> PrintResult:
        from kiosk.receipts.desk import print_for_outcome

        return print_for_outcome(self, form, outcome, language)

    def receipt_from_qr(self, frame: Frame) -> tuple[str, str] | None:
        from printing.qr_payload import QrPayloadError, decode

        text = self.decode_qr(frame)
        if not text:
            return None
        try:
            payload = decode(text)
        except QrPayloadError:
            return None
        return payload.file_code, payload.masked_id[-4:]

    def request_help(self) -> None:
        self.audit.record("help_requested", session_hash=self.session.session_hash)

    def print_help_slip(self) -> PrintResult:
        from kiosk.receipts.desk import print_help_slip

        return print_help_slip(self, None, self.session.language)

    def scan_document(self) -> list[ScannedPage]:
        from kiosk.forms.fields import ScannedPage

        return [ScannedPage(self.camera_snapshot_jpeg())]

    def camera_snapshot_jpeg(self) -> bytes:
        import cv2

        self.camera.start()
        try:
            frame = self.camera.read()
        finally:
            self.camera.stop()
        ok, data = cv2.imencode(".jpg", frame)
        return bytes(data) if ok else b""

    # ---- technician and manager ------------------------------------------------------------------------------
    def sign_in_staff(self, pin: str) -> None:
        """The hidden PIN pad: the PIN decides the role (kiosk.staff), and the session's state for that role shows
        the right page. Wrong or locked-out PINs raise kiosk.staff's errors, translated by `message_for`."""
        from kiosk.staff import staff_role

        helper = self.staff.authenticate_staff_pin(pin)
        if staff_role(helper) == "manager":
            self.session.enter_manager_mode(helper)
        else:
            self.session.enter_technician_mode(helper)

    def device_check(self, name: str) -> tuple[bool, str]:
        from kiosk.staff.diagnostics import run_check

        return run_check(self, name)

    def queue_summary(self) -> list[tuple[str, str]]:
        from kiosk.staff.diagnostics import queue_summary

        return queue_summary(self)

    def statistics(self, language: str) -> list[tuple[str, str]]:
        from kiosk.staff.diagnostics import statistics

        return statistics(self, language)

    def config_lines(self) -> list[str]:
        """The catalogue in use (and why a configured one was refused) first, then every setting."""
        from kiosk.staff.diagnostics import catalogue_lines, config_lines

        return catalogue_lines(self, "vi") + config_lines(self.config)

    def log_lines(self, limit: int = 40) -> list[str]:
        records = list(self.audit.records())[-limit:]
        return [f"{r.at} {r.event} {r.service_code} {r.file_code} {r.staff_id}".strip() for r in reversed(records)]
