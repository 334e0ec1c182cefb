"""A kiosk's TUF client against a real static HTTP server on 127.0.0.1, honest and hijacked."""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from kiosk.catalogue.loader import load_catalogue
from kiosk.fleet.metrics import KioskLabels, KioskMetrics
from kiosk.updates.bundle import build_bundle
from kiosk.updates.client import KioskUpdater, UpdateSettings
from kiosk.updates.keys import KeyRing
from kiosk.updates.metrics import RELEASE_GAUGE, release_reporter
from kiosk.updates.profiles import check_profile
from kiosk.updates.publish import CATALOGUE_TARGET, publish, sign_targets
from kiosk.updates.store import Kind
from tests.integration.updates.conftest import StaticServer
from tests.kiosk.updates.conftest import break_catalogue, rename_service

pytestmark = pytest.mark.integration


class Kiosk:
    """The parts of a kiosk the updater talks to: a visit flag, a live catalogue, a metrics registry."""

    def __init__(self, tmp_path: Path, server: StaticServer, root: Path, profile: str = "ward") -> None:
        self.visit_in_progress = False
        self.loaded: list[tuple[Kind, Path]] = []
        self.refuse_to_load: set[int] = set()
        self.metrics = KioskMetrics(KioskLabels("K-01", "W1", "P1"))
        self.state = tmp_path / "kiosk-data" / "updates"
        self.updater = KioskUpdater(
            UpdateSettings(server.url, root, self.state, profile, timeout_s=5.0),
            busy=lambda: self.visit_in_progress,
            validate_config=lambda raw: check_profile(raw, None),
            on_applied=self.reload, report_release=release_reporter(self.metrics))

    def reload(self, kind: Kind, path: Path) -> None:
        if kind == "catalogue":
            load_catalogue(path)  # what the running kiosk does with a new folder
        release = self.updater.store.current(kind)
        if release is not None and release.release in self.refuse_to_load:
            raise RuntimeError("the running kiosk could not take it")
        self.loaded.append((kind, path))

    def release_metric(self, kind: str) -> float | None:
        return self.metrics.registry.get_sample_value(
            RELEASE_GAUGE, {"kiosk": "K-01", "ward": "W1", "province": "P1", "kind": kind})

    def english_name(self) -> str:
        current = self.updater.store.current("catalogue")
        assert current is not None
        return load_catalogue(current.path).get("id_confirmation").name.get("en")


@pytest.fixture
def repo(tmp_path: Path, server: StaticServer) -> Path:
    path = server.folder
    return path


def _publish(repo: Path, ring: KeyRing, catalogue: Path, profile_text: str | None = None, **kw: Any) -> None:
    profiles = None
    if profile_text is not None:
        profile = repo.parent / "ward.toml"
        profile.write_text(profile_text)
        profiles = {"ward": profile}
    publish(repo, ring, catalogue, profiles, **kw)


def _copy(repo: Path, to: Path) -> Path:
    shutil.copytree(repo, to)
    return to


def test_kiosk_follows_the_province_repository(tmp_path: Path, server: StaticServer, repo: Path, ring: KeyRing,
                                               catalogue: Path) -> None:
    _publish(repo, ring, catalogue, "[session]\ninactivity_warning_s = 60.0\n")
    kiosk = Kiosk(tmp_path, server, repo / "metadata" / "1.root.json")
    report = kiosk.updater.run_once()
    assert report.verified
    assert [(o.kind, o.status, o.release) for o in report.outcomes] == [("catalogue", "applied", 1),
                                                                        ("config", "applied", 1)]
    assert kiosk.release_metric("catalogue") == 1 and kiosk.release_metric("config") == 1
    assert b"session" in (kiosk.state / "config" / "current").read_bytes()

    rename_service(catalogue, "Renamed")
    _publish(repo, ring, catalogue)
    report = kiosk.updater.run_once()
    assert [(o.kind, o.status, o.release) for o in report.outcomes] == [("catalogue", "applied", 2),
                                                                        ("config", "current", 1)]
    assert kiosk.english_name().startswith("Renamed")
    assert kiosk.updater.store.previous("catalogue").release == 1
    assert kiosk.release_metric("catalogue") == 2
    assert [k for k, _ in kiosk.loaded] == ["catalogue", "config", "catalogue"]

    server.requests.clear()
    quiet = kiosk.updater.run_once()  # nothing new: only the timestamp (and the next root's absence) is fetched
    assert [o.status for o in quiet.outcomes] == ["current", "current"]
    assert all("targets/" not in r for r in server.requests) and quiet.bytes_fetched < 2000


def test_an_update_waits_until_no_visit_is_in_progress(tmp_path: Path, server: StaticServer, repo: Path,
                                                       ring: KeyRing, catalogue: Path) -> None:
    _publish(repo, ring, catalogue)
    kiosk = Kiosk(tmp_path, server, repo / "metadata" / "1.root.json")
    kiosk.updater.run_once()
    rename_service(catalogue, "Later")
    _publish(repo, ring, catalogue)
    kiosk.visit_in_progress = True
    report = kiosk.updater.run_once()
    assert report.outcome("catalogue").status == "deferred"
    assert kiosk.updater.store.current("catalogue").release == 1 and not kiosk.english_name().startswith("Later")
    assert kiosk.loaded == [("catalogue", kiosk.updater.store.current("catalogue").path)]
    kiosk.visit_in_progress = False
    assert kiosk.updater.run_once().outcome("catalogue").status == "applied"
    assert kiosk.english_name().startswith("Later")


def test_rollback_attack_is_refused(tmp_path: Path, server: StaticServer, repo: Path, ring: KeyRing,
                                    catalogue: Path) -> None:
    _publish(repo, ring, catalogue)
    old = _copy(repo, tmp_path / "old-repo")
    kiosk = Kiosk(tmp_path, server, repo / "metadata" / "1.root.json")
    rename_service(catalogue, "Fixed")
    _publish(repo, ring, catalogue)
    assert kiosk.updater.run_once().outcome("catalogue").release == 2
    server.folder = old  # the mirror now replays the older, validly signed repository
    report = kiosk.updater.run_once()
    assert not report.verified and report.error == "rollback"
    assert kiosk.updater.store.current("catalogue").release == 2 and kiosk.english_name().startswith("Fixed")
    assert kiosk.release_metric("catalogue") == 2


def test_freeze_attack_is_refused(tmp_path: Path, server: StaticServer, repo: Path, ring: KeyRing,
                                  catalogue: Path) -> None:
    # The mirror keeps serving a repository that was last signed three days ago; its timestamp lasts two days.
    _publish(repo, ring, catalogue, now=datetime.now(UTC) - timedelta(days=3))
    kiosk = Kiosk(tmp_path, server, repo / "metadata" / "1.root.json")
    report = kiosk.updater.run_once()
    assert not report.verified and report.error == "expired"
    assert kiosk.updater.store.current("catalogue") is None and kiosk.loaded == []
    assert kiosk.release_metric("catalogue") == 0


def test_metadata_changed_without_the_key_is_refused(tmp_path: Path, server: StaticServer, repo: Path,
                                                     ring: KeyRing, catalogue: Path) -> None:
    _publish(repo, ring, catalogue)
    kiosk = Kiosk(tmp_path, server, repo / "metadata" / "1.root.json")
    kiosk.updater.run_once()
    rename_service(catalogue, "Fresh")
    _publish(repo, ring, catalogue)
    stamp = repo / "metadata" / "timestamp.json"
    data = json.loads(stamp.read_text())
    data["signed"]["expires"] = "2099-01-01T00:00:00Z"  # a frozen mirror stretching the expiry itself
    stamp.write_text(json.dumps(data))
    report = kiosk.updater.run_once()
    assert not report.verified and report.error == "signature"
    assert kiosk.updater.store.current("catalogue").release == 1


def test_mix_and_match_metadata_is_refused(tmp_path: Path, server: StaticServer, repo: Path, ring: KeyRing,
                                           catalogue: Path) -> None:
    _publish(repo, ring, catalogue)
    kiosk = Kiosk(tmp_path, server, repo / "metadata" / "1.root.json")
    kiosk.updater.run_once()
    v1_targets = (repo / "metadata" / "1.targets.json").read_bytes()
    rename_service(catalogue, "Second")
    _publish(repo, ring, catalogue)
    # The attacker serves the new timestamp and snapshot with the old (validly signed) targets metadata.
    mixed = _copy(repo, tmp_path / "mixed")
    (mixed / "metadata" / "2.targets.json").write_bytes(v1_targets)
    server.folder = mixed
    report = kiosk.updater.run_once()
    assert not report.verified and report.error == "mismatch"
    assert kiosk.updater.store.current("catalogue").release == 1


def test_a_target_file_from_another_release_is_refused(tmp_path: Path, server: StaticServer, repo: Path,
                                                        ring: KeyRing, catalogue: Path) -> None:
    _publish(repo, ring, catalogue)
    first_bundle = build_bundle(catalogue)
    kiosk = Kiosk(tmp_path, server, repo / "metadata" / "1.root.json")
    kiosk.updater.run_once()
    rename_service(catalogue, "Second")
    _publish(repo, ring, catalogue)
    new_digest = hashlib.sha256(build_bundle(catalogue)).hexdigest()
    (repo / "targets" / f"{new_digest}.catalogue.tar").write_bytes(first_bundle)  # the old file, new name
    report = kiosk.updater.run_once()
    outcome = report.outcome("catalogue")
    assert report.verified and outcome.status == "refused" and outcome.reason == "mismatch"
    assert kiosk.updater.store.current("catalogue").release == 1


def test_a_signed_catalogue_the_kiosk_cannot_load_is_refused(tmp_path: Path, server: StaticServer, repo: Path,
                                                              ring: KeyRing, catalogue: Path) -> None:
    _publish(repo, ring, catalogue)
    kiosk = Kiosk(tmp_path, server, repo / "metadata" / "1.root.json")
    kiosk.updater.run_once()
    break_catalogue(catalogue)
    sign_targets(repo, ring, {CATALOGUE_TARGET: (build_bundle(catalogue), "catalogue")})
    report = kiosk.updater.run_once()
    outcome = report.outcome("catalogue")
    assert outcome.status == "refused" and outcome.reason.startswith("catalogue: 1 problem")
    assert kiosk.updater.store.current("catalogue").release == 1
    server.requests.clear()
    again = kiosk.updater.run_once().outcome("catalogue")
    assert again.reason == "refused_before" and all("targets/" not in r for r in server.requests)


def test_a_profile_the_kiosk_cannot_load_is_refused(tmp_path: Path, server: StaticServer, repo: Path,
                                                     ring: KeyRing, catalogue: Path) -> None:
    _publish(repo, ring, catalogue, "[session]\ninactivity_warning_s = 60.0\n")
    kiosk = Kiosk(tmp_path, server, repo / "metadata" / "1.root.json")
    kiosk.updater.run_once()
    sign_targets(repo, ring, {"config/ward.toml": (b"[session]\nno_such_setting = 1\n", "config")})
    outcome = kiosk.updater.run_once().outcome("config")
    assert outcome.status == "refused" and outcome.reason == "config: setting session.no_such_setting"
    assert kiosk.updater.store.current("config").release == 1


def test_a_release_the_running_kiosk_fails_to_load_is_rolled_back(tmp_path: Path, server: StaticServer,
                                                                  repo: Path, ring: KeyRing, catalogue: Path) -> None:
    _publish(repo, ring, catalogue)
    kiosk = Kiosk(tmp_path, server, repo / "metadata" / "1.root.json")
    kiosk.updater.run_once()
    kiosk.refuse_to_load.add(2)
    rename_service(catalogue, "Broken")
    _publish(repo, ring, catalogue)
    outcome = kiosk.updater.run_once().outcome("catalogue")
    assert outcome.status == "rolled_back" and outcome.release == 1
    assert not kiosk.english_name().startswith("Broken")
    assert kiosk.loaded[-1] == ("catalogue", kiosk.updater.store.current("catalogue").path)  # reloaded release 1
    assert kiosk.release_metric("catalogue") == 1
    assert kiosk.updater.run_once().outcome("catalogue").reason == "refused_before"


def test_an_unreachable_repository_changes_nothing(tmp_path: Path, server: StaticServer, repo: Path,
                                                   ring: KeyRing, catalogue: Path) -> None:
    _publish(repo, ring, catalogue)
    kiosk = Kiosk(tmp_path, server, repo / "metadata" / "1.root.json")
    kiosk.updater.run_once()
    server.close()
    report = kiosk.updater.run_once()
    assert not report.verified and report.error == "unreachable"
    assert kiosk.updater.store.current("catalogue").release == 1


def test_many_kiosks_converge_on_the_newest_release(tmp_path: Path, server: StaticServer, repo: Path,
                                                    ring: KeyRing, catalogue: Path) -> None:
    from kiosk.updates.converge import converge

    _publish(repo, ring, catalogue)
    rename_service(catalogue, "Newest")
    _publish(repo, ring, catalogue)
    result = converge(4, server.url, root_file=repo / "metadata" / "1.root.json", work_dir=tmp_path / "fleet",
                      workers=2)
    assert (result.clients, result.converged, result.errors) == (4, 4, 0)
    bundle = len(build_bundle(catalogue))
    assert result.bytes_first_mean > bundle > result.bytes_poll_mean


def test_the_kiosk_process_reports_the_releases_it_runs(tmp_path: Path, server: StaticServer, repo: Path,
                                                        ring: KeyRing, catalogue: Path) -> None:
    from kiosk.config import load_config
    from kiosk.updates.metrics import report_releases

    _publish(repo, ring, catalogue)
    kiosk = Kiosk(tmp_path, server, repo / "metadata" / "1.root.json")
    kiosk.updater.run_once()
    config = load_config(None, {"kiosk": {"data_dir": str(tmp_path / "kiosk-data"), "kiosk_id": "K-02"},
                                "updates": {"enabled": True, "repository_url": server.url,
                                            "root_file": str(repo / "metadata" / "1.root.json")}})
    metrics = KioskMetrics(KioskLabels.from_config(config))
    report_releases(metrics, config)
    labels = KioskLabels.from_config(config).as_dict()
    assert metrics.registry.get_sample_value(RELEASE_GAUGE, {**labels, "kind": "catalogue"}) == 1
    assert metrics.registry.get_sample_value(RELEASE_GAUGE, {**labels, "kind": "config"}) == 0


def test_a_rotated_timestamp_key_is_followed_and_the_old_one_refused(tmp_path: Path, server: StaticServer,
                                                                      repo: Path, ring: KeyRing, catalogue: Path,
                                                                      key_folder: Path) -> None:
    from tuf.api.metadata import Metadata, Timestamp

    from kiosk.updates.keys import generate_keys, load_keys
    from kiosk.updates.publish import rotate_root

    _publish(repo, ring, catalogue)
    kiosk = Kiosk(tmp_path, server, repo / "metadata" / "1.root.json")
    kiosk.updater.run_once()
    old_timestamp_key = ring.one("timestamp")
    fresh = tmp_path / "fresh"
    generate_keys(fresh, root_keys=1)
    for name in ("root-1.pem", "targets.pem", "snapshot.pem"):
        (fresh / name).unlink()  # only the new timestamp key
    version, rotated = rotate_root(repo, load_keys([key_folder, fresh]))
    assert (version, rotated) == (2, ["timestamp"])
    rename_service(catalogue, "After rotation")
    publish(repo, load_keys([key_folder, fresh]), catalogue)
    report = kiosk.updater.run_once()
    assert report.verified and report.outcome("catalogue").status == "applied"
    assert json.loads((kiosk.state / "tuf" / "root.json").read_text())["signed"]["version"] == 2
    # Whoever kept the old timestamp key can no longer make the kiosk accept anything.
    stamp = Metadata.from_file(str(repo / "metadata" / "timestamp.json"))
    assert isinstance(stamp.signed, Timestamp)
    stamp.signed.version += 1
    stamp.signatures.clear()
    stamp.sign(old_timestamp_key)
    stamp.to_file(str(repo / "metadata" / "timestamp.json"))
    refused = kiosk.updater.run_once()
    assert not refused.verified and refused.error == "signature"
