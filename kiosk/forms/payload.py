"""The end of a form: the review read aloud, and the request body in the portal contract's shape.

The body follows the kiosk ↔ provincial-system contract (kiosk/portal): procedure and agency codes, channel
"kiosk", applicant, auth, form {schema_id, schema_version, data}, attachments by component code (MaThanhPhanHoSo),
expected fees, delivery, consent, and for combined (liên thông) services the linked procedures (Decree 63/2024).
Dates are ISO 8601; times carry +07:00. Attachment bytes stay out of the body (they go to /v1/uploads first).
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol

from kiosk.catalogue.model import FieldSpec, Lang, ProcedureSpec
from kiosk.forms import address
from kiosk.forms.fields import ScannedPage, is_empty
from kiosk.forms.settings import FormIncompleteError
from kiosk.forms.views import display_value, money, spoken_date
from kiosk.i18n import Translator
from kiosk.vietnam import VIETNAM_TIME

if TYPE_CHECKING:
    from kiosk.catalogue.model import ServiceSpec, StepSpec
    from kiosk.forms.settings import FormSettings
    from kiosk.forms.views import FieldError


class FilledForm(Protocol):
    """What the payload and the review read of a form (kiosk.forms.engine.FormSession is one)."""

    service: ServiceSpec
    settings: FormSettings

    @property
    def confirmed_at(self) -> datetime | None: ...
    def values(self) -> dict[str, object]: ...
    def value(self, key: str) -> object: ...
    def fee(self) -> int: ...
    def appointment_date(self) -> date: ...
    def check_all(self) -> list[FieldError]: ...
    def shown_fields(self) -> list[tuple[StepSpec, list[FieldSpec]]]: ...
    def translator(self) -> Translator: ...

APPLICANT_KEYS = {
    "id_number": "applicant.id_number", "full_name": "applicant.full_name", "dob": "applicant.date_of_birth",
    "sex": "applicant.sex", "phone": "applicant.phone", "email": "applicant.email", "address": "applicant.address",
}


def _json(spec: FieldSpec | None, value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if spec is not None and spec.type == "address" and isinstance(value, dict):
        return {**value, "text": address.format_address(value)}
    if spec is not None and spec.type == "group" and isinstance(value, list):
        subs = {s.key: s for s in spec.fields}
        return [{k: _json(subs.get(k), v) for k, v in item.items()} for item in value if isinstance(item, dict)]
    if isinstance(value, list) and all(isinstance(p, ScannedPage) for p in value):
        return None
    return value


def build_payload(form: FilledForm) -> dict[str, object]:
    """The portal request body; only after every step is answered and the citizen confirmed."""
    if form.confirmed_at is None or form.check_all():
        raise FormIncompleteError("the form is not complete and confirmed")
    values = form.values()
    shown = {f.key: f for _, fields in form.shown_fields() for f in fields}
    specs = {f.key: f for f in form.service.all_fields()}

    def data_for(proc: ProcedureSpec) -> dict[str, object]:
        # An optional question left empty is absent, not null, as the procedure's JSON Schema expects.
        return {name: _json(specs.get(key), values.get(key)) for name, key in proc.data.items()
                if (key in shown or specs[key].type == "computed") and not is_empty(values.get(key))}

    def procedure(proc: ProcedureSpec) -> dict[str, object]:
        return {
            "procedure_code": proc.procedure_code,
            "agency_code": proc.agency_code or form.settings.agency_code,
            "form": {"schema_id": proc.schema_id, "schema_version": proc.schema_version, "data": data_for(proc)},
        }

    applicant = {name: _json(specs.get(key), values.get(key))
                 for name, key in APPLICANT_KEYS.items() if values.get(key) not in (None, "")}
    main = procedure(form.service.main)
    confirmed = form.confirmed_at
    accepted = confirmed if confirmed.tzinfo else confirmed.replace(tzinfo=VIETNAM_TIME)
    delivery = values.get("delivery.method") or form.service.delivery_methods[0]
    body: dict[str, object] = {
        **main,
        "channel": "kiosk",
        "applicant": applicant,
        "auth": {"method": form.settings.auth_method, "level": 2, "evidence_ref": form.settings.evidence_ref},
        "attachments": [
            {"component_code": code, "file_id": "",
             "sha256": hashlib.sha256(b"".join(p.data for p in pages)).hexdigest(), "pages": len(pages)}
            for code, pages in attachment_pages(form).items()
        ],
        "fees": {"expected_amount": form.fee()},
        "delivery": {"method": delivery},
        "consent": {"notice_version": form.settings.consent_notice_version, "accepted_at": accepted.isoformat()},
    }
    if len(form.service.procedures) > 1:
        # Only the linked procedures within the scope the declarant chose (combined death procedure: 2, 3 or 4).
        body["linked_procedures"] = [procedure(p) for p in form.service.active_procedures(values)[1:]]
    return body


def attachment_pages(form: FilledForm) -> dict[str, list[ScannedPage]]:
    """Scanned pages per component code (in memory), for the upload that precedes the submission."""
    out: dict[str, list[ScannedPage]] = {}
    for _, fields in form.shown_fields():
        for spec in fields:
            pages = form.value(spec.key)
            if spec.type == "attachment" and isinstance(pages, list):
                kept = [p for p in pages if isinstance(p, ScannedPage)]
                if kept:
                    out[spec.component_code] = kept
    return out


def review_sentences(form: FilledForm, lang: Lang) -> list[str]:
    """Plain sentences for the review screen, short enough to be read aloud one by one."""
    tr = Translator(lang, form.translator().catalogue)
    service = form.service
    out = [tr.text("forms.review_intro", service=service.name.get(lang))]
    for _, fields in form.shown_fields():
        for spec in fields:
            if spec.type == "computed" and spec.compute in ("fee", "appointment_date"):
                continue
            value = form.value(spec.key)
            if is_empty(value):
                continue
            if spec.type == "group" and isinstance(value, list):
                out.append(tr.text("forms.review_group", label=spec.label.get(lang), count=len(value)))
                for n, item in enumerate(value, start=1):
                    parts = [f"{s.label.get(lang)}: {display_value(s, item.get(s.key), lang, tr, spoken=True)}"
                             for s in spec.fields if isinstance(item, dict) and item.get(s.key) not in (None, "")]
                    out.append(tr.text("forms.review_group_item", n=n, details="; ".join(parts)))
                continue
            shown = display_value(spec, value, lang, tr, spoken=True)
            out.append(tr.text("forms.review_item", label=spec.label.get(lang), value=shown))
    fee = form.fee()
    out.append(tr.text("forms.review_fee", amount=money(fee, lang, tr)) if fee else tr.text("forms.review_free"))
    if service.kind == "application":
        out.append(tr.text("forms.review_appointment", date=spoken_date(form.appointment_date(), lang)))
    return out
