"""What a visit shows and says next: plain, immutable data that a screen renders and a persona reads.

A `ScreenView` names its screen (`screen`, one of `SCREENS`), its title (a message key and the text already in
the visit's language), the lines to show, at most one input, the choices that can be tapped, and the prompts to
speak (message keys with their parameters, and the text they produce, so a recorded prompt or espeak-ng can say
them). A view never holds a device, a form or a callback: the UI turns a tap on `ChoiceView.id` into `Tap(id)`.
Personal data appears only in `lines`/`input.text` for the screen; the `repr` of a view hides it.

The screens and what they accept (besides Tick, CardRemoved, Help/Tap("help"), Restart/Tap("restart"),
Back/Tap("back"), ChangeLanguage/Tap("lang_en"|"lang_vi"), and Tap("more_time") while `warning` is up):

    welcome           CardPlaced | start | status            notice_key says why the last visit was wiped
    card_wait         CardPlaced | card_typed
    card_reading      progress while the card-front QR is read and the chip opened (pending)
    card_key_id       Typed(card_id) next | card_qr_again     12 digits; error_key journey.card_qr_not_seen
    card_key_birth    Typed(card_birth) next                  ddmmyyyy, checked as typed (input.error_key)
    card_key_expiry   Typed(card_expiry) next | no_expiry
    card_error        try_again | card_typed                  error_key: the card's message key
    face              CameraResult(frame) or Tick             camera; lines: the hint or challenge now
    face_failed       try_again | staff_vouch (volunteer signed in)
    services          service:<code> | more                   at most six per page
    question          field = key, "<key>:ward"/"<key>:street" (address), "<list>:<sub>" (list item);
                      choice:<value> | suggest:<n> | same:<key> | ward:<province>:<ward> | scan | add | done |
                      Typed(input.field) next | skip          camera (file code: QrRead or frames of a receipt)
    review            send | edit:<key>                        lines carry source and edit target
    submitting        progress while saving, sending and printing (pending)
    receipt           print_again | finish                     only when printing failed
    done              finish, or CardRemoved                   lines: file code and date, or number and room
    status_find       Typed(file_code) next, Typed(id_last4) next, or QrRead / frames of the receipt (camera)
    status            withdraw (when allowed) | finish
    withdraw_confirm  withdraw_yes | withdraw_no
    withdraw_done     finish
    help              print_help_slip | close_help | volunteer_sign_in | volunteer_sign_out
    volunteer_pin     Typed(pin) next
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

# Every screen id a visit can show. "card_reading" and "submitting" are progress views (`ScreenView.pending`):
# shown by the UI while a slow command runs, never waiting for the citizen.
SCREENS = frozenset({
    "welcome", "card_wait", "card_reading", "card_key_id", "card_key_birth", "card_key_expiry", "card_error",
    "face", "face_failed", "services", "question", "review", "submitting", "receipt", "done",
    "status_find", "status", "withdraw_confirm", "withdraw_done", "help", "volunteer_pin",
})


@dataclass(frozen=True)
class Prompt:
    """One thing to say: a message key with its parameters, and the text it gives in the visit's language."""

    key: str
    params: tuple[tuple[str, str], ...] = ()
    text: str = dataclasses.field(default="", repr=False)


@dataclass(frozen=True)
class ChoiceView:
    """A big button. `kind`: "answer" (an answer to the question), "primary" (the way on), "secondary",
    "nav" (back, help, restart) or "suggestion" (an answer given earlier in this visit)."""

    id: str
    label: str = dataclasses.field(repr=False)
    kind: str = "answer"
    selected: bool = False


@dataclass(frozen=True)
class InputView:
    """The one text input of a screen. `kind` picks the keyboard: "digits" (number pad), "date" (number pad,
    ddmmyyyy), "month" (number pad, mmyyyy), "phone" (number pad), "code" (letters and digits), "text" and
    "name" (the Vietnamese keyboard), "search" (letters, filters the choices), "pin" (number pad, hidden digits,
    never echoed back in `text`). `error_key` is checked as typed."""

    field: str
    kind: str
    text: str = dataclasses.field(default="", repr=False)
    max_length: int = 0
    error_key: str = ""
    error: str = ""
    mask: str = ""          # how the typed digits are laid out, e.g. "dd/mm/yyyy"


@dataclass(frozen=True)
class LineView:
    """One line of facts. `source`: "chip" (read from the card), "answer" (given in this visit), "default" (the
    usual answer, not asked), "computed" (fee, dates) or "info"; `edit` is the Tap target that changes it."""

    label: str = dataclasses.field(repr=False)
    value: str = dataclasses.field(repr=False)
    source: str = "info"
    edit: str = ""


@dataclass(frozen=True)
class ScreenView:
    screen: str
    title_key: str
    title: str = dataclasses.field(repr=False)
    lines: tuple[LineView, ...] = ()
    input: InputView | None = None
    choices: tuple[ChoiceView, ...] = ()
    prompts: tuple[Prompt, ...] = ()
    field: str = ""               # "question": the field key asked (a sub-part after a colon, e.g. "x:street")
    step: tuple[int, int] = (0, 0)  # "question": (n, of about m) for the progress line
    error_key: str = ""           # a problem to show above everything (card error, print failure …)
    error: str = dataclasses.field(default="", repr=False)
    pending: bool = False         # a progress view: shown while the machine works, no answer expected
    camera: bool = False          # the screen looks through the camera (the UI shows the preview)
    warning: bool = False         # the inactivity warning is up ("Tôi cần thêm thời gian" is among the choices)
    language: str = "vi"
    helper: str = ""              # the signed-in volunteer's ID (assisted mode band)
    notice_key: str = ""          # why the visit restarted (card removed, inactivity), on the welcome screen

    def choice_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.choices)
