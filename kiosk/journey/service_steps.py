"""Choosing a service and answering its questions, one per screen: answers, addresses, lists, suggestions, back.

The form engine (kiosk.forms.engine) keeps and checks the answers; kiosk.journey.questions decides what to ask
next. A look-up service goes straight to its answer (kiosk.journey.lookup); every other ends on the review.
"""

from __future__ import annotations

from kiosk.catalogue.model import FieldSpec, ServiceSpec
from kiosk.forms.engine import FormSession
from kiosk.forms.fields import ScannedPage
from kiosk.forms.settings import FormSettings
from kiosk.hospital.visit import SPECIALTY, HospitalVisit
from kiosk.journey import documents_step, hospital_step, lookup, submit
from kiosk.journey import questions as q
from kiosk.journey.context import VisitContext
from kiosk.journey.routes import routes
from kiosk.session.events import SessionState as S

SERVICES_PER_PAGE = 6
NOT_FIELDS = (SPECIALTY, hospital_step.APPOINTMENT)   # hospital questions that are not fields of the form


def offered_services(ctx: VisitContext) -> list[ServiceSpec]:
    """The services in this kiosk's order of use (`[catalogue] service_order`, then the catalogue's order); at a
    hospital (a kiosk with a hospital desk) check-in comes first unless the order says otherwise, as nearly
    everyone there has come for it. Hospital check-in is not offered on a kiosk without a hospital desk."""
    services = [s for s in ctx.parts.catalogue.services if s.kind != "hospital"]
    if ctx.parts.hospital is not None:
        services = [s for s in ctx.parts.catalogue.services if s.kind == "hospital"] + services
    order = {code: i for i, code in enumerate(ctx.parts.config.catalogue.service_order)}
    if not order:
        return services
    return sorted(services, key=lambda s: order.get(s.code, len(order)))   # stable: the rest keep their order


def back_services(ctx: VisitContext) -> None:
    """"Quay lại" on the services: the page before, or from the first page the start-over confirmation (going
    back from here leaves the visit)."""
    if ctx.state.services_page > 0:
        ctx.state.services_page -= 1
        return
    from kiosk.journey import restart

    restart.ask_restart(ctx)


def tap_services(ctx: VisitContext, target: str) -> None:
    if target == "more":
        pages = max(1, -(-len(offered_services(ctx)) // SERVICES_PER_PAGE))
        ctx.state.services_page = (ctx.state.services_page + 1) % pages
        return
    if target.startswith("service:"):
        choose_service(ctx, ctx.parts.catalogue.get(target.removeprefix("service:")))


def choose_service(ctx: VisitContext, spec: ServiceSpec) -> None:
    settings = FormSettings(agency_code=ctx.parts.config.kiosk.agency_code, holidays=ctx.parts.holidays,
                            auth_method="assisted" if ctx.session.helper else "chip_face")
    form = FormSession(spec, ctx.state.identity, ctx.parts.now, settings, language=ctx.tr.language,
                       translator=ctx.parts.translator)
    ctx.state.service = spec
    ctx.state.form = form
    ctx.state.answered = set()
    ctx.state.asked = []
    if spec.kind == "hospital" and ctx.parts.hospital is not None:
        ctx.state.hospital = HospitalVisit(ctx.parts.hospital, form, ctx.parts.translator.catalogue)
        ctx.session.choose_service(spec.code, ctx.state.hospital)
        hospital_step.start(ctx)   # an appointment booked earlier is offered first
    else:
        ctx.state.hospital = None
        ctx.session.choose_service(spec.code, form)
    advance(ctx)


def advance(ctx: VisitContext) -> None:
    """Ask the next fact, or go to the review (a look-up goes straight to its answer)."""
    form = ctx.state.form
    if form is None:
        return
    ctx.state.typed = dict(ctx.state.drafts)
    ctx.state.input_error = ""
    if hospital_step.wants_appointment(ctx):   # a booked appointment: checked in with one tap
        ctx.state.cursor = q.Cursor(hospital_step.APPOINTMENT)
        ctx.state.screen = "question"
        return
    spec = q.next_field(form, ctx.state.answered)
    if spec is not None and spec.type == "owner_card":  # the owner places their own card (a card swap)
        routes().owner_begin(ctx, spec)
        return
    if spec is not None:
        ctx.state.cursor = q.Cursor(spec.key, "ward" if spec.type == "address" else "")
        ctx.state.screen = "question"
        return
    if ctx.state.hospital is not None and not ctx.state.hospital.specialty:
        ctx.state.cursor = q.Cursor(SPECIALTY)
        ctx.state.screen = "question"
        return
    ctx.state.cursor = None
    errors = form.finish()
    if errors:  # a fact the checks refuse although it was not asked (a chip value, an answer changed)
        ctx.state.answered.discard(errors[0].field)
        ctx.state.cursor = q.Cursor(errors[0].field)
        ctx.state.screen = "question"
        return
    ctx.state.editing = False
    if ctx.state.service is not None and ctx.state.service.kind == "lookup":
        lookup.lookup(ctx, str(form.value("file_code") or ""), str(form.value("id_last4") or ""))
        return
    if ctx.state.hospital is not None:
        ctx.state.hospital.set_value(SPECIALTY, ctx.state.hospital.specialty)
        ctx.state.hospital.next()
    if ctx.session.state is S.STEPS:
        ctx.session.steps_completed()
    ctx.session.set_reading_screen(True)
    ctx.state.screen = "review"


def answer(ctx: VisitContext, key: str, value: object) -> None:
    """Store an answer; on a problem stay on the question with the message, else move on."""
    form = ctx.state.form
    if form is None:
        return
    if key == SPECIALTY and ctx.state.hospital is not None:
        ctx.state.hospital.specialty = str(value)
        ctx.state.answered.add(key)
        ctx.state.asked.append(key)
        advance(ctx)
        return
    error = form.set_value(key, value)
    if error is None:
        error = form.field_error(key)
    if error is not None:
        ctx.state.input_error = error.message_key
        return
    ctx.state.answered.add(key)
    ctx.state.asked.append(key)
    advance(ctx)


def tap_question(ctx: VisitContext, target: str) -> None:
    cursor = ctx.state.cursor
    form = ctx.state.form
    if cursor is None or form is None:
        return
    if cursor.key == hospital_step.APPOINTMENT:
        hospital_step.tap_appointment(ctx, target, advance, submit.send)
        return
    if cursor.key == SPECIALTY:
        if target.startswith("choice:"):
            answer(ctx, SPECIALTY, target.removeprefix("choice:"))
        return
    spec = ctx.spec(cursor.key)
    if spec.type == "group":
        tap_group(ctx, spec, cursor, target)
        return
    if spec.type == "address":
        tap_address(ctx, spec, cursor, target)
        return
    if target == "skip" and not spec.required:
        form.set_value(spec.key, None)
        ctx.state.answered.add(spec.key)
        ctx.state.asked.append(spec.key)
        advance(ctx)
    elif target.startswith("choice:"):
        answer(ctx, spec.key, choice_value(spec, target.removeprefix("choice:")))
    elif target.startswith("suggest:"):
        offered = suggestions(ctx, spec)
        index = int(target.removeprefix("suggest:"))
        if 0 <= index < len(offered):
            answer(ctx, spec.key, offered[index][1])
    elif documents_step.uses_scanner(ctx, spec) and documents_step.handles(target):
        documents_step.tap(ctx, spec, target, answer)   # pages one by one on the document scanner
    elif target == "scan" and spec.type == "attachment":
        answer(ctx, spec.key, scan(ctx))
    elif target == "next":
        answer(ctx, spec.key, typed_value(spec, ctx.state.typed.get(spec.key, "")))


def choice_value(spec: FieldSpec, value: str) -> object:
    if spec.type == "yes_no":
        return value == "yes"
    if spec.type == "number":
        return int(value)
    return value


def typed_value(spec: FieldSpec, text: str) -> object:
    if spec.type == "month":
        return q.month_value(text)
    if spec.type == "number":
        return int(text) if text.isdigit() else text
    return text


def scan(ctx: VisitContext) -> list[ScannedPage]:
    snapshot = ctx.parts.snapshot_jpeg
    data = snapshot() if snapshot is not None else b""
    return q.scanned(data) if data else []


def typed_text(ctx: VisitContext, key: str, text: str) -> None:
    ctx.state.typed[key] = text
    if ctx.state.screen == "question":   # kept across Back and forward: typed text never vanishes
        ctx.state.drafts[key] = text
    cursor = ctx.state.cursor
    kind = ""
    if key in ("card_birth", "card_expiry"):
        kind = "date"
    elif cursor is not None and ctx.state.screen == "question" and cursor.key not in NOT_FIELDS:
        spec = sub_spec(ctx, cursor) or ctx.spec(cursor.key)
        kind = spec.type
    if kind == "date":
        ctx.state.input_error = q.date_typing_error(text)
    elif kind == "month":
        ctx.state.input_error = q.month_typing_error(text)
    else:
        ctx.state.input_error = ""


# addresses: the ward (found by typing a few letters, or one given earlier), then the street
def tap_address(ctx: VisitContext, spec: FieldSpec, cursor: q.Cursor, target: str) -> None:
    form = ctx.state.form
    assert form is not None
    if cursor.part == "ward":
        if target.startswith("same:"):
            other = form.value(target.removeprefix("same:"))
            if isinstance(other, dict):
                answer(ctx, spec.key, dict(other))
            return
        if target.startswith("ward:"):
            _, province, ward = target.split(":")
            cursor.item = {"province_code": int(province), "ward_code": int(ward)}
            cursor.part = "street"
            ctx.state.typed = dict(ctx.state.drafts)
            ctx.state.input_error = ""
        return
    if cursor.part == "street" and target == "next":
        street = ctx.state.typed.get(f"{spec.key}:street", "").strip()
        if not street:
            ctx.state.input_error = "forms.address_street"
            return
        answer(ctx, spec.key, {**cursor.item, "street": street})


# lists: "add" fills one item, sub-field by sub-field; "done" once the list is long enough
def sub_spec(ctx: VisitContext, cursor: q.Cursor) -> FieldSpec | None:
    if cursor.sub < 0:
        return None
    spec = ctx.spec(cursor.key)
    return spec.fields[cursor.sub] if cursor.sub < len(spec.fields) else None


def tap_group(ctx: VisitContext, spec: FieldSpec, cursor: q.Cursor, target: str) -> None:
    form = ctx.state.form
    assert form is not None
    items = form.value(spec.key)
    have = list(items) if isinstance(items, list) else []
    sub = sub_spec(ctx, cursor)
    if sub is None:
        if target == "add":
            cursor.item = {}
            cursor.sub = 0
        elif target == "done" and len(have) >= (spec.minimum or (1 if spec.required else 0)):
            ctx.state.answered.add(spec.key)
            ctx.state.asked.append(spec.key)
            advance(ctx)
        return
    value: object = None
    if target.startswith("choice:"):
        value = choice_value(sub, target.removeprefix("choice:"))
    elif target.startswith("suggest:"):
        offered = suggestions(ctx, sub)
        index = int(target.removeprefix("suggest:"))
        value = offered[index][1] if 0 <= index < len(offered) else None
    elif target == "next":
        value = typed_value(sub, ctx.state.typed.get(f"{spec.key}:{sub.key}", ""))
    elif target == "skip" and not sub.required:
        value = None
    else:
        return
    if value is not None and value != "":
        cursor.item[sub.key] = value
    elif sub.required:
        ctx.state.input_error = "forms.required"
        return
    ctx.state.typed = dict(ctx.state.drafts)
    ctx.state.input_error = ""
    cursor.sub += 1
    if cursor.sub < len(spec.fields):
        return
    for sub_field in spec.fields:   # the item is stored: the next item starts blank
        ctx.state.drafts.pop(f"{spec.key}:{sub_field.key}", None)
        ctx.state.typed.pop(f"{spec.key}:{sub_field.key}", None)
    error = form.set_value(spec.key, [*have, dict(cursor.item)])
    cursor.item = {}
    cursor.sub = -1
    if error is not None:
        form.set_value(spec.key, have or None)
        ctx.state.input_error = error.message_key


def suggestions(ctx: VisitContext, spec: FieldSpec) -> list[tuple[str, object]]:
    """Answers given earlier in this visit (or read from the chip) that fit this question: one tap each."""
    form = ctx.state.form
    if form is None or spec.type not in ("name", "text", "phone"):
        return []
    seen: list[tuple[str, object]] = []
    if spec.type == "name" and ctx.state.identity is not None:
        for name in (ctx.state.identity.full_name, ctx.state.identity.spouse_name, ctx.state.identity.father_name,
                     ctx.state.identity.mother_name):
            if name and all(name != v for _, v in seen):
                seen.append((name, name))
    assert ctx.state.service is not None
    values = form.values()
    for other in ctx.state.service.all_fields():
        value = values.get(other.key)
        if other.key == spec.key or other.type != spec.type or not isinstance(value, str) or not value:
            continue
        if all(value != v for _, v in seen):
            seen.append((value, value))
    return seen[:4]


def back_question(ctx: VisitContext) -> None:
    cursor = ctx.state.cursor
    if cursor is not None and cursor.part == "street":
        cursor.part = "ward"
        return
    if cursor is not None and cursor.sub > 0:
        cursor.sub -= 1
        return
    if not ctx.state.asked:
        ctx.session.back()           # to the services: the half-filled form is dropped
        ctx.state.form = None
        ctx.state.hospital = None
        ctx.state.service = None
        ctx.state.cursor = None
        ctx.state.drafts = {}
        ctx.state.screen = "services"
        return
    key = ctx.state.asked.pop()
    ctx.state.answered.discard(key)
    if key == hospital_step.APPOINTMENT:
        hospital_step.back_to_appointment(ctx)
    elif key == SPECIALTY:
        if ctx.state.hospital is not None:
            ctx.state.hospital.specialty = ""
        ctx.state.cursor = q.Cursor(SPECIALTY)
    else:
        spec = ctx.spec(key)
        ctx.state.cursor = q.Cursor(key, "ward" if spec.type == "address" else "")
    ctx.state.typed = dict(ctx.state.drafts)
    ctx.state.input_error = ""
    ctx.state.screen = "question"


def asks_receipt(ctx: VisitContext) -> bool:
    """A question for a file code: the camera reads it from the receipt's QR code, no typing needed."""
    cursor = ctx.state.cursor
    if ctx.state.screen != "question" or cursor is None or cursor.key in NOT_FIELDS or ctx.state.service is None:
        return False
    return cursor.sub < 0 and ctx.spec(cursor.key).type == "file_code"
