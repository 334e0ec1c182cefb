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
    services          service:<code> | more | back            at most six per page, each with its hint (`help`)
    question          field = key, "<key>:ward"/"<key>:street" (address), "<list>:<sub>" (list item);
                      choice:<value> | suggest:<n> | same:<key> | ward:<province>:<ward> | scan | add | done |
                      retake:<i> | remove:<i> (attachment pages, shown in `pages`; "done" ends the document) |
                      Typed(input.field) next | skip          camera (file code: QrRead or frames of a receipt)
                      field "appointment" (hospital, booked earlier): choice:<appointment id> | other_clinic
    review            send | edit:<key>                        lines carry source and edit target
    submitting        progress while saving, sending and printing (pending)
    receipt           print_again | finish                     only when printing failed
    done              finish, or CardRemoved                   lines: file code and date, or number and room
                      (and people ahead, read again from the hospital on Tick; or "not confirmed")
                      (after a failed print: no "take your receipt", and a help choice)
    status_find       Typed(file_code) next, Typed(id_last4) next, or QrRead / frames of the receipt (camera)
    status            withdraw (when allowed) | pay_now (status 6) | supplement (status 5, card placed) | finish
    withdraw_confirm  reason:<code> | CardPlaced (the holder's card) | withdraw_yes (kind "danger", only with a
                      reason and the card or a volunteer) | withdraw_no       lines: file code, what happens
    withdraw_done     finish
    payment           pay_later | finish (paid) | retry (not opened) | print_again   qr_png: the VietQR code while
                      the bank has not confirmed; lines: file code (and result date), amount, method, transfer
                      note; Tick polls the bank; after a send it stands in for "done" (CardRemoved ends it too)
    supplement        scan | retake:<i> | remove:<i> | send | finish  lines: what the officer asked for; pages:
                      previews of the pages scanned so far; error_key: a hint (blurred, glare …) to say again
    supplement_done   print_again | finish                    lines: file code, "bổ sung", pages
    help              print_help_slip | close_help | volunteer_sign_in | volunteer_sign_out
                      lines: what the help desk confirmed and the time waited (Tick updates it)
    volunteer_pin     Typed(pin) next
    restart_confirm   restart_yes (kind "danger") | restart_no      lines: the service and what would be lost
    assisted_offer    volunteer_sign_in | continue_alone | start_assisted (volunteer signed in): before a service
                      the catalogue marks `assisted: recommended` (kiosk.journey.assisted)
    owner_card        CardRemoved / CardPlaced (the card swap: the applicant's card off, the owner's on; QrRead of
                      the owner's card front) | consent_yes | consent_no | try_again | use_paper; `field` is the
                      consent field; lines: the owner's name while they are asked (kiosk.journey.owner_consent)

Besides, every screen takes Tap("repeat") ("Nghe lại", a header action): the current view's prompts are said again
(`Visit.utterances`). Restart/Tap("restart") never wipes at once: it opens `restart_confirm`. The withdrawal asks
for the citizen's card again (CardPlaced on `withdraw_confirm`; or a volunteer signed in) and a reason
(`reason:<code>`) before `withdraw_yes` is offered.

Validity marks: `LineView.state`, `InputView.state` and `ChoiceView.state` are "ok" (a value that passed its
checks, a chosen option), "error" (a value with a problem shown) or "unset" (nothing chosen or typed); "" on an
informative line that carries no answer (help text, the file code). A UI shows a tick only for "ok".
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
    "payment", "supplement", "supplement_done", "assisted_offer", "owner_card",
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
    "nav" (back, help, repeat), "danger" (start over, withdraw for good: placed apart from "nav" and styled as
    a warning) or "suggestion" (an answer given earlier in this visit). `help`: one short line under the tile (a
    service's hint). `state`: "ok" when chosen, else "unset"."""

    id: str
    label: str = dataclasses.field(repr=False)
    kind: str = "answer"
    selected: bool = False
    help: str = dataclasses.field(default="", repr=False)
    state: str = "unset"


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
    state: str = "unset"    # "error" when error_key is set, "ok" when text is there and passes, else "unset"


@dataclass(frozen=True)
class LineView:
    """One line of facts. `source`: "chip" (read from the card), "answer" (given in this visit), "default" (the
    usual answer, not asked), "computed" (fee, dates) or "info"; `edit` is the Tap target that changes it."""

    label: str = dataclasses.field(repr=False)
    value: str = dataclasses.field(repr=False)
    source: str = "info"
    edit: str = ""
    state: str = "ok"       # "unset" for a missing value, "error" for a value the checks refuse


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
    # "payment": the VietQR code to scan, as PNG bytes (black on white, quiet zone included); empty when nothing
    # is to be scanned (paid, no fee, an error)
    qr_png: bytes = dataclasses.field(default=b"", repr=False)
    # an attachment "question" and "supplement": each scanned page as PNG bytes (longer side 480 px), in order;
    # page i is retaken with Tap("retake:<i>") and removed with Tap("remove:<i>")
    pages: tuple[bytes, ...] = dataclasses.field(default=(), repr=False)

    def choice_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.choices)
