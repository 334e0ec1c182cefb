"""CLI group `print`: a technician's test page and reprints from the submission queue.

    kiosk print test [--printer NAME] [--paper 80mm|a4] [--document receipt|ticket|help]
    kiosk print receipt --submission ID [--printer NAME] [--paper 80mm|a4]

`--printer` takes a back-end name (`pdf`, `cups`, `escpos`) or the name of a CUPS queue; without it the
configured printer is used. Printers are built by the composition root's table (kiosk.bootstrap.PRINTERS).
Exit codes: 0 printed, 1 the printer is not ready or the job failed, 2 usage (bad arguments, unknown submission).
"""

from __future__ import annotations

import dataclasses
import logging
import sys
from datetime import date, datetime
from typing import Any

from devices.printer import PrinterError, PrintResult
from kiosk.cli.context import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, CliContext
from kiosk.config import KioskConfig
from kiosk.receipts.desk import reprint, sample_receipt
from kiosk.receipts.documents import issuer_for, print_document, render_for_config
from printing import HelpSlipData, QueueTicketData

log = logging.getLogger(__name__)
_BACKENDS = ("pdf", "cups", "escpos")


def register(sub: Any) -> None:
    """Add this group's sub-commands to the `kiosk` parser."""
    group = sub.add_parser("print", help="print a test page or reprint a receipt")
    actions = group.add_subparsers(dest="print_command", metavar="ACTION", required=True)
    test = actions.add_parser("test", help="print a sample receipt (or ticket / help slip)")
    _add_printer_options(test)
    test.add_argument("--document", choices=["receipt", "ticket", "help"], default="receipt")
    test.set_defaults(handler=_test)
    again = actions.add_parser("receipt", help="print a submission's receipt again from the queue")
    again.add_argument("--submission", required=True, help="the submission ID (see `kiosk queue list`)")
    _add_printer_options(again)
    again.set_defaults(handler=_reprint)


def _add_printer_options(parser: Any) -> None:
    parser.add_argument("--printer", help="pdf, cups, escpos, or a CUPS queue name (default: the configured one)")
    parser.add_argument("--paper", choices=["80mm", "a4"], help="paper (default: the configured one)")


def _config(args: Any, ctx: CliContext) -> KioskConfig:
    config = ctx.config
    printer = config.printer
    if args.paper:
        printer = dataclasses.replace(printer, paper=args.paper)
    if args.printer:
        if args.printer in _BACKENDS:
            printer = dataclasses.replace(printer, backend=args.printer)
        else:
            printer = dataclasses.replace(printer, backend="cups", cups_queue=args.printer)
    return dataclasses.replace(config, printer=printer)


class _PrinterUnavailableError(Exception):
    pass


def _printer(config: KioskConfig) -> Any:
    from kiosk.bootstrap import PRINTERS, DemoSetup, DeviceUnavailableError

    try:
        return PRINTERS[config.printer.backend](config, DemoSetup())
    except DeviceUnavailableError as exc:
        raise _PrinterUnavailableError(str(exc)) from exc


def _test(args: Any, ctx: CliContext) -> int:
    config = _config(args, ctx)
    now = datetime.now().replace(second=0, microsecond=0)
    data: Any
    if args.document == "ticket":
        data = QueueTicketData(
            issuer=issuer_for(config, hospital=True), queue_number="A-000", visit_id=f"TEST{now:%y%m%d%H%M}",
            specialty_code="K00", specialty="Nội tổng hợp", room="101", floor="Tầng 1",
            patient_name="Nguyễn Thị Hương", id_number="000000000000", birth_year=1960, sex="female",
            insurance_number="HT3000000000000", benefit_percent=80, insurance_valid_to=date(now.year, 12, 31),
            route="in_network", people_ahead=3, estimated_wait_min=18, issued_at=now)
    elif args.document == "help":
        data = HelpSlipData(issuer=issuer_for(config), reason=ctx.translator.text("printer.help_reason_generic"),
                            reason_code="printer.help_reason_generic", service_name="Đăng ký tạm trú",
                            occurred_at=now)
    else:
        data = sample_receipt(config, now)
    try:
        printer = _printer(config)
        result = print_document(printer, render_for_config(config, data))
    except (_PrinterUnavailableError, PrinterError) as exc:
        return _not_printed(ctx, exc, "test print")
    ctx.say("printer.test_printed", printer=result.printer)
    _say_output(ctx, result)
    return EXIT_OK


def _reprint(args: Any, ctx: CliContext) -> int:
    from offline_cache import FileKeyProvider, QueueError, SqliteSubmissionQueue, SubmissionNotFoundError
    from offline_cache.errors import DamagedValueError

    config = _config(args, ctx)
    if not config.queue.db_path.exists():
        ctx.warn("printer.submission_not_found", submission=args.submission)
        return EXIT_USAGE
    try:
        queue = SqliteSubmissionQueue(config.queue.db_path, FileKeyProvider(config.queue.key_file))
    except QueueError as exc:
        ctx.warn(exc.message_key)
        return EXIT_FAILURE
    try:
        from kiosk.catalogue.loader import load_catalogue

        catalogue = load_catalogue(config.catalogue.folder)
        result = reprint(_printer(config), config, queue, args.submission, catalogue=catalogue,
                         language=ctx.translator.language)
    except SubmissionNotFoundError:
        ctx.warn("printer.submission_not_found", submission=args.submission)
        return EXIT_USAGE
    except DamagedValueError as exc:
        ctx.warn(exc.message_key)
        return EXIT_FAILURE
    except (_PrinterUnavailableError, PrinterError) as exc:
        return _not_printed(ctx, exc, "reprint")
    finally:
        queue.close()
    # The receipt is in the citizen's hands now: no counter slip for it when the printer next comes back.
    from datetime import datetime

    from kiosk.receipts.recovery import PrinterRecovery

    PrinterRecovery(_printer(config), config, now=datetime.now).forget(args.submission)
    ctx.say("printer.reprinted", submission=args.submission)
    _say_output(ctx, result)
    return EXIT_OK


def _not_printed(ctx: CliContext, exc: _PrinterUnavailableError | PrinterError, what: str) -> int:
    if isinstance(exc, _PrinterUnavailableError):
        ctx.warn("printer.not_configured")
        print(exc, file=sys.stderr)
    else:
        ctx.warn(exc.message_key)
        log.info("%s failed: %s", what, exc)
    return EXIT_FAILURE


def _say_output(ctx: CliContext, result: PrintResult) -> None:
    if result.output is not None:
        ctx.say("printer.saved_to", path=str(result.output))
