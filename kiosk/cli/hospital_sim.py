"""CLI group `hospital-sim`: run the hospital's FHIR R4 simulator for a technician's demo or a test.

    kiosk hospital-sim --port 8788 --call-every-s 120

It serves on 127.0.0.1 (see `kiosk.hospital.fhir_simulator` for the routes) until Ctrl+C or SIGTERM; point a kiosk
at it with `[hospital] system_backend = "fhir"` and `system_url = "http://127.0.0.1:8788"`. Each clinic calls its
next patient every `--call-every-s` seconds, or only on `POST /_sim/call-next?specialty=CODE` with `manual`.
Exit codes: 0 stopped cleanly, 1 could not start (port taken), 2 bad options.
"""

from __future__ import annotations

import argparse
from typing import Any

from kiosk.cli.context import EXIT_FAILURE, CliContext
from kiosk.cli.portal_sim import _number, serve_until_stopped
from kiosk.hospital.fhir import CodeSystems
from kiosk.hospital.fhir_simulator import (
    DEFAULT_IDLE_TIMEOUT_S,
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_MAX_CONNECTIONS,
    start_hospital_simulator,
)


def register(sub: Any) -> None:
    """Add this group's sub-command to the `kiosk` parser."""
    p = sub.add_parser("hospital-sim", help="run the hospital-system (FHIR R4) simulator on 127.0.0.1")
    p.add_argument("--port", type=_number(int, zero_ok=True, most=65535), default=8788,
                   help="TCP port (0 picks a free one)")
    p.add_argument("--call-every-s", type=_call_every, default=120.0,
                   help="seconds between a clinic's calls of its next patient, or 'manual'")
    p.add_argument("--max-connections", type=_number(int), default=DEFAULT_MAX_CONNECTIONS,
                   help="connections served at once; more are answered 503")
    p.add_argument("--idle-timeout-s", type=_number(float), default=DEFAULT_IDLE_TIMEOUT_S,
                   help="close a connection that sends nothing for this long")
    p.add_argument("--max-body-bytes", type=_number(int), default=DEFAULT_MAX_BODY_BYTES,
                   help="larger bodies are refused with 413 before they are read")
    p.set_defaults(handler=_run)


def _call_every(text: str) -> float | None:
    return None if text.strip().lower() == "manual" else _number(float, most=86_400.0)(text)


def _run(args: argparse.Namespace, ctx: CliContext) -> int:
    h = ctx.config.hospital
    try:
        sim = start_hospital_simulator(args.port, call_every_s=args.call_every_s,
                                       systems=CodeSystems(h.patient_id_system, h.insurance_id_system, h.code_base),
                                       max_body_bytes=args.max_body_bytes, max_connections=args.max_connections,
                                       idle_timeout_s=args.idle_timeout_s)
    except OSError as exc:  # port taken
        ctx.warn("hospital.cli_sim_cannot_start", reason=ctx.os_reason(exc))
        return EXIT_FAILURE
    return serve_until_stopped(ctx, sim, "hospital.cli_sim_listening")
