"""CLI group `app`: `kiosk run` starts the kiosk window; `kiosk demo` plays a scripted citizen journey.

`kiosk demo --service CODE [--lang en] [--persona elderly|volunteer] --out DIR` plays the scripted persona
(kiosk.journey.persona) through any service of the catalogue, the status look-up ("status_lookup") or the
withdrawal ("withdrawal"), in the real window; "volunteer" signs a volunteer in first (assisted mode). Without a
display (no $DISPLAY and no Qt platform chosen) it runs in a child process on Qt's offscreen platform, writes a PNG
of every screen and the printed documents (the first as receipt.pdf) into DIR, and prints their paths. With a
display it shows the same journey in a window. Without --service it plays the confirmation of the old ID number.
`--text-scale 125|150` and `--high-contrast` play it at that text size / theme (chosen on the header's controls,
as a citizen would); DIR/transcript.txt is the written record of every screen shown and every prompt spoken.
Exit codes: 0 done, 1 the journey failed (or the data folder cannot be written), 2 usage or configuration error
(an unknown service code).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from kiosk.bootstrap import prepare_data_folder
from kiosk.cli.context import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, CliContext


def register(sub: Any) -> None:
    run = sub.add_parser("run", help="start the kiosk on the devices in the configuration")
    run.set_defaults(handler=_run)
    demo = sub.add_parser("demo", help="play a scripted citizen journey and save a screenshot of every screen")
    demo.add_argument("--out", default="demo-output", help="folder for the screenshots and the receipt PDF")
    demo.add_argument("--window", action="store_true", help="show the journey in a window even if headless")
    demo.add_argument("--service", help="a service code, status_lookup or withdrawal (default: id_confirmation)")
    demo.add_argument("--persona", choices=("elderly", "volunteer"), default="elderly",
                      help="volunteer: a volunteer signs in through help first (assisted mode)")
    demo.add_argument("--text-scale", choices=("100", "125", "150"), default="100",
                      help="text size in per cent, as chosen on the header's controls")
    demo.add_argument("--high-contrast", action="store_true", help="the high-contrast theme")
    demo.set_defaults(handler=_demo)


def _run(args: argparse.Namespace, ctx: CliContext) -> int:
    # The window lives in the `ui` package, which the core may not import: start it as its own process.
    del args
    # Load and validate the configuration, and make sure the data folder takes a write, here: their errors then
    # read as one CLI line (exit 2 for the configuration, 1 for a read-only or full disk), not a window's crash.
    prepare_data_folder(ctx.config.kiosk.data_dir)
    command = [sys.executable, "-m", "ui"]
    if ctx.config_path:
        command += ["--config", str(ctx.config_path)]
    window = subprocess.Popen(command)

    def stop_window(signum: int, frame: object) -> None:
        # A service manager stops `kiosk run`; the window must close with it, not linger as an orphan.
        del signum, frame
        window.terminate()

    previous = signal.signal(signal.SIGTERM, stop_window)
    try:
        return window.wait()
    finally:
        signal.signal(signal.SIGTERM, previous)


def _has_display() -> bool:
    # Which Qt platform to use is not a kiosk setting: it is how this process was started.
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or os.environ.get("QT_QPA_PLATFORM"))


def _demo(args: argparse.Namespace, ctx: CliContext) -> int:
    out = Path(args.out).resolve()
    # `--lang` is the CLI's global option (the language of messages): the persona chooses the same on screen.
    command = [sys.executable, "-m", "ui.demo", "--out", str(out), "--lang", args.lang or "vi",
               "--persona", args.persona, "--text-scale", args.text_scale]
    if args.high_contrast:
        command.append("--high-contrast")
    if args.service:
        command += ["--service", args.service]
    if ctx.config_path:
        command += ["--config", str(ctx.config_path)]
    env = dict(os.environ)
    if not _has_display() and not args.window:
        env["QT_QPA_PLATFORM"] = "offscreen"
    else:
        command.append("--visible")
    try:
        done = subprocess.run(command, env=env, check=False, timeout=600)
    except subprocess.TimeoutExpired:
        ctx.warn("ui.demo_failed")
        return EXIT_FAILURE
    if done.returncode == EXIT_USAGE:
        return EXIT_USAGE
    return EXIT_OK if done.returncode == 0 else EXIT_FAILURE
