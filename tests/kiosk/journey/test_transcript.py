"""The written record of a journey (kiosk.journey.transcript): every screen of every service, in vi and en."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.journey import ChangeLanguage, Command, ScreenView, Transcript
from kiosk.journey.persona import LOOKUPS, Persona, SpeechTimer, play
from kiosk.journey.transcript import laid_out, mask_id_numbers
from kiosk.journey.visit import Visit
from tests.kiosk.journey.conftest import Stand

TWELVE_DIGITS = re.compile(r"(?<!\d)\d{12}(?!\d)")


class Recorded(Persona):
    """The persona, handing every view it reads to the transcript and keeping the receipt it was given."""

    def __init__(self, visit: Visit, transcript: Transcript, seen: list[ScreenView], service: str,
                 receipt_qr: str = "") -> None:
        super().__init__(service, receipt_qr=receipt_qr)
        self._visit = visit
        self._transcript = transcript
        self._seen = seen
        self.receipt_qr_given = ""

    def next_command(self, view: ScreenView) -> Command | None:
        self._transcript.add(view)
        self._seen.append(view)
        if view.screen == "done" and self._visit.receipt_qr:
            self.receipt_qr_given = self.receipt_qr_given or self._visit.receipt_qr
        return super().next_command(view)


def every_journey_recorded(stand: Stand, language: str) -> tuple[Transcript, list[ScreenView]]:
    transcript = Transcript(language)
    seen: list[ScreenView] = []
    silent = SpeechTimer(normalise=lambda text: text)
    silent.available = False
    receipt_qr = ""
    for code in [*(s.code for s in stand.visit.offered_services()), *LOOKUPS]:
        stand.visit.handle(ChangeLanguage(language))
        persona = Recorded(stand.visit, transcript, seen, code, receipt_qr)
        play(stand.visit, persona, place_card=stand.place, take_card=stand.take, speech=silent)
        receipt_qr = receipt_qr or persona.receipt_qr_given
    return transcript, seen


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_transcript_holds_every_screen_review_sentence_and_prompt_with_id_numbers_masked(
        make_stand: Callable[..., Stand], tmp_path: Path, language: str) -> None:
    stand = make_stand()
    transcript, seen = every_journey_recorded(stand, language)
    text = transcript.text()
    screens = {v.screen for v in seen}
    assert {"review", "done", "status", "withdraw_done", "question", "services"} <= screens
    assert all(v.language == language for v in seen if v.screen != "welcome")
    for view in seen:
        for prompt in view.prompts:
            assert mask_id_numbers(prompt.text) in text, (view.screen, prompt.key)
    # What a screen last showed before the citizen moved on (a ward list narrows as letters are typed).
    runs = [(v.screen, v.field, v.title_key) for v in seen]
    last_shown = [v for i, v in enumerate(seen) if i + 1 == len(seen) or runs[i + 1] != runs[i]]
    for view in last_shown:
        assert mask_id_numbers(view.title or view.screen) in text, (view.screen, view.field)
        for line in view.lines:
            if line.value:
                assert mask_id_numbers(f"{line.label}: {line.value}" if line.label else line.value) in text
        for choice in view.choices:
            assert mask_id_numbers(choice.label) in text
        if view.input is not None and view.input.text:
            assert mask_id_numbers(laid_out(view.input.text, view.input.mask)) in text
    # The screens showed the ID numbers in full (the review, the other parent's typed number): written masked.
    shown = {m for v in seen for line in v.lines for m in TWELVE_DIGITS.findall(line.value)}
    assert shown, "the journeys should have shown an ID number to mask"
    assert TWELVE_DIGITS.search(text) is None
    assert all(f"********{number[-4:]}" in text for number in shown)
    # Screens in order, each numbered once: as many entries as changes of screen or question.
    assert len(transcript) == len(last_shown)
    changes = last_shown
    heading = "Màn hình" if language == "vi" else "Screen"
    assert f"{heading} {len(changes)}: " in text and f"{heading} {len(changes) + 1}: " not in text
    written = transcript.write(tmp_path / "transcript.txt")
    assert written.read_text(encoding="utf-8") == text


def test_typed_answers_are_written_laid_out_as_the_input_shows_them() -> None:
    assert laid_out("20022026", "dd/mm/yyyy") == "20/02/2026"
    assert laid_out("2002", "dd/mm/yyyy") == "20/02"
    assert laid_out("032026", "mm/yyyy") == "03/2026"
    assert laid_out("Số 5", "") == "Số 5"
    assert mask_id_numbers("001190012345; 0912345678; 123456789") == "********2345; 0912345678; *****6789"

