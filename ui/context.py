"""What screens receive: the kiosk's collaborators, the background-task runner, texts and voice.

Texts come only from the kiosk's message catalogue (`kiosk/i18n/*.toml`); UI texts are the `ui.*` keys. The
language follows the session, so a switch on any screen changes every text and the voice at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kiosk.bootstrap import Kiosk
from kiosk.i18n import Translator
from kiosk.printer_recovery import PrinterRecovery, recovery_for
from ui.tasks import TaskRunner

log = logging.getLogger(__name__)


@dataclass
class UiContext:
    kiosk: Kiosk
    tasks: TaskRunner
    translator: Translator = field(default_factory=Translator)
    # Set by the main window: show a page by name (sub-pages inside one session state, e.g. service details).
    navigate: Callable[[str], None] = lambda _name: None
    # Set by the main window: show a short message over the page (e.g. a scan that failed).
    navigate_message: Callable[[str], None] = lambda _text: None
    # Shared, per-visit UI state that is not the core's business (the service tapped before starting).
    scratch: dict[str, Any] = field(default_factory=dict)

    @property
    def language(self) -> str:
        return str(self.kiosk.session.language)

    def t(self, key: str, /, **params: object) -> str:
        self.translator.language = "en" if self.language == "en" else "vi"
        full = key if "." in key else f"ui.{key}"
        return self.translator.text(full, **params)

    def say(self, key: str, /, **params: object) -> None:
        """Speak a catalogue message in the session's language, off the GUI thread; silence is never fatal."""
        full = key if "." in key else f"ui.{key}"
        self.kiosk.speak(full, self.language, **params)

    def repeat(self) -> None:
        self.kiosk.repeat_speech()

    @property
    def printer_recovery(self) -> PrinterRecovery | None:
        """Pending "needs help" slips for receipts that failed to print (made on first use)."""
        return recovery_for(self.kiosk)

    def forget_visit(self) -> None:
        self.scratch.clear()
        self.tasks.forget()
