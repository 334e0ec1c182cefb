"""The voice guide the UI talks to: says a message by its key, in the citizen's language, and can say it again.

`speak(key, lang, **params)` translates through kiosk.i18n, normalises the text for the synthesiser
(kiosk.speech.normaliser) and hands it to a `Speaker` together with the key, so a recorded human prompt is played
instead when one exists (only for messages without parameters: a recording cannot say a file code).
`attach(session)` makes the guide follow a session by itself: each screen's prompt, the inactivity warning, the
"more time" reply and the goodbye after a wipe (services.md §5.4; ADA 2010 §707.5: speech that can be repeated
and interrupted; Section 508 §402.4 volume).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from devices.speech.speaker import Speaker
from kiosk.i18n import Language, Translator, language_of
from kiosk.session.events import (
    InactivityWarned,
    LanguageChanged,
    SessionEvent,
    SessionState,
    SessionWiped,
    StateChanged,
    SubmissionCompleted,
    TimeExtended,
    WipeReason,
)
from kiosk.speech.normaliser import SpeechNormaliser

S = SessionState

# What is said on arriving at each screen. Entering RECEIPT is announced with the submission's outcome instead,
# and IDLE after a wipe with the goodbye that fits the reason.
SCREEN_PROMPTS: dict[SessionState, str] = {
    S.LANGUAGE: "session.choose_language",
    S.IDENTIFY: "session.place_card",
    S.VERIFY_FACE: "session.look_at_camera",
    S.CHOOSE_SERVICE: "session.choose_service",
    S.STEPS: "session.steps",
    S.REVIEW: "session.review",
    S.SUBMITTING: "session.submitting",
    S.DONE: "session.done",
    S.STATUS_LOOKUP: "session.status_lookup",
    S.TECHNICIAN: "session.technician",
    S.MANAGER: "session.manager",
}
WIPE_PROMPTS: dict[WipeReason, str] = {
    WipeReason.CARD_REMOVED: "session.card_removed",
    WipeReason.INACTIVITY: "session.session_ended",
    WipeReason.CANCELLED: "session.session_ended",
    WipeReason.FINISHED: "session.goodbye",
    WipeReason.ERROR: "session.unexpected_step",
}
VOLUME_STEP = 10


class ObservableSession(Protocol):
    @property
    def language(self) -> str: ...

    def subscribe(self, observer: Callable[[SessionEvent], None]) -> Callable[[], None]: ...


@dataclass(frozen=True)
class Spoken:
    """The last thing said, kept for "Nghe lại" (repeat)."""

    text: str
    lang: str
    key: str | None


class VoiceGuide:
    def __init__(self, speaker: Speaker, translator: Translator | None = None,
                 normaliser: SpeechNormaliser | None = None) -> None:
        self._speaker = speaker
        self._translator = translator or Translator()
        self._normaliser = normaliser or SpeechNormaliser.from_catalogue(self._translator.catalogue)
        self._last: Spoken | None = None
        self._lang: str = self._translator.language
        self._waiting: list[tuple[list[tuple[str, dict[str, Any]]], str]] = []
        # False when the journey's views say each screen's prompts (kiosk.journey.speech_queue): the guide then
        # says only the goodbye of a wipe, so two voices never cut each other off.
        self.follow_screens = True

    @property
    def last(self) -> Spoken | None:
        return self._last

    @property
    def volume(self) -> int:
        return self._speaker.volume

    @volume.setter
    def volume(self, value: int) -> None:
        self._speaker.volume = value

    def louder(self) -> int:
        self._speaker.volume = min(200, self._speaker.volume + VOLUME_STEP)
        return self._speaker.volume

    def quieter(self) -> int:
        self._speaker.volume = max(0, self._speaker.volume - VOLUME_STEP)
        return self._speaker.volume

    def text(self, message_key: str, lang: str, **params: Any) -> str:
        """The message as it will be heard (translated and normalised), without saying it."""
        # A translator of our own per call: the UI's translator (same catalogue) keeps its language.
        language: Language = language_of(lang)
        written = Translator(language=language, catalogue=self._translator.catalogue).text(message_key, **params)
        return self._normaliser.normalise(written, lang)

    def speak(self, message_key: str, lang: str | None = None, **params: Any) -> str:
        """Say one message (cutting off anything still being said); returns the text as spoken."""
        return self.speak_all([(message_key, params)], lang)

    def speak_all(self, messages: list[tuple[str, dict[str, Any]]], lang: str | None = None, *,
                  interrupt: bool = True) -> str:
        """Say several messages as one utterance, e.g. "sent, your code is …" then "printing your receipt".

        `interrupt=False` waits for what is being said: the utterance is queued and said by `pump()` once the
        speaker is quiet (the inactivity warning after the instructions, a screen reached by itself). A message
        with an empty parameter is said as its no-slot variant `<key>_none` (never "your code is ."), or left
        out when it has none."""
        lang = lang or self._lang
        messages = [m for m in (self._filled(key, params) for key, params in messages) if m is not None]
        if not messages:
            return ""
        if interrupt:
            self._waiting.clear()
        elif self._waiting or self._busy():
            self._waiting.append((messages, lang))
            return " ".join(self.text(key, lang, **params) for key, params in messages)
        return self._say(messages, lang)

    def pump(self) -> bool:
        """Say the next queued utterance when the speaker has finished; True when one was started."""
        if not self._waiting or self._busy():
            return False
        messages, lang = self._waiting.pop(0)
        self._say(messages, lang)
        return True

    def _busy(self) -> bool:
        try:
            return bool(self._speaker.is_speaking())
        except Exception:  # a speaker that cannot tell is treated as quiet: better said than never
            return False

    def _filled(self, key: str, params: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
        if not any(str(v).strip() == "" for v in params.values()):
            return key, params
        fallback = f"{key}_none"
        return (fallback, {}) if fallback in self._translator.catalogue else None

    def _say(self, messages: list[tuple[str, dict[str, Any]]], lang: str) -> str:
        text = " ".join(self.text(key, lang, **params) for key, params in messages)
        # A recording can stand in only for one fixed message: with parameters or several parts, synthesise.
        key = messages[0][0] if len(messages) == 1 and not messages[0][1] else None
        self._last = Spoken(text, lang, key)
        self._speaker.say(text, lang, key)
        return text

    def repeat(self) -> None:
        if self._last is not None:
            self._speaker.say(self._last.text, self._last.lang, self._last.key)

    def stop(self) -> None:
        self._speaker.stop()

    def attach(self, session: ObservableSession) -> Callable[[], None]:
        """Follow `session`'s events; returns the function that stops following."""
        self._lang = session.language

        def on_event(event: SessionEvent) -> None:
            if isinstance(event, SessionWiped):
                key = WIPE_PROMPTS.get(event.reason)
                if event.reason is WipeReason.CARD_REMOVED and event.kept_submission_key:
                    key = "session.card_removed_while_sending"
                if key:
                    self.speak(key, self._lang)  # still the departing citizen's language
                self._lang = session.language
                return
            if isinstance(event, LanguageChanged):
                self._lang = event.language
            elif not self.follow_screens:
                return
            elif isinstance(event, StateChanged):
                prompt = SCREEN_PROMPTS.get(event.new)
                if prompt:
                    self.speak(prompt)
            elif isinstance(event, SubmissionCompleted) and not event.orphaned:
                outcome = "session.submitted" if event.route == "sent" else "session.queued"
                self.speak_all([(outcome, {"file_code": event.file_code}), ("session.receipt", {})])
            elif isinstance(event, InactivityWarned):
                self.speak("session.inactivity_warning", seconds=round(event.seconds_left))
            elif isinstance(event, TimeExtended):
                self.speak("session.time_extended")

        return session.subscribe(on_event)
