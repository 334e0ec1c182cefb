"""CLI group `portal-sim`: run the portal simulator for a technician's demo or a test.

    kiosk portal-sim --port 8787 --db var/portal-sim.sqlite3 --faults "503:0.2,reset:0.1,outage:10s/30s"

It serves on 127.0.0.1 until Ctrl+C or SIGTERM. The SPEC syntax is described in
`kiosk/portal/simulator/faults.py` and in the README. `--max-connections`, `--idle-timeout-s`,
`--request-deadline-s` and `--max-body-bytes` bound what clients can hold (threads, time, memory). Exit codes:
0 stopped cleanly, 1 could not start (port taken, state file unusable), 2 bad options.
"""

from __future__ import annotations

import argparse
import math
import signal
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, TypeVar

from kiosk.cli.context import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, CliContext, one_line
from kiosk.portal.simulator import FaultSpecError, start_simulator
from kiosk.portal.simulator.server import (
    DEFAULT_IDLE_TIMEOUT_S,
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_MAX_CONNECTIONS,
    DEFAULT_REQUEST_DEADLINE_S,
)

T = TypeVar("T", int, float)


def _number(kind: Callable[[str], T], *, zero_ok: bool = False, most: float = math.inf) -> Callable[[str], T]:
    """An argparse type: a finite number above zero (or zero too, with `zero_ok`), at most `most`."""
    def parse(text: str) -> T:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if not math.isfinite(value) or value < 0 or (value == 0 and not zero_ok) or value > most:
            limits = ("≥ 0" if zero_ok else "> 0") + (f" and ≤ {most:g}" if most < math.inf else "")
            raise argparse.ArgumentTypeError(f"must be a finite number {limits}: {text!r}")
        return value
    return parse


class RunningServer(Protocol):
    """What a simulator started on 127.0.0.1 offers the CLI: where it listens, and how to stop it."""

    @property
    def url(self) -> str: ...
    @property
    def port(self) -> int: ...
    def stop(self) -> None: ...


def serve_until_stopped(ctx: CliContext, sim: RunningServer, listening_key: str) -> int:
    """Announce `sim` (a message, then a `PORT=` line for tests and scripts) and keep it serving until Ctrl+C or
    SIGTERM; it is stopped on the way out, however that comes."""
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    ctx.say(listening_key, url=sim.url)
    print(f"PORT={sim.port}", flush=True)  # machine-readable line for tests and scripts
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        sim.stop()
    return EXIT_OK


def register(sub: Any) -> None:
    """Add this group's sub-commands to the `kiosk` parser."""
    p = sub.add_parser("portal-sim", help="run the provincial-portal simulator on 127.0.0.1")
    p.add_argument("--port", type=_number(int, zero_ok=True, most=65535), default=8787,
                   help="TCP port (0 picks a free one)")
    p.add_argument("--db", type=Path, default=Path("portal-sim.sqlite3"), help="state file (SQLite)")
    p.add_argument("--faults", default="", help="fault SPEC, e.g. 503:0.2,reset:0.1,latency:50ms,outage:10s/30s")
    p.add_argument("--step-s", type=_number(float, zero_ok=True), default=60.0,
                   help="seconds between status steps 1→2→4→9→10")
    p.add_argument("--fates", default="", help="share of files ending in 3, 5 or 8, e.g. 3:0.1,5:0.1,8:0.05")
    p.add_argument("--seed", type=int, default=None, help="seed for fates, for repeatable demos")
    p.add_argument("--tls-cert", type=Path, default=None, help="serve HTTPS with this certificate (PEM)")
    p.add_argument("--tls-key", type=Path, default=None, help="private key of --tls-cert (PEM)")
    p.add_argument("--client-ca", type=Path, default=None, help="require client certificates from this CA")
    p.add_argument("--max-connections", type=_number(int), default=DEFAULT_MAX_CONNECTIONS,
                   help="connections served at once; more are answered 503")
    p.add_argument("--idle-timeout-s", type=_number(float), default=DEFAULT_IDLE_TIMEOUT_S,
                   help="close a connection that sends nothing for this long")
    p.add_argument("--request-deadline-s", type=_number(float), default=DEFAULT_REQUEST_DEADLINE_S,
                   help="a request must arrive whole within this time of its first byte (else 408)")
    p.add_argument("--max-body-bytes", type=_number(int), default=DEFAULT_MAX_BODY_BYTES,
                   help="larger bodies are refused with 413 before they are read")
    p.add_argument("--payment-confirm-s", type=_confirm_delay, default=10.0,
                   help="seconds until the simulated bank confirms an opened fee payment, or 'manual' to confirm "
                        "only through POST /_sim/payments/<file code>/confirm")
    p.set_defaults(handler=_run)


def _confirm_delay(text: str) -> float | None:
    return None if text.strip().lower() == "manual" else _number(float, zero_ok=True, most=86_400.0)(text)


def _run(args: argparse.Namespace, ctx: CliContext) -> int:
    try:
        sim = start_simulator(args.port, args.db, args.faults, step_s=args.step_s, fates=args.fates,
                              seed=args.seed, tls_cert=args.tls_cert, tls_key=args.tls_key, client_ca=args.client_ca,
                              max_body_bytes=args.max_body_bytes, max_connections=args.max_connections,
                              idle_timeout_s=args.idle_timeout_s, request_deadline_s=args.request_deadline_s,
                              payment_confirm_s=args.payment_confirm_s)
    except FaultSpecError as exc:
        ctx.warn("queue.cli_bad_faults", detail=str(exc))
        return EXIT_USAGE
    except OSError as exc:  # port taken, certificate or state folder unreadable
        ctx.warn("queue.cli_sim_cannot_start", reason=ctx.os_reason(exc))
        return EXIT_FAILURE
    except sqlite3.Error as exc:
        ctx.warn("queue.cli_sim_cannot_start", reason=one_line(str(exc)))
        return EXIT_FAILURE
    return serve_until_stopped(ctx, sim, "queue.cli_sim_listening")
