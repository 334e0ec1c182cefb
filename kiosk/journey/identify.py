"""Identify the citizen: the welcome screen, the card on the pad, its QR code, the typed key fallback, the chip read.

The camera above the pad reads the QR code printed on the card front; the access key is derived from it and the chip
is read (ICAO 9303-11 BAC/PACE). Typing the 12-digit ID number and the ddmmyyyy dates is the fallback.
"""

from __future__ import annotations

from devices.card.access_keys import AccessKey, InvalidAccessKeyError, from_details, from_qr
from devices.card.errors import CardError
from devices.card.lds.mrz import NO_EXPIRY_MRZ_DATE
from devices.qr.scanner import QrScannerUnavailableError
from kiosk.journey import face_step
from kiosk.journey import questions as q
from kiosk.journey.commands import Frame
from kiosk.journey.context import VisitContext, replace_view
from kiosk.journey.state import CardKey
from kiosk.journey.views import ChoiceView, InputView, ScreenView
from kiosk.session.events import SessionState as S

CARD_SCREENS = ("welcome", "card_wait", "card_error", "card_key_id", "card_key_birth", "card_key_expiry")


def begin(ctx: VisitContext) -> None:
    if ctx.session.state is S.IDLE:
        ctx.notice = ""
        ctx.session.start()
    if ctx.session.state is S.LANGUAGE:
        ctx.session.choose_language(ctx.tr.language)


def tap_welcome(ctx: VisitContext, target: str) -> None:
    if target == "start":
        begin(ctx)
        ctx.state.screen = "card_wait"
        if ctx.parts.card_reader.card_present():
            card_placed(ctx)
    elif target == "status":
        ctx.notice = ""
        ctx.session.start_status_lookup()
        ctx.state.screen = "status_find"
        ctx.state.typed = {}
        ctx.start_camera()


def card_placed(ctx: VisitContext) -> None:
    if ctx.state.screen not in CARD_SCREENS:
        ctx.session.card_inserted()
        return
    begin(ctx)
    ctx.session.card_inserted()
    if ctx.state.card.keys:   # a typed key from before the card was turned round: use it again
        read_chip(ctx, list(ctx.state.card.keys))
        return
    look_for_card_qr(ctx)


def look_for_card_qr(ctx: VisitContext) -> None:
    """The camera above the pad sees the card front: its QR code gives the access key (no typing)."""
    text = seen_card_qr(ctx)
    if not text:
        ctx.stop_camera()
        ctx.state.screen = "card_key_id"
        ctx.state.card_error = "journey.card_qr_not_seen"
        return
    qr_key(ctx, text)


def seen_card_qr(ctx: VisitContext, skip_id: str = "") -> str:
    """Start the camera above the pad and look at a few frames for a card front's QR code: the first that holds an
    access key ("" when none does), passing over the card whose ID number is `skip_id`. The camera is left on: each
    caller knows whether the next step still needs it."""
    ctx.start_camera()
    for _ in range(max(1, ctx.parts.qr_frames)):
        frame = ctx.read_frame()
        if frame is None:
            break
        text = card_qr_in(ctx, frame, skip_id)
        if text:
            return text
    return ""


def card_qr_in(ctx: VisitContext, frame: Frame, skip_id: str = "") -> str:
    try:
        codes = ctx.parts.qr_scanner.decode(frame)
    except QrScannerUnavailableError:
        return ""
    for code in codes:
        try:
            from_qr(code.text)
        except InvalidAccessKeyError:
            continue
        if skip_id and code.text.split("|", 1)[0] == skip_id:
            continue
        return code.text
    return ""


def read_chip(ctx: VisitContext, keys: list[AccessKey]) -> None:
    if not ctx.parts.card_reader.card_present():
        ctx.state.screen = "card_wait"
        return
    try:
        identity = ctx.parts.card_reader.read_identity(keys)
    except CardError as exc:
        ctx.stop_camera()
        ctx.state.card_error = exc.message_key
        ctx.state.screen = "card_error"
        return
    ctx.state.card = CardKey()
    ctx.state.identity = identity
    ctx.session.identified(identity)
    face_step.start_face(ctx)


def tap_card_wait(ctx: VisitContext, target: str) -> None:
    if target == "card_typed":
        ctx.state.screen = "card_key_id"


def tap_card_error(ctx: VisitContext, target: str) -> None:
    if target == "try_again":
        ctx.state.card_error = ""
        look_for_card_qr(ctx)
    elif target == "card_typed":
        ctx.state.card_error = ""
        ctx.state.screen = "card_key_id"


def tap_card_key_id(ctx: VisitContext, target: str) -> None:
    if target == "card_qr_again":
        ctx.state.card_error = ""
        look_for_card_qr(ctx)
    elif target == "next":
        digits = q.digits_only(ctx.state.typed.get("card_id", ""))
        if len(digits) != 12:
            ctx.state.input_error = "journey.card_id_12_digits"
            return
        ctx.state.card.id_number = digits
        ctx.state.card_error = ""
        ctx.state.input_error = ""
        ctx.state.screen = "card_key_birth"


def tap_card_key_birth(ctx: VisitContext, target: str) -> None:
    if target == "next":
        text = ctx.state.typed.get("card_birth", "")
        problem = q.date_typing_error(text) or ("" if len(text) == 8 else "forms.date_format")
        if problem:
            ctx.state.input_error = problem
            return
        ctx.state.card.birth = text
        ctx.state.input_error = ""
        ctx.state.screen = "card_key_expiry"


def tap_card_key_expiry(ctx: VisitContext, target: str) -> None:
    if target == "no_expiry":
        expiry = NO_EXPIRY_MRZ_DATE
    elif target == "next":
        text = ctx.state.typed.get("card_expiry", "")
        problem = q.date_typing_error(text) or ("" if len(text) == 8 else "forms.date_format")
        if problem:
            ctx.state.input_error = problem
            return
        expiry = text[6:8] + text[2:4] + text[0:2]
    else:
        return
    birth = ctx.state.card.birth
    try:
        key = from_details(ctx.state.card.id_number, birth[6:8] + birth[2:4] + birth[0:2], expiry)
    except InvalidAccessKeyError as exc:
        ctx.state.input_error = exc.message_key
        return
    ctx.state.input_error = ""
    ctx.state.card.keys = (key,)
    ctx.state.typed = {}
    read_chip(ctx, [key])


def card_removed(ctx: VisitContext) -> None:
    ctx.session.card_removed()
    if ctx.session.state in (S.IDENTIFY, S.LANGUAGE):  # nothing was held: wait for the card again
        ctx.stop_camera()
        ctx.state.screen = "card_wait"


def view_welcome(ctx: VisitContext) -> ScreenView:
    other = "en" if ctx.tr.language == "vi" else "vi"
    choices = (ctx.choice("start", "journey.start"), ctx.choice("status", "journey.status", "secondary"),
               ctx.choice(f"lang_{other}", f"journey.lang_{other}", "secondary"),
               ctx.choice("help", "journey.help", "nav"))
    view = ctx.simple("welcome", "journey.welcome", "journey.welcome_say", choices=choices)
    return replace_view(view, notice_key=ctx.notice)


def view_card_wait(ctx: VisitContext) -> ScreenView:
    choices = (ctx.choice("card_typed", "journey.card_typed", "secondary"), *ctx.nav())
    return ctx.simple("card_wait", "journey.card_wait", "journey.card_wait_say", choices=choices)


def view_card_reading(ctx: VisitContext) -> ScreenView:
    return ctx.simple("card_reading", "journey.card_reading", "journey.card_reading_say", pending=True)


def view_card_error(ctx: VisitContext) -> ScreenView:
    choices = (ctx.choice("try_again", "journey.try_again"),
               ctx.choice("card_typed", "journey.card_typed", "secondary"), *ctx.nav(back=False))
    view = ctx.simple("card_error", "journey.card_error", choices=choices)
    key = ctx.state.card_error or "card.read_failed"
    return replace_view(view, error_key=key, error=ctx.t(key), prompts=(ctx.prompt(key),))


def key_view(ctx: VisitContext, screen: str, field: str, say: str, extra: tuple[ChoiceView, ...] = ()) -> ScreenView:
    text = ctx.state.typed.get(field, "")
    kind = "digits" if field == "card_id" else "date"
    error = ctx.state.input_error
    input_view = InputView(field, kind, text, 12 if kind == "digits" else 8, error,
                           ctx.t(error) if error else "", "" if kind == "digits" else "dd/mm/yyyy")
    choices = (*extra, ctx.choice("next", "journey.next"), *ctx.nav())
    view = ctx.simple(screen, f"journey.{screen}", say, choices=choices)
    notice = ctx.state.card_error
    return replace_view(view, input=input_view, error_key=notice, error=ctx.t(notice) if notice else "")


def view_card_key_id(ctx: VisitContext) -> ScreenView:
    return key_view(ctx, "card_key_id", "card_id", "journey.card_key_id_say",
                    (ctx.choice("card_qr_again", "journey.card_qr_again", "secondary"),))


def view_card_key_birth(ctx: VisitContext) -> ScreenView:
    return key_view(ctx, "card_key_birth", "card_birth", "journey.card_key_birth_say")


def view_card_key_expiry(ctx: VisitContext) -> ScreenView:
    return key_view(ctx, "card_key_expiry", "card_expiry", "journey.card_key_expiry_say",
                    (ctx.choice("no_expiry", "journey.no_expiry", "secondary"),))


def qr_key(ctx: VisitContext, text: str) -> None:
    """A QR code seen while the card is wanted: a CCCD's code gives the access key and the chip is read."""
    try:
        keys = from_qr(text)
    except InvalidAccessKeyError:
        return  # not a CCCD's code: keep looking
    read_chip(ctx, keys)


def card_frame(ctx: VisitContext, frame: Frame) -> None:
    text = card_qr_in(ctx, frame)
    if text:
        qr_key(ctx, text)
