"""The journey core: one `Visit` per citizen, driven by commands, showing `ScreenView`s (no Qt).

The UI imports only this package: `Visit`, the commands and the views. See kiosk/journey/visit.py.
"""

from kiosk.journey.commands import (
    Back,
    CameraResult,
    CardPlaced,
    CardRemoved,
    ChangeLanguage,
    Command,
    Help,
    QrRead,
    Restart,
    Tap,
    Tick,
    Typed,
)
from kiosk.journey.transcript import Transcript
from kiosk.journey.views import SCREENS, ChoiceView, InputView, LineView, Prompt, ScreenView
from kiosk.journey.visit import JourneyParts, Visit

__all__ = ["SCREENS", "Back", "CameraResult", "CardPlaced", "CardRemoved", "ChangeLanguage", "ChoiceView", "Command",
           "Help", "InputView", "JourneyParts", "LineView", "Prompt", "QrRead", "Restart", "ScreenView", "Tap",
           "Tick", "Transcript", "Typed", "Visit"]
