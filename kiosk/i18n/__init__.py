"""The kiosk's one message catalogue: every citizen-facing string, in Vietnamese and English.

Messages live in TOML files beside this module, one file per area (`card.toml`, `queue.toml`, …). In a file each
table is one message with a `vi` and an `en` text; its key is `<file stem>.<table name>`, e.g. `card.access_denied`.
Texts may hold `{name}` placeholders filled by `Translator.text(key, name=…)`. Code never holds user-facing
strings of its own: errors from the lower packages carry a message key, and the CLI and UI translate it here.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from typing import Literal

Language = Literal["vi", "en"]
LANGUAGES: tuple[Language, ...] = ("vi", "en")


def language_of(value: str) -> Language:
    """The kiosk language for a requested one: English when asked for, else Vietnamese (the default)."""
    return "en" if value == "en" else "vi"


class MissingMessageError(KeyError):
    """A message key is not in the catalogue (a programming error caught by the catalogue tests)."""


def load_catalogue() -> dict[str, dict[str, str]]:
    """Read every message file shipped with the kiosk: key → {language → text}."""
    catalogue: dict[str, dict[str, str]] = {}
    folder = resources.files(__package__)
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        area = entry.name.removesuffix(".toml")
        for name, texts in tomllib.loads(entry.read_text(encoding="utf-8")).items():
            catalogue[f"{area}.{name}"] = {lang: str(texts[lang]) for lang in texts}
    return catalogue


@dataclass
class Translator:
    """Turns message keys into text in the current language; the language can change on any screen."""

    language: Language = "vi"
    catalogue: dict[str, dict[str, str]] = field(default_factory=load_catalogue)

    def text(self, key: str, /, **params: object) -> str:
        try:
            texts = self.catalogue[key]
        except KeyError as exc:
            raise MissingMessageError(key) from exc
        template = texts.get(self.language) or texts["vi"]
        return template.format(**params) if params else template

    def has(self, key: str) -> bool:
        return key in self.catalogue
