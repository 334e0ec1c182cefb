"""What the services and question screens show: the service list, and one question with its answers as big choices.

Typed answers get an input of the right kind (kiosk.journey.questions.INPUT_KINDS); short number ranges, yes/no and
choice fields become buttons; addresses are found by ward then street; lists are filled item by item.
"""

from __future__ import annotations

from kiosk.catalogue.model import FieldSpec
from kiosk.forms import address
from kiosk.forms.views import display_value
from kiosk.hospital.visit import SPECIALTY
from kiosk.journey import documents_step, hospital_step, service_steps
from kiosk.journey import questions as q
from kiosk.journey.context import VisitContext, replace_view
from kiosk.journey.service_steps import SERVICES_PER_PAGE
from kiosk.journey.views import ChoiceView, InputView, LineView, Prompt, ScreenView


def view_services(ctx: VisitContext) -> ScreenView:
    offered = service_steps.offered_services(ctx)
    start = ctx.state.services_page * SERVICES_PER_PAGE
    page = offered[start:start + SERVICES_PER_PAGE]
    lang = ctx.tr.language
    # At most six services a page, each with its one-line hint under the name; "Quay lại" leaves (with the
    # start-over confirmation) or goes a page back.
    choices = [ChoiceView(f"service:{s.code}", s.name.get(lang), "answer",
                          help=s.hint.get(lang) if s.hint is not None else "") for s in page]
    if len(offered) > SERVICES_PER_PAGE:
        choices.append(ctx.choice("more", "journey.more", "secondary"))
    return ctx.simple("services", "journey.services", "journey.services_say",
                      choices=(*choices, *ctx.nav()))


def view_question(ctx: VisitContext) -> ScreenView:
    cursor = ctx.state.cursor
    form = ctx.state.form
    assert cursor is not None and form is not None
    asked = len(ctx.state.asked) + 1
    total = asked + q.remaining(form, ctx.state.answered) - 1 + (1 if ctx.state.hospital and cursor.key != SPECIALTY
                                                                 and not ctx.state.hospital.specialty else 0)
    error = ctx.state.input_error
    base = ScreenView("question", "journey.question", "", field=cursor.key, step=(asked, max(asked, total)),
                      error_key=error, error=ctx.t(error) if error else "", language=ctx.tr.language)
    if cursor.key == hospital_step.APPOINTMENT:
        return hospital_step.view_appointment(ctx, base)
    if cursor.key == SPECIALTY:
        return specialty_question(ctx, base)
    spec = ctx.spec(cursor.key)
    if spec.type == "group":
        return group_question(ctx, base, spec, cursor)
    if spec.type == "address":
        return address_question(ctx, base, spec, cursor)
    return field_question(ctx, base, spec, spec.key)


def field_question(ctx: VisitContext, base: ScreenView, spec: FieldSpec, input_key: str) -> ScreenView:
    if documents_step.uses_scanner(ctx, spec):
        return documents_step.question(ctx, base, spec)
    label = ctx.label(spec)
    prompts: list[Prompt] = [ctx.prompt("journey.ask", label=label)]
    choices: list[ChoiceView] = []
    input_view: InputView | None = None
    lang = ctx.tr.language
    if spec.type in ("choice",) or spec.choices:
        choices = [ChoiceView(f"choice:{c.value}", c.label.get(lang)) for c in spec.choices]
    elif spec.type == "yes_no":
        choices = [ctx.choice("choice:yes", "journey.yes", "answer"),
                   ctx.choice("choice:no", "journey.no", "answer")]
    elif spec.type == "number" and spec.minimum is not None and spec.maximum is not None \
            and spec.maximum - spec.minimum < q.CHOICE_NUMBER_SPAN:
        choices = [ChoiceView(f"choice:{n}", str(n)) for n in range(spec.minimum, spec.maximum + 1)]
    elif spec.type == "attachment":
        choices = [ctx.choice("scan", "journey.scan")]
        prompts.append(ctx.prompt("journey.scan_say"))
    else:
        kind = q.INPUT_KINDS.get(spec.type, "code")
        mask = {"date": "dd/mm/yyyy", "month": "mm/yyyy"}.get(spec.type, "")
        longest = q.MAX_LENGTH.get(spec.type) or (4 if spec.type == "number" else spec.maximum or 0)
        input_view = InputView(input_key, kind, ctx.state.typed.get(input_key, ""), longest, base.error_key,
                               base.error, mask)
        choices = [ChoiceView(f"suggest:{i}", text, "suggestion")
                   for i, (text, _) in enumerate(service_steps.suggestions(ctx, spec))]
        choices.append(ctx.choice("next", "journey.next"))
    if not spec.required:
        choices.append(ctx.choice("skip", "journey.skip", "secondary"))
    help_lines = (LineView("", spec.help.get(lang), "info"),) if spec.help else ()
    return replace_view(base, title=label, title_key="journey.question", input=input_view, lines=help_lines,
                        choices=(*choices, *ctx.nav()), prompts=tuple(prompts),
                        camera=spec.type == "file_code")


def specialty_question(ctx: VisitContext, base: ScreenView) -> ScreenView:
    hospital = ctx.parts.hospital
    assert hospital is not None
    lang = ctx.tr.language
    choices = tuple(ChoiceView(f"choice:{s.code}", s.name.get(lang)) for s in hospital.specialties.clinics)
    title = ctx.t("ui.hospital_specialty")
    view = replace_view(base, title=title, choices=(*choices, *ctx.nav()),
                        prompts=(ctx.prompt("journey.ask", label=title),))
    return hospital_step.specialty_notes(ctx, view)   # appointments not readable, or the one tapped is gone


def address_question(ctx: VisitContext, base: ScreenView, spec: FieldSpec, cursor: q.Cursor) -> ScreenView:
    form = ctx.state.form
    assert form is not None and ctx.state.service is not None
    label = ctx.label(spec)
    if cursor.part == "street":
        key = f"{spec.key}:street"
        place = address.format_address({**cursor.item, "street": ""})
        input_view = InputView(key, "text", ctx.state.typed.get(key, ""), 200, base.error_key, base.error)
        return replace_view(base, title=ctx.t("journey.street", place=place), field=key, input=input_view,
                            choices=(ctx.choice("next", "journey.next"), *ctx.nav()),
                            prompts=(ctx.prompt("journey.street_say"),))
    key = f"{spec.key}:ward"
    earlier: list[ChoiceView] = []
    provinces: list[int] = []
    values = form.values()
    for other in ctx.state.service.all_fields():
        value = values.get(other.key)
        if other.type == "address" and other.key != spec.key and isinstance(value, dict) \
                and value.get("street") and all(c.id != f"same:{other.key}" for c in earlier):
            earlier.append(ChoiceView(f"same:{other.key}", ctx.t(
                "journey.same_address", place=address.format_address(value)), "suggestion"))
            province = value.get("province_code")
            if isinstance(province, int):
                provinces.append(province)
    typed = ctx.state.typed.get(key, "")
    wards = [ChoiceView(f"ward:{m.province_code}:{m.ward_code}", m.label)
             for m in q.find_wards(typed, tuple(provinces))]
    input_view = InputView(key, "search", typed, 40, base.error_key, base.error)
    return replace_view(base, title=label, field=key, input=input_view, choices=(*earlier, *wards, *ctx.nav()),
                        prompts=(ctx.prompt("journey.ask", label=label), ctx.prompt("journey.ward_say")))


def group_question(ctx: VisitContext, base: ScreenView, spec: FieldSpec, cursor: q.Cursor) -> ScreenView:
    form = ctx.state.form
    assert form is not None
    sub = service_steps.sub_spec(ctx, cursor)
    if sub is not None:
        view = field_question(ctx, base, sub, f"{spec.key}:{sub.key}")
        return replace_view(view, field=f"{spec.key}:{sub.key}")
    items = form.value(spec.key)
    have = list(items) if isinstance(items, list) else []
    lang = ctx.tr.language
    lines = tuple(LineView(str(n), "; ".join(display_value(s, item.get(s.key), lang, ctx.tr)
                                             for s in spec.fields if item.get(s.key) not in (None, "")),
                           "answer")
                  for n, item in enumerate(have, start=1) if isinstance(item, dict))
    choices = [ctx.choice("add", "journey.add")]
    if len(have) >= (spec.minimum or (1 if spec.required else 0)):
        choices.append(ctx.choice("done", "journey.done_adding", "secondary"))
    label = ctx.label(spec)
    return replace_view(base, title=label, lines=lines, choices=(*choices, *ctx.nav()),
                        prompts=(ctx.prompt("journey.ask", label=label),))
