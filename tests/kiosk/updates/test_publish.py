from __future__ import annotations

import hashlib
import json
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tuf.api.metadata import Metadata

from kiosk.catalogue.loader import CatalogueInvalidError
from kiosk.config import ConfigError
from kiosk.updates.bundle import build_bundle
from kiosk.updates.keys import KeyFolderError, KeyRing, generate_keys, load_keys
from kiosk.updates.publish import CATALOGUE_TARGET, PublishError, publish
from tests.kiosk.updates.conftest import break_catalogue, rename_service

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def _signed(repo: Path, name: str) -> dict:
    return json.loads((repo / "metadata" / name).read_text())["signed"]


def test_keys_are_private_and_never_overwritten(tmp_path: Path) -> None:
    written = generate_keys(tmp_path / "k", root_keys=2)
    assert sorted(p.name for p in written) == ["root-1.pem", "root-2.pem", "snapshot.pem", "targets.pem",
                                               "timestamp.pem"]
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in written)
    before = written[0].read_bytes()
    with pytest.raises(KeyFolderError):
        generate_keys(tmp_path / "k")
    assert written[0].read_bytes() == before
    (tmp_path / "k" / "notes.pem").write_text("not a key")  # not a role name: ignored
    ring = load_keys([tmp_path / "k"])
    assert len(ring.signers["root"]) == 2 and ring.one("timestamp") is not None
    (tmp_path / "k" / "targets-2.pem").write_text("garbage")
    with pytest.raises(KeyFolderError):
        load_keys([tmp_path / "k"])


def test_first_publication_builds_a_consistent_snapshot_repository(tmp_path: Path, ring: KeyRing,
                                                                   catalogue: Path) -> None:
    profile = tmp_path / "ward.toml"
    profile.write_text("[session]\ninactivity_warning_s = 60.0\n")
    result = publish(tmp_path / "repo", ring, catalogue, {"ward": profile}, now=NOW)
    assert result.changed == {CATALOGUE_TARGET: 1, "config/ward.toml": 1}
    repo = tmp_path / "repo"
    root = _signed(repo, "1.root.json")
    assert root["consistent_snapshot"] is True
    assert root["roles"]["root"]["threshold"] == 2 and len(root["roles"]["root"]["keyids"]) == 3
    assert {r: len(root["roles"][r]["keyids"]) for r in ("targets", "snapshot", "timestamp")} == \
        {"targets": 1, "snapshot": 1, "timestamp": 1}
    assert _signed(repo, "timestamp.json")["expires"] == (NOW + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert _signed(repo, "1.snapshot.json")["expires"] == (NOW + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%SZ")
    bundle = build_bundle(catalogue)
    digest = hashlib.sha256(bundle).hexdigest()
    assert (repo / "targets" / f"{digest}.catalogue.tar").read_bytes() == bundle
    targets = _signed(repo, "1.targets.json")["targets"]
    assert targets[CATALOGUE_TARGET]["custom"] == {"release": 1, "kind": "catalogue"}
    profile_digest = hashlib.sha256(profile.read_bytes()).hexdigest()
    assert (repo / "targets" / "config" / f"{profile_digest}.ward.toml").read_bytes() == profile.read_bytes()
    # Every role's metadata verifies against the root the repository made.
    root_md = Metadata.from_file(str(repo / "metadata" / "root.json"))
    root_md.verify_delegate("root", root_md)
    for role in ("targets", "snapshot", "timestamp"):
        root_md.verify_delegate(role, Metadata.from_file(str(repo / "metadata" / f"{role}.json")))


def test_release_numbers_move_only_when_content_changes(tmp_path: Path, ring: KeyRing, catalogue: Path) -> None:
    repo = tmp_path / "repo"
    publish(repo, ring, catalogue, now=NOW)
    again = publish(repo, ring, catalogue, now=NOW + timedelta(hours=1))
    assert again.changed == {} and again.unchanged == [CATALOGUE_TARGET]
    assert again.targets_version == 1 and again.timestamp_version == 2  # timestamp re-signed, nothing else
    rename_service(catalogue, "New")
    third = publish(repo, ring, catalogue, now=NOW + timedelta(hours=2))
    assert third.changed == {CATALOGUE_TARGET: 2} and third.targets_version == 2
    assert _signed(repo, "snapshot.json")["meta"]["targets.json"]["version"] == 2
    assert _signed(repo, "timestamp.json")["meta"]["snapshot.json"]["version"] == 3
    # A profile published later keeps the catalogue target as it was.
    profile = tmp_path / "p.toml"
    profile.write_text("[printer]\npaper = \"a4\"\n")
    publish(repo, ring, profiles={"hospital": profile}, now=NOW + timedelta(hours=3))
    targets = _signed(repo, "targets.json")["targets"]
    assert targets[CATALOGUE_TARGET]["custom"]["release"] == 2 and "config/hospital.toml" in targets


def test_targets_are_re_signed_before_they_expire(tmp_path: Path, ring: KeyRing, catalogue: Path) -> None:
    repo = tmp_path / "repo"
    publish(repo, ring, catalogue, now=NOW)
    later = publish(repo, ring, catalogue, now=NOW + timedelta(days=50))  # past half of the 90 days
    assert later.targets_version == 2 and later.changed == {}


def test_content_the_kiosk_would_refuse_is_never_signed(tmp_path: Path, ring: KeyRing, catalogue: Path) -> None:
    break_catalogue(catalogue)
    with pytest.raises(CatalogueInvalidError):
        publish(tmp_path / "repo", ring, catalogue, now=NOW)
    assert not (tmp_path / "repo").exists()
    bad = tmp_path / "bad.toml"
    for text in ("[kiosk]\nkiosk_id = \"X\"\n", "[updates]\nrepository_url = \"http://evil\"\n",
                 "[session]\ninactivity_warning_s = -1.0\n", "not toml ["):
        bad.write_text(text)
        with pytest.raises(ConfigError):
            publish(tmp_path / "repo", ring, profiles={"ward": bad}, now=NOW)
    assert not (tmp_path / "repo").exists()


def test_a_repository_needs_its_own_keys(tmp_path: Path, ring: KeyRing, catalogue: Path) -> None:
    repo = tmp_path / "repo"
    publish(repo, ring, catalogue, now=NOW)
    generate_keys(tmp_path / "other")
    with pytest.raises(PublishError, match="targets key of this repository"):
        publish(repo, load_keys([tmp_path / "other"]), catalogue, now=NOW)
    only_one_root = tmp_path / "one"
    generate_keys(only_one_root, root_keys=1)
    with pytest.raises(PublishError, match="at least 2 root keys"):
        publish(tmp_path / "new-repo", load_keys([only_one_root]), catalogue, now=NOW)
