"""Shared card fixtures: one test PKI and personalised card images, made once per session (key generation is slow)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from devices.card.emulator.personalise import CardImage, TestIssuer, load_profile, personalise
from devices.card.emulator.profile import shipped_profiles_folder


@pytest.fixture(scope="session")
def issuer() -> TestIssuer:
    return TestIssuer.generate()


@pytest.fixture(scope="session")
def trust_dir(issuer: TestIssuer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("trust")
    issuer.write_trust_store(folder)
    return folder


def _image(name: str, issuer: TestIssuer) -> CardImage:
    return personalise(load_profile(shipped_profiles_folder() / f"{name}.toml"), issuer)


@pytest.fixture(scope="session")
def demo_image(issuer: TestIssuer) -> CardImage:
    return _image("demo", issuer)


@pytest.fixture(scope="session")
def bac_image(issuer: TestIssuer) -> CardImage:
    return _image("bac_only", issuer)


@pytest.fixture(scope="session")
def short_image(demo_image: CardImage) -> CardImage:
    """The demo card on a chip without extended length support."""
    return dataclasses.replace(demo_image, extended_length=False)
