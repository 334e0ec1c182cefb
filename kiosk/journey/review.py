"""The review: every fact of the form with where it came from (chip, answer, computed), and what is read aloud.

Tapping a line reopens its question; "send" hands over to kiosk.journey.submit.
"""

from __future__ import annotations

from kiosk.catalogue.model import FieldSpec
from kiosk.forms.fields import is_empty
from kiosk.forms.views import display_value, money, spoken_date
from kiosk.hospital.visit import SPECIALTY
from kiosk.journey import questions as q
from kiosk.journey import submit
from kiosk.journey.context import VisitContext
from kiosk.journey.hospital_step import APPOINTMENT
from kiosk.journey.views import LineView, ScreenView
from kiosk.session.events import SessionState as S


def tap_review(ctx: VisitContext, target: str) -> None:
    if target == "send":
        submit.send(ctx)
    elif target.startswith("edit:"):
        key = target.removeprefix("edit:")
        ctx.session.set_reading_screen(False)
        if ctx.session.state is S.REVIEW:
            ctx.session.back()
        ctx.state.editing = True
        ctx.state.answered.discard(key)
        if key == SPECIALTY and ctx.state.hospital is not None:
            ctx.state.hospital.back()
            ctx.state.hospital.specialty = ""
            ctx.state.cursor = q.Cursor(SPECIALTY)
        else:
            spec = ctx.spec(key)
            ctx.state.cursor = q.Cursor(key, "ward" if spec.type == "address" else "")
        ctx.state.typed = dict(ctx.state.drafts)
        ctx.state.screen = "question"


def review_lines(ctx: VisitContext) -> tuple[LineView, ...]:
    form = ctx.state.form
    if form is None:
        return ()
    lang = ctx.tr.language
    out: list[LineView] = []
    seen: set[str] = set()
    for _, fields in form.shown_fields():
        for spec in fields:
            if spec.key in seen:
                continue
            seen.add(spec.key)
            value = form.value(spec.key)
            if spec.type == "computed":
                if spec.compute in ("fee", "appointment_date"):
                    continue
                source = "computed"
            elif form.is_prefilled(spec.key):
                source = "chip"
            elif spec.key in ctx.state.answered:
                source = "answer"
            elif is_empty(value):
                source = "missing"
            else:
                source = "default"
            shown = display_value(spec, value, lang, ctx.tr) if not is_empty(value) else ""
            edit = "" if spec.type in ("computed", "owner_card") else f"edit:{spec.key}"
            out.append(LineView(ctx.label(spec), shown, source, edit))
    if ctx.state.hospital is not None and ctx.state.hospital.specialty:
        name = ctx.state.hospital.checkin.specialties.get(ctx.state.hospital.specialty).name.get(lang)
        out.append(LineView(ctx.t("ui.hospital_specialty"), name, "answer", f"edit:{SPECIALTY}"))
    if ctx.state.service is not None and ctx.state.service.kind == "application":
        out.append(LineView(ctx.t("journey.fee"), money(form.fee(), lang, ctx.tr), "computed"))
        out.append(LineView(ctx.t("journey.result_date"), form.appointment_date().strftime("%d/%m/%Y"),
                            "computed"))
    return tuple(out)


def view_review(ctx: VisitContext) -> ScreenView:
    form = ctx.state.form
    assert form is not None and ctx.state.service is not None
    lang = ctx.tr.language
    lines = review_lines(ctx)
    # What is read aloud: what the citizen typed in this visit (so a slip of the finger is heard), the fee and
    # the date. Tapped answers were just heard as buttons, and the chip's facts are on screen, marked "from the
    # card"; reading them out again would only lengthen the visit.
    prompts = [ctx.prompt("journey.review_say", service=ctx.state.service.name.get(lang))]
    for spec_key in ctx.state.asked:
        if spec_key in (SPECIALTY, APPOINTMENT) or spec_key not in ctx.state.answered:
            continue
        spec = ctx.spec(spec_key)
        value = form.value(spec_key)
        if not typed_answer(spec) or is_empty(value):
            continue
        prompts.append(ctx.prompt("journey.say_line", label=ctx.label(spec),
                                  value=display_value(spec, value, lang, ctx.tr, spoken=True)))
    if ctx.state.hospital is not None and ctx.state.hospital.specialty:
        name = ctx.state.hospital.checkin.specialties.get(ctx.state.hospital.specialty).name.get(lang)
        prompts.append(ctx.prompt("journey.say_clinic", name=name))
    if ctx.state.service.kind == "application":
        fee = form.fee()
        prompts.append(ctx.prompt("journey.say_fee", amount=money(fee, lang, ctx.tr)) if fee
                       else ctx.prompt("journey.say_free"))
        prompts.append(ctx.prompt("journey.say_date", date=spoken_date(form.appointment_date(), lang)))
    send_key = "journey.take_number" if ctx.state.hospital is not None else "journey.send"
    error = ctx.state.review_error
    return ScreenView("review", "journey.review", ctx.t("journey.review"), lines=lines,
                      choices=(ctx.choice("send", send_key), *ctx.nav()), prompts=tuple(prompts),
                      error_key=error, error=ctx.t(error) if error else "", language=lang)


def typed_answer(spec: FieldSpec) -> bool:
    """Whether the question was answered by typing (not by a tap on a choice, a photo or a list)."""
    if spec.choices or spec.type in ("choice", "yes_no", "attachment", "group"):
        return False
    if spec.type == "number" and spec.minimum is not None and spec.maximum is not None:
        return spec.maximum - spec.minimum >= q.CHOICE_NUMBER_SPAN
    return True
