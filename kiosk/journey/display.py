"""The citizen's reading and listening settings for one visit: text size, high contrast and voice volume (no Qt).

WCAG 2.2 §1.4.4 (Resize Text) asks that text can be enlarged without loss of content; the kiosk offers 100, 125 and
150 %. Section 508 §402.4 asks for a volume control on speech output and that the volume go back to its default
after every use, so `DisplayPrefs` belongs to one visit: a new visit starts from `DisplayPrefs.defaults(config)`,
and nothing the last citizen chose carries over to the next one.

Volume is in the speech device's own unit (devices.speech.speaker: a percentage of normal loudness, 100 = the
configured `[speech] volume` default). A citizen can make the voice quieter, but not silent: the next tap on
"louder" must still be heard, and a kiosk left mute would fail the next citizen who cannot read the screen.
The UI shows the choices; `apply_volume` hands the volume to the voice guide (kiosk.speech.guide.VoiceGuide),
the only way the kiosk reaches its speaker.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from kiosk.i18n import Translator, language_of

TEXT_SCALES: tuple[float, ...] = (1.0, 1.25, 1.5)
VOLUME_STEP = 20  # percent of normal loudness per tap: a step a listener can hear
MIN_VOLUME = 40
MAX_VOLUME = 200  # devices.speech.speaker.clamp_volume's ceiling: twice the normal loudness


class HasVolume(Protocol):
    """What `apply_volume` needs of the voice guide (kiosk.speech.guide.VoiceGuide has it)."""

    @property
    def volume(self) -> int: ...

    @volume.setter
    def volume(self, value: int) -> None: ...


def text_scale_from_percent(percent: int | str) -> float:
    """`150` or `"150"` → 1.5; anything but 100, 125 or 150 is a ValueError naming the choices."""
    try:
        value = int(str(percent).strip().rstrip("%"))
    except ValueError:
        value = -1
    for scale in TEXT_SCALES:
        if round(scale * 100) == value:
            return scale
    choices = ", ".join(str(round(s * 100)) for s in TEXT_SCALES)
    raise ValueError(f"text size must be one of {choices} (per cent), not {percent!r}")


@dataclass(frozen=True)
class DisplayPrefs:
    """Text scale (1.0, 1.25 or 1.5), high contrast on/off and voice volume (% of normal loudness)."""

    text_scale: float = 1.0
    high_contrast: bool = False
    volume: int = 100

    def __post_init__(self) -> None:
        if self.text_scale not in TEXT_SCALES:
            raise ValueError(f"text scale must be one of {TEXT_SCALES}, not {self.text_scale}")
        if not 0 <= self.volume <= MAX_VOLUME:
            raise ValueError(f"volume must be 0…{MAX_VOLUME}, not {self.volume}")

    @classmethod
    def defaults(cls, volume: int = 100) -> DisplayPrefs:
        """What every visit starts with; `volume` is the kiosk's configured speech volume (`[speech] volume`)."""
        return cls(volume=max(0, min(MAX_VOLUME, volume)))

    @property
    def text_percent(self) -> int:
        return round(self.text_scale * 100)

    @property
    def can_louder(self) -> bool:
        return self.volume < MAX_VOLUME

    @property
    def can_quieter(self) -> bool:
        return self.volume > MIN_VOLUME

    def with_text_scale(self, scale: float) -> DisplayPrefs:
        return dataclasses.replace(self, text_scale=scale)

    def with_high_contrast(self, on: bool) -> DisplayPrefs:
        return dataclasses.replace(self, high_contrast=on)

    def louder(self) -> DisplayPrefs:
        """One step louder, up to MAX_VOLUME."""
        return dataclasses.replace(self, volume=min(MAX_VOLUME, self.volume + VOLUME_STEP))

    def quieter(self) -> DisplayPrefs:
        """One step quieter, never below MIN_VOLUME (a configured default below it is kept, not raised)."""
        if self.volume <= MIN_VOLUME:
            return self
        return dataclasses.replace(self, volume=max(MIN_VOLUME, self.volume - VOLUME_STEP))


def words(language: str = "vi") -> Callable[..., str]:
    """`key, **params` → text in `language`, for the display controls (`ui.display_*` messages; a bare key is
    looked up under `ui.`). The window hands over its own translator instead once it has one."""
    translator = Translator(language=language_of(language))

    def text(key: str, /, **params: object) -> str:
        return translator.text(key if "." in key else f"ui.{key}", **params)

    return text


def apply_volume(prefs: DisplayPrefs, guide: HasVolume) -> int:
    """Set the voice guide's volume to the citizen's choice; returns the volume the speaker now uses."""
    guide.volume = prefs.volume
    return guide.volume
