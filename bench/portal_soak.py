"""Soak of the portal simulator: mixed malformed input for a while, with its threads and memory watched.

Run: `.venv/bin/python bench/portal_soak.py [--seconds 600] [--clients 4] [--max-connections 16]`.
It starts `kiosk portal-sim` as its own process, sends every kind of bad request the simulator must answer with a
JSON error (deep or invalid JSON, lone surrogates, NaN, bad `Content-Length`, wrong media type, bad dates and
`/_sim/` inputs, malformed request lines, idle and dribbling connections, swarms beyond the connection limit) and
prints: requests sent by kind, answers by status, the maximum thread count, resident memory at start and end,
and how many outcomes were not a correct answer. Targets: 0 unexpected outcomes; threads ≤ max connections + 4;
RSS growth under 64 MiB; a valid application still created at the end, and every one answered 201 stored once.
Exit 0 when the targets hold, 1 otherwise.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# bench/queue.py is named like the stdlib `queue`: drop this folder from the path so `import queue` finds the stdlib.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(HERE.parent))

from kiosk.portal.simulator.soak import SoakLimits, run_soak  # noqa: E402  (after the path fix above)

THREAD_MARGIN = 4  # the main thread, the serving loop, the 503 answerer and the interpreter's own
RSS_GROWTH_MIB = 64


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=600.0, help="how long to send bad input (default 600)")
    parser.add_argument("--clients", type=int, default=4, help="client threads sending quick requests")
    parser.add_argument("--max-connections", type=int, default=16, help="the simulator's connection limit")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    limits = SoakLimits(max_connections=args.max_connections)
    report = run_soak(args.seconds, clients=args.clients, limits=limits, seed=args.seed)
    print(report.table())
    checks = {
        "no unexpected outcomes": sum(report.unexpected.values()) == 0,
        f"threads ≤ {limits.max_connections + THREAD_MARGIN}": report.max_threads <= limits.max_connections
        + THREAD_MARGIN,
        f"RSS growth < {RSS_GROWTH_MIB} MiB": report.rss_end_kb - report.rss_start_kb < RSS_GROWTH_MIB * 1024,
        "valid application after the soak": report.final_status == "201",
        "every 201 stored once": report.created == report.stored,
    }
    print("\n| target | met |\n|---|---|")
    for name, ok in checks.items():
        print(f"| {name} | {'yes' if ok else 'NO'} |")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
