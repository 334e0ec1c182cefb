"""Run every benchmark, one after another, and print each one's table.

    .venv/bin/python bench/all.py              # all of them
    .venv/bin/python bench/all.py card_read ui # some of them

Each benchmark is also a script of its own with its own options (see its --help). They run one at a time
because they measure latency on a 2-core machine: running them side by side would measure each other.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Kept in the order a citizen meets them; the SIGKILL loop of the queue benchmark is part of its run.
BENCHMARKS: dict[str, list[str]] = {
    "card_read": [],
    "card_data": [],
    "face": [],
    "services": [],
    "journey": [],
    "queue": ["--kills", "300"],
    "portal_soak": ["--seconds", "60"],  # the full ten minutes: bench/portal_soak.py on its own
    "print": [],
    "kiosk_core": [],
    "ui": [],
}


def main(names: list[str]) -> int:
    chosen = names or list(BENCHMARKS)
    unknown = [n for n in chosen if n not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    failed: list[str] = []
    summary: list[tuple[str, float, int]] = []
    for name in chosen:
        print(f"\n=== bench/{name}.py", flush=True)
        started = time.perf_counter()
        code = subprocess.call([sys.executable, str(HERE / f"{name}.py"), *BENCHMARKS[name]])
        summary.append((name, time.perf_counter() - started, code))
        if code != 0:
            failed.append(name)
    print("\n| benchmark | seconds | exit |\n|---|---:|---:|")
    for name, seconds, code in summary:
        print(f"| {name} | {seconds:.1f} | {code} |")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
