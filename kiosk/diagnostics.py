"""Technician and manager views: device tests, queue state, statistics, the configuration as loaded.

services.md §5.6 (technician mode: health of reader, camera, printer, network; test print; logs without personal
data) and the staff dashboard (counts by procedure and status). Every function returns plain text lines or
(label, value) pairs for the technician screen; none returns a citizen's data — the queue statistics are counts.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the operations mixin imports this module lazily, so only the type is needed here
    from kiosk.operations import Operations

SECRET_WORDS = ("pin", "key", "secret", "password", "token", "cert", "operator")


def run_check(kiosk: Operations, name: str) -> tuple[bool, str]:
    checks: dict[str, Callable[[Operations], tuple[bool, str]]] = {
        "reader": _reader, "camera": _camera, "printer": _printer, "portal": _portal, "speech": _speech,
        "catalogue": _catalogue, "scanner": _scanner}
    return checks[name](kiosk)


def _reader(kiosk: Operations) -> tuple[bool, str]:
    readers = kiosk.card_reader.readers()
    if not readers:
        return False, "no reader"
    return True, ", ".join(f"{r.name} (card: {'yes' if r.card_present else 'no'})" for r in readers)


def _camera(kiosk: Operations) -> tuple[bool, str]:
    camera = kiosk.camera
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


def _scanner(kiosk: Operations) -> tuple[bool, str]:
    """The document scanner's own device test (opens it, scans nothing a citizen placed)."""
    from devices.scanner.scanner import DocumentScanner

    scanner = kiosk.extras.get("scanner")
    if not isinstance(scanner, DocumentScanner):
        return False, "no document scanner configured"
    health = scanner.check()
    return health.ok, health.detail


def _printer(kiosk: Operations) -> tuple[bool, str]:
    from kiosk.receipts import print_help_slip

    status = kiosk.printer.status()
    result = print_help_slip(kiosk, "ui.tech_test_page", "vi")
    return True, f"{kiosk.printer.name}: {status.value}, test page {result.bytes_sent} bytes"


def _portal(kiosk: Operations) -> tuple[bool, str]:
    """Through the kiosk's own portal client: same TLS settings, deadline, size cap, and no redirect followed."""
    from kiosk.portal.client import PortalClient
    from kiosk.portal.errors import PortalError

    base = kiosk.config.portal.base_url.rstrip("/")
    client = PortalClient.from_config(kiosk.config)
    started = time.monotonic()
    try:
        client.health(timeout=(kiosk.config.portal.connect_timeout_s, 5.0))
    except PortalError as exc:
        return False, f"{base}: {exc.reason_code}: {exc}"
    finally:
        client.close()
    ms = (time.monotonic() - started) * 1000
    return True, f"{base}: HTTP 200 in {ms:.0f} ms"


def _speech(kiosk: Operations) -> tuple[bool, str]:
    kiosk.speak("ui.tech_check_speech", "vi")
    return True, f"{type(kiosk.speaker).__name__}, volume {kiosk.speaker.volume}"


def _catalogue(kiosk: Operations) -> tuple[bool, str]:
    lines = catalogue_lines(kiosk, "vi")
    healthy = not (kiosk.catalogue_load and kiosk.catalogue_load.fallback) and not kiosk.holidays_refused
    return healthy and not holidays_warning(kiosk, "vi"), "\n".join(lines)


def holidays_warning(kiosk: Operations, language: str) -> str:
    """A warning when the holiday calendar does not cover the next 12 months (a year no holidays file has
    checked against the government's announcements), else an empty string."""
    calendar = kiosk.holidays
    missing = calendar.uncovered_years(kiosk.now().date()) if calendar is not None else ()
    if not missing:
        return ""
    return kiosk.translate("services.holidays_not_covered", language, years=", ".join(map(str, missing)))


def catalogue_lines(kiosk: Operations, language: str) -> list[str]:
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


def queue_summary(kiosk: Operations) -> list[tuple[str, str]]:
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


def _portal_state_key(progress: Any) -> str:
    """Up, down (waiting to retry), or a set-up fault a technician must fix (wrong address, proxy, credentials)."""
    if progress.portal_reachable:
        return "ui.queue_portal_up"
    return "ui.queue_portal_misconfigured" if getattr(progress, "operational_fault", None) else "ui.queue_portal_down"


def statistics(kiosk: Operations, language: str) -> list[tuple[str, str]]:
    """Counts for the manager: by service, by queue state, by portal status (no file, no person)."""
    from kiosk.stats import compute_statistics

    result = compute_statistics(kiosk.submissions.queue)
    lines: list[tuple[str, str]] = [(kiosk.translate("ui.stats_total", language), str(result.total))]
    for code, count in result.by_service.items():
        try:
            name = kiosk.catalogue.get(code).name.get("en" if language == "en" else "vi")
        except KeyError:
            name = code
        lines.append((name, str(count)))
    lines += [(_label(kiosk, f"queue.state_{state}", language, state), str(count))
              for state, count in result.by_state.items()]
    lines += [(_label(kiosk, f"queue.status_{status}", language, f"status {status}"), str(count))
              for status, count in result.by_portal_status.items()]
    lines.append((kiosk.translate("ui.stats_waiting", language), str(result.waiting)))
    return lines


def _label(kiosk: Operations, key: str, language: str, fallback: str) -> str:
    return kiosk.translate(key, language) if _has(kiosk, key) else fallback


def _has(kiosk: Operations, key: str) -> bool:
    return bool(kiosk.translator.has(key))


def config_lines(config: Any, prefix: str = "") -> list[str]:  # any settings dataclass, nested to any depth
    """Every setting as `section.key = value`, with secrets (PIN hashes, keys) shown only as set / not set."""
    lines: list[str] = []
    for f in dataclasses.fields(config):
        value = getattr(config, f.name)
        key = f"{prefix}{f.name}"
        if dataclasses.is_dataclass(value):
            lines += config_lines(value, f"{key}.")
        elif any(word in f.name for word in SECRET_WORDS) or f.name == "volunteers":
            lines.append(f"{key} = {'(set)' if value else '(not set)'}")
        else:
            lines.append(f"{key} = {value}")
    return lines
