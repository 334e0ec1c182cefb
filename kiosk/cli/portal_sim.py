"""CLI group `portal-sim`: run the portal simulator for a technician's demo or a test.

    kiosk portal-sim --port 8787 --db var/portal-sim.sqlite3 --faults "503:0.2,reset:0.1,outage:10s/30s"

It serves on 127.0.0.1 until Ctrl+C or SIGTERM. The SPEC syntax is described in
`kiosk/portal/simulator/faults.py` and in the README. Exit codes: 0 stopped cleanly, 2 bad options.
"""

from __future__ import annotations

import argparse
import signal
import threading
from pathlib import Path
from typing import Any

from kiosk.cli.context import EXIT_OK, EXIT_USAGE, CliContext
from kiosk.portal.simulator import FaultSpecError, start_simulator


def register(sub: Any) -> None:
    """Add this group's sub-commands to the `kiosk` parser."""
    p = sub.add_parser("portal-sim", help="run the provincial-portal simulator on 127.0.0.1")
    p.add_argument("--port", type=int, default=8787, help="TCP port (0 picks a free one)")
    p.add_argument("--db", type=Path, default=Path("portal-sim.sqlite3"), help="state file (SQLite)")
    p.add_argument("--faults", default="", help="fault SPEC, e.g. 503:0.2,reset:0.1,latency:50ms,outage:10s/30s")
    p.add_argument("--step-s", type=float, default=60.0, help="seconds between status steps 1→2→4→9→10")
    p.add_argument("--fates", default="", help="share of files ending in 3, 5 or 8, e.g. 3:0.1,5:0.1,8:0.05")
    p.add_argument("--seed", type=int, default=None, help="seed for fates, for repeatable demos")
    p.add_argument("--tls-cert", type=Path, default=None, help="serve HTTPS with this certificate (PEM)")
    p.add_argument("--tls-key", type=Path, default=None, help="private key of --tls-cert (PEM)")
    p.add_argument("--client-ca", type=Path, default=None, help="require client certificates from this CA")
    p.set_defaults(handler=_run)


def _run(args: argparse.Namespace, ctx: CliContext) -> int:
    try:
        sim = start_simulator(args.port, args.db, args.faults, step_s=args.step_s, fates=args.fates,
                              seed=args.seed, tls_cert=args.tls_cert, tls_key=args.tls_key, client_ca=args.client_ca)
    except FaultSpecError as exc:
        ctx.warn("queue.cli_bad_faults", detail=str(exc))
        return EXIT_USAGE
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    ctx.say("queue.cli_sim_listening", url=sim.url)
    print(f"PORT={sim.port}", flush=True)  # machine-readable line for tests and scripts
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        sim.stop()
    return EXIT_OK
