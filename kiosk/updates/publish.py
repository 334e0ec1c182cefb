"""Building and signing a province's update repository (TUF 1.0 metadata with python-tuf's `tuf.api.metadata`).

The repository is a plain folder that any static HTTP server can serve:

    metadata/1.root.json, 2.root.json, …   every root version (clients walk key rotations one by one)
    metadata/N.targets.json, N.snapshot.json, timestamp.json   (plus unversioned copies for the publisher)
    targets/<sha256>.catalogue.tar         the catalogue bundle (bundle.py)
    targets/config/<sha256>.NAME.toml      configuration profiles (profiles.py)

Consistent snapshots are on, so old and new files sit side by side and a kiosk fetching during a publication
never mixes them; `timestamp.json` is written last. Each target carries `custom.release`, a number raised
whenever that target's content changes: it is the version a kiosk reports.

Roles, thresholds and lifetimes (the defaults; TUF refuses metadata past its expiry, which bounds how long an
attacker can replay an old repository — a freeze attack):

| role      | keys | threshold | expires after | where the key lives                        |
|-----------|------|-----------|---------------|--------------------------------------------|
| root      | 3    | 2         | 365 days      | three officials' offline media             |
| targets   | 1    | 1         | 90 days       | the publisher's offline medium             |
| snapshot  | 1    | 1         | 7 days        | the publisher's offline medium             |
| timestamp | 1    | 1         | 2 days        | the publisher's medium (re-signed daily)   |
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tuf.api.metadata import (
    Metadata,
    MetaFile,
    Root,
    Snapshot,
    TargetFile,
    Targets,
    Timestamp,
)
from tuf.api.serialization.json import JSONSerializer

from kiosk.catalogue.loader import load_catalogue
from kiosk.updates.bundle import build_bundle
from kiosk.updates.keys import ROLES, KeyRing
from kiosk.updates.profiles import check_profile, parse_profile
from kiosk.updates.store import profile_target

CATALOGUE_TARGET = "catalogue.tar"
_JSON = JSONSerializer(compact=False)


@dataclass(frozen=True)
class Lifetimes:
    root_days: int = 365
    targets_days: int = 90
    snapshot_days: int = 7
    timestamp_days: int = 2

    def of(self, role: str) -> timedelta:
        return timedelta(days=int(getattr(self, f"{role}_days")))


class PublishError(ValueError):
    """The repository cannot be published as asked (missing key, foreign key, invalid content)."""


@dataclass
class PublishResult:
    targets_version: int
    timestamp_version: int
    changed: dict[str, int] = field(default_factory=dict)  # target path -> new release number
    unchanged: list[str] = field(default_factory=list)


def publish(repo: Path, keys: KeyRing, catalogue: Path | None = None, profiles: dict[str, Path] | None = None,
            *, root_threshold: int = 2, lifetimes: Lifetimes | None = None, now: datetime | None = None,
            local_config: Path | None = None) -> PublishResult:
    """Add the catalogue folder and profiles (NAME -> TOML file) to `repo` and sign a new repository version.

    Content is validated first with the kiosk's own loaders, so a folder `kiosk services check` refuses is never
    signed. Targets not named here stay as they were. The first run creates root metadata from the keys given.
    """
    payloads: dict[str, tuple[bytes, str]] = {}  # target path -> (data, kind)
    if catalogue is not None:
        load_catalogue(catalogue)  # raises CatalogueInvalidError naming every problem
        payloads[CATALOGUE_TARGET] = (build_bundle(catalogue), "catalogue")
    for name, profile_file in (profiles or {}).items():
        data = profile_file.read_bytes()
        check_profile(parse_profile(data, profile_file.name), local_config)  # raises ConfigError naming the setting
        payloads[profile_target(name)] = (data, "config")
    return sign_targets(repo, keys, payloads, root_threshold=root_threshold, lifetimes=lifetimes, now=now)


def sign_targets(repo: Path, keys: KeyRing, payloads: dict[str, tuple[bytes, str]], *, root_threshold: int = 2,
                 lifetimes: Lifetimes | None = None, now: datetime | None = None) -> PublishResult:
    """Sign `payloads` (target path -> (data, kind)) into `repo` as they are, without validating the content.

    `publish` validates first; this is the signing step alone, which a kiosk must never trust blindly either
    (its own validation refuses what its loaders refuse, whoever signed it).
    """
    lifetimes = lifetimes or Lifetimes()
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    meta_dir, targets_dir = repo / "metadata", repo / "targets"
    root = _load_or_create_root(meta_dir, keys, root_threshold, lifetimes, now)
    # The keys needed must be here and belong to this repository, before anything is written. Re-signing the
    # timestamp and snapshot alone (the daily run) needs only those two keys, so targets.pem can stay offline.
    for role in ("targets", "snapshot", "timestamp") if payloads else ("snapshot", "timestamp"):
        _signer_for(root, keys, role)

    loaded = _load(meta_dir / "targets.json", Targets)
    targets_md = loaded or Metadata(Targets(expires=now))
    targets = targets_md.signed
    result = PublishResult(0, 0)
    for path, (data, kind) in sorted(payloads.items()):
        digest = hashlib.sha256(data).hexdigest()
        old = targets.targets.get(path)
        if old is not None and old.hashes.get("sha256") == digest:
            result.unchanged.append(path)
            continue
        release = int(old.custom.get("release", 0)) + 1 if old is not None else 1
        info = TargetFile.from_data(path, data, ["sha256"])
        info.unrecognized_fields["custom"] = {"release": release, "kind": kind}
        targets.targets[path] = info
        folder, _, base = path.rpartition("/")
        _write_bytes(targets_dir / folder / f"{digest}.{base}", data)
        result.changed[path] = release

    if loaded is None or result.changed or targets.expires <= now + lifetimes.of("targets") / 2:
        targets.version += 1 if loaded is not None else 0
        targets.expires = now + lifetimes.of("targets")
        _sign_and_write(targets_md, "targets", root, keys, meta_dir, versioned=True)
    snapshot_md = _load(meta_dir / "snapshot.json", Snapshot)
    if snapshot_md is None:
        snapshot_md = Metadata(Snapshot(expires=now))
    else:
        snapshot_md.signed.version += 1
    snapshot_md.signed.meta["targets.json"] = MetaFile(version=targets.version)
    snapshot_md.signed.expires = now + lifetimes.of("snapshot")
    _sign_and_write(snapshot_md, "snapshot", root, keys, meta_dir, versioned=True)
    timestamp_md = _load(meta_dir / "timestamp.json", Timestamp)
    if timestamp_md is None:
        timestamp_md = Metadata(Timestamp(expires=now))
    else:
        timestamp_md.signed.version += 1
    timestamp_md.signed.snapshot_meta = MetaFile(version=snapshot_md.signed.version)
    timestamp_md.signed.expires = now + lifetimes.of("timestamp")
    _sign_and_write(timestamp_md, "timestamp", root, keys, meta_dir, versioned=False)
    result.targets_version = targets.version
    result.timestamp_version = timestamp_md.signed.version
    return result


def rotate_root(repo: Path, keys: KeyRing, *, lifetimes: Lifetimes | None = None,
                now: datetime | None = None) -> tuple[int, list[str]]:
    """Sign a new root version: a fresh expiry, and any targets/snapshot/timestamp key in `keys` that the current
    root does not list replaces that role's key (a lost or exposed key). Returns (new version, roles rotated).

    Needs the threshold of the current root keys; the root keys themselves stay. Kiosks walk from their trusted
    root to the new one (each version signed by the threshold of the one before), then trust only the new keys.
    The targets, snapshot and timestamp metadata are re-signed right after, with the keys now in force.
    """
    lifetimes = lifetimes or Lifetimes()
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    meta_dir = repo / "metadata"
    current = _load(meta_dir / "root.json", Root)
    if current is None:
        raise PublishError(f"{repo} has no root metadata yet; publish once first")
    root: Root = current.signed
    root_role = root.roles["root"]
    signers = [s for s in keys.signers["root"] if s.public_key.keyid in root_role.keyids]
    if len(signers) < root_role.threshold:
        raise PublishError(f"a new root needs {root_role.threshold} root keys of this repository; "
                           f"found {len(signers)}")
    rotated = []
    for role in ROLES[1:]:
        fresh = [s for s in keys.signers[role] if s.public_key.keyid not in root.roles[role].keyids]
        if fresh:
            for keyid in list(root.roles[role].keyids):
                root.revoke_key(keyid, role)
            root.add_key(fresh[0].public_key, role)
            rotated.append(role)
    root.version += 1
    root.expires = now + lifetimes.of("root")
    md = Metadata(root)
    for signer in signers:
        md.sign(signer, append=True)
    data = md.to_bytes(_JSON)
    _write_bytes(meta_dir / f"{root.version}.root.json", data)
    _write_bytes(meta_dir / "root.json", data)
    targets = _load(meta_dir / "targets.json", Targets)
    if targets is not None and "targets" in rotated:
        targets.signed.version += 1
        targets.signed.expires = now + lifetimes.of("targets")
        _sign_and_write(targets, "targets", root, keys, meta_dir, versioned=True)
    sign_targets(repo, keys, {}, lifetimes=lifetimes, now=now)
    return root.version, rotated


def _load_or_create_root(meta_dir: Path, keys: KeyRing, threshold: int, lifetimes: Lifetimes,
                         now: datetime) -> Root:
    existing = _load(meta_dir / "root.json", Root)
    if existing is not None:
        trusted: Root = existing.signed
        return trusted
    root_signers = keys.signers["root"]
    if len(root_signers) < threshold:
        raise PublishError(f"a new repository needs at least {threshold} root keys; found {len(root_signers)}")
    root = Root(expires=now + lifetimes.of("root"), consistent_snapshot=True)
    for signer in root_signers:
        root.add_key(signer.public_key, "root")
    root.roles["root"].threshold = threshold
    for role in ROLES[1:]:
        role_signer = keys.one(role)
        if role_signer is None:
            raise PublishError(f"no {role} key (file {role}.pem) in the key folders")
        root.add_key(role_signer.public_key, role)
    md = Metadata(root)
    for signer in root_signers:
        md.sign(signer, append=True)
    meta_dir.mkdir(parents=True, exist_ok=True)
    _write_bytes(meta_dir / "1.root.json", md.to_bytes(_JSON))
    _write_bytes(meta_dir / "root.json", md.to_bytes(_JSON))
    return root


def _signer_for(root: Root, keys: KeyRing, role: str) -> Any:
    allowed = set(root.roles[role].keyids)
    for signer in keys.signers[role]:
        if signer.public_key.keyid in allowed:
            return signer
    raise PublishError(f"no {role} key of this repository in the key folders (root lists key "
                       f"{sorted(allowed)[0][:16]}…)")


def _sign_and_write(md: Metadata[Any], role: str, root: Root, keys: KeyRing, meta_dir: Path,
                    *, versioned: bool) -> None:
    md.signatures.clear()
    md.sign(_signer_for(root, keys, role))
    data = md.to_bytes(_JSON)
    if versioned:
        _write_bytes(meta_dir / f"{md.signed.version}.{role}.json", data)
    _write_bytes(meta_dir / f"{role}.json", data)


def _load(path: Path, kind: type[Any]) -> Metadata[Any] | None:
    if not path.exists():
        return None
    md: Metadata[Any] = Metadata.from_file(str(path))
    if not isinstance(md.signed, kind):
        raise PublishError(f"{path} does not hold {kind.__name__.lower()} metadata")
    return md


def _write_bytes(path: Path, data: bytes) -> None:
    """Write through a temporary file and a rename: a static server never serves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.chmod(tmp, 0o644)  # served to every kiosk: public by design, the keys are elsewhere
    os.replace(tmp, path)
