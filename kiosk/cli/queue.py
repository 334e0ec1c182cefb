"""CLI groups `queue` and `stats`: look after the submission queue and show statistics.

    kiosk queue status | list [--state S] | show ID | retry ID [--requeue-rejected] | withdraw ID | export --out FILE
    kiosk stats [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json]

Exit codes: 0 done, 1 the submission is missing or in the wrong state (or the queue cannot be opened),
2 usage errors. `status` also exits 1 while there is a warning about the queue file itself (it vanished, shrank,
lost its WAL or was set aside as damaged; see offline_cache.manifest) until `status --acknowledge`; rows whose
sealed data no longer opens are counted as `damaged` and listed with what could not be read. Nothing here
prints personal data: records show the service, states, times, file code and the masked ID only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

from kiosk.audit import AuditFieldError, AuditLog
from kiosk.cli.context import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, CliContext
from kiosk.portal.errors import is_configuration_fault
from kiosk.staff.statistics import compute_statistics, render_table
from kiosk.submissions import SubmissionService
from offline_cache import (
    FileKeyProvider,
    QueueError,
    SqliteSubmissionQueue,
    SubmissionNotFoundError,
    SubmissionRecord,
    SubmissionState,
)


def register(sub: Any) -> None:
    """Add this group's sub-commands to the `kiosk` parser."""
    queue = sub.add_parser("queue", help="the offline submission queue")
    qsub = queue.add_subparsers(dest="queue_command", metavar="ACTION", required=True)
    p = qsub.add_parser("status", help="how many files wait, were sent, were refused; warnings about the file")
    p.add_argument("--json", action="store_true")
    p.add_argument("--acknowledge", action="store_true",
                   help="clear the warnings about a vanished, shrunk or quarantined queue file once dealt with")
    p.set_defaults(handler=_status)
    p = qsub.add_parser("list", help="list submissions (no personal data)")
    p.add_argument("--state", choices=[s.value for s in SubmissionState], action="append")
    p.add_argument("--limit", type=int, default=100)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_list)
    p = qsub.add_parser("show", help="one submission's details")
    p.add_argument("id")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_show)
    p = qsub.add_parser("retry", help="send a waiting submission at the next opportunity")
    p.add_argument("id")
    p.add_argument("--requeue-rejected", action="store_true",
                   help="also send again a file the portal refused (after fixing what made it refuse); audited")
    p.add_argument("--staff-id", default="", help="your staff ID, written to the audit log with a requeue")
    p.set_defaults(handler=_retry)
    p = qsub.add_parser("withdraw", help="cancel a waiting submission, or withdraw a sent one at the portal")
    p.add_argument("id")
    p.set_defaults(handler=_withdraw)
    p = qsub.add_parser("export", help="write every submission, encrypted with this kiosk's key, to a file")
    p.add_argument("--out", required=True, type=Path)
    p.set_defaults(handler=_export)

    stats = sub.add_parser("stats", help="statistics for ward managers")
    stats.add_argument("--from", dest="date_from", help="first day, YYYY-MM-DD")
    stats.add_argument("--to", dest="date_to", help="last day, YYYY-MM-DD")
    stats.add_argument("--json", action="store_true")
    stats.set_defaults(handler=_stats)


@contextmanager
def _opened(ctx: CliContext) -> Iterator[SqliteSubmissionQueue]:
    """The configured queue, closed again however the command ends."""
    q = ctx.config.queue
    queue = SqliteSubmissionQueue(q.db_path, FileKeyProvider(q.key_file))
    try:
        if queue.quarantined is not None:
            ctx.warn("queue.quarantined", path=str(queue.quarantined))
        yield queue
    finally:
        queue.close()


def _guard(fn: Any) -> Any:
    def run(args: argparse.Namespace, ctx: CliContext) -> int:
        try:
            return int(fn(args, ctx))
        except SubmissionNotFoundError:
            ctx.warn("queue.cli_no_such_submission", id=getattr(args, "id", ""))
            return EXIT_FAILURE
        except QueueError as exc:
            ctx.warn(exc.message_key)
            return EXIT_FAILURE
    return run


def _summary(r: SubmissionRecord) -> dict[str, Any]:
    return {"id": r.submission_id, "service_code": r.service_code, "state": r.state.value, "attempts": r.attempts,
            "last_error": r.last_error, "file_code": r.file_code, "portal_status": r.portal_status,
            "due_at": r.due_at, "created_at": _iso(r.created_at), "accepted_at": _iso(r.accepted_at),
            "next_attempt_at": _iso(r.next_attempt_at) if r.state is SubmissionState.QUEUED else None,
            "masked_id": r.receipt.masked_id, "payload_cleared": r.payload_cleared,
            "unreadable": list(r.unreadable)}


def _iso(ts: float | None) -> str | None:
    try:
        return None if ts is None else dt.datetime.fromtimestamp(ts).astimezone().isoformat(timespec="seconds")
    except (OverflowError, ValueError, OSError):  # a time damaged in storage: shown as unknown, not fatal
        return "?"


@_guard
def _status(args: argparse.Namespace, ctx: CliContext) -> int:
    with _opened(ctx) as queue:
        if args.acknowledge:
            ctx.say("queue.cli_incidents_acknowledged", count=queue.acknowledge_incidents())
        counts = {s.value: n for s, n in queue.counts().items()}
        incidents = queue.incidents()
        waiting = counts["queued"] + counts["sending"]
        fault = _portal_fault(queue) if waiting else None
        if args.json:
            ctx.emit_json({"counts": counts, "next_attempt_at": _iso(queue.next_due_at()), "portal_fault": fault,
                           "incidents": [{**asdict(i), "at": _iso(i.at)} for i in incidents]})
        else:
            ctx.say("queue.progress_waiting_never", count=waiting) if waiting else ctx.say("queue.progress_all_sent")
            if fault is not None:
                ctx.warn("queue.portal_config_staff", reason=fault)
            if counts["damaged"]:
                ctx.say("queue.cli_damaged_rows", count=counts["damaged"])
            for state, n in counts.items():
                print(f"  {state:<10} {n:>7}")
        for incident in incidents:  # on stderr in both forms, so a script reading the JSON still sees why
            ctx.warn(incident.message_key, **incident.message_params)
        if incidents:
            ctx.warn("queue.cli_acknowledge_hint")
    # A queue file that vanished, shrank or was set aside is an operational fault until staff acknowledge it.
    return EXIT_FAILURE if incidents else EXIT_OK


@_guard
def _list(args: argparse.Namespace, ctx: CliContext) -> int:
    with _opened(ctx) as queue:
        states = [SubmissionState(s) for s in args.state] if args.state else None
        records = [_summary(r) for r in queue.list_records(states, limit=args.limit)]
    if args.json:
        ctx.emit_json(records)
    else:
        for r in records:
            damaged = f"  damaged: {', '.join(r['unreadable'])}" if r["unreadable"] else ""
            print(f"{r['id']}  {r['state']:<9} {r['service_code']:<12} {r['created_at']}  {r['file_code'] or '-'}"
                  f"{damaged}")
    return EXIT_OK


@_guard
def _show(args: argparse.Namespace, ctx: CliContext) -> int:
    with _opened(ctx) as queue:
        record = queue.get(args.id)
    summary = _summary(record)
    summary["problems"] = [p.field + ":" + p.code for p in record.problems]
    if args.json:
        ctx.emit_json(summary)
    else:
        for k, v in summary.items():
            print(f"{k:<16} {v}")
    return EXIT_OK


@_guard
def _retry(args: argparse.Namespace, ctx: CliContext) -> int:
    with _opened(ctx) as queue:
        record = queue.get(args.id)
        if record.state is SubmissionState.REJECTED:
            return _requeue_rejected(args, ctx, queue, record)
        if not queue.retry_now(args.id):
            ctx.warn("queue.cli_retry_not_waiting", id=args.id, state=record.state.value)
            return EXIT_FAILURE
    ctx.say("queue.cli_retry_scheduled", id=args.id)
    return EXIT_OK


def _requeue_rejected(args: argparse.Namespace, ctx: CliContext, queue: SqliteSubmissionQueue,
                      record: SubmissionRecord) -> int:
    """A refused file goes again only on explicit confirmation, and the audit log says who asked, before it does."""
    if not args.requeue_rejected:
        ctx.warn("queue.cli_retry_rejected_needs_flag", id=args.id, reason=record.last_error or "-")
        return EXIT_FAILURE
    if record.payload_cleared:
        ctx.warn("queue.cli_requeue_cleared", id=args.id)
        return EXIT_FAILURE
    audit = AuditLog(ctx.config.kiosk.data_dir, ctx.config.kiosk.kiosk_id)
    try:
        audit.record("queue_requeue_rejected", staff_id=args.staff_id, service_code=record.service_code,
                     submission_id=args.id)
    except AuditFieldError:
        ctx.warn("queue.cli_bad_staff_id")
        return EXIT_USAGE
    except OSError:
        ctx.warn("queue.cli_requeue_not_audited", path=str(audit.path))
        return EXIT_FAILURE
    if not queue.requeue_rejected(args.id):  # changed meanwhile (another requeue, retention)
        ctx.warn("queue.cli_retry_not_waiting", id=args.id, state=queue.get(args.id).state.value)
        return EXIT_FAILURE
    ctx.say("queue.cli_requeued", id=args.id)
    return EXIT_OK


def _portal_fault(queue: SqliteSubmissionQueue) -> str | None:
    """The reason code of a portal set-up fault, when that is what the latest deferred file met."""
    waiting = [r for r in queue.list_records([SubmissionState.QUEUED], limit=100_000) if r.last_error]
    latest = max(waiting, key=lambda r: r.updated_at, default=None)
    return latest.last_error if latest is not None and is_configuration_fault(latest.last_error) else None


@_guard
def _withdraw(args: argparse.Namespace, ctx: CliContext) -> int:
    service = SubmissionService.from_config(ctx.config)
    try:
        outcome = service.withdraw(submission_id=args.id)
    finally:
        service.stop()
    # "pending": recorded; the kiosk's sync worker completes it at the portal (or cancels it) when it answers.
    if outcome.kind in ("withdrawn_locally", "withdrawn", "requested", "pending"):
        ctx.say(outcome.message_key)
        return EXIT_OK
    ctx.warn(outcome.message_key)
    return EXIT_FAILURE


@_guard
def _export(args: argparse.Namespace, ctx: CliContext) -> int:
    with _opened(ctx) as queue:
        try:
            count = queue.export(args.out)
        except OSError as exc:  # a read-only or full USB stick is the technician's to fix: name the file and why
            ctx.warn("common.file_write_error", path=str(args.out), reason=ctx.os_reason(exc))
            return EXIT_FAILURE
    ctx.say("queue.cli_exported", count=count, path=str(args.out))
    return EXIT_OK


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


@_guard
def _stats(args: argparse.Namespace, ctx: CliContext) -> int:
    try:
        since, until = _date(args.date_from), _date(args.date_to)
    except ValueError:
        ctx.warn("queue.cli_bad_date", value=f"{args.date_from} / {args.date_to}")
        return EXIT_USAGE
    with _opened(ctx) as queue:
        result = compute_statistics(queue, since, until)
    if args.json:
        ctx.emit_json(result.as_json())
    else:
        if result.since or result.until:
            ctx.say("queue.stats_title", since=result.since or "…", until=result.until or "…")
        else:
            ctx.say("queue.stats_title_all")
        print(render_table(result, ctx.translator))
    sys.stdout.flush()
    return EXIT_OK
