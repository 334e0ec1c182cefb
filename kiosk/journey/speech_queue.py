"""What the voice says next, and whether it may cut off what it is saying: the utterance policy of a visit.

A citizen who cannot read the screen depends on hearing each prompt to its end. The rules:

- a new screen may cut the prompt being said only when the citizen chose that screen by a tap (or "Back",
  "Help", "Làm lại"): they have moved on and the old words no longer apply;
- a screen reached by itself (the chip read, the face check passed, the card removed, a Tick) queues after the
  prompt being said;
- the inactivity warning never cuts: it waits for the current prompt (the instructions are heard to the end);
- "Nghe lại" (Tap("repeat")) says the current screen's prompts again at once;
- a prompt with no text (a message whose slot was empty, see `VisitContext.prompt`) is never said.

`Visit.handle` offers each new view to a `SpeechPolicy`; the UI takes the `Utterance`s with
`Visit.utterances()` and hands them to the voice guide (kiosk.speech.guide.VoiceGuide.speak_all with
`interrupt`), which keeps the queue on the speaker itself.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

from kiosk.journey.views import Prompt, ScreenView

Cause = Literal["tap", "auto", "warning", "repeat"]
MAX_PENDING = 16   # a UI that never takes the utterances must not make the visit grow without end


@dataclass(frozen=True)
class Utterance:
    """One screen's prompts, said as one: `interrupt` says whether it may cut off what is being said."""

    screen: str
    field: str
    prompts: tuple[Prompt, ...] = dataclasses.field(repr=False)
    language: str
    interrupt: bool
    cause: Cause


class SpeechPolicy:
    def __init__(self) -> None:
        self._said: tuple[object, ...] | None = None
        self._where: tuple[str, str] = ("", "")
        self._pending: list[Utterance] = []

    def offer(self, view: ScreenView, cause: Cause) -> Utterance | None:
        """The utterance for `view` (None when it says nothing new); kept until `take()`."""
        if view.pending:
            return None
        shown = (view.screen, view.field, tuple(p.key for p in view.prompts), view.warning, view.language)
        if shown == self._said and cause != "repeat":
            return None
        self._said = shown
        where = (view.screen, view.field)
        moved = where != self._where
        self._where = where
        prompts = tuple(p for p in view.prompts if p.key and p.text.strip())
        if not prompts:
            return None
        if view.warning and cause != "repeat":
            cause = "warning"
        interrupt = cause == "repeat" or (cause == "tap" and moved)
        utterance = Utterance(view.screen, view.field, prompts, view.language, interrupt, cause)
        if interrupt:
            self._pending.clear()   # what was queued behind the prompt being cut no longer applies either
        self._pending.append(utterance)
        del self._pending[:-MAX_PENDING]
        return utterance

    def take(self) -> list[Utterance]:
        out, self._pending = self._pending, []
        return out

    def forget(self) -> None:
        """The visit was wiped: nothing of it is still to be said."""
        self._pending.clear()
        self._said = None
        self._where = ("", "")


__all__ = ["Cause", "SpeechPolicy", "Utterance"]
