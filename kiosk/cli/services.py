"""CLI group `services`: list the catalogue the kiosk would serve, and check a catalogue folder before use.

`kiosk services list [--json]` prints each service's code, name, fee and processing time (configured folder,
or the shipped catalogue). `kiosk services check DIR` validates a technician's folder and names every problem
by file and field; it also warns (without failing) when the configured holiday calendar is refused or does not
cover the next 12 months (`--as-of DATE` checks from another day). `kiosk services schema CODE` prints the JSON
Schema of each procedure's `form.data`.
Exit codes: 0 valid, 1 the folder has problems (or the service is unknown), 2 a malformed `--as-of`.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from kiosk.catalogue.holidays import load_active_holidays
from kiosk.catalogue.json_schema import procedure_schema
from kiosk.catalogue.loader import CatalogueInvalidError, load_catalogue
from kiosk.catalogue.schema import CatalogueProblem
from kiosk.cli.context import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, CliContext
from kiosk.forms.views import money


def register(sub: Any) -> None:
    """Add this group's sub-commands to the `kiosk` parser."""
    group: argparse.ArgumentParser = sub.add_parser("services", help="the public-service catalogue")
    services_sub = group.add_subparsers(dest="services_command", metavar="SERVICES_COMMAND")
    list_parser = services_sub.add_parser("list", help="list the services of the configured catalogue")
    list_parser.add_argument("--json", action="store_true", help="machine-readable output")
    list_parser.set_defaults(handler=_list)
    check_parser = services_sub.add_parser("check", help="validate a catalogue folder (exit 1 when wrong)")
    check_parser.add_argument("folder", type=Path, help="folder of *.yaml service files")
    check_parser.add_argument("--as-of", metavar="YYYY-MM-DD", default="",
                              help="check the holiday calendar's next 12 months from this day (default: today)")
    check_parser.set_defaults(handler=_check)
    schema_parser = services_sub.add_parser("schema", help="print the JSON Schema of a service's form.data")
    schema_parser.add_argument("code", help="service code, e.g. temporary_residence")
    schema_parser.set_defaults(handler=_schema)


def _problem_text(ctx: CliContext, problem: CatalogueProblem) -> str:
    tr = ctx.translator
    what = tr.text(f"services.problem_{problem.code}", detail=problem.detail)
    return tr.text("services.catalogue_problem", file=problem.file, field=problem.field or "-", problem=what)


def _list(args: argparse.Namespace, ctx: CliContext) -> int:
    try:
        catalogue = load_catalogue(ctx.config.catalogue.folder)
    except CatalogueInvalidError as exc:
        ctx.warn("services.catalogue_refused")
        for problem in exc.problems:
            print(_problem_text(ctx, problem))
        return EXIT_FAILURE
    lang = ctx.translator.language
    if args.json:
        ctx.emit_json([{"code": s.code, "kind": s.kind, "name": s.name.get(lang), "fee": s.fees.amount({}),
                        "working_days": s.processing_working_days,
                        "procedures": [p.procedure_code for p in s.procedures]} for s in catalogue.services])
        return EXIT_OK
    ctx.say("services.list_header")
    for s in catalogue.services:
        print(f"{s.code} | {s.name.get(lang)} | {money(s.fees.amount({}), lang, ctx.translator)} | "
              f"{s.processing_working_days}")
    return EXIT_OK


def _schema(args: argparse.Namespace, ctx: CliContext) -> int:
    try:
        service = load_catalogue(ctx.config.catalogue.folder).get(args.code)
    except CatalogueInvalidError:
        ctx.warn("services.catalogue_refused")
        return EXIT_FAILURE
    except KeyError:
        ctx.warn("services.unknown_service", code=args.code)
        return EXIT_FAILURE
    ctx.emit_json([procedure_schema(service, p) for p in service.procedures])
    return EXIT_OK


def _check(args: argparse.Namespace, ctx: CliContext) -> int:
    try:
        today = date.fromisoformat(args.as_of) if args.as_of else date.today()
    except ValueError:
        ctx.warn("services.bad_as_of", value=args.as_of)
        return EXIT_USAGE
    try:
        catalogue = load_catalogue(args.folder)
    except CatalogueInvalidError as exc:
        for problem in exc.problems:
            print(_problem_text(ctx, problem))
        _check_holidays(ctx, today)
        return EXIT_FAILURE
    ctx.say("services.catalogue_ok", count=len(catalogue.services))
    _check_holidays(ctx, today)
    return EXIT_OK


def _check_holidays(ctx: CliContext, today: date) -> None:
    """Warnings only: due dates are still computed, from the shipped calendar or with the years it has."""
    loaded = load_active_holidays(ctx.config.catalogue.holidays_file)
    if loaded.refused:
        ctx.warn("services.holidays_refused", detail=loaded.refused)
    missing = loaded.calendar.uncovered_years(today)
    if missing:
        ctx.warn("services.holidays_not_covered", years=", ".join(map(str, missing)))
