"""What a visit is told: plain, immutable commands, one per thing that can happen at the kiosk.

The UI (or a scripted persona, or a test) turns a touch, a key, a card event, a camera frame or a timer into one of
these and hands it to `Visit.handle`; nothing else moves a visit on. They carry no behaviour and no devices, so a
whole visit can be replayed from a list of them (the "functional core, imperative shell" habit).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

Frame = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class Tap:
    """A touch on a choice of the current screen: `target` is a `ChoiceView.id` (or a navigation id such as
    "next", "back", "send", "help", "more_time")."""

    target: str


@dataclass(frozen=True)
class Typed:
    """The whole text now in the input of `field` (sent after every key press, or once when the text is done)."""

    field: str
    text: str


@dataclass(frozen=True)
class CardPlaced:
    """The reader reports a card on its pad (ISO/IEC 14443 field entered)."""


@dataclass(frozen=True)
class CardRemoved:
    """The card left the pad: the visit's personal data is wiped at once."""


@dataclass(frozen=True)
class QrRead:
    """A QR code's text read by the UI's own camera preview (the core decodes frames itself otherwise)."""

    text: str = field(repr=False)


@dataclass(frozen=True)
class CameraResult:
    """One camera frame captured by the UI's preview, for the screen that is looking through the camera."""

    frame: Frame = field(repr=False)


@dataclass(frozen=True)
class Tick:
    """Time passes (the UI's timer, a few times a second): inactivity is checked and, on screens that look
    through the camera, the visit takes the next frame itself. `now` is the caller's monotonic time in seconds,
    for logs only: the session's injected clock decides every timeout."""

    now: float = 0.0


@dataclass(frozen=True)
class Back:
    """"Quay lại": one screen back."""


@dataclass(frozen=True)
class Help:
    """"Gọi cán bộ": the help screen, from any screen."""


@dataclass(frozen=True)
class Restart:
    """"Làm lại": abandon the visit; everything is wiped."""


@dataclass(frozen=True)
class ChangeLanguage:
    """Switch the language on any screen without changing the step."""

    language: str


Command = (Tap | Typed | CardPlaced | CardRemoved | QrRead | CameraResult | Tick | Back | Help | Restart
           | ChangeLanguage)
