"""The form engine: one citizen, one catalogue service, walked step by step; no Qt, so the UI only renders.

Usage (the UI's whole contract)::

    form = FormSession(service, identity, clock, form_settings(config), language="vi", translator=tr)
    view = form.current_step()        # StepView: title, fields (label, help, value, prefilled, error, choices)
    form.set_value("applicant.phone", "0912 345 678")   # -> FieldError | None; the value is cleaned (NFC, title case…)
    errors = form.next()              # [] and moves on, or the step's FieldErrors (nothing moves)
    form.back()                       # one step back (from the review, back to the last step)
    form.at_review                    # True once every step is answered
    form.field_error(key)             # one stored answer checked alone (a journey asking fact by fact)
    form.finish()                     # [] and straight to the review, or every problem left (nothing moves)
    form.review_sentences("vi")       # plain sentences to show and read aloud
    form.confirm()                    # the citizen agreed (consent time recorded)
    form.payload()                    # the portal request body (kiosk ↔ provincial system)
    form.attachment_pages()           # scanned pages per component code, for upload
    form.wipe()                       # forget everything (card removed, timeout, done)

Rules it implements: prefill from the chip (DG13: prefill, then ask to confirm), conditional steps and
fields, computed fee and appointment date (working days), "declare once" (WCAG 2.2 SC 3.3.7 Redundant Entry; the
combined-procedure e-form of Decree 63/2024 Art. 5): a field key is asked in the first step that holds it and in
no later step, also across the linked procedures of a combined service.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime

from devices.card.identity import Identity
from kiosk.catalogue.holidays import load_holidays
from kiosk.catalogue.model import FieldSpec, Lang, ServiceSpec, StepSpec
from kiosk.forms import address
from kiosk.forms.fields import (
    FieldProblem,
    ScannedPage,
    id_number_mismatch,
    is_empty,
    load_id_province_codes,
    normalise,
)
from kiosk.forms.settings import FormIncompleteError, FormSettings, form_settings
from kiosk.forms.views import ChoiceView, FieldError, FieldView, StepView, display_value
from kiosk.i18n import Translator

__all__ = ["FormIncompleteError", "FormSession", "FormSettings", "form_settings"]


_NOT_YET_WRONG = frozenset({"forms.address_ward", "forms.address_street"})


class FormSession:
    def __init__(self, service: ServiceSpec, identity: Identity | None, clock: Callable[[], datetime],
                 settings: FormSettings | None = None, *, language: Lang = "vi",
                 translator: Translator | None = None) -> None:
        self.service = service
        self.settings = settings or FormSettings()
        self._identity = identity
        self._clock = clock
        # Sharing the kiosk's message catalogue saves re-reading every message file per citizen.
        self._tr = Translator(language, translator.catalogue) if translator else Translator(language=language)
        self._holidays = self.settings.holidays or load_holidays()
        self._id_provinces = load_id_province_codes()
        self._values: dict[str, object] = {}
        self._prefilled: set[str] = set()
        self._errors: dict[str, FieldError] = {}
        self._step_id = ""
        self._at_review = False
        self._confirmed_at: datetime | None = None
        self._prefill()
        steps = self._visible_steps()
        self._step_id = steps[0][0].id if steps else ""

    # ----- language -----
    @property
    def language(self) -> Lang:
        return self._tr.language

    def set_language(self, language: Lang) -> None:
        self._tr.language = language
        self._errors = {k: self._error(e.field, e.message_key, dict(e.params)) for k, e in self._errors.items()}

    # ----- prefill -----
    def _prefill(self) -> None:
        seen: set[str] = set()
        for spec in self.service.all_fields():
            if spec.key in seen:
                continue
            seen.add(spec.key)
            if spec.default is not None:
                self._values[spec.key] = spec.default
            raw = getattr(self._identity, spec.prefill, None) if spec.prefill and self._identity else None
            if raw is None or raw == "":
                continue
            value: object = raw
            if spec.type == "address" and isinstance(raw, str):
                value = address.parse_address(raw) or {"province_code": None, "ward_code": None, "street": raw}
            else:
                try:
                    value = normalise(spec, raw, self._id_provinces)
                except FieldProblem:
                    value = raw  # shown as read from the chip; the citizen corrects it and the check runs then
            self._values[spec.key] = value
            self._prefilled.add(spec.key)

    def is_prefilled(self, key: str) -> bool:
        return key in self._prefilled

    # ----- steps and fields -----
    def _visible_steps(self) -> list[tuple[StepSpec, list[FieldSpec]]]:
        """Steps whose condition holds, each with the fields it asks; a key already asked is not asked again."""
        asked: set[str] = set()
        out: list[tuple[StepSpec, list[FieldSpec]]] = []
        values = self.values()
        for step in self.service.steps:
            if step.when is not None and not step.when.holds(values):
                continue
            if not self.service.part_active(step.part, values):  # outside the scope the declarant chose
                continue
            shown = [f for f in step.fields
                     if f.key not in asked and (f.when is None or f.when.holds(values))]
            asked.update(f.key for f in shown)
            if shown:
                out.append((step, shown))
        return out

    def _position(self) -> tuple[int, list[tuple[StepSpec, list[FieldSpec]]]]:
        steps = self._visible_steps()
        for i, (step, _) in enumerate(steps):
            if step.id == self._step_id:
                return i, steps
        # The current step vanished (an answer changed a condition): stay at the nearest earlier one.
        order = [s.id for s in self.service.steps]
        mine = order.index(self._step_id) if self._step_id in order else 0
        earlier = [i for i, (s, _) in enumerate(steps) if order.index(s.id) <= mine]
        index = earlier[-1] if earlier else 0
        self._step_id = steps[index][0].id if steps else ""
        return index, steps

    @property
    def step_index(self) -> int:
        """0-based position of the current step among the steps the citizen will see."""
        return self._position()[0]

    @property
    def step_count(self) -> int:
        return len(self._visible_steps())

    @property
    def at_review(self) -> bool:
        return self._at_review

    def current_step(self) -> StepView:
        index, steps = self._position()
        step, fields = steps[index]
        part = next((p.name.get(self.language) for p in self.service.procedures if p.part and p.part == step.part), "")
        return StepView(step.id, step.title.get(self.language), tuple(self._field_view(f) for f in fields),
                        index + 1, len(steps), index == len(steps) - 1, part)

    def _field_view(self, spec: FieldSpec) -> FieldView:
        lang = self.language
        value = self.value(spec.key)
        choices = tuple(ChoiceView(c.value, c.label.get(lang)) for c in spec.choices)
        wards: tuple[ChoiceView, ...] = ()
        if spec.type == "address":
            choices = tuple(ChoiceView(str(u.code), u.name) for u in address.provinces())
            province = value.get("province_code") if isinstance(value, dict) else None
            if isinstance(province, int):
                wards = tuple(ChoiceView(str(u.code), u.name) for u in address.wards(province))
        return FieldView(
            key=spec.key, type=spec.type, label=spec.label.get(lang),
            help=spec.help.get(lang) if spec.help else "", required=spec.required, value=value,
            display=display_value(spec, value, lang, self._tr), prefilled=spec.key in self._prefilled,
            readonly=spec.type == "computed", error=self._errors.get(spec.key), choices=choices, wards=wards,
            sub_fields=tuple(self._sub_view(s) for s in spec.fields),
        )

    def _sub_view(self, spec: FieldSpec) -> FieldView:
        lang = self.language
        return FieldView(spec.key, spec.type, spec.label.get(lang), spec.help.get(lang) if spec.help else "",
                         spec.required, None, "", choices=tuple(ChoiceView(c.value, c.label.get(lang))
                                                                for c in spec.choices))

    # ----- values -----
    def _spec(self, key: str) -> FieldSpec:
        for spec in self.service.all_fields():
            if spec.key == key:
                return spec
        raise KeyError(key)

    def values(self) -> dict[str, object]:
        """Every answer so far, computed fields included (a copy)."""
        out = dict(self._values)
        for spec in self.service.all_fields():
            if spec.type == "computed":
                out[spec.key] = self._computed(spec, out)
        return out

    def value(self, key: str) -> object:
        spec = self._spec(key)
        return self._computed(spec, self._values) if spec.type == "computed" else self._values.get(key)

    def fee(self) -> int:
        return self.service.fees.amount(self._values)

    def appointment_date(self) -> date:
        return self._holidays.add_working_days(self._clock().date(), self.service.processing_working_days)

    def _computed(self, spec: FieldSpec, values: dict[str, object]) -> object:
        if spec.compute == "fee":
            return self.service.fees.amount(values)
        if spec.compute == "appointment_date":
            return self.appointment_date()
        if spec.template is None:
            return ""

        def fill(match: re.Match[str]) -> str:
            key = match.group(1)
            try:
                return display_value(self._spec(key), values.get(key), "vi", self._tr)
            except KeyError:
                return ""
        return re.sub(r"\{([\w.]+)\}", fill, spec.template.vi)

    def set_value(self, key: str, raw: object) -> FieldError | None:
        """Store one answer, cleaned; returns the problem to show under the field, if any."""
        spec = self._spec(key)
        if spec.type == "computed":
            raise KeyError(f"{key} is computed")
        if raw != self._values.get(key):
            self._prefilled.discard(key)  # the citizen changed what the chip said: no longer "only confirm"
        self._at_review = False
        self._confirmed_at = None
        if is_empty(raw):
            self._values.pop(key, None)
            self._errors.pop(key, None)
            return None
        problem = self._clean(spec, raw)
        if isinstance(problem, FieldError):
            self._values[key] = raw
            if problem.message_key in _NOT_YET_WRONG:
                self._errors.pop(key, None)  # a province picked, the ward still to come: not a mistake yet
                return None
            self._errors[key] = problem
            return problem
        self._values[key] = problem
        self._errors.pop(key, None)
        return None

    def _clean(self, spec: FieldSpec, raw: object, where: str = "") -> object:
        where = where or spec.key
        if spec.type == "group":
            return self._clean_group(spec, raw, where)
        try:
            return normalise(spec, raw, self._id_provinces)
        except FieldProblem as problem:
            return self._error(where, problem.message_key, problem.params)

    def _clean_group(self, spec: FieldSpec, raw: object, where: str) -> object:
        if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
            return self._error(where, "forms.group_item_missing", {})
        items: list[dict[str, object]] = []
        for i, item in enumerate(raw):
            clean: dict[str, object] = {}
            for sub in spec.fields:
                value = item.get(sub.key)
                if is_empty(value):
                    if sub.required:
                        return self._error(f"{where}[{i}].{sub.key}", "forms.group_item_missing",
                                           {"n": i + 1, "label": sub.label.get(self.language)})
                    continue
                result = self._clean(sub, value, f"{where}[{i}].{sub.key}")
                if isinstance(result, FieldError):
                    return self._error(result.field, "forms.group_item_problem",
                                       {"n": i + 1, "label": sub.label.get(self.language), "problem": result.text})
                clean[sub.key] = result
            items.append(clean)
        return items

    def _error(self, where: str, key: str, params: dict[str, object]) -> FieldError:
        return FieldError(where, key, self._tr.text(key, **params) if params else self._tr.text(key), params)

    # ----- navigation -----
    def next(self) -> list[FieldError]:
        """Check the current step; if it is fine, move to the next one (or to the review after the last)."""
        index, steps = self._position()
        errors = self._check(steps[index][1])
        if errors:
            return errors
        index, steps = self._position()  # answers can change which steps follow
        if index + 1 < len(steps):
            self._step_id = steps[index + 1][0].id
        else:
            self._at_review = True
        return []

    def back(self) -> bool:
        """One step back; False when already at the first step (the UI then leaves the form)."""
        if self._at_review:
            self._at_review = False
            return True
        index, steps = self._position()
        if index == 0:
            return False
        self._step_id = steps[index - 1][0].id
        return True

    def field_error(self, key: str) -> FieldError | None:
        """The problem with one stored answer, if any (its own check and the rules that look at the day or at other
        answers), as `next()` would find it; a journey asks one fact per screen and checks it alone."""
        errors = self._check([self._spec(key)])
        return errors[0] if errors else None

    def finish(self) -> list[FieldError]:
        """Go straight to the review when every shown fact checks out (a journey that asks fact by fact does not
        walk the steps with `next()`); otherwise nothing moves and the problems are returned."""
        errors = self.check_all()
        if not errors:
            self._at_review = True
        return errors

    def check_all(self) -> list[FieldError]:
        return [e for _, fields in self._visible_steps() for e in self._check(fields)]

    def _check(self, fields: list[FieldSpec]) -> list[FieldError]:
        errors: list[FieldError] = []
        today = self._clock().date()
        for spec in fields:
            if spec.type == "computed":
                continue
            value = self._values.get(spec.key)
            error = self._errors.get(spec.key)
            if error is None and is_empty(value) and spec.required:
                error = self._error(spec.key, "forms.required", {})
            elif error is None and value is not None:
                # Re-check what was stored unchecked (a chip value that failed its check at prefill).
                cleaned = self._clean(spec, value)
                if isinstance(cleaned, FieldError):
                    error = cleaned
                else:
                    self._values[spec.key] = cleaned
                    error = self._rules(spec, cleaned, today)
            if spec.type == "group" and isinstance(value, list) and error is None:
                if spec.minimum is not None and len(value) < spec.minimum:
                    error = self._error(spec.key, "forms.group_min", {"limit": spec.minimum})
                if spec.maximum is not None and len(value) > spec.maximum:
                    error = self._error(spec.key, "forms.group_max", {"limit": spec.maximum})
            if error is not None:
                self._errors[spec.key] = error
                errors.append(error)
        return errors

    def _rules(self, spec: FieldSpec, value: object, today: date) -> FieldError | None:
        """Checks that look at the day or at other answers, run when the citizen moves on."""
        if isinstance(value, date):
            if spec.past and value > today:
                return self._error(spec.key, "forms.date_not_future", {})
            if spec.future and value < today:
                return self._error(spec.key, "forms.date_not_past", {})
            other = self._values.get(spec.after) if spec.after else None
            if isinstance(other, date) and value <= other:
                label = self._spec(spec.after).label.get(self.language)
                return self._error(spec.key, "forms.date_after", {"other": label})
        if spec.per_person is not None and isinstance(value, int) and not isinstance(value, bool):
            needed = spec.per_person.needed(self._values)
            if value < needed:
                return self._error(spec.key, "forms.per_person_min",
                                   {"each": spec.per_person.each, "needed": needed})
        if spec.type == "id_number" and isinstance(value, str):
            if spec.check_against_chip and self._identity is not None:
                if self._identity.id_number and value != self._identity.id_number:
                    return self._error(spec.key, "forms.id_chip_mismatch", {})
                problem = id_number_mismatch(value, self._identity.sex, self._identity.date_of_birth)
            else:
                problem = id_number_mismatch(value, self._values.get(spec.sex_field) if spec.sex_field else None,
                                             self._values.get(spec.dob_field) if spec.dob_field else None)
            if problem:
                return self._error(spec.key, problem, {})
        return None

    # ----- end of the form -----
    def confirm(self) -> None:
        """The citizen has read the review and agreed to submit (the consent time goes into the payload)."""
        if not self._at_review or self.check_all():
            raise FormIncompleteError("confirm before the review")
        self._confirmed_at = self._clock()

    @property
    def confirmed_at(self) -> datetime | None:
        return self._confirmed_at

    def shown_fields(self) -> list[tuple[StepSpec, list[FieldSpec]]]:
        return self._visible_steps()

    def identity(self) -> Identity | None:
        return self._identity

    def translator(self) -> Translator:
        return self._tr

    def review_sentences(self, lang: Lang | None = None) -> list[str]:
        from kiosk.forms.payload import review_sentences

        return review_sentences(self, lang or self.language)

    def payload(self) -> dict[str, object]:
        from kiosk.forms.payload import build_payload

        return build_payload(self)

    def attachment_pages(self) -> dict[str, list[ScannedPage]]:
        from kiosk.forms.payload import attachment_pages

        return attachment_pages(self)

    def wipe(self) -> None:
        self._values.clear()
        self._prefilled.clear()
        self._errors.clear()
        self._identity = None
        self._confirmed_at = None
        self._at_review = False
