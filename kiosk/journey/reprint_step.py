"""The receipt printed again from the status look-up: "In lại biên nhận" for a file sent from this kiosk.

Offered only when the file code was submitted at this kiosk by the holder of the last four ID digits the look-up
asked for (kiosk.receipts.desk.reprintable_submission): nobody reprints another kiosk's or another person's file. A
reprint that prints clears a "needs help" slip still pending for that receipt; a failed one is remembered like a
failed first print, so the counter gets a slip when the printer is back (kiosk.receipts.recovery). The receipt is
rebuilt from the queue's own record (kiosk.receipts.desk.reprint), never from what is on screen.
"""

from __future__ import annotations

import logging

from devices.printer import PrinterError
from kiosk.journey.context import VisitContext
from kiosk.journey.views import ChoiceView, LineView
from kiosk.receipts.desk import reprint, reprintable_submission
from offline_cache import SubmissionRecord

log = logging.getLogger(__name__)


class _Records:
    def __init__(self, ctx: VisitContext) -> None:
        self._submissions = ctx.parts.submissions

    def get(self, submission_id: str) -> SubmissionRecord:
        return self._submissions.record(submission_id)


def reprintable(ctx: VisitContext) -> str:
    """The submission ID behind the file looked up, if its receipt may be printed again here ("" if not)."""
    code, last4 = ctx.state.status_query
    status = ctx.state.status
    if status is None or status.kind != "found":
        return ""
    return reprintable_submission(ctx.parts, code, last4) or ""


def reprint_receipt(ctx: VisitContext) -> None:
    submission_id = reprintable(ctx)
    if not submission_id:
        return
    records = _Records(ctx)
    recovery = ctx.parts.recovery
    try:
        reprint(ctx.parts.printer, ctx.parts.config, records, submission_id, catalogue=ctx.parts.catalogue,
                language=ctx.tr.language, calendar=ctx.parts.holidays)
    except PrinterError as exc:
        ctx.state.print_error = str(exc.message_key)
        ctx.state.reprinted = False
        if recovery is not None:
            record = records.get(submission_id)
            recovery.remember(submission_id, service_code=record.service_code, reason_key=ctx.state.print_error,
                              file_code=record.file_code)
        return
    log.info("receipt printed again from the status look-up")
    ctx.state.print_error = ""
    ctx.state.reprinted = True
    if recovery is not None:
        recovery.forget(submission_id)


def status_parts(ctx: VisitContext) -> tuple[list[LineView], list[ChoiceView]]:
    """What the status screen adds: the reprint button, and the outcome of the last reprint."""
    if not reprintable(ctx):
        return [], []
    lines = [LineView("", ctx.t("journey.reprinted"), "info", state="")] if ctx.state.reprinted else []
    return lines, [ctx.choice("reprint", "journey.reprint", "secondary")]
