"""The `kiosk` command: one entry point, one sub-command group per area.

Each group lives in its own module here and exposes `register(subparsers)`; a handler takes the parsed
arguments and a `CliContext` and returns the process exit code. The context loads the configuration once.
Whatever goes wrong ends in one translated line on stderr, never a traceback: exit 2 for a configuration problem
(the line names the file and the setting), 1 for an operational one (a read-only or full disk names the file or
the `kiosk.data_dir` setting); `-v` adds the technical detail to the log.
"""

from __future__ import annotations

import argparse
import logging
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

from kiosk.bootstrap import DataFolderError, prepare_data_folder
from kiosk.cli import app, card, face, fleet, hospital_sim, portal_sim, printing, queue, services, staff
from kiosk.cli.context import EXIT_FAILURE, EXIT_USAGE, CliContext, one_line
from kiosk.config import ConfigError

GROUPS = (card, face, queue, portal_sim, hospital_sim, printing, services, staff, app, fleet)
log = logging.getLogger("kiosk.cli")


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
        if _uses_data_folder(args):
            # Checked before the queue opens its files, so a read-only or full disk is named by its setting.
            prepare_data_folder(ctx.config.kiosk.data_dir)
        return int(handler(args, ctx))
    except ConfigError as exc:
        ctx.warn("common.config_error", detail=one_line(str(exc)))
        return EXIT_USAGE
    except DataFolderError as exc:
        ctx.warn("common.data_folder_error", path=str(exc.path), setting=exc.setting, reason=ctx.os_reason(exc.error))
        return EXIT_FAILURE
    except OSError as exc:
        _storage_error(ctx, exc)
        return EXIT_FAILURE
    except sqlite3.Error as exc:
        # A queue or hospital database that cannot be opened or written (disk full, read-only): operational.
        log.info("database error", exc_info=True)
        data = ctx.loaded_config.kiosk.data_dir if ctx.loaded_config is not None else Path(".")
        ctx.warn("common.data_folder_error", path=str(data), setting="kiosk.data_dir", reason=one_line(str(exc)))
        return EXIT_FAILURE
    except Exception as exc:  # the last resort: one line for the technician, the traceback only with -v
        log.info("unexpected error in %s", args.command, exc_info=True)
        ctx.warn("common.cli_unexpected_error", kind=type(exc).__name__)
        return EXIT_FAILURE


def _uses_data_folder(args: argparse.Namespace) -> bool:
    """Commands that open the queue or other state under `kiosk.data_dir` (`kiosk run` checks it itself)."""
    return args.command in ("queue", "stats") or (args.command == "print" and args.print_command == "receipt")


def _storage_error(ctx: CliContext, exc: OSError) -> None:
    """Name the data folder setting when the failing file is in it (or unknown), otherwise the file itself."""
    log.info("file-system error", exc_info=True)
    data = ctx.loaded_config.kiosk.data_dir if ctx.loaded_config is not None else None
    name = exc.filename if isinstance(exc.filename, str) else None
    if data is not None and (name is None or Path(name).resolve().is_relative_to(data.resolve())):
        ctx.warn("common.data_folder_error", path=str(data), setting="kiosk.data_dir", reason=ctx.os_reason(exc))
    else:
        ctx.warn("common.file_error", path=name or "?", reason=ctx.os_reason(exc))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
