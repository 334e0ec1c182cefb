"""CLI groups `queue` and `stats`: look after the submission queue and show statistics.

    kiosk queue status | list [--state S] | show ID | retry ID | withdraw ID | export --out FILE
    kiosk stats [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json]

Exit codes: 0 done, 1 the submission is missing or in the wrong state (or the queue cannot be opened),
2 usage errors. Nothing here prints personal data: records show the service, states, times, file code and
the masked ID only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kiosk.cli.context import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, CliContext
from kiosk.stats import compute_statistics, render_table
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
    p = qsub.add_parser("status", help="how many files wait, were sent, were refused")
    p.add_argument("--json", action="store_true")
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
            "masked_id": r.receipt.masked_id, "payload_cleared": r.payload_cleared}


def _iso(ts: float | None) -> str | None:
    return None if ts is None else dt.datetime.fromtimestamp(ts).astimezone().isoformat(timespec="seconds")


@_guard
def _status(args: argparse.Namespace, ctx: CliContext) -> int:
    with _opened(ctx) as queue:
        counts = {s.value: n for s, n in queue.counts().items()}
        waiting = counts["queued"] + counts["sending"]
        if args.json:
            ctx.emit_json({"counts": counts, "next_attempt_at": _iso(queue.next_due_at())})
        else:
            ctx.say("queue.progress_waiting_never", count=waiting) if waiting else ctx.say("queue.progress_all_sent")
            for state, n in counts.items():
                print(f"  {state:<10} {n:>7}")
    return EXIT_OK


@_guard
def _list(args: argparse.Namespace, ctx: CliContext) -> int:
    with _opened(ctx) as queue:
        states = [SubmissionState(s) for s in args.state] if args.state else None
        records = [_summary(r) for r in queue.list_records(states, limit=args.limit)]
    if args.json:
        ctx.emit_json(records)
    else:
        for r in records:
            print(f"{r['id']}  {r['state']:<9} {r['service_code']:<12} {r['created_at']}  {r['file_code'] or '-'}")
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
        if not queue.retry_now(args.id):
            ctx.warn("queue.cli_retry_not_waiting", id=args.id, state=record.state.value)
            return EXIT_FAILURE
    ctx.say("queue.cli_retry_scheduled", id=args.id)
    return EXIT_OK


@_guard
def _withdraw(args: argparse.Namespace, ctx: CliContext) -> int:
    service = SubmissionService.from_config(ctx.config)
    try:
        outcome = service.withdraw(submission_id=args.id)
    finally:
        service.stop()
    if outcome.kind in ("withdrawn_locally", "withdrawn", "requested"):
        ctx.say(outcome.message_key)
        return EXIT_OK
    ctx.warn(outcome.message_key)
    return EXIT_FAILURE


@_guard
def _export(args: argparse.Namespace, ctx: CliContext) -> int:
    with _opened(ctx) as queue:
        count = queue.export(args.out)
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
