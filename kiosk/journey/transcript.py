"""A written record of a journey: each screen in order, what it showed and every prompt it spoke, as plain text.

`kiosk demo` writes it as transcript.txt beside the screenshots, so a reviewer who can neither see nor hear the kiosk
can follow the journey (WCAG 2.2 guideline 1.2 asks for a text alternative to what is only seen or heard). It is
fed every `ScreenView` shown, in order; consecutive views of the same screen and question (a key typed, a tick) are
one entry holding the latest state and every distinct prompt said on it. It holds nothing a screen did not show;
a personal ID number (12 digits, or the 9 of an old ID card) is written masked to its last four digits, as receipts
print it, wherever it appears (a review line, an input, a prompt read aloud).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path

from kiosk.i18n import Translator, language_of
from kiosk.journey.views import ScreenView

# A run of exactly 12 (CCCD / personal ID number) or 9 (old CMND) digits, not part of a longer number.
_ID_NUMBER = re.compile(r"(?<!\d)(\d{12}|\d{9})(?!\d)")
_MASK_SLOTS = frozenset("dmy")   # the letters of an input's layout mask that a typed digit fills


def mask_id_numbers(text: str) -> str:
    """`text` with every personal ID number shown only by its last four digits ("********2345")."""
    return _ID_NUMBER.sub(lambda m: "*" * (len(m.group(1)) - 4) + m.group(1)[-4:], text)


def laid_out(text: str, mask: str) -> str:
    """Typed digits as the input lays them out, e.g. "2002" in "dd/mm/yyyy" → "20/02"; no mask: as typed."""
    if not mask:
        return text
    out: list[str] = []
    left = list(text)
    for slot in mask:
        if not left:
            break
        out.append(left.pop(0) if slot in _MASK_SLOTS else slot)
    return "".join(out) + "".join(left)


@dataclass
class _Entry:
    screen: str
    field: str
    title_key: str
    view: ScreenView
    prompts: list[str] = dataclasses.field(default_factory=list)
    errors: list[str] = dataclasses.field(default_factory=list)


class Transcript:
    """Screens fed in the order shown; `text()` is the record in `language` (the headings; each screen's own words
    are in the language it was shown in)."""

    def __init__(self, language: str) -> None:
        self.tr = Translator(language_of(language))
        self._entries: list[_Entry] = []

    def add(self, view: ScreenView) -> None:
        last = self._entries[-1] if self._entries else None
        if last is not None and (last.screen, last.field, last.title_key) == (view.screen, view.field,
                                                                              view.title_key):
            last.view = view   # the same screen drawn again: its latest state, prompts and errors added
        else:
            last = _Entry(view.screen, view.field, view.title_key, view)
            self._entries.append(last)
        for prompt in view.prompts:
            if prompt.text.strip() and prompt.text not in last.prompts:
                last.prompts.append(prompt.text)
        for problem in (view.error, view.input.error if view.input is not None else ""):
            if problem and problem not in last.errors:
                last.errors.append(problem)

    def __len__(self) -> int:
        return len(self._entries)

    def text(self) -> str:
        t = self.tr.text
        out = [t("transcript.heading"), ""]
        for number, entry in enumerate(self._entries, start=1):
            out.extend(self._entry(number, entry))
            out.append("")
        return mask_id_numbers("\n".join(out))

    def write(self, path: Path | str) -> Path:
        target = Path(path)
        target.write_text(self.text(), encoding="utf-8")
        return target

    def _entry(self, number: int, entry: _Entry) -> list[str]:
        t = self.tr.text
        view = entry.view
        title = view.title or view.screen
        lines = [t("transcript.screen", number=number, title=title)]
        if view.pending:
            lines.append(f"  {t('transcript.progress')}")
        for problem in entry.errors:
            lines.append(f"  {t('transcript.error')}: {problem}")
        for line in view.lines:
            if line.label and line.value:
                lines.append(f"  {line.label}: {line.value}")
            elif line.label or line.value:
                lines.append(f"  {line.label or line.value}")
        if view.input is not None:
            typed = view.input.text
            # A PIN is never echoed in the view; were it there, it would show as dots, as on the keypad.
            shown = "•" * len(typed) if view.input.kind == "pin" else laid_out(typed, view.input.mask)
            lines.append(f"  {t('transcript.input', label=title)}: {shown}")
        labels = [c.label for c in view.choices if c.label]
        if labels:
            lines.append(f"  {t('transcript.choices')}: " + " | ".join(labels))
        lines.extend(f"  {t('transcript.spoken')}: {text}" for text in entry.prompts)
        return lines
