"""What the window and the staff screens receive: the kiosk, this kiosk's visit, the task runner, texts and voice.

Texts come only from the kiosk's message catalogue (`kiosk/i18n/*.toml`); UI texts are the `ui.*` keys. The
language follows the session, so a switch on any screen changes every text and the voice at once. A citizen's
screens get everything they show from the visit's `ScreenView`; the kiosk object is here for the staff screens
(technician, manager), which are no part of a visit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from kiosk.journey import Visit
from kiosk.journey.shell import FrameTap, Kiosk, Translator
from kiosk.journey.staff import PrinterRecovery, recovery_for
from ui.tasks import TaskRunner

log = logging.getLogger(__name__)


@dataclass
class UiContext:
    kiosk: Kiosk
    visit: Visit
    camera: FrameTap
    tasks: TaskRunner
    translator: Translator = field(default_factory=Translator)
    # Set by the main window: show a staff page by name, or the visit's screen ("welcome" or any other name).
    navigate: Callable[[str], None] = lambda _name: None
    # Set by the main window: show a short message over the page.
    navigate_message: Callable[[str], None] = lambda _text: None

    @property
    def language(self) -> str:
        return str(self.kiosk.session.language)

    def t(self, key: str, /, **params: object) -> str:
        self.translator.language = "en" if self.language == "en" else "vi"
        full = key if "." in key else f"ui.{key}"
        return self.translator.text(full, **params)

    def say(self, key: str, /, **params: object) -> None:
        """Speak a catalogue message in the session's language; silence is never fatal."""
        full = key if "." in key else f"ui.{key}"
        self.kiosk.speak(full, self.language, **params)

    @property
    def printer_recovery(self) -> PrinterRecovery | None:
        """Pending "needs help" slips for receipts that failed to print."""
        return recovery_for(self.kiosk)

    def forget_visit(self) -> None:
        self.tasks.forget()
