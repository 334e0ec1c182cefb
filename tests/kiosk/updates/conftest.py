from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from kiosk.catalogue.loader import SHIPPED_FOLDER
from kiosk.updates.keys import KeyRing, generate_keys, load_keys


@pytest.fixture(scope="session")
def key_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("keys") / "province"
    generate_keys(folder)
    return folder


@pytest.fixture
def ring(key_folder: Path) -> KeyRing:
    return load_keys([key_folder])


@pytest.fixture
def catalogue(tmp_path: Path) -> Path:
    folder = tmp_path / "catalogue"
    shutil.copytree(SHIPPED_FOLDER, folder)
    return folder


def rename_service(folder: Path, marker: str) -> None:
    """A real edit a province makes: a new English name for one service."""
    path = folder / "01_id_confirmation.yaml"
    text, count = re.subn(r'^(name: \{vi: "[^"]*", en: ")', rf"\g<1>{marker} ", path.read_text(encoding="utf-8"),
                          flags=re.MULTILINE)
    assert count == 1
    path.write_text(text, encoding="utf-8")


def break_catalogue(folder: Path) -> None:
    """A service file `kiosk services check` refuses (processing time missing)."""
    path = folder / "01_id_confirmation.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  working_days: 3\n", ""), encoding="utf-8")
