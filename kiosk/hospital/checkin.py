"""Hospital check-in with the chip ID card: insurance check → specialty → queue number → exam slip data.

The reception flow of letter 931/BYT-BH (28 Feb 2022) as provincial hospitals run it: the chip replaces the
BHYT card; on code 000 the patient picks a specialty and gets a numbered exam slip; on any other code the kiosk
never dead-ends: a new card is re-checked, a refused or unreachable gateway is retried and the technician
alerted, and everything else ends with a reception-counter ticket that says why.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import yaml

from devices.card.identity import Identity
from kiosk.catalogue.model import LocalText
from kiosk.hospital.insurance import (
    UNAVAILABLE,
    CodeMeaning,
    InsuranceAction,
    InsuranceCheckResult,
    InsuranceGateway,
    InsuranceQuery,
    InsuranceUnavailableError,
)
from kiosk.hospital.queue_numbers import SqliteQueueNumbers

log = logging.getLogger(__name__)
SHIPPED_SPECIALTIES = Path(__file__).with_name("specialties.yaml")


class SpecialtiesInvalidError(ValueError):
    message_key = "hospital.specialties_refused"


@dataclass(frozen=True)
class Specialty:
    code: str
    name: LocalText
    room: str
    floor: str
    doctors: int = 1
    icon: str = ""


@dataclass(frozen=True)
class Specialties:
    clinics: tuple[Specialty, ...]
    counter: Specialty

    def get(self, code: str) -> Specialty:
        for s in (*self.clinics, self.counter):
            if s.code == code:
                return s
        raise KeyError(code)


def load_specialties(path: Path | None = None) -> Specialties:
    path = path or SHIPPED_SPECIALTIES
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        clinics = tuple(_specialty(s) for s in raw["specialties"])
        counter = _specialty(raw["counter"])
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError) as exc:
        raise SpecialtiesInvalidError(f"{path}: {type(exc).__name__}: {exc}") from exc
    if not clinics:
        raise SpecialtiesInvalidError(f"{path}: no specialties")
    return Specialties(clinics, counter)


def _specialty(raw: dict[str, object]) -> Specialty:
    doctors = raw.get("doctors", 1)
    if not isinstance(doctors, int) or doctors < 1:
        raise ValueError(f"{raw.get('code')}: doctors must be a whole number ≥ 1")
    return Specialty(str(raw["code"]), LocalText(str(raw["vi"]), str(raw["en"])), str(raw["room"]),
                     str(raw["floor"]), doctors, str(raw.get("icon", "")))


@dataclass(frozen=True)
class InsuranceDecision:
    """What the check-in screen does next, and the sentence (message key) it tells the patient."""

    action: InsuranceAction
    message_key: str
    result: InsuranceCheckResult | None   # None when the gateway could not be reached
    self_pay_possible: bool = False
    technician_alert: bool = False        # 401 or unreachable: the kiosk's link or credentials need a look


@dataclass(frozen=True)
class ExamTicket:
    """The data of one numbered slip; `to_queue_ticket_data` turns it into the printer's document."""

    queue_number: str
    number: int
    visit_id: str
    specialty: Specialty
    patient_name: str = field(repr=False)
    id_number: str = field(repr=False)
    birth_year: int | None = field(default=None, repr=False)
    sex: str = field(default="", repr=False)   # "M", "F" or ""
    patient_type: str = "insurance"             # "insurance" | "self_pay"
    insurance: InsuranceCheckResult | None = None
    reason_key: str = ""                        # counter tickets: why the patient goes to the counter
    people_ahead: int = 0
    estimated_wait_min: int = 0
    issued_at: datetime = field(default_factory=datetime.now)


class HospitalCheckIn:
    def __init__(self, gateway: InsuranceGateway, queue: SqliteQueueNumbers, specialties: Specialties,
                 minutes_per_patient: float, clock: Callable[[], datetime] = datetime.now) -> None:
        self._gateway = gateway
        self._queue = queue
        self.specialties = specialties
        self._minutes = minutes_per_patient
        self._clock = clock

    def check_insurance(self, identity: Identity, card_number: str = "") -> InsuranceDecision:
        """Check the card behind this ID (or a given BHYT card code, e.g. the new card after 003/004)."""
        birth = identity.date_of_birth.strftime("%d/%m/%Y") if identity.date_of_birth else ""
        query = InsuranceQuery(card_number or identity.id_number, identity.full_name, birth)
        try:
            result = self._gateway.check(query)
        except InsuranceUnavailableError:
            log.warning("insurance gateway unreachable; technician alerted")
            return _decision(UNAVAILABLE, None, alert=True)
        log.info("insurance check result %s", result.code)
        if result.action is InsuranceAction.NEW_CARD and result.new_card_number and not card_number:
            again = self.check_insurance(identity, result.new_card_number)
            if again.action is InsuranceAction.PROCEED:
                return again
            return _decision(result.meaning, result)
        return _decision(result.meaning, result, alert=result.action is InsuranceAction.RETRY)

    def issue_ticket(self, identity: Identity, specialty_code: str, decision: InsuranceDecision) -> ExamTicket:
        """A number for a clinic after a valid check; any other outcome gets a counter ticket instead."""
        if decision.action is not InsuranceAction.PROCEED:
            return self.issue_counter_ticket(identity, decision)
        return self._ticket(identity, self.specialties.get(specialty_code), "insurance", decision.result, "")

    def issue_counter_ticket(self, identity: Identity | None, decision: InsuranceDecision | None) -> ExamTicket:
        return self._ticket(identity, self.specialties.counter, "self_pay",
                            decision.result if decision else None, decision.message_key if decision else "")

    def _ticket(self, identity: Identity | None, specialty: Specialty, patient_type: str,
                result: InsuranceCheckResult | None, reason: str) -> ExamTicket:
        allocation = self._queue.allocate(specialty.code)
        wait = math.ceil(allocation.people_ahead * self._minutes / max(1, specialty.doctors))
        dob = identity.date_of_birth if identity else None
        now = self._clock()
        return ExamTicket(
            queue_number=f"{allocation.number:03d}", number=allocation.number,
            visit_id=f"{now:%y%m%d}-{specialty.code}-{allocation.number:04d}", specialty=specialty,
            patient_name=identity.full_name if identity else "", id_number=identity.id_number if identity else "",
            birth_year=dob.year if isinstance(dob, date) else None,
            sex=identity.sex if identity and identity.sex in ("M", "F") else "", patient_type=patient_type,
            insurance=result, reason_key=reason, people_ahead=allocation.people_ahead, estimated_wait_min=wait,
            issued_at=now,
        )


def _decision(meaning: CodeMeaning, result: InsuranceCheckResult | None, alert: bool = False) -> InsuranceDecision:
    return InsuranceDecision(meaning.action, meaning.message_key, result, meaning.self_pay, alert)

