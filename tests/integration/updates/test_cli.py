"""`kiosk fleet keys/publish/update` as a province and a kiosk run them, with a real `python -m http.server`."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.kiosk.updates.conftest import break_catalogue, rename_service

pytestmark = pytest.mark.integration
KIOSK = [str(Path(sys.executable).with_name("kiosk"))]


def kiosk(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*KIOSK, *args], capture_output=True, text=True, timeout=120, check=False, cwd=cwd)


@pytest.fixture
def static_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    folder = tmp_path / "repo"
    folder.mkdir()
    proc = subprocess.Popen([sys.executable, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1",
                             "--directory", str(folder)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    port = re.search(r"port (\d+)", line)
    assert port, line
    yield f"http://127.0.0.1:{port.group(1)}", folder
    proc.terminate()
    proc.wait(timeout=10)


def test_province_publishes_and_a_kiosk_updates(tmp_path: Path, static_server: tuple[str, Path],
                                                catalogue: Path) -> None:
    url, repo = static_server
    keys = tmp_path / "usb"
    made = kiosk("--lang", "en", "fleet", "keys", "--out", str(keys))
    assert made.returncode == 0 and "Wrote 6 keys" in made.stdout
    assert kiosk("fleet", "keys", "--out", str(keys)).returncode == 2  # never overwrites keys

    profiles = tmp_path / "profiles"
    profiles.mkdir()
    (profiles / "ward.toml").write_text("[session]\ninactivity_warning_s = 75.0\n")
    published = kiosk("--lang", "en", "fleet", "publish", "--repo", str(repo), "--keys", str(keys),
                      "--catalogue", str(catalogue), "--config-profile", "ward", "--profiles", str(profiles))
    assert published.returncode == 0, published.stderr
    assert "catalogue.tar: release 1" in published.stdout and "config/ward.toml: release 1" in published.stdout

    data = tmp_path / "kiosk-data"
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[kiosk]\ndata_dir = "{data}"\n[updates]\nenabled = true\nrepository_url = "{url}"\n'
                      f'root_file = "{repo / "metadata" / "1.root.json"}"\nconfig_profile = "ward"\n'
                      '[logging]\nformat = "json"\n')
    first = kiosk("--config", str(config), "fleet", "update", "--json")
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert report["verified"] and [o["status"] for o in report["outcomes"]] == ["applied", "applied"]
    shown = kiosk("--config", str(config), "services", "list", "--json")  # the CLI now runs on the applied profile
    assert shown.returncode == 0

    # A visit is in progress at the kiosk (its heartbeat keeps the flag fresh): the new release waits.
    rename_service(catalogue, "Updated")
    assert kiosk("fleet", "publish", "--repo", str(repo), "--keys", str(keys),
                 "--catalogue", str(catalogue)).returncode == 0
    (data / "updates" / "visit-in-progress").touch()
    waiting = json.loads(kiosk("--config", str(config), "fleet", "update", "--json").stdout)
    assert waiting["outcomes"][0]["status"] == "deferred"
    (data / "updates" / "visit-in-progress").unlink()
    done = kiosk("--lang", "en", "--config", str(config), "fleet", "update")
    assert done.returncode == 0 and "catalogue: applied (release 2)" in done.stdout

    # The yearly root re-signing: kiosks walk to root version 2 and carry on.
    yearly = kiosk("--lang", "en", "fleet", "publish", "--repo", str(repo), "--keys", str(keys), "--rotate-root")
    assert yearly.returncode == 0 and "Signed root version 2; roles with a new key: -." in yearly.stdout
    after = json.loads(kiosk("--config", str(config), "fleet", "update", "--json").stdout)
    assert after["verified"] and json.loads((data / "updates/tuf/root.json").read_text())["signed"]["version"] == 2

    # Publishing what `kiosk services check` refuses: nothing is signed, every problem is named.
    break_catalogue(catalogue)
    refused = kiosk("--lang", "en", "fleet", "publish", "--repo", str(repo), "--keys", str(keys),
                    "--catalogue", str(catalogue))
    assert refused.returncode == 1 and "working_days" in refused.stdout
    assert json.loads((repo / "metadata" / "targets.json").read_text())["signed"]["version"] == 2

    # The wrong key folder: one line, exit 2, no traceback.
    kiosk("fleet", "keys", "--out", str(tmp_path / "other"))
    foreign = kiosk("--lang", "en", "fleet", "publish", "--repo", str(repo), "--keys", str(tmp_path / "other"))
    assert foreign.returncode == 2 and len(foreign.stderr.strip().splitlines()) == 1
    assert "Traceback" not in foreign.stderr


def test_update_without_configuration_is_a_usage_error(tmp_path: Path) -> None:
    done = kiosk("--lang", "en", "fleet", "update")
    assert done.returncode == 2 and "not enabled" in done.stderr
