"""What every CLI handler receives: the configuration (loaded once, on first use) and a translator.

The translator must work even when the configuration does not: the message that says the configuration is
broken is printed through it, so choosing its language never loads the configuration a second time.
"""

from __future__ import annotations

import errno
import json
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.config import ConfigError, KioskConfig, load_config
from kiosk.i18n import Language, Translator, language_of

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2

# The file-system failures staff meet in practice, in words they can act on; any other error keeps its OS text.
_OS_REASONS = {
    errno.EROFS: "common.reason_read_only",
    errno.ENOSPC: "common.reason_disk_full",
    errno.EDQUOT: "common.reason_disk_full",
    errno.EACCES: "common.reason_no_permission",
    errno.EPERM: "common.reason_no_permission",
    errno.ENOENT: "common.reason_missing",
    errno.ENOTDIR: "common.reason_not_a_folder",
    errno.EEXIST: "common.reason_not_a_folder",
    errno.EISDIR: "common.reason_is_a_folder",
}


@dataclass
class CliContext:
    config_path: str | None = None
    lang: Language | None = None
    _config: KioskConfig | None = field(default=None, init=False, repr=False)
    _translator: Translator | None = field(default=None, init=False, repr=False)
    _config_failed: bool = field(default=False, init=False, repr=False)

    @property
    def config(self) -> KioskConfig:
        if self._config is None:
            try:
                self._config = load_config(Path(self.config_path) if self.config_path else None)
            except ConfigError:
                self._config_failed = True
                raise
        return self._config

    @property
    def loaded_config(self) -> KioskConfig | None:
        """The configuration if it has been loaded successfully already; never loads (or fails) itself."""
        return self._config

    @property
    def translator(self) -> Translator:
        if self._translator is None:
            self._translator = Translator(language=self.lang or self._configured_language())
        return self._translator

    def _configured_language(self) -> Language:
        if self._config is not None:
            return self._config.kiosk.default_language
        if not self.config_path:
            return "vi"
        if not self._config_failed:
            try:
                return self.config.kiosk.default_language
            except ConfigError:
                pass
        # The configuration is broken (and is not validated a second time to say so); its language is still
        # honoured if the file can be read at all.
        return _language_hint(self.config_path)

    def say(self, key: str, /, **params: object) -> None:
        """Print a translated message for a person."""
        print(self.translator.text(key, **params))

    def warn(self, key: str, /, **params: object) -> None:
        print(self.translator.text(key, **params), file=sys.stderr)

    def os_reason(self, error: OSError) -> str:
        """Why a file operation failed, in the message language when the cause is a common one."""
        key = _OS_REASONS.get(error.errno or 0)
        if key is not None:
            return self.translator.text(key)
        return one_line(error.strerror or str(error))

    @staticmethod
    def emit_json(obj: Any) -> None:
        print(json.dumps(obj, ensure_ascii=False, indent=2, default=str))


def one_line(text: str) -> str:
    """`text` without line breaks or other control characters, so an error stays one line on a terminal."""
    return "".join(c if c.isprintable() else " " for c in text).strip()


def _language_hint(config_path: str) -> Language:
    try:
        raw = tomllib.loads(Path(config_path).read_text(encoding="utf-8"))
        language = raw["kiosk"]["default_language"]
    except (OSError, ValueError, KeyError, TypeError):
        return "vi"
    return language_of(language)
