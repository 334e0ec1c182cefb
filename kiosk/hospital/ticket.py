"""Turning an ExamTicket into the printer's exam-slip document (`printing.QueueTicketData`).

The slip shows what hospital reception flows print (letter 931/BYT-BH practice): queue number, room, specialty, patient
type, masked BHYT number (masking is the printer's job), benefit %, validity, registered facility, people ahead.
"""

from __future__ import annotations

from typing import Literal

from kiosk.catalogue.model import Lang
from kiosk.hospital.checkin import ExamTicket
from printing.documents import Issuer, QueueTicketData

_SEX: dict[str, Literal["male", "female", ""]] = {"M": "male", "F": "female"}


def to_queue_ticket_data(ticket: ExamTicket, issuer: Issuer, language: Lang = "vi",
                         notes: tuple[str, ...] = ()) -> QueueTicketData:
    """`notes`: sentences already in `language`, printed under the next step (e.g. "number not yet confirmed")."""
    result = ticket.insurance
    insured = ticket.patient_type == "insurance" and result is not None
    return QueueTicketData(
        issuer=issuer, queue_number=ticket.queue_number, visit_id=ticket.visit_id,
        specialty_code=ticket.specialty.code, specialty=ticket.specialty.name.get(language),
        room=ticket.specialty.room, floor=ticket.specialty.floor, patient_name=ticket.patient_name,
        id_number=ticket.id_number, birth_year=ticket.birth_year, sex=_SEX.get(ticket.sex, ""),
        patient_type="insurance" if insured else "self_pay",
        insurance_number=result.card_number if insured and result else "",
        benefit_percent=result.benefit_percent if insured and result else None,
        insurance_valid_to=result.valid_to if insured and result else None,
        registered_facility=(result.registered_facility_name or result.registered_facility)
        if insured and result else "",
        people_ahead=ticket.people_ahead, estimated_wait_min=ticket.estimated_wait_min,
        issued_at=ticket.issued_at, language=language, extra_notes=notes,
    )
