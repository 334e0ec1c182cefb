"""CLI group `fleet`: a province of kiosks seen through Prometheus and Alertmanager.

    kiosk fleet simulate --kiosks N --port-base P [--ward W] [--duration S]   # N simulated kiosks' /metrics
    kiosk fleet stats --prometheus URL [--ward W] [--from DAY] [--to DAY] [--json|--csv]
    kiosk fleet rules --out DIR [--ward CODE=WEBHOOK_URL …] [--province-webhook URL] [--alertmanager HOST:PORT]
    kiosk fleet keys | publish | update                                        # signed updates (fleet_publish.py)

Exit codes: 0 done, 1 operational (Prometheus unreachable, port taken, folder not writable), 2 usage.
"""

from __future__ import annotations

import argparse
import math
import signal
import threading
from pathlib import Path
from typing import Any

from kiosk.cli.context import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, CliContext, one_line


def _positive(kind: Any) -> Any:
    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if not (value > 0 and math.isfinite(value)):
            raise argparse.ArgumentTypeError(f"must be a finite number above 0: {text!r}")
        return value
    return parse


def _port(text: str) -> int:
    value = _positive(int)(text)
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be a port 1–65535: {text!r}")
    return int(value)


def register(sub: Any) -> None:
    p = sub.add_parser("fleet", help="a province of kiosks: simulated kiosks, statistics, Prometheus rules")
    fleet = p.add_subparsers(dest="fleet_command", metavar="FLEET_COMMAND", required=True)

    sim = fleet.add_parser("simulate", help="serve the metrics of N simulated kiosks on 127.0.0.1:P…P+N-1")
    sim.add_argument("--kiosks", type=_positive(int), required=True)
    sim.add_argument("--port-base", type=_port, required=True)
    sim.add_argument("--ward", default=None, help="every kiosk in this ward (default: ten kiosks per ward)")
    sim.add_argument("--province", default="01")
    sim.add_argument("--prefix", default="SIM", help="kiosk IDs are PREFIX-PORT")
    sim.add_argument("--first-index", type=int, default=0,
                     help="number of kiosks started by other processes before these (ward numbering)")
    sim.add_argument("--duration", type=_positive(float), default=None, help="seconds, then exit (default: run)")
    sim.add_argument("--journey-every", type=_positive(float), default=20.0,
                     help="mean seconds between journeys at one kiosk")
    sim.add_argument("--max-journeys", type=_positive(int), default=None, help="per kiosk, then only serve")
    sim.add_argument("--journeys-after", type=_positive(float), default=None,
                     help="seconds before the first journeys (so a scrape sees the counters at zero)")
    sim.add_argument("--seed", type=int, default=1)
    sim.add_argument("--data-dir", type=Path, default=None,
                     help="keep each kiosk's files in a real queue under DIR/<kiosk id>/ (kiosk stats can read it)")
    sim.add_argument("--out-of-paper-after", type=_positive(float), default=None,
                     help="the first kiosk's printer runs out of paper after S seconds")
    sim.add_argument("--help-after", type=_positive(float), default=None,
                     help="a citizen at the first kiosk asks for help after S seconds")
    sim.add_argument("--alertmanager", default="", help="Alertmanager URL the help request goes to")
    sim.add_argument("--portal-down-after", type=_positive(float), default=None,
                     help="every kiosk loses the portal after S seconds")
    sim.set_defaults(handler=_simulate)

    st = fleet.add_parser("stats", help="per-ward or per-province statistics from Prometheus")
    st.add_argument("--prometheus", required=True, help="Prometheus URL, e.g. http://127.0.0.1:9090")
    st.add_argument("--ward", default=None)
    st.add_argument("--province", default=None)
    st.add_argument("--from", dest="date_from", default=None, help="first day YYYY-MM-DD (or an ISO time)")
    st.add_argument("--to", dest="date_to", default=None, help="last day YYYY-MM-DD, inclusive (or an ISO time)")
    form = st.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true")
    form.add_argument("--csv", action="store_true")
    st.set_defaults(handler=_stats)

    ru = fleet.add_parser("rules", help="write Prometheus rules and Alertmanager routing for a province")
    ru.add_argument("--out", type=Path, required=True)
    ru.add_argument("--ward", action="append", default=[], metavar="CODE=WEBHOOK_URL",
                    help="route this ward's alerts to its staff webhook (repeatable)")
    ru.add_argument("--province-webhook", default="http://127.0.0.1:9099/province")
    ru.add_argument("--alertmanager", default="127.0.0.1:9093", help="HOST:PORT Prometheus sends alerts to")
    ru.add_argument("--scrape-interval", default="15s")
    ru.add_argument("--fast", action="store_true", help="one-second waits everywhere (tests and demos)")
    ru.set_defaults(handler=_rules)

    # `keys`, `publish` and `update` (signed updates) live beside this module; they need python-tuf.
    try:
        from kiosk.cli import fleet_publish
    except ImportError:  # pragma: no cover - a kiosk without tuf still has stats, rules and simulate
        return
    fleet_publish.register_commands(fleet)


def _simulate(args: argparse.Namespace, ctx: CliContext) -> int:
    from kiosk.fleet.simulate import Simulation, SimulationOptions

    options = SimulationOptions(
        kiosks=args.kiosks, port_base=args.port_base, ward=args.ward, province=args.province, prefix=args.prefix,
        duration_s=args.duration or 0.0, journey_every_s=args.journey_every, seed=args.seed,
        data_dir=args.data_dir, out_of_paper_after_s=args.out_of_paper_after, help_after_s=args.help_after,
        alertmanager_url=args.alertmanager, portal_down_after_s=args.portal_down_after,
        max_journeys=args.max_journeys, first_index=max(0, args.first_index),
        journeys_after_s=args.journeys_after or 0.0)
    if args.port_base + args.kiosks - 1 > 65535:
        ctx.warn("fleet.simulate_port_taken", port=args.port_base + args.kiosks - 1, reason="> 65535")
        return EXIT_USAGE
    try:
        simulation = Simulation(options)
    except OSError as exc:
        ctx.warn("fleet.simulate_port_taken", port=f"{args.port_base}+", reason=ctx.os_reason(exc))
        return EXIT_FAILURE
    ctx.say("fleet.simulate_started", count=args.kiosks, first=args.port_base, last=args.port_base + args.kiosks - 1)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: simulation.stop())
    try:
        simulation.run()
    except KeyboardInterrupt:
        pass
    finally:
        simulation.close()
    return EXIT_OK


def _stats(args: argparse.Namespace, ctx: CliContext) -> int:
    from kiosk.fleet.stats import FleetStatsError, fleet_statistics, period, prometheus_query, render_csv, render_table

    try:
        when = period(args.date_from, args.date_to)
    except ValueError as exc:
        ctx.warn("fleet.bad_period", detail=one_line(str(exc)))
        return EXIT_USAGE
    try:
        stats = fleet_statistics(prometheus_query(args.prometheus), when, ward=args.ward, province=args.province)
    except FleetStatsError as exc:
        ctx.warn("fleet.stats_failed", detail=one_line(str(exc)))
        return EXIT_FAILURE
    if args.json:
        ctx.emit_json(stats.as_json())
    elif args.csv:
        print(render_csv(stats), end="")
    else:
        if args.ward:
            scope = ctx.translator.text("fleet.stats_scope_ward", ward=args.ward)
        elif args.province:
            scope = ctx.translator.text("fleet.stats_scope_province", province=args.province)
        else:
            scope = ctx.translator.text("fleet.stats_scope_all")
        ctx.say("fleet.stats_title", scope=scope, since=args.date_from or "…", until=args.date_to or "…")
        print(render_table(stats, ctx.translator))
    return EXIT_OK


def _rules(args: argparse.Namespace, ctx: CliContext) -> int:
    from kiosk.fleet.province import ProvinceSetup, write_province

    wards: dict[str, str] = {}
    for item in args.ward:
        code, sep, url = item.partition("=")
        if not sep or not code or not url.startswith(("http://", "https://")):
            ctx.warn("fleet.rules_bad_ward", value=item)
            return EXIT_USAGE
        wards[code] = url
    setup = ProvinceSetup(province_webhook=args.province_webhook, ward_webhooks=wards,
                          alertmanager=args.alertmanager, scrape_interval=args.scrape_interval,
                          evaluation_interval="1s" if args.fast else args.scrape_interval, fast=args.fast)
    written = write_province(args.out, setup)
    ctx.say("fleet.rules_written", count=len(written), out=str(args.out))
    return EXIT_OK
