"""The `kiosk` command: one entry point, one sub-command group per area.

Each group lives in its own module here and exposes `register(subparsers)`; a handler takes the parsed
arguments and a `CliContext` and returns the process exit code. The context loads the configuration once.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from kiosk.cli import app, card, face, portal_sim, printing, queue, services, staff
from kiosk.cli.context import EXIT_USAGE, CliContext
from kiosk.config import ConfigError

GROUPS = (card, face, queue, portal_sim, printing, services, staff, app)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk", description="Self-service public-service kiosk.")
    parser.add_argument("--config", help="TOML configuration file (defaults: demo mode on simulated devices)")
    parser.add_argument("--lang", choices=["vi", "en"], default=None, help="language of messages")
    parser.add_argument("-v", "--verbose", action="store_true", help="log technical detail (never personal data)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for group in GROUPS:
        group.register(sub)
    return parser


def _hoist_global_options(argv: list[str]) -> list[str]:
    """Let `--lang` and `--config` stand anywhere (`kiosk card read … --lang en`), as technicians type them."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        name = arg.split("=", 1)[0]
        if name in ("--lang", "--config"):
            if "=" in arg:
                front.append(arg)
            elif i + 1 < len(argv):
                front += [arg, argv[i + 1]]
                i += 1
            else:
                rest.append(arg)
        else:
            rest.append(arg)
        i += 1
    return front + rest


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    arguments = _hoist_global_options(list(sys.argv[1:] if argv is None else argv))
    try:
        args = parser.parse_args(arguments)
    except SystemExit as exc:  # argparse exits 2 on usage errors and 0 on --help
        return int(exc.code or 0)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return EXIT_USAGE
    ctx = CliContext(config_path=args.config, lang=args.lang)
    try:
        return int(handler(args, ctx))
    except ConfigError as exc:
        print(ctx.translator.text("common.config_error", detail=str(exc)), file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
