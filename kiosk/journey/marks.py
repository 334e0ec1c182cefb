"""Validity marks on every view: a tick only where a value is there and passed its checks.

A UI draws ✓ for "ok" and nothing else; "error" (a value with a problem shown, drawn in the error colour) and
"unset" (nothing typed, an option not chosen) never get a tick, and "" marks an informative line that carries no
answer at all (help text, the file code). `marked` fills these from the view itself, once, for every screen, so a
step module cannot forget them.
"""

from __future__ import annotations

import dataclasses

from kiosk.journey.views import ChoiceView, InputView, LineView, ScreenView

ANSWER_SOURCES = frozenset({"chip", "answer", "default", "computed", "missing"})


def input_state(view: InputView) -> str:
    if view.error_key:
        return "error"
    return "ok" if view.text.strip() else "unset"


def line_state(line: LineView, error_edit: str) -> str:
    if line.source not in ANSWER_SOURCES:
        return line.state if line.state in ("", "error", "unset") else ""
    if error_edit and line.edit == error_edit:
        return "error"
    if line.source == "missing" or not line.value.strip():
        return "unset"
    return "ok"


def choice_state(choice: ChoiceView) -> str:
    return "ok" if choice.selected else "unset"


def marked(view: ScreenView) -> ScreenView:
    error_edit = f"edit:{view.field.partition(':')[0]}" if view.error_key and view.field else ""
    lines = tuple(dataclasses.replace(line, state=line_state(line, error_edit)) for line in view.lines)
    choices = tuple(dataclasses.replace(c, state=choice_state(c)) for c in view.choices)
    field_input = dataclasses.replace(view.input, state=input_state(view.input)) if view.input is not None else None
    return dataclasses.replace(view, lines=lines, choices=choices, input=field_input)


__all__ = ["marked"]
