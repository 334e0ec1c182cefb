"""Technician and manager views: device tests, queue state, statistics, the configuration as loaded.

services.md §5.6 (technician mode: health of reader, camera, printer, network; test print; logs without personal
data) and the staff dashboard (counts by procedure and status). Every function returns plain text lines or
(label, value) pairs for the technician screen; none returns a citizen's data — the queue statistics are counts.
The collaborators these read are named in `DiagnosedKiosk`; each check takes only the ones it tests.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from kiosk.i18n import language_of
from kiosk.receipts.documents import issuer_for, print_document, render_for_config
from kiosk.staff.statistics import compute_statistics, statistics_rows
from printing import HelpSlipData

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

    from devices.camera.camera import Camera
    from devices.card.interface import CardReader
    from devices.printer.printer import Printer
    from devices.scanner.scanner import DocumentScanner
    from devices.speech.speaker import Speaker
    from kiosk.catalogue.holidays import HolidayCalendar
    from kiosk.catalogue.loader import CatalogueLoadResult
    from kiosk.catalogue.model import Catalogue
    from kiosk.config import KioskConfig
    from kiosk.i18n import Translator
    from kiosk.submissions import SubmissionService
    from offline_cache.sync import SyncProgress


class DiagnosedKiosk(Protocol):
    """What the technician's and manager's views read of the kiosk (kiosk.bootstrap.Kiosk is one)."""

    @property
    def config(self) -> KioskConfig: ...
    @property
    def card_reader(self) -> CardReader: ...
    @property
    def camera(self) -> Camera: ...
    @property
    def printer(self) -> Printer: ...
    @property
    def speaker(self) -> Speaker: ...
    @property
    def scanner(self) -> DocumentScanner | None: ...
    @property
    def translator(self) -> Translator: ...
    @property
    def catalogue(self) -> Catalogue: ...
    @property
    def catalogue_load(self) -> CatalogueLoadResult | None: ...
    @property
    def holidays(self) -> HolidayCalendar | None: ...
    @property
    def holidays_refused(self) -> str: ...
    @property
    def submissions(self) -> SubmissionService: ...
    def now(self) -> datetime: ...
    def translate(self, key: str, language: str, /, **params: object) -> str: ...
    def speak(self, key: str, language: str, /, **params: object) -> None: ...


SECRET_WORDS = ("pin", "key", "secret", "password", "token", "cert", "operator")


def run_check(kiosk: DiagnosedKiosk, name: str) -> tuple[bool, str]:
    checks: dict[str, Callable[[], tuple[bool, str]]] = {
        "reader": lambda: check_reader(kiosk.card_reader),
        "camera": lambda: check_camera(kiosk.camera),
        "printer": lambda: check_printer(kiosk.printer, kiosk.config, kiosk.translate, kiosk.now),
        "portal": lambda: check_portal(kiosk.config),
        "speech": lambda: check_speech(kiosk.speaker, kiosk.speak),
        "catalogue": lambda: check_catalogue(kiosk),
        "scanner": lambda: check_scanner(kiosk.scanner)}
    return checks[name]()


def check_reader(reader: CardReader) -> tuple[bool, str]:
    readers = reader.readers()
    if not readers:
        return False, "no reader"
    return True, ", ".join(f"{r.name} (card: {'yes' if r.card_present else 'no'})" for r in readers)


def check_camera(camera: Camera) -> tuple[bool, str]:
    camera.start()
    try:
        started = time.monotonic()
        frames = 0
        while frames < 10 and time.monotonic() - started < 3.0:
            camera.read()
            frames += 1
        fps = frames / max(1e-6, time.monotonic() - started)
    finally:
        camera.stop()
    return frames > 0, f"{camera.width}x{camera.height}, {frames} frames, {fps:.0f} fps"


def check_scanner(scanner: DocumentScanner | None) -> tuple[bool, str]:
    """The document scanner's own device test (opens it, scans nothing a citizen placed)."""
    if scanner is None:
        return False, "no document scanner configured"
    health = scanner.check()
    return health.ok, health.detail


def check_printer(printer: Printer, config: KioskConfig, translate: Callable[..., str],
                  now: Callable[[], datetime]) -> tuple[bool, str]:
    """Prints the technician's test page: a help slip with the test reason, so paper, cutter and layout show."""
    status = printer.status()
    key = "ui.tech_test_page"
    slip = HelpSlipData(issuer=issuer_for(config), reason=translate(key, "vi"), reason_code=key, service_name="",
                        occurred_at=now())
    result = print_document(printer, render_for_config(config, slip))
    return True, f"{printer.name}: {status.value}, test page {result.bytes_sent} bytes"


def check_portal(config: KioskConfig) -> tuple[bool, str]:
    """Through the kiosk's own portal client: same TLS settings, deadline, size cap, and no redirect followed."""
    from kiosk.portal.client import PortalClient
    from kiosk.portal.errors import PortalError

    base = config.portal.base_url.rstrip("/")
    client = PortalClient.from_config(config)
    started = time.monotonic()
    try:
        client.health(timeout=(config.portal.connect_timeout_s, 5.0))
    except PortalError as exc:
        return False, f"{base}: {exc.reason_code}: {exc}"
    finally:
        client.close()
    ms = (time.monotonic() - started) * 1000
    return True, f"{base}: HTTP 200 in {ms:.0f} ms"


def check_speech(speaker: Speaker, speak: Callable[[str, str], None]) -> tuple[bool, str]:
    speak("ui.tech_check_speech", "vi")
    return True, f"{type(speaker).__name__}, volume {speaker.volume}"


def check_catalogue(kiosk: DiagnosedKiosk) -> tuple[bool, str]:
    lines = catalogue_lines(kiosk, "vi")
    healthy = not (kiosk.catalogue_load and kiosk.catalogue_load.fallback) and not kiosk.holidays_refused
    return healthy and not holidays_warning(kiosk, "vi"), "\n".join(lines)


def holidays_warning(kiosk: DiagnosedKiosk, language: str) -> str:
    """A warning when the holiday calendar does not cover the next 12 months (a year no holidays file has
    checked against the government's announcements), else an empty string."""
    calendar = kiosk.holidays
    missing = calendar.uncovered_years(kiosk.now().date()) if calendar is not None else ()
    if not missing:
        return ""
    return kiosk.translate("services.holidays_not_covered", language, years=", ".join(map(str, missing)))


def catalogue_lines(kiosk: DiagnosedKiosk, language: str) -> list[str]:
    """Which catalogue is served and, when the configured folder was refused at start-up, why (file, field,
    problem), so the technician can fix the files; the kiosk meanwhile serves the last good catalogue."""
    catalogue = kiosk.catalogue
    lines = [f"catalogue.in_use = {catalogue.folder} ({len(catalogue.codes())} services)"]
    refused_holidays = kiosk.holidays_refused
    uncovered = holidays_warning(kiosk, language)
    if uncovered:
        lines.insert(0, uncovered)
    if refused_holidays:
        lines.insert(0, kiosk.translate("services.holidays_refused", language, detail=refused_holidays))
    loaded = kiosk.catalogue_load
    if loaded is None or not loaded.fallback:
        return lines
    lines.insert(0, kiosk.translate("services.catalogue_refused", language))
    lines.append(f"catalogue.fallback = {loaded.fallback}")
    for problem in loaded.refused:
        what = kiosk.translate(f"services.problem_{problem.code}", language, detail=problem.detail)
        lines.append(kiosk.translate("services.catalogue_problem", language, file=problem.file,
                                     field=problem.field or "-", problem=what))
    return lines


def queue_summary(kiosk: DiagnosedKiosk) -> list[tuple[str, str]]:
    """Counts for the technician's queue tab, then one `queue_warning` line (already translated) per thing staff
    must know about the queue file: it vanished, shrank, lost its WAL, or was set aside with N of M rows saved."""
    from offline_cache.records import SubmissionState

    progress = kiosk.submissions.progress()
    queue = kiosk.submissions.queue
    lines = [
        ("queue_waiting", str(progress.waiting)),
        ("queue_sending", str(progress.sending)),
        ("queue_accepted", str(progress.accepted)),
        ("queue_rejected", str(progress.rejected)),
        ("queue_damaged", str(queue.counts()[SubmissionState.DAMAGED])),
        ("queue_portal", kiosk.translate(_portal_state_key(progress), "vi")),
    ]
    lines += [("queue_warning", kiosk.translate(i.message_key, "vi", **i.message_params)) for i in queue.incidents()]
    return lines


def _portal_state_key(progress: SyncProgress) -> str:
    """Up, down (waiting to retry), or a set-up fault a technician must fix (wrong address, proxy, credentials)."""
    if progress.portal_reachable:
        return "ui.queue_portal_up"
    return "ui.queue_portal_misconfigured" if progress.operational_fault else "ui.queue_portal_down"


def statistics(kiosk: DiagnosedKiosk, language: str) -> list[tuple[str, str]]:
    """The manager's screen: the same rows `kiosk stats` prints, with the catalogue's service names."""
    def service_name(code: str) -> str:
        try:
            return kiosk.catalogue.get(code).name.get(language_of(language))
        except KeyError:
            return code

    result = compute_statistics(kiosk.submissions.queue)
    return [(row.label, row.value) for row in statistics_rows(result, kiosk.translator, language, service_name)]


def config_lines(config: DataclassInstance, prefix: str = "") -> list[str]:  # settings, nested to any depth
    """Every setting as `section.key = value`, with secrets (PIN hashes, keys) shown only as set / not set."""
    lines: list[str] = []
    for f in dataclasses.fields(config):
        value = getattr(config, f.name)
        key = f"{prefix}{f.name}"
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            lines += config_lines(value, f"{key}.")
        elif any(word in f.name for word in SECRET_WORDS) or f.name == "volunteers":
            lines.append(f"{key} = {'(set)' if value else '(not set)'}")
        else:
            lines.append(f"{key} = {value}")
    return lines
