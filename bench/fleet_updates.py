"""Signed updates at province scale: N kiosks (default 500) updating from one TUF repository on loopback.

Builds a repository with the shipped catalogue and a configuration profile, serves it with a static HTTP server
on 127.0.0.1, and runs the real update client of every kiosk concurrently (kiosk.updates.converge). Reports the
time until all kiosks run the newest release and the bytes each kiosk fetched, for the update and for a later
check that finds nothing new. Target: 500 kiosks converge within 5 minutes on a 2-core machine; a quiet check
costs under 2 KB per kiosk.

    .venv/bin/python bench/fleet_updates.py [--kiosks 500] [--workers 16]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kiosk.catalogue.loader import SHIPPED_FOLDER
from kiosk.updates.converge import converge
from kiosk.updates.keys import generate_keys, load_keys
from kiosk.updates.publish import publish


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kiosks", type=int, default=500)
    parser.add_argument("--workers", type=int, default=16)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        generate_keys(base / "keys")
        profile = base / "ward.toml"
        profile.write_text("[session]\ninactivity_warning_s = 75.0\n")
        started = time.perf_counter()
        publish(base / "repo", load_keys([base / "keys"]), SHIPPED_FOLDER, {"ward": profile})
        publish_s = time.perf_counter() - started
        server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(base / "repo")))
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            result = converge(args.kiosks, f"http://127.0.0.1:{server.server_port}",
                              root_file=base / "repo" / "metadata" / "1.root.json", work_dir=base / "kiosks",
                              workers=args.workers, config_profile="ward")
        finally:
            server.shutdown()
    rows = [
        ("publish (sign catalogue + profile)", f"{publish_s:.2f} s"),
        ("kiosks", str(result.clients)),
        ("converged on the newest release", f"{result.converged}/{result.clients}"),
        ("time to converge", f"{result.seconds:.1f} s"),
        ("slowest single kiosk update", f"{result.slowest_s:.2f} s"),
        ("bytes per kiosk, update", f"{result.bytes_first_mean / 1024:.1f} KiB"),
        ("bytes per kiosk, quiet check", f"{result.bytes_poll_mean:.0f} B"),
        ("errors", str(result.errors)),
    ]
    width = max(len(r[0]) for r in rows)
    print("## Signed updates (TUF) at province scale")
    print(f"| {'measure'.ljust(width)} | value |")
    print(f"|{'-' * (width + 2)}|-------|")
    for name, value in rows:
        print(f"| {name.ljust(width)} | {value} |")


if __name__ == "__main__":
    main()
