"""A private pcscd with the vpcd driver, the card emulator on it, and `kiosk card` run as a citizen's terminal would."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from devices.card.emulator.pcscd import PcscdRig, PcscdUnavailableError, start_pcscd
from devices.card.emulator.profile import shipped_profiles_folder

KIOSK = [sys.executable, "-c", "import sys; from kiosk.cli import main; sys.exit(main())"]


@pytest.fixture(scope="session")
def pcscd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PcscdRig]:
    try:
        rig = start_pcscd(tmp_path_factory.mktemp("pcscd"))
    except PcscdUnavailableError as exc:
        pytest.skip(f"LOUD SKIP: pcscd/vpcd cannot run here: {exc}")
    yield rig
    rig.stop()


@pytest.fixture(scope="session")
def issuer_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("issuer")


@dataclass
class Emulator:
    process: subprocess.Popen[str]

    def stop(self) -> str:
        if self.process.poll() is None:
            self.process.terminate()
        try:
            _, err = self.process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, err = self.process.communicate(timeout=5)
        return err


@dataclass
class CardRig:
    pcscd: PcscdRig
    issuer_dir: Path
    emulators: list[Emulator]

    @property
    def trust_store(self) -> Path:
        return self.issuer_dir / "trust"

    def insert(self, profile: str | Path = "demo", *extra: str) -> Emulator:
        """Start the emulator with a shipped profile (by name) or a profile file (by path)."""
        path = profile if isinstance(profile, Path) else shipped_profiles_folder() / f"{profile}.toml"
        command = [*KIOSK, "card", "emulate", "--profile", str(path),
                   "--port", str(self.pcscd.port), "--issuer-dir", str(self.issuer_dir), *extra]
        emulator = Emulator(subprocess.Popen(command, env=self.pcscd.env, stderr=subprocess.PIPE, text=True))
        self.emulators.append(emulator)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if emulator.process.poll() is not None:
                raise AssertionError(f"emulator exited: {emulator.stop()}")
            listing = self.kiosk("card", "readers", "--lang", "en")
            if "00 00: card present" in listing.stdout:
                return emulator
            time.sleep(0.2)
        raise AssertionError("the emulated card never appeared on the virtual reader")

    def kiosk(self, *args: str, timeout: float = 20) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*KIOSK, *args], env=self.pcscd.env, capture_output=True, text=True,
                              timeout=timeout, check=False)

    def read(self, *args: str) -> tuple[int, dict[str, Any] | None, str]:
        result = self.kiosk("card", "read", "--reader", "00 00", "--json", *args)
        payload = json.loads(result.stdout) if result.stdout.strip() else None
        return result.returncode, payload, result.stderr


@pytest.fixture
def card(pcscd: PcscdRig, issuer_dir: Path) -> Iterator[CardRig]:
    rig = CardRig(pcscd, issuer_dir, [])
    yield rig
    for emulator in rig.emulators:
        emulator.stop()
