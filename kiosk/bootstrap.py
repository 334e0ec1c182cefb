"""The composition root: the one place that reads the configuration and chooses what to build.

Each device is picked from an explicit name → builder table (as python-escpos picks a back end): card `pcsc` or
`emulated`, camera `opencv` or `simulated`, document scanner `simulated`, `opencv` or `sane`, printer `pdf`,
`cups` or `escpos`, speech `espeak` or `silent`, insurance `simulated` or `gateway`, the hospital's own system
`simulated`, `fhir` or `off`. A builder imports its back
end only when chosen, so a kiosk without OpenCV or pyscard runs as long as it does not ask for them, and a missing
one is reported by name (`DeviceUnavailableError`).
Recorded prompts (`speech.prompts_dir`) sit in front of whichever voice is chosen. The service catalogue is loaded
with `load_active_catalogue`: a refused folder leaves the last good catalogue in service, and the refusal is kept
in `Kiosk.catalogue_load` for the technician screen; the holidays calendar is read once, here. The emulated card
is judged on the kiosk's own calendar day.
In demo mode the portal simulator is started here too (`portal.start_simulator`). The result is one `Kiosk`: a
plain bundle of collaborators that the UI receives; nothing else in the kiosk reads settings.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import logging
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from kiosk.config import KioskConfig
from kiosk.i18n import Translator
from kiosk.operations import Operations
from kiosk.session import Session
from kiosk.session.timer import Clock, SystemClock
from offline_cache.errors import QueueError
from offline_cache.private_files import private_dir

if TYPE_CHECKING:  # annotations only: back ends and services are imported when the configuration picks them
    from devices.camera.camera import Camera, Frame
    from devices.camera.opencv import OpenCvCamera
    from devices.camera.simulated import SimulatedCamera
    from devices.card.emulator.personalise import CardImage
    from devices.card.emulator.profile import CardProfile
    from devices.card.interface import CardReader
    from devices.card.pcsc import PcscCardReader
    from devices.card.simulated import SimulatedCardReader
    from devices.card.trust.trust_store import TrustStore
    from devices.face.dlib_verifier import DlibFaceVerifier
    from devices.face.simulated import SimulatedFaceVerifier
    from devices.face.verifier import FaceVerifier
    from devices.printer.cups import CupsPrinter
    from devices.printer.escpos import EscPosPrinter
    from devices.printer.printer import Printer
    from devices.printer.simulated import PdfFolderPrinter
    from devices.scanner.camera import CameraDocumentScanner
    from devices.scanner.sane import SaneScanner
    from devices.scanner.scanner import DocumentScanner
    from devices.scanner.simulated import SimulatedScanner
    from devices.speech.espeak import EspeakSpeaker
    from devices.speech.recorded import RecordedPromptSpeaker
    from devices.speech.simulated import SilentSpeaker
    from devices.speech.speaker import Speaker
    from kiosk.fleet.metrics import KioskMetrics
    from kiosk.help import HelpDesk
    from kiosk.hospital.checkin import HospitalCheckIn
    from kiosk.hospital.fhir import FhirHospitalSystem
    from kiosk.hospital.gateway import HttpInsuranceGateway
    from kiosk.hospital.insurance import InsuranceGateway
    from kiosk.hospital.simulated import SimulatedInsuranceGateway
    from kiosk.hospital.system import HospitalSystem
    from kiosk.journey import Visit
    from kiosk.payment import PaymentDesk, PaymentOffer
    from kiosk.submissions import SubmissionService

log = logging.getLogger(__name__)
T = TypeVar("T")


class DeviceUnavailableError(RuntimeError):
    """A configured device or back end cannot be built; the message names the setting and what is missing."""

    message_key = "ui.device_unavailable"

    def __init__(self, setting: str, backend: str, detail: str) -> None:
        super().__init__(f"{setting} = {backend!r}: {detail}")
        self.setting = setting
        self.backend = backend
        self.detail = detail


def _load(setting: str, backend: str, path: str) -> Any:
    """Import `module:attribute`, turning a missing optional dependency into a clear, named error.

    `Any` because the attribute is found by name at run time; each builder annotates the class it expects, so mypy
    still checks the constructor call and that the class meets its device interface.
    """
    module_name, _, attribute = path.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise DeviceUnavailableError(setting, backend, f"cannot import {module_name} ({exc})") from exc
    try:
        return getattr(module, attribute)
    except AttributeError as exc:
        raise DeviceUnavailableError(setting, backend, f"{module_name} has no {attribute}") from exc


class DataFolderError(DeviceUnavailableError):
    """The data folder (`kiosk.data_dir`) cannot be created or written: read-only file system, full disk, …

    It is a `DeviceUnavailableError` (storage is a device like the others, and every start-up path already turns
    those into one clear line); `error` keeps the operating system's error so callers can name the cause.
    """

    message_key = "common.data_folder_error"

    def __init__(self, path: Path, error: OSError) -> None:
        super().__init__("kiosk.data_dir", str(path), error.strerror or str(error))
        self.path = path
        self.error = error


class QueueUnavailableError(DeviceUnavailableError):
    """The submission queue cannot be opened (key missing, wrong or exposed; damaged file): the kiosk must not
    take citizens' files it could not keep. `detail` is the queue's own translated message."""

    message_key = "ui.device_unavailable"

    def __init__(self, path: Path, detail: str) -> None:
        super().__init__("queue.db_path", str(path), detail)


# A block, so a disk without room for one more block fails the start, not the first citizen's submission.
_PROBE_BYTES = 4096


def prepare_data_folder(path: Path) -> Path:
    """Create the data folder if it is missing and prove it takes a synced write; DataFolderError if not."""
    probe = path / f".write-probe-{os.getpid()}"
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, bytes(_PROBE_BYTES))
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise DataFolderError(path, exc) from exc
    finally:
        with contextlib.suppress(OSError):
            probe.unlink(missing_ok=True)
    return path


# ---- device tables -------------------------------------------------------------------------------------------
def _trust_store(config: KioskConfig) -> TrustStore | None:
    if config.card.trust_store is None:
        return None
    from devices.card.trust.trust_store import TrustStore

    return TrustStore.from_folder(config.card.trust_store, expired_crl=config.card.expired_crl)


def _card_pcsc(config: KioskConfig, _demo: DemoSetup) -> CardReader:
    cls: type[PcscCardReader] = _load("card.backend", "pcsc", "devices.card.pcsc:PcscCardReader")
    return cls(config.card.reader_name, _trust_store(config), prefer_pace=config.card.prefer_pace,
               poll_interval=config.card.removal_poll_s)


def _card_emulated(config: KioskConfig, demo: DemoSetup) -> CardReader:
    """The in-process virtual CCCD: a test issuer signs the card, and the kiosk trusts that issuer's CSCA."""
    cls: type[SimulatedCardReader] = _load("card.backend", "emulated", "devices.card.simulated:SimulatedCardReader")
    from devices.card.emulator.issuer import TestIssuer
    from devices.card.emulator.personalise import personalise
    from devices.card.emulator.profile import load_profile, shipped_profiles_folder
    from devices.card.trust.trust_store import TrustStore

    profile_path = config.card.emulator_profile or shipped_profiles_folder() / "demo.toml"
    if demo.card_image is None or demo.card_trust is None:  # tests hand in one card made once (key generation)
        issuer = TestIssuer.generate(dsc_not_before=demo.signer_valid_from())
        demo.card_image = personalise(load_profile(profile_path), issuer)
        demo.card_trust = TrustStore.from_certificates([issuer.csca_der])
    if not demo.card_front_qr:  # the simulated camera shows this card's front, so its QR opens the chip
        demo.card_front_qr = card_front_qr(load_profile(profile_path))
    return cls(_trust_store(config) or demo.card_trust, prefer_pace=config.card.prefer_pace, today=demo.today)


def _camera_opencv(config: KioskConfig, _demo: DemoSetup) -> Camera:
    cls: type[OpenCvCamera] = _load("camera.backend", "opencv", "devices.camera.opencv:OpenCvCamera")
    c = config.camera
    return cls(c.device, width=c.width, height=c.height, fps=c.fps)


def _camera_simulated(config: KioskConfig, demo: DemoSetup) -> Camera:
    cls: type[SimulatedCamera] = _load("camera.backend", "simulated", "devices.camera.simulated:SimulatedCamera")
    c = config.camera
    if c.video is not None:
        return cls(c.video, width=c.width, height=c.height, fps=c.fps)
    return cls(None, width=c.width, height=c.height, fps=c.fps, frames=[demo.still_frame(c.width, c.height)])


def _printer_pdf(config: KioskConfig, _demo: DemoSetup) -> Printer:
    cls: type[PdfFolderPrinter] = _load("printer.backend", "pdf", "devices.printer.simulated:PdfFolderPrinter")
    return cls(config.printer.output_dir)


def _printer_cups(config: KioskConfig, _demo: DemoSetup) -> Printer:
    cls: type[CupsPrinter] = _load("printer.backend", "cups", "devices.printer.cups:CupsPrinter")
    p = config.printer
    return cls(p.cups_queue, server=p.cups_server, timeout_s=p.job_timeout_s)


def _printer_escpos(config: KioskConfig, _demo: DemoSetup) -> Printer:
    cls: type[EscPosPrinter] = _load("printer.backend", "escpos", "devices.printer.escpos:EscPosPrinter")
    return cls(config.printer.escpos_device)


def _speech_espeak(config: KioskConfig, _demo: DemoSetup) -> Speaker:
    s = config.speech
    cls: type[EspeakSpeaker] = _load("speech.backend", "espeak", "devices.speech.espeak:EspeakSpeaker")
    return cls({"vi": s.voice_vi, "en": s.voice_en}, rate_wpm=s.rate_wpm, volume=s.volume)


def _speech_silent(config: KioskConfig, _demo: DemoSetup) -> Speaker:
    cls: type[SilentSpeaker] = _load("speech.backend", "silent", "devices.speech.simulated:SilentSpeaker")
    return cls(volume=config.speech.volume)


def _insurance_simulated(config: KioskConfig, _demo: DemoSetup) -> InsuranceGateway:
    cls: type[SimulatedInsuranceGateway] = _load("hospital.insurance_backend", "simulated",
                                                "kiosk.hospital.simulated:SimulatedInsuranceGateway")
    return cls()


def _insurance_gateway(config: KioskConfig, _demo: DemoSetup) -> InsuranceGateway:
    cls: type[HttpInsuranceGateway] = _load("hospital.insurance_backend", "gateway",
                                           "kiosk.hospital.gateway:BhxhInsuranceGateway")
    return cls.from_config(config)


Builder = Callable[[KioskConfig, "DemoSetup"], T]
CARD_READERS: dict[str, Builder[CardReader]] = {"pcsc": _card_pcsc, "emulated": _card_emulated}
CAMERAS: dict[str, Builder[Camera]] = {"opencv": _camera_opencv, "simulated": _camera_simulated}
PRINTERS: dict[str, Builder[Printer]] = {"pdf": _printer_pdf, "cups": _printer_cups, "escpos": _printer_escpos}
SPEAKERS: dict[str, Builder[Speaker]] = {"espeak": _speech_espeak, "silent": _speech_silent}
INSURANCE: dict[str, Builder[InsuranceGateway]] = {"simulated": _insurance_simulated, "gateway": _insurance_gateway}


def _scanner_simulated(config: KioskConfig, demo: DemoSetup) -> DocumentScanner:
    cls: type[SimulatedScanner] = _load("scanner.backend", "simulated", "devices.scanner.simulated:SimulatedScanner")
    return cls(dpi=config.scanner.dpi, seed=demo.seed)


def _scanner_opencv(config: KioskConfig, _demo: DemoSetup) -> DocumentScanner:
    """A document camera of its own (not the face camera), opened only while a page is scanned."""
    cls: type[CameraDocumentScanner] = _load("scanner.backend", "opencv",
                                             "devices.scanner.camera:CameraDocumentScanner")
    camera: type[OpenCvCamera] = _load("scanner.backend", "opencv", "devices.camera.opencv:OpenCvCamera")
    from devices.scanner.quality import QualityLimits

    s = config.scanner
    return cls(camera(s.camera_device, width=s.camera_width, height=s.camera_height, fps=5),
               bed_width_mm=s.bed_width_mm, dpi=s.dpi, frames=s.frames,
               limits=QualityLimits(s.min_sharpness, s.max_glare_fraction, s.min_page_fraction))


def _scanner_sane(config: KioskConfig, _demo: DemoSetup) -> DocumentScanner:
    cls: type[SaneScanner] = _load("scanner.backend", "sane", "devices.scanner.sane:SaneScanner")
    s = config.scanner
    return cls(s.sane_device, dpi=s.dpi, page_width_mm=s.page_width_mm, page_height_mm=s.page_height_mm,
               mode=s.sane_mode, source=s.sane_source, timeout_s=s.timeout_s, options=s.sane_options)


SCANNERS: dict[str, Builder[DocumentScanner]] = {
    "simulated": _scanner_simulated, "opencv": _scanner_opencv, "sane": _scanner_sane}


def _pick(table: dict[str, Builder[T]], setting: str, backend: str, config: KioskConfig, demo: DemoSetup) -> T:
    try:
        builder = table[backend]
    except KeyError as exc:
        raise DeviceUnavailableError(setting, backend, f"unknown; choose one of {', '.join(sorted(table))}") from exc
    return builder(config, demo)


@dataclass
class DemoSetup:
    """How a demo or test run differs from a kiosk in service: fixed time and seed, no real-time waits."""

    enabled: bool = False
    fast: bool = False                        # simulated devices do not wait in real time
    now: datetime | None = None               # a fixed wall clock (the same receipts on every run)
    seed: int = 6                             # face challenges and simulators draw from this
    face_scenario: str = "genuine"
    portal_faults: str = ""
    card_image: CardImage | None = None       # the emulated backend's virtual card, for "insert" buttons and tests
    card_trust: TrustStore | None = None      # the trust store holding that card's test CSCA
    card_front_qr: str = field(default="", repr=False)  # the QR printed on that card's front (camera path)
    payment_confirm_s: float | None = 10.0    # the simulated bank confirms a payment this long after it is opened

    def wall_clock(self) -> Callable[[], float]:
        """Seconds since the epoch for the submission queue (its stamps, retries and the manager's "today").

        In service: real time. With a fixed demo clock: real time shifted to start at it (a clock without a zone is
        read as Vietnam time, as receipts print it), so the queue's day is the receipts' day while back-offs still
        pass in real time (a frozen clock would never make a deferred file due again).
        """
        if self.now is None:
            return time.time
        from kiosk.vietnam import VIETNAM_TIME

        fixed = self.now if self.now.tzinfo is not None else self.now.replace(tzinfo=VIETNAM_TIME)
        offset = fixed.timestamp() - time.time()
        return lambda: time.time() + offset

    def today(self) -> date:
        """The kiosk's calendar day: the demo's fixed clock when set, so card validity agrees with receipts."""
        return self.now.date() if self.now is not None else date.today()

    def signer_valid_from(self) -> datetime | None:
        """A fixed demo clock may lie before today: the test signer must already be valid on the demo's day."""
        if self.now is None:
            return None
        fixed = self.now if self.now.tzinfo is not None else self.now.replace(tzinfo=UTC)
        return min(fixed, datetime.now(UTC)) - timedelta(days=1)

    def still_frame(self, width: int, height: int) -> Frame:
        """A drawn head-and-shoulders picture: the simulated camera's view when no video is configured."""
        import cv2
        import numpy as np

        frame = np.full((height, width, 3), (96, 88, 80), dtype=np.uint8)
        cx, cy = width // 2, height // 2 - height // 12
        cv2.ellipse(frame, (cx, height + height // 8), (width // 3, height // 3), 0, 180, 360, (120, 80, 50), -1)
        cv2.ellipse(frame, (cx, cy), (width // 8, height // 5), 0, 0, 360, (150, 180, 215), -1)
        cv2.ellipse(frame, (cx, cy - height // 10), (width // 8 + 6, height // 9), 0, 180, 360, (40, 40, 45), -1)
        if self.card_front_qr:
            _draw_card_front(frame, self.card_front_qr)
        return frame


@dataclass(kw_only=True)
class Kiosk(Operations):
    """Everything the UI works with; built once by `build_kiosk` and closed with `close()`. The collaborators the
    operations use are declared on `Operations`; these are the rest."""

    clock: Clock
    face_verifier: FaceVerifier
    demo: bool = False
    wall_clock: Callable[[], float] = time.time   # seconds since the epoch, as the submission queue stamps them
    help_desk: HelpDesk | None = None          # "Gọi cán bộ": the back end `[help] backend` names
    metrics: KioskMetrics | None = None        # served on `fleet.metrics_address` when set
    stop_metrics: Callable[[], None] | None = None  # stops the metrics endpoint on close
    payments: PaymentDesk | None = None        # fees at the kiosk (`[payment]`); None: fees are paid at the counter

    @property
    def place_name(self) -> str:
        return self.config.kiosk.ward_name

    def pay_for_file(self, file_code: str, id_last4: str) -> PaymentOffer:
        """Pay a file's fee later, from the status look-up (status 6): the same VietQR offer, or "paid" when it is
        paid already. Raises a `PaymentError` (with its message key), `PaymentsOffError` on a kiosk without fees."""
        from kiosk.payment import PaymentsOffError

        if self.payments is None:
            raise PaymentsOffError("this kiosk takes no fees")
        return self.payments.pay_for_file(file_code, id_last4)

    def close(self) -> None:
        for stop in (getattr(self.submissions, "stop", None), getattr(self.card_reader, "close", None),
                     getattr(self.speaker, "stop", None),
                     getattr(self.portal_simulator, "stop", None), self.stop_metrics):
            if stop is None:
                continue
            try:
                stop()
            except Exception:
                log.warning("could not stop a collaborator cleanly", exc_info=True)


def build_kiosk(config: KioskConfig, demo: DemoSetup | None = None, clock: Clock | None = None) -> Kiosk:
    """Build every collaborator the configuration asks for (devices first, so a missing one fails early)."""
    demo = demo or DemoSetup()
    clock = clock or SystemClock()
    data_dir = config.kiosk.data_dir
    prepare_data_folder(data_dir)  # a read-only or full disk is named here, before any device or file is opened
    private_dir(data_dir)  # owner-only (0700), also when an older version left it open
    card = _pick(CARD_READERS, "card.backend", config.card.backend, config, demo)
    camera = _pick(CAMERAS, "camera.backend", config.camera.backend, config, demo)
    scanner = _pick(SCANNERS, "scanner.backend", config.scanner.backend, config, demo)
    printer = _pick(PRINTERS, "printer.backend", config.printer.backend, config, demo)
    speaker = _with_recorded_prompts(config, _pick(SPEAKERS, "speech.backend", config.speech.backend, config, demo))
    face = _face_verifier(config, demo)
    from kiosk.catalogue.holidays import load_active_holidays

    # Read once, before anything starts: every form's due date uses this calendar until the kiosk is rebuilt. A
    # broken configured file is refused (the technician screen names the entry) and the shipped calendar serves.
    holidays_load = load_active_holidays(config.catalogue.holidays_file)
    if holidays_load.refused:
        log.warning("holidays file refused, shipped calendar in use: %s", holidays_load.refused)
    holidays = holidays_load.calendar

    simulator = None
    if config.portal.start_simulator:
        from kiosk.portal.simulator import start_simulator

        simulator = start_simulator(port=0, db=":memory:", faults=demo.portal_faults,
                                    seed=demo.seed if demo.enabled else None, calendar=holidays,
                                    payment_confirm_s=demo.payment_confirm_s)
        config = dataclasses.replace(config, portal=dataclasses.replace(config.portal, base_url=simulator.url))
        if demo.now is not None:  # the simulated portal's dates (file codes, due dates) follow the demo's clock
            simulator.advance_clock(demo.now.timestamp() - time.time())

    from kiosk.audit import AuditLog
    from kiosk.catalogue.loader import load_active_catalogue
    from kiosk.speech.guide import VoiceGuide
    from kiosk.staff import StaffAuthenticator
    from kiosk.submissions import SubmissionService

    fixed = demo.now
    now: Callable[[], datetime] = (lambda: fixed) if fixed is not None else datetime.now
    audit = AuditLog(data_dir, config.kiosk.kiosk_id, now=(lambda: fixed) if fixed is not None else _utc)
    session = Session(config.session, clock=clock, audit=audit, default_language=config.kiosk.default_language)
    wall_clock = demo.wall_clock()
    translator = Translator(language=config.kiosk.default_language)
    try:
        submissions = SubmissionService.from_config(config, clock=wall_clock)
    except QueueError as exc:
        # A key or queue file problem stops the start with the queue's own message, not a traceback.
        raise QueueUnavailableError(config.queue.db_path, translator.text(exc.message_key)) from exc
    submissions.start()
    from kiosk.updates.applied import applied_catalogue

    # A catalogue release applied by a signed update (kiosk/updates/) takes the place of the configured folder.
    loaded = load_active_catalogue(applied_catalogue(config) or config.catalogue.folder, data_dir)
    if loaded.fallback:
        log.warning("catalogue folder %s refused (%d problem(s)); serving the %s catalogue instead",
                    config.catalogue.folder, len(loaded.refused), loaded.fallback)
    from devices.qr.zxing import ZxingQrScanner
    from kiosk.receipts.recovery import PrinterRecovery

    kiosk = Kiosk(
        config=config, session=session, clock=clock, now=now, translator=translator,
        card_reader=card, camera=camera, face_verifier=face, printer=printer, speaker=speaker,
        guide=VoiceGuide(speaker), catalogue=loaded.catalogue, catalogue_load=loaded, holidays=holidays,
        holidays_refused=holidays_load.refused,
        submissions=submissions,
        staff=StaffAuthenticator(config.staff, clock=clock, state_dir=data_dir), audit=audit,
        hospital=_hospital(config, demo, now) if config.hospital.enabled else None,
        portal_simulator=simulator, demo=demo.enabled, wall_clock=wall_clock,
        payments=_payments(config, submissions, demo_account=simulator is not None), scanner=scanner,
        qr_scanner=ZxingQrScanner(), card_image=demo.card_image,
        printer_recovery=PrinterRecovery(printer, config, now=now, catalogue=loaded.catalogue, translator=translator),
    )
    session.register_collaborator(face)
    kiosk.guide.attach(session)
    _attach_fleet(kiosk)
    return kiosk


def _attach_fleet(kiosk: Kiosk) -> None:
    """The help desk `[help] backend` names and, when `fleet.metrics_address` is set, the metrics endpoint."""
    from kiosk.fleet.metrics import KioskLabels
    from kiosk.help import HelpDeskParts, build_help_desk
    from kiosk.receipts.desk import print_help_slip

    config = kiosk.config
    desks: list[HelpDesk] = []
    if config.fleet.metrics_address:
        from kiosk.fleet.instrument import instrument, serve

        kiosk.metrics = instrument(kiosk, help_waiting_s=lambda: desks[0].waiting_s() if desks else 0.0)
        kiosk.stop_metrics = serve(kiosk.metrics, config.fleet.metrics_address)
        from kiosk.updates.metrics import report_releases

        report_releases(kiosk.metrics, config)  # kiosk_update_release{kind}: the signed releases in service

    def slip(reason: str) -> object:
        return print_help_slip(kiosk, f"help.reason_{reason}", kiosk.session.language)

    desks.append(build_help_desk(config, HelpDeskParts(labels=KioskLabels.from_config(config), print_slip=slip,
                                                       metrics=kiosk.metrics)))
    kiosk.help_desk = desks[0]


def card_front_qr(profile: CardProfile) -> str:
    """The text of the QR code printed on a CCCD's front: id|old id|name|ddmmyyyy birth|sex|address|ddmmyyyy issue
    (the layout devices.card.access_keys.from_qr reads)."""
    p = profile.person
    sex = "Nữ" if p.sex == "F" else "Nam"
    return "|".join((p.id_number, p.old_id_number, p.full_name, p.date_of_birth.strftime("%d%m%Y"), sex,
                     p.place_of_residence, p.date_of_issue.strftime("%d%m%Y")))


def _draw_card_front(frame: Frame, text: str) -> None:
    """The card lying on the pad in the camera's view: a pale card in the lower right with its QR code."""
    import cv2
    import numpy as np
    import zxingcpp

    code = np.array(zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode).to_image(scale=3))
    h, w = code.shape[:2]
    height, width = frame.shape[:2]
    top, left = height - h - 16, width - w - 16
    if top < 0 or left < 0:
        return
    cv2.rectangle(frame, (left - 12, top - 12), (width - 4, height - 4), (235, 240, 245), -1)
    frame[top:top + h, left:left + w] = cv2.cvtColor(code, cv2.COLOR_GRAY2BGR) if code.ndim == 2 else code


def build_visit(kiosk: Kiosk) -> Visit:
    """The journey core for one kiosk: a `Visit` over the kiosk's session and devices (kiosk.journey)."""
    from kiosk.journey import JourneyParts, Visit

    parts = JourneyParts(
        config=kiosk.config, session=kiosk.session, catalogue=kiosk.catalogue, translator=kiosk.translator,
        now=kiosk.now, card_reader=kiosk.card_reader, camera=kiosk.camera, qr_scanner=kiosk.qr_scanner,
        face_verifier=kiosk.face_verifier, printer=kiosk.printer, submissions=kiosk.submissions,
        hospital=kiosk.hospital, holidays=kiosk.holidays, recovery=kiosk.printer_recovery,
        snapshot_jpeg=kiosk.camera_snapshot_jpeg, staff=kiosk.staff, payments=kiosk.payments,
        scanner=kiosk.scanner, monotonic=kiosk.clock.monotonic, help_desk=kiosk.help_desk, metrics=kiosk.metrics)
    return Visit(parts)


def _with_recorded_prompts(config: KioskConfig, speaker: Speaker) -> Speaker:
    """Recorded prompts (services.md §5.4) sit in front of whichever voice is configured, even the silent one."""
    if config.speech.prompts_dir is None:
        return speaker
    recorded: type[RecordedPromptSpeaker] = _load("speech.prompts_dir", "recorded",
                                                  "devices.speech.recorded:RecordedPromptSpeaker")
    return recorded(speaker, config.speech.prompts_dir)


def _utc() -> datetime:
    return datetime.now(UTC)


def _face_verifier(config: KioskConfig, demo: DemoSetup) -> FaceVerifier:
    """The simulated camera goes with the scripted verifier (no real face in its frames); a real camera with dlib."""
    f = config.face
    if config.camera.backend == "simulated":
        simulated: type[SimulatedFaceVerifier] = _load("camera.backend", "simulated",
                                                        "devices.face.simulated:SimulatedFaceVerifier")
        return simulated(demo.face_scenario, threshold=f.match_threshold, max_attempts=f.max_attempts,
                   rng=random.Random(demo.seed), frames_per_step=3 if demo.fast else 8)
    dlib: type[DlibFaceVerifier] = _load("camera.backend", config.camera.backend,
                                         "devices.face.dlib_verifier:DlibFaceVerifier")
    return dlib.from_settings(f)


DEMO_ACCOUNT = ("970403", "0000000000000", "TAI KHOAN DEMO")  # shown only beside the portal simulator


def _payments(config: KioskConfig, submissions: SubmissionService, *, demo_account: bool) -> PaymentDesk | None:
    """The payment desk `[payment]` asks for, confirming through the kiosk's portal client; None when fees are
    paid at the counter (backend "off", or no agency account outside a demo)."""
    from kiosk.payment import AgencyAccount, PaymentDesk, VietQrPayment
    from kiosk.payment.portal import PortalConfirmations

    settings = config.payment
    if settings.backend == "off":
        return None
    if settings.bank_bin and settings.account_number:
        account = AgencyAccount(settings.bank_bin, settings.account_number, settings.account_name)
    elif demo_account:
        account = AgencyAccount(*DEMO_ACCOUNT)
    else:
        log.warning("payment.bank_bin and payment.account_number are not set: fees are paid at the counter")
        return None
    # A poll runs while the citizen watches the screen: a slow portal costs one short wait, not the full deadline.
    timeout = (config.portal.connect_timeout_s, min(config.portal.read_timeout_s, 5.0))
    return PaymentDesk(VietQrPayment(account, PortalConfirmations(submissions.client, timeout)),
                       poll_interval_s=settings.poll_interval_s, wait_s=settings.wait_s)


def _hospital(config: KioskConfig, demo: DemoSetup, now: Callable[[], datetime]) -> HospitalCheckIn:
    from kiosk.hospital.checkin import HospitalCheckIn, load_specialties
    from kiosk.hospital.queue_numbers import SqliteQueueNumbers

    gateway = _pick(INSURANCE, "hospital.insurance_backend", config.hospital.insurance_backend, config, demo)
    queue = SqliteQueueNumbers(Path(config.hospital.queue_db))
    system = _hospital_system(config, now)
    return HospitalCheckIn(gateway, queue, load_specialties(), config.hospital.minutes_per_patient, clock=now,
                           system=system)


def _hospital_system(config: KioskConfig, now: Callable[[], datetime]) -> HospitalSystem | None:
    """`[hospital] system_backend`: the hospital's own system over FHIR, a simulated one, or none."""
    h = config.hospital
    if h.system_backend == "off":
        return None
    if h.system_backend == "fhir":
        fhir: type[FhirHospitalSystem] = _load("hospital.system_backend", "fhir",
                                               "kiosk.hospital.fhir:FhirHospitalSystem")
        return fhir.from_config(config)
    from kiosk.hospital.fhir import CodeSystems
    from kiosk.hospital.fhir_store import FhirStore
    from kiosk.hospital.simulated_system import SimulatedHospitalSystem

    # The simulated clinics call one patient per average consultation; the demo clock drives them.
    systems = CodeSystems(h.patient_id_system, h.insurance_id_system, h.code_base)
    every = h.minutes_per_patient * 60.0 if h.minutes_per_patient > 0 else None
    return SimulatedHospitalSystem(FhirStore(systems, clock=now, call_every_s=every))
