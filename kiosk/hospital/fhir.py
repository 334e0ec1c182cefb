"""The hospital's system over HL7 FHIR R4 (4.0.1) REST, JSON (`application/fhir+json`).

What the kiosk writes:
- **Patient**, by conditional create (`POST /Patient` with `If-None-Exist: identifier=<system>|<CCCD number>`,
  FHIR R4 §3.1.0.8.1), so a second visit finds the first one's record instead of making a duplicate. Identifiers
  use the Vietnamese core guide's naming systems (VIETNAM_TIME Core IG, draft, Ministry of Health IT department):
  `…/sid/national_id` for the 12-digit personal ID number and `…/sid/insurance_number` for the BHYT card; name
  (family name first, as Vietnamese names are written), gender and birthDate come from the chip.
- **Encounter**, status `arrived`, class `AMB` (v3 ActCode: ambulatory), the clinic as `serviceType`, the visit
  number as identifier (conditional create again: a retried registration is not counted twice) and the queue
  number in the `queue-number` extension; `appointment` points at the booked Appointment when there is one.
- **Appointment** check-in: read, `status` set to `arrived`, written back with `If-Match` on its version.

What it reads:
- `GET Appointment?patient.identifier=<system>|<CCCD>&date=<day>&status=booked` (a chained search).
- `GET Encounter/<id>/$queue-position`, an operation of the hospital's FHIR endpoint (not part of the base
  specification) answering a `Parameters` resource: `status` (code), `ahead` (integer: patients of the same clinic
  and day still waiting with a lower number) and `serving` (integer: the highest number called so far).

Resources are plain dictionaries: the shapes are checked in the tests against the `fhir.resources` models
(R4B, which has the same Patient, Encounter, Appointment and Parameters as R4). Every exchange is bounded like
the other back ends (`kiosk.portal.transport`: deadline, size cap, no redirects followed, since a redirect would
carry the citizen's details elsewhere).
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import requests

from kiosk.hospital.system import (
    BookedAppointment,
    HospitalSystemError,
    PatientDetails,
    QueueProgress,
    VisitRegistration,
    VisitRequest,
    VisitStatus,
)
from kiosk.portal.transport import (
    AnswerTooLarge,
    DeadlineExceeded,
    Redirected,
    UnaskedEncoding,
    bounded_session,
    exchange,
)
from kiosk.vietnam import VIETNAM_TIME

if TYPE_CHECKING:
    from kiosk.config import KioskConfig

log = logging.getLogger(__name__)

FHIR_JSON = "application/fhir+json"
NATIONAL_ID_SYSTEM = "http://fhir.ehealth.gov.vn/core/sid/national_id"
INSURANCE_ID_SYSTEM = "http://fhir.ehealth.gov.vn/core/sid/insurance_number"
IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
DEFAULT_CODE_BASE = "http://hospital.invalid/fhir"  # the reserved .invalid name: each hospital sets its own
_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")  # FHIR R4 `id` datatype
_GENDER = {"M": "male", "F": "female", "X": "other"}
_STATUSES: tuple[VisitStatus, ...] = ("arrived", "in-progress", "finished", "cancelled")


def fhir_instant(moment: datetime) -> str:
    """A dateTime with its zone; a kiosk clock without one is Vietnam time, as receipts print it."""
    return (moment if moment.tzinfo is not None else moment.replace(tzinfo=VIETNAM_TIME)).isoformat(timespec="seconds")


@dataclass(frozen=True)
class CodeSystems:
    """The identifier systems and the hospital's own code systems, all URIs."""

    national_id: str = NATIONAL_ID_SYSTEM
    insurance: str = INSURANCE_ID_SYSTEM
    code_base: str = DEFAULT_CODE_BASE

    @property
    def specialty(self) -> str:
        return f"{self.code_base.rstrip('/')}/CodeSystem/specialty"

    @property
    def visit(self) -> str:
        return f"{self.code_base.rstrip('/')}/sid/visit"

    @property
    def queue_number(self) -> str:
        return f"{self.code_base.rstrip('/')}/StructureDefinition/queue-number"


# ---- resources -------------------------------------------------------------------------------------------------
def patient_resource(patient: PatientDetails, systems: CodeSystems) -> dict[str, Any]:
    identifiers: list[dict[str, Any]] = [{
        "use": "official", "system": systems.national_id, "value": patient.id_number,
        "type": {"coding": [{"system": IDENTIFIER_TYPE, "code": "NI"}], "text": "CCCD"}}]
    if patient.insurance_number:
        identifiers.append({"use": "secondary", "system": systems.insurance, "value": patient.insurance_number,
                            "type": {"coding": [{"system": IDENTIFIER_TYPE, "code": "MB"}], "text": "BHYT"}})
    resource: dict[str, Any] = {"resourceType": "Patient", "identifier": identifiers, "active": True,
                                "gender": _GENDER.get(patient.sex, "unknown")}
    words = patient.full_name.split()
    if words:
        name: dict[str, Any] = {"use": "official", "text": " ".join(words), "family": words[0]}
        if len(words) > 1:
            name["given"] = [" ".join(words[1:])]
        resource["name"] = [name]
    if patient.birth_date is not None:
        resource["birthDate"] = patient.birth_date.isoformat()
    return resource


def encounter_resource(patient_id: str, visit: VisitRequest, systems: CodeSystems) -> dict[str, Any]:
    start = visit.arrived_at or datetime.combine(visit.day, datetime.min.time())
    resource: dict[str, Any] = {
        "resourceType": "Encounter",
        "extension": [{"url": systems.queue_number, "valueInteger": visit.queue_number}],
        "identifier": [{"use": "usual", "system": systems.visit, "value": visit.visit_id}],
        "status": "arrived",
        "class": {"system": ACT_CODE, "code": "AMB", "display": "ambulatory"},
        "serviceType": {"coding": [{"system": systems.specialty, "code": visit.specialty_code,
                                    "display": visit.specialty_name}], "text": visit.specialty_name},
        "subject": {"reference": f"Patient/{patient_id}"},
        "period": {"start": fhir_instant(start)},
    }
    if visit.appointment_id:
        resource["appointment"] = [{"reference": f"Appointment/{visit.appointment_id}"}]
    return resource


def appointment_resource(patient_id: str, specialty_code: str, specialty_name: str, start: datetime, *,
                         systems: CodeSystems, description: str = "") -> dict[str, Any]:
    """A booked appointment as the hospital's own booking would store it (used by the simulator and tests)."""
    resource: dict[str, Any] = {
        "resourceType": "Appointment", "status": "booked",
        "serviceType": [{"coding": [{"system": systems.specialty, "code": specialty_code,
                                     "display": specialty_name}]}],
        "start": fhir_instant(start),
        "participant": [{"actor": {"reference": f"Patient/{patient_id}"}, "status": "accepted"}],
    }
    if description:
        resource["description"] = description
    return resource


def parse_appointment(resource: dict[str, Any], systems: CodeSystems) -> BookedAppointment | None:
    ident = resource.get("id")
    if resource.get("resourceType") != "Appointment" or not isinstance(ident, str) or not _ID.fullmatch(ident):
        return None
    code = ""
    for concept in _list(resource.get("serviceType")) + _list(resource.get("specialty")):
        codings = _list(concept.get("coding")) if isinstance(concept, dict) else []
        found = [c for c in codings if isinstance(c, dict) and c.get("system") == systems.specialty]
        if found:
            code = str(found[0].get("code", ""))
            break
    start = None
    if isinstance(resource.get("start"), str):
        try:
            start = datetime.fromisoformat(resource["start"])
        except ValueError:
            start = None
    return BookedAppointment(ident, code, start, str(resource.get("description", ""))[:200])


def parse_queue_position(encounter_id: str, resource: Any) -> QueueProgress:
    if not isinstance(resource, dict) or resource.get("resourceType") != "Parameters":
        raise HospitalSystemError("$queue-position did not answer a Parameters resource")
    values: dict[str, Any] = {}
    for p in _list(resource.get("parameter")):
        if isinstance(p, dict) and isinstance(p.get("name"), str):
            values[p["name"]] = p.get("valueInteger", p.get("valueCode"))
    status = values.get("status")
    ahead = values.get("ahead")
    serving = values.get("serving", 0)
    if not isinstance(ahead, int) or isinstance(ahead, bool) or ahead < 0 or not isinstance(serving, int):
        raise HospitalSystemError("$queue-position answered no usable 'ahead'")
    known: VisitStatus = next((s for s in _STATUSES if s == status), "unknown")
    return QueueProgress(encounter_id, known, ahead, max(0, serving))


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def resource_id(resource: Any, kind: str, location: str = "") -> str:
    """The server's id of a created or found resource, from the body or else the Location header."""
    ident = resource.get("id") if isinstance(resource, dict) and resource.get("resourceType") == kind else None
    if not ident and location:
        parts = location.rstrip("/").split("/")
        if kind in parts and parts.index(kind) + 1 < len(parts):
            ident = parts[parts.index(kind) + 1]
    if not isinstance(ident, str) or not _ID.fullmatch(ident):
        raise HospitalSystemError(f"the hospital's system gave no usable {kind} id")
    return ident


# ---- the client ------------------------------------------------------------------------------------------------
@dataclass
class FhirHospitalSystem:
    base_url: str
    systems: CodeSystems = field(default_factory=CodeSystems)
    timeout_s: float = 5.0
    deadline_s: float = 8.0
    max_answer_bytes: int = 1_048_576
    session: requests.Session = field(default_factory=bounded_session, repr=False)

    @classmethod
    def from_config(cls, config: KioskConfig) -> FhirHospitalSystem:
        h = config.hospital
        if not h.system_url:
            raise HospitalSystemConfigError("hospital.system_url is needed for the fhir back end")
        return cls(h.system_url, CodeSystems(h.patient_id_system, h.insurance_id_system, h.code_base),
                   timeout_s=min(h.system_deadline_s, 5.0), deadline_s=h.system_deadline_s,
                   max_answer_bytes=h.system_max_answer_bytes)

    def _call(self, method: str, path: str, *, body: dict[str, Any] | None = None,
              params: dict[str, str] | None = None, headers: dict[str, str] | None = None,
              ok: tuple[int, ...] = (200,)) -> tuple[Any, str]:
        url = self.base_url.rstrip("/") + "/" + path
        sent = {"Accept": FHIR_JSON, **(headers or {})}
        data = None
        if body is not None:
            sent["Content-Type"] = f"{FHIR_JSON}; charset=utf-8"
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        try:
            answer = exchange(self.session, method, url, data=data, params=params, headers=sent,
                              timeout=self.timeout_s, deadline_s=self.deadline_s,
                              max_answer_bytes=self.max_answer_bytes)
        except Redirected as exc:
            log.error("hospital system answered HTTP %d redirecting to %s; not followed: check hospital.system_url",
                      exc.status, exc.target_origin)
            raise HospitalSystemError(f"redirected (HTTP {exc.status}); not followed") from None
        except DeadlineExceeded:
            raise HospitalSystemError(f"no whole answer within {self.deadline_s:g} s") from None
        except (AnswerTooLarge, UnaskedEncoding) as exc:
            raise HospitalSystemError(f"answer refused: {type(exc).__name__}") from None
        except requests.RequestException as exc:
            raise HospitalSystemError(f"unreachable: {type(exc).__name__}") from None
        if answer.status not in ok:
            # Only the resource kind and status: the query string may hold an ID number.
            kind = path.split("/", 1)[0]
            log.warning("hospital system answered HTTP %d to %s %s", answer.status, method, kind)
            raise HospitalSystemError(f"HTTP {answer.status} for {method} {kind}")
        try:
            content = json.loads(answer.content) if answer.content else None
        except (ValueError, RecursionError):
            raise HospitalSystemError("the answer is not JSON") from None
        return content, str(answer.headers.get("Location", ""))

    def _conditional_create(self, resource: dict[str, Any], search: str) -> str:
        kind = str(resource["resourceType"])
        content, location = self._call("POST", kind, body=resource, ok=(200, 201),
                                       headers={"If-None-Exist": search, "Prefer": "return=representation"})
        return resource_id(content, kind, location)

    def register_visit(self, patient: PatientDetails, visit: VisitRequest) -> VisitRegistration:
        patient_id = self._conditional_create(patient_resource(patient, self.systems),
                                              f"identifier={self.systems.national_id}|{patient.id_number}")
        if visit.appointment_id:
            self._mark_arrived(visit.appointment_id)
        encounter_id = self._conditional_create(encounter_resource(patient_id, visit, self.systems),
                                                f"identifier={self.systems.visit}|{visit.visit_id}")
        ahead: int | None
        try:
            ahead = self.queue_progress(encounter_id).people_ahead
        except HospitalSystemError:
            ahead = None  # registered all the same; the queue is read again later
        log.info("hospital system registered a visit to %s", visit.specialty_code)
        return VisitRegistration(patient_id, encounter_id, ahead)

    def _mark_arrived(self, appointment_id: str) -> None:
        if not _ID.fullmatch(appointment_id):
            raise HospitalSystemError("not an appointment id")
        current, _ = self._call("GET", f"Appointment/{appointment_id}")
        if not isinstance(current, dict) or current.get("resourceType") != "Appointment":
            raise HospitalSystemError("the appointment read back is not an Appointment")
        if current.get("status") == "arrived":
            return  # a retried check-in
        if current.get("status") != "booked":
            raise HospitalSystemError(f"the appointment is {str(current.get('status'))[:20]}, not booked")
        version = (current.get("meta") or {}).get("versionId") if isinstance(current.get("meta"), dict) else None
        headers = {"If-Match": f'W/"{version}"'} if isinstance(version, str) else {}
        self._call("PUT", f"Appointment/{appointment_id}", body={**current, "status": "arrived"}, headers=headers)

    def queue_progress(self, encounter_id: str) -> QueueProgress:
        if not _ID.fullmatch(encounter_id):
            raise HospitalSystemError("not an encounter id")
        content, _ = self._call("GET", f"Encounter/{encounter_id}/$queue-position")
        return parse_queue_position(encounter_id, content)

    def find_appointments(self, id_number: str, day: date) -> list[BookedAppointment]:
        content, _ = self._call("GET", "Appointment", params={
            "patient.identifier": f"{self.systems.national_id}|{id_number}", "date": day.isoformat(),
            "status": "booked"})
        if not isinstance(content, dict) or content.get("resourceType") != "Bundle":
            raise HospitalSystemError("the appointment search did not answer a Bundle")
        found = []
        for entry in _list(content.get("entry")):
            resource = entry.get("resource") if isinstance(entry, dict) else None
            booked = parse_appointment(resource, self.systems) if isinstance(resource, dict) else None
            if booked is not None and booked.specialty_code:
                found.append(booked)
        return sorted(found, key=lambda a: (a.start is None, a.start.timestamp() if a.start else 0.0))


class HospitalSystemConfigError(ValueError):
    """`hospital.system_backend = "fhir"` without `hospital.system_url`."""

    message_key = "hospital.system_unavailable"
