"""A hospital check-in shaped like a form, so the kiosk's one journey (steps → review → submit → print) carries it.

The patient confirms the chip's details (the catalogue's form steps), then picks a clinic as one more step; "send"
runs the insurance check and takes a number (kiosk.hospital, services.md §2); the printed document is the exam slip
(or a reception-counter ticket saying why, when the insurance check says anything but "valid").
Beside the form path, a patient with an appointment booked on the hospital's system checks in with one tap
(`appointments`, then `issue_booked`), and the done screen can read the "people ahead" again (`refresh_queue`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.forms.engine import FormSession
from kiosk.forms.views import ChoiceView, FieldError, FieldView, StepView
from kiosk.i18n import Language, Translator, language_of

if TYPE_CHECKING:
    from devices.card.identity import Identity
    from kiosk.config import KioskConfig
    from kiosk.hospital.checkin import (
        AppointmentLookup,
        ExamTicket,
        HospitalCheckIn,
        InsuranceDecision,
        QueueRefresh,
    )
    from printing.documents import RenderedDocument

SPECIALTY = "specialty"


class AppointmentGoneError(LookupError):
    """The tapped appointment is not (or no longer) booked for this patient today."""

    def __init__(self, message_key: str) -> None:
        super().__init__(message_key)
        self.message_key = message_key


class CardNeededError(RuntimeError):
    """The insurance look-up is keyed by the chip's ID number: a visit begun without a card read cannot check in."""

    message_key = "card.no_card"


@dataclass(frozen=True)
class TicketOutcome:
    """Shaped like `SubmitOutcome` so the submit screen treats both alike; the number is the "file code"."""

    kind: str
    submission_id: str
    message_key: str
    file_code: str
    due_at: str | None = None
    counter: bool = False
    hospital_status: str = "not_linked"   # confirmed | unconfirmed | not_linked (see ExamTicket)


class HospitalVisit:
    def __init__(self, checkin: HospitalCheckIn, form: FormSession, catalogue: dict[str, dict[str, str]]) -> None:
        self.checkin = checkin
        self.form = form
        self.service = form.service
        self._tr = Translator(language=form.language, catalogue=catalogue)
        self.specialty = ""
        self._picked = False
        self.ticket: ExamTicket | None = None
        self.decision: InsuranceDecision | None = None

    # ---- the form's face -----------------------------------------------------------------------------------
    @property
    def language(self) -> Language:
        return self.form.language

    def set_language(self, language: Language) -> None:
        self.form.set_language(language)
        self._tr.language = language

    def identity(self) -> Identity | None:
        return self.form.identity()

    @property
    def at_review(self) -> bool:
        return self.form.at_review and self._picked

    def current_step(self) -> StepView:
        if not self.form.at_review:
            view = self.form.current_step()
            return StepView(view.id, view.title, view.fields, view.index, view.count + 1, False, view.part_name)
        lang = self.language
        choices = tuple(ChoiceView(s.code, s.name.get(lang)) for s in self.checkin.specialties.clinics)
        label = next((c.label for c in choices if c.value == self.specialty), "")
        field = FieldView(key=SPECIALTY, type="choice", label=self._tr.text("ui.hospital_specialty"), help="",
                          required=True, value=self.specialty or None, display=label, choices=choices)
        count = self.form.step_count + 1
        return StepView(SPECIALTY, self._tr.text("ui.hospital_specialty"), (field,), count, count, True)

    def set_value(self, key: str, raw: object) -> FieldError | None:
        if key == SPECIALTY:
            self.specialty = str(raw or "")
            return None
        return self.form.set_value(key, raw)

    def next(self) -> list[FieldError]:
        if not self.form.at_review:
            return self.form.next()
        if not self.specialty:
            return [FieldError(SPECIALTY, "forms.required", self._tr.text("forms.required"))]
        self._picked = True
        return []

    def back(self) -> bool:
        if self._picked:
            self._picked = False
            return True
        return self.form.back()

    def review_sentences(self, lang: Language | None = None) -> list[str]:
        language = lang or self.language
        sentences = list(self.form.review_sentences(language))
        if self.specialty:
            name = self.checkin.specialties.get(self.specialty).name.get(language)
            tr = Translator(language=language, catalogue=self._tr.catalogue)
            sentences.append(tr.text("ui.hospital_review_specialty", name=name))
        return sentences

    def confirm(self) -> None:
        self.form.confirm()

    # ---- check-in ------------------------------------------------------------------------------------------
    def issue(self, submission_id: str) -> TicketOutcome:
        identity = self.identity()
        if identity is None:
            raise CardNeededError("a hospital check-in needs the identity read from the chip")
        self.decision = self.checkin.check_insurance(identity)
        self.ticket = self.checkin.issue_ticket(identity, self.specialty, self.decision)
        return self._outcome(submission_id, self.decision.message_key)

    def _outcome(self, submission_id: str, message_key: str) -> TicketOutcome:
        assert self.ticket is not None
        counter = self.ticket.specialty.code == self.checkin.specialties.counter.code
        if self.ticket.hospital_status == "unconfirmed":
            message_key = "hospital.ticket_unconfirmed"
        return TicketOutcome("sent", submission_id, message_key, self.ticket.queue_number, counter=counter,
                             hospital_status=self.ticket.hospital_status)

    def appointments(self) -> AppointmentLookup:
        """Today's appointments booked for the card's ID number on the hospital's system."""
        identity = self.identity()
        if identity is None:
            raise CardNeededError("appointments are found by the identity read from the chip")
        return self.checkin.find_appointments(identity)

    def issue_booked(self, appointment_id: str, submission_id: str) -> TicketOutcome:
        """One tap on a booked appointment: insurance check, a number for its clinic, the arrival recorded.
        An appointment no longer booked raises `AppointmentGoneError` (the list is shown again)."""
        identity = self.identity()
        if identity is None:
            raise CardNeededError("a hospital check-in needs the identity read from the chip")
        result = self.checkin.check_in_appointment(identity, appointment_id)
        if result.ticket is None:
            raise AppointmentGoneError(result.message_key)
        self.ticket, self.decision = result.ticket, result.decision
        self.specialty = result.ticket.specialty.code if result.status != "counter" else self.specialty
        return self._outcome(submission_id, result.message_key)

    def refresh_queue(self) -> QueueRefresh | None:
        """Read the ticket's "people ahead" again (None before a ticket); the ticket kept here is updated."""
        if self.ticket is None:
            return None
        refreshed = self.checkin.refresh_queue(self.ticket)
        self.ticket = refreshed.ticket
        return refreshed

    def ticket_document(self, config: KioskConfig, language: str) -> RenderedDocument:
        from kiosk.hospital.ticket import to_queue_ticket_data
        from kiosk.receipts.documents import issuer_for
        from printing.ticket import render_queue_ticket

        if self.ticket is None:
            raise RuntimeError("the exam ticket is printed only after issue() gave one")
        lang: Language = language_of(language)
        notes: tuple[str, ...] = ()
        if self.ticket.hospital_status == "unconfirmed":
            notes = (Translator(language=lang, catalogue=self._tr.catalogue).text("hospital.ticket_unconfirmed"),)
        data = to_queue_ticket_data(self.ticket, issuer_for(config, hospital=True), lang, notes)
        return render_queue_ticket(data, config.printer.paper)

    def wipe(self) -> None:
        self.form.wipe()
        self.specialty = ""
        self._picked = False
        self.ticket = None
        self.decision = None
