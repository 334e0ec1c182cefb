"""The systemd units, udev rules and installer in deploy/ and scripts/install-kiosk.sh."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration
PROJECT = Path(__file__).resolve().parents[3]
INSTALL = PROJECT / "scripts" / "install-kiosk.sh"
UNITS = ("cccd-kiosk.service", "cccd-kiosk-update.service", "cccd-kiosk-update.timer")


def install(root: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    # The project folder itself as the prefix, so every ExecStart= names a real executable.
    return subprocess.run(["bash", str(INSTALL), "--root", str(root), "--prefix", str(PROJECT), *extra],
                          capture_output=True, text=True, timeout=60, check=False)


def unit_settings(path: Path) -> dict[str, list[str]]:
    settings: dict[str, list[str]] = {}
    section = ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        settings.setdefault(f"{section}.{key}", []).append(value)
    return settings


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("root")
    done = install(root)
    assert done.returncode == 0, done.stderr
    return root


def test_installed_units_pass_systemd_analyze_verify(installed: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("SKIPPED LOUDLY: systemd-analyze is missing; `apt-get install systemd` (scripts/setup.sh does)")
    units = [str(installed / "etc/systemd/system" / name) for name in UNITS]
    done = subprocess.run([analyze, "verify", *units], capture_output=True, text=True, timeout=120, check=False)
    # verify exits 0 on unknown keys and bad values too, and only warns: any output is a finding.
    assert done.returncode == 0 and done.stderr.strip() == "" and done.stdout.strip() == "", done.stderr


def test_the_kiosk_restarts_itself_and_is_hardened(installed: Path) -> None:
    ui = unit_settings(installed / "etc/systemd/system/cccd-kiosk.service")
    assert ui["Service.Restart"] == ["always"] and ui["Service.Type"] == ["notify"]
    assert int(ui["Service.WatchdogSec"][0]) >= 20  # the UI beats every 10 s at most (kiosk/watchdog.py)
    assert ui["Service.User"] == ["cccd-kiosk"] and ui["Service.PAMName"] == ["login"]
    update = unit_settings(installed / "etc/systemd/system/cccd-kiosk-update.service")
    for settings in (ui, update):
        assert settings["Service.ProtectSystem"] == ["strict"]
        assert settings["Service.PrivateTmp"] == ["yes"] and settings["Service.NoNewPrivileges"] == ["yes"]
        assert settings["Service.User"] == ["cccd-kiosk"] and settings["Service.CapabilityBoundingSet"] == [""]
        assert settings["Service.StandardOutput"] == ["journal"]
    assert ui["Service.DevicePolicy"] == ["closed"] and update["Service.PrivateDevices"] == ["yes"]
    assert update["Service.ExecStart"][0].endswith("fleet update")
    timer = unit_settings(installed / "etc/systemd/system/cccd-kiosk-update.timer")
    assert "Timer.OnUnitActiveSec" in timer and "Timer.RandomizedDelaySec" in timer
    session = ui["Service.ExecStart"][0]
    assert Path(session).is_file() and "-m ui" in Path(session).read_text()
    users = (installed / "etc/sysusers.d/cccd-kiosk.conf").read_text()
    assert re.findall(r"^m cccd-kiosk (\S+)$", users, re.MULTILINE) == ["video", "render", "input", "lp"]


_UDEV_PAIR = re.compile(r'\s*([A-Z_]+)(?:\{([A-Za-z0-9_]+)\})?\s*(==|!=|\+=|-=|:=|=)\s*"([^"]*)"\s*')


def test_udev_rules_are_well_formed(installed: Path) -> None:
    rules = (installed / "etc/udev/rules.d/70-cccd-kiosk.rules").read_text().splitlines()
    seen = set()
    for line in rules:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        pairs = line.split(",")
        parsed = [_UDEV_PAIR.fullmatch(p) for p in pairs]
        assert all(parsed), line
        matches = [m for m in parsed if m and m.group(3) in ("==", "!=")]
        assignments = [m for m in parsed if m and m.group(3) not in ("==", "!=")]
        assert matches and assignments, line
        seen.update(m.group(4) for m in parsed if m and m.group(1) == "SYMLINK")
    assert {"kiosk-reader", "kiosk-camera", "kiosk-printer"} <= seen


def test_the_installer_is_idempotent_and_keeps_the_configuration(tmp_path: Path) -> None:
    assert subprocess.run(["bash", "-n", str(INSTALL)], check=False).returncode == 0
    first = install(tmp_path)
    assert first.returncode == 0 and "systemctl restart cccd-kiosk.service" in first.stdout
    config = tmp_path / "etc/cccd-kiosk/kiosk.toml"
    assert 'format = "json"' in config.read_text()
    config.write_text(config.read_text() + '\n[updates]\nconfig_profile = "ward"\n')
    second = install(tmp_path)
    assert second.returncode == 0 and "systemctl restart" not in second.stdout  # nothing changed
    assert 'config_profile = "ward"' in config.read_text()
    unit = Path("/etc/systemd/system/cccd-kiosk.service")
    existed = unit.exists()
    dry = subprocess.run(["bash", str(INSTALL), "--dry-run", "--prefix", str(PROJECT)], capture_output=True,
                         text=True, timeout=60, check=False)
    assert dry.returncode == 0 and "+ systemctl enable cccd-kiosk.service cccd-kiosk-update.timer" in dry.stdout
    assert unit.exists() == existed  # a dry run changes nothing
