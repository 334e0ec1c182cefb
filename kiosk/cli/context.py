"""What every CLI handler receives: the configuration (loaded once, on first use) and a translator."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.config import KioskConfig, load_config
from kiosk.i18n import Language, Translator

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2


@dataclass
class CliContext:
    config_path: str | None = None
    lang: Language | None = None
    _config: KioskConfig | None = field(default=None, init=False, repr=False)
    _translator: Translator | None = field(default=None, init=False, repr=False)

    @property
    def config(self) -> KioskConfig:
        if self._config is None:
            self._config = load_config(Path(self.config_path) if self.config_path else None)
        return self._config

    @property
    def translator(self) -> Translator:
        if self._translator is None:
            language: Language = self.lang or (self.config.kiosk.default_language if self.config_path else "vi")
            self._translator = Translator(language=language)
        return self._translator

    def say(self, key: str, /, **params: object) -> None:
        """Print a translated message for a person."""
        print(self.translator.text(key, **params))

    def warn(self, key: str, /, **params: object) -> None:
        print(self.translator.text(key, **params), file=sys.stderr)

    @staticmethod
    def emit_json(obj: Any) -> None:
        print(json.dumps(obj, ensure_ascii=False, indent=2, default=str))
