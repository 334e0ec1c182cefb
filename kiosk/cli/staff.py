"""CLI group `staff`: make PIN hashes for the configuration file and read the audit trail.

`kiosk staff hash-pin` reads one PIN from standard input (so it never shows in the shell history or the process
list) and prints its PBKDF2 hash, ready to paste into `[staff] technician_pin_hash` or a volunteer entry.
Exit codes: 0 done, 2 the PIN was not 4–12 digits.
"""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import sys
from typing import Any

from kiosk.audit import AuditLog
from kiosk.cli.context import EXIT_OK, EXIT_USAGE, CliContext
from kiosk.staff import DEFAULT_ITERATIONS, MIN_ITERATIONS, PinFormatError, hash_pin


def register(sub: Any) -> None:
    """Add this group's sub-commands to the `kiosk` parser."""
    group: argparse.ArgumentParser = sub.add_parser("staff", help="staff PINs and the audit trail")
    staff_sub = group.add_subparsers(dest="staff_command", metavar="STAFF_COMMAND")
    hash_parser = staff_sub.add_parser("hash-pin", help="read a PIN from stdin and print its hash for the config")
    hash_parser.add_argument("--iterations", type=int, default=DEFAULT_ITERATIONS,
                             help=f"PBKDF2 iterations (default {DEFAULT_ITERATIONS}, at least {MIN_ITERATIONS})")
    hash_parser.set_defaults(handler=_hash_pin)
    audit_parser = staff_sub.add_parser("audit", help="print the audit trail (IDs, codes and hashes only)")
    audit_parser.add_argument("--last", type=int, default=50, help="how many of the latest records")
    audit_parser.set_defaults(handler=_audit)


def _hash_pin(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.iterations < MIN_ITERATIONS:
        ctx.warn("staff.iterations_too_few", minimum=MIN_ITERATIONS)
        return EXIT_USAGE
    if sys.stdin.isatty():  # typed by hand: do not echo it on the screen
        pin = getpass.getpass(ctx.translator.text("staff.enter_pin") + " ").strip()
    else:
        pin = sys.stdin.readline().strip()
    try:
        print(hash_pin(pin, iterations=args.iterations))
    except PinFormatError:
        ctx.warn("staff.pin_format")
        return EXIT_USAGE
    return EXIT_OK


def _audit(args: argparse.Namespace, ctx: CliContext) -> int:
    log = AuditLog(ctx.config.kiosk.data_dir, ctx.config.kiosk.kiosk_id)
    records = list(log.records())[-max(0, args.last):] if args.last else []
    ctx.emit_json([dataclasses.asdict(r) for r in records])
    return EXIT_OK
