"""A speaker that says nothing but remembers everything it was asked to say: for tests and silent demos."""

from __future__ import annotations

from dataclasses import dataclass

from devices.speech.speaker import ClampedVolume


@dataclass(frozen=True)
class Utterance:
    text: str
    lang: str
    key: str | None
    volume: int


class SilentSpeaker(ClampedVolume):
    def __init__(self, volume: int = 100) -> None:
        self.spoken: list[Utterance] = []
        self.stops = 0
        self.volume = volume
        self._speaking = False

    def say(self, text: str, lang: str, key: str | None = None) -> None:
        self.spoken.append(Utterance(text, lang, key, self._volume))
        self._speaking = True

    def stop(self) -> None:
        self.stops += 1
        self._speaking = False

    def is_speaking(self) -> bool:
        return self._speaking

    @property
    def last(self) -> Utterance | None:
        return self.spoken[-1] if self.spoken else None
