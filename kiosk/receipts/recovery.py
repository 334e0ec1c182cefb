"""After a failed receipt: remember it, and when the printer is back print a "needs help" slip for the counter.

The receipt itself is never lost (kiosk.receipts.desk rebuilds it from the queue record), but the citizen may have left
by the time paper is loaded. So each failed receipt or ticket leaves a small pending entry — submission ID, file
code, service code, time and the printer's message key, never a name, ID number or address — kept as JSON under
`kiosk.data_dir` so a restart keeps it. `poll()` (the UI calls it every few seconds, off the GUI thread) prints
one slip per entry once the printer reports ready and `printer.print_help_slip_on_recovery` is on; an entry is
dropped only after its slip printed, so a printer that fails again simply leaves it for the next poll.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from devices.printer import Printer, PrinterError, PrinterStatus, PrintResult
from kiosk.config import KioskConfig
from kiosk.i18n import Translator
from kiosk.receipts.documents import issuer_for, print_document, render_for_config
from offline_cache.private_files import write_private
from printing import HelpSlipData

log = logging.getLogger(__name__)
STATE_FILE = "printer_recovery.json"
_REASON_KEY = "printer.help_reason_receipt_not_printed"


@dataclass(frozen=True)
class PendingSlip:
    """One receipt (or hospital ticket) that did not print; only references, never personal data."""

    submission_id: str
    service_code: str
    failed_at: str  # local wall-clock time, ISO-8601 minutes
    reason_key: str  # the printer's message key, e.g. "printer.out_of_paper"
    file_code: str | None = None
    kind: str = "receipt"  # or "ticket"

    @property
    def reference(self) -> str:
        """What staff type or scan to find the file: the portal's file code, else the queue's submission ID."""
        return self.file_code or self.submission_id


class PrinterRecovery:
    def __init__(self, printer: Printer, config: KioskConfig, *, now: Callable[[], datetime],
                 data_dir: Path | None = None, catalogue: Any = None,
                 translator: Translator | None = None) -> None:
        self.printer = printer
        self.config = config
        self._now = now
        self._path = (data_dir or config.kiosk.data_dir) / STATE_FILE
        self._catalogue = catalogue
        self._translator = translator or Translator(language="vi")
        self._lock = threading.Lock()
        self._polling = threading.Lock()
        self._pending: dict[str, PendingSlip] = self._load()

    # ---- what the UI calls ---------------------------------------------------------------------------------
    def remember(self, submission_id: str, *, service_code: str, reason_key: str, file_code: str | None = None,
                 kind: str = "receipt") -> PendingSlip:
        """Note a failed print. A second failure of the same receipt (a retry) keeps one entry, not two."""
        entry = PendingSlip(submission_id=submission_id, service_code=service_code,
                            failed_at=self._now().replace(second=0, microsecond=0).isoformat(),
                            reason_key=reason_key or "printer.print_failed", file_code=file_code or None,
                            kind=kind)
        with self._lock:
            self._pending[submission_id] = entry
            self._save()
        log.info("receipt print failed (%s); a help slip is pending for %s", entry.reason_key, entry.kind)
        return entry

    def forget(self, submission_id: str) -> bool:
        """The receipt printed after all (a retry, a reprint): no slip is needed any more."""
        with self._lock:
            if self._pending.pop(submission_id, None) is None:
                return False
            self._save()
        return True

    def pending(self) -> list[PendingSlip]:
        with self._lock:
            return list(self._pending.values())

    @property
    def enabled(self) -> bool:
        return self.config.printer.print_help_slip_on_recovery

    def poll(self) -> list[PrintResult]:
        """If slips are pending, printing them is on and the printer is ready, print one slip per entry.

        Two polls at once (a slow printer, a timer firing again) never print the same slip twice: the second one
        returns at once. The first printer failure stops the round; what is left waits for the next poll."""
        if not self.enabled or not self.pending():
            return []
        if not self._polling.acquire(blocking=False):
            return []
        printed: list[PrintResult] = []
        try:
            if self.printer.status() is not PrinterStatus.READY:
                return []
            for entry in self.pending():
                try:
                    result = print_document(self.printer, render_for_config(self.config, self._slip(entry)))
                except PrinterError as exc:
                    log.info("help slip not printed yet (%s); trying again later", exc.message_key)
                    break
                printed.append(result)
                self.forget(entry.submission_id)
        finally:
            self._polling.release()
        return printed

    # ---- the slip and the state file -------------------------------------------------------------------------
    def _slip(self, entry: PendingSlip) -> HelpSlipData:
        return HelpSlipData(
            issuer=issuer_for(self.config, hospital=entry.kind == "ticket"), reason=self._reason(),
            reason_code=entry.reason_key, service_name=self._service_name(entry.service_code),
            occurred_at=_parse_time(entry.failed_at) or self._now(), reference=entry.reference, language="vi")

    def _reason(self) -> str:
        tr = Translator(language="vi", catalogue=self._translator.catalogue)
        return tr.text(_REASON_KEY)

    def _service_name(self, code: str) -> str:
        if self._catalogue is None or not code:
            return code
        try:
            return str(self._catalogue.get(code).name.vi)
        except (KeyError, AttributeError):
            return code

    def _load(self) -> dict[str, PendingSlip]:
        try:
            raw = json.loads(self._path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            # A damaged file must not stop the kiosk; the receipts themselves are still in the queue.
            log.warning("printer recovery file unreadable; starting with no pending slips")
            return {}
        out: dict[str, PendingSlip] = {}
        fields = set(PendingSlip.__dataclass_fields__)
        for item in raw.get("pending", []) if isinstance(raw, dict) else []:
            if isinstance(item, dict) and fields.issuperset(item) and "submission_id" in item:
                with contextlib.suppress(TypeError):
                    entry = PendingSlip(**item)
                    out[entry.submission_id] = entry
        return out

    def _save(self) -> None:
        """Write to a temporary name and rename, so a power cut leaves the old list or the new one, never half."""
        body = json.dumps({"pending": [asdict(e) for e in self._pending.values()]}, ensure_ascii=False, indent=1)
        try:
            write_private(self._path, body.encode("utf-8"))  # owner-only: it names services and file codes
        except OSError:
            log.warning("could not save pending help slips; they stay in memory until the kiosk stops")


def _parse_time(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def recovery_for(kiosk: object) -> PrinterRecovery | None:
    """The kiosk's one PrinterRecovery, built by the composition root (`Kiosk.printer_recovery`); None for an
    object without one, such as a stand-in that only prints."""
    found = getattr(kiosk, "printer_recovery", None)
    return found if isinstance(found, PrinterRecovery) else None
