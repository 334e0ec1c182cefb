"""CLI sub-commands of `kiosk fleet` for signed updates: `keys`, `publish` and `update` (kiosk/updates/).

    kiosk fleet keys --out DIR [--root-keys 3]
        writes fresh Ed25519 keys for the TUF roles (root-1..N, targets, snapshot, timestamp) into DIR.
    kiosk fleet publish --repo DIR --keys DIR [--keys DIR …] [--catalogue DIR] [--config-profile NAME …]
                        [--profiles DIR] [--root-threshold 2] [--rotate-root]
        validates the catalogue folder (as `kiosk services check`) and each profile `DIR/NAME.toml` (as the kiosk's
        configuration loader), then signs a new repository version; without content it re-signs the timestamp
        and snapshot only (the daily run that keeps kiosks from seeing the repository as frozen).
    kiosk fleet update [--json]
        what the kiosk's update timer runs: one TUF update of the catalogue and the configured profile, applied
        only when no visit is in progress.

Exit codes: 0 done, 1 refused (content invalid, repository refused, an update refused), 2 usage or configuration.
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path
from typing import Any

from kiosk.catalogue.loader import CatalogueInvalidError
from kiosk.cli.context import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, CliContext
from kiosk.cli.services import _problem_text
from kiosk.updates.keys import KeyFolderError, generate_keys, load_keys
from kiosk.updates.publish import PublishError, publish, rotate_root


def register_commands(fleet_sub: Any) -> None:
    """Add `keys`, `publish` and `update` to the `kiosk fleet` sub-parsers."""
    keys = fleet_sub.add_parser("keys", help="make the offline signing keys of an update repository")
    keys.add_argument("--out", type=Path, required=True, help="folder for the keys (on removable media)")
    keys.add_argument("--root-keys", type=int, default=3, help="number of root keys, one per key holder")
    keys.set_defaults(handler=_keys)
    pub = fleet_sub.add_parser("publish", help="sign a catalogue and configuration profiles into a TUF repository")
    pub.add_argument("--repo", type=Path, required=True, help="repository folder (served as static files)")
    pub.add_argument("--keys", type=Path, action="append", required=True,
                     help="folder of signing keys; repeat for keys held on several media")
    pub.add_argument("--catalogue", type=Path, help="catalogue folder of *.yaml service files")
    pub.add_argument("--config-profile", action="append", default=[], metavar="NAME",
                     help="publish the profile NAME (file NAME.toml in --profiles); repeatable")
    pub.add_argument("--profiles", type=Path, default=Path("profiles"), help="folder of profile files")
    pub.add_argument("--root-threshold", type=int, default=2, help="root signatures required (new repository)")
    pub.add_argument("--rotate-root", action="store_true",
                     help="sign a new root version first (yearly, or to replace a lost targets/snapshot/timestamp "
                          "key found in --keys); needs the root key threshold")
    pub.set_defaults(handler=_publish)
    upd = fleet_sub.add_parser("update", help="fetch, verify and apply signed updates once (the update timer)")
    upd.add_argument("--json", action="store_true", help="machine-readable report")
    upd.set_defaults(handler=_update)


def _keys(args: argparse.Namespace, ctx: CliContext) -> int:
    try:
        written = generate_keys(args.out, args.root_keys)
    except KeyFolderError as exc:
        ctx.warn("updates.key_folder_error", detail=str(exc))
        return EXIT_USAGE
    ctx.say("updates.keys_written", count=len(written), folder=str(args.out))
    return EXIT_OK


def _publish(args: argparse.Namespace, ctx: CliContext) -> int:
    profiles = {name: args.profiles / f"{name}.toml" for name in args.config_profile}
    for name, path in profiles.items():
        if not path.is_file() or "/" in name:
            ctx.warn("updates.publish_refused", detail=f"profile {name}: no file {path}")
            return EXIT_USAGE
    if args.catalogue is not None and not args.catalogue.is_dir():
        ctx.warn("updates.publish_refused", detail=f"catalogue folder {args.catalogue} does not exist")
        return EXIT_USAGE
    try:
        if args.rotate_root:
            version, rotated = rotate_root(args.repo, load_keys(args.keys))
            ctx.say("updates.root_rotated", version=version, roles=", ".join(rotated) or "-")
        result = publish(args.repo, load_keys(args.keys), args.catalogue, profiles,
                         root_threshold=args.root_threshold,
                         local_config=Path(ctx.config_path) if ctx.config_path else None)
    except KeyFolderError as exc:
        ctx.warn("updates.key_folder_error", detail=str(exc))
        return EXIT_USAGE
    except PublishError as exc:
        ctx.warn("updates.publish_refused", detail=str(exc))
        return EXIT_USAGE
    except CatalogueInvalidError as exc:
        ctx.warn("updates.catalogue_refused")
        for problem in exc.problems:
            print(_problem_text(ctx, problem))
        return EXIT_FAILURE
    for target, release in sorted(result.changed.items()):
        ctx.say("updates.published_target", target=target, release=release)
    for target in result.unchanged:
        ctx.say("updates.unchanged_target", target=target)
    ctx.say("updates.published", repo=str(args.repo), targets=result.targets_version,
            timestamp=result.timestamp_version)
    return EXIT_OK


def _update(args: argparse.Namespace, ctx: CliContext) -> int:
    from kiosk.logs import configure_logging
    from kiosk.updates.applied import store_for
    from kiosk.updates.client import KioskUpdater, UpdateSettings
    from kiosk.updates.profiles import check_profile
    from kiosk.updates.visit import FLAG_NAME, VisitFlag

    config = ctx.config
    if not config.updates.enabled or config.updates.root_file is None:
        ctx.warn("updates.not_enabled")
        return EXIT_USAGE
    configure_logging(config.logging, verbose=bool(getattr(args, "verbose", False)))
    store = store_for(config)
    local = Path(ctx.config_path) if ctx.config_path else None
    updater = KioskUpdater(
        UpdateSettings(config.updates.repository_url, config.updates.root_file, store.root,
                       config.updates.config_profile, config.updates.timeout_s),
        busy=VisitFlag(store.root / FLAG_NAME).in_progress,
        validate_config=lambda raw: check_profile(raw, local))
    report = updater.run_once()
    if args.json:
        ctx.emit_json(dataclasses.asdict(report))
    elif not report.verified:
        ctx.warn("updates.refused_metadata", reason=report.error)
    else:
        for o in report.outcomes:
            ctx.say("updates.outcome", kind=o.kind, status=o.status, release=o.release or 0, reason=o.reason)
    refused = not report.verified or any(o.status in ("refused", "rolled_back") for o in report.outcomes)
    return EXIT_FAILURE if refused else EXIT_OK
