"""The simulated hospital's records: Patients, Encounters and Appointments as FHIR R4 JSON, and its clinics' queues.

Shared by the in-process simulated back end (`simulated_system`) and the loopback HTTP simulator (`fhir_simulator`)
so both behave alike. It keeps what a hospital's system would: conditional create by identifier (a second match is
refused with 412, as FHIR R4 §3.1.0.8.1 requires for an ambiguous `If-None-Exist`), version ids checked on update
(`If-Match`), and for each clinic and day the queue of `arrived` encounters by queue number. The clinics call
their next patient every `call_every_s` seconds (or on `call_next`): the one being seen becomes `finished`, the
lowest waiting number `in-progress`.
"""

from __future__ import annotations

import itertools
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from kiosk.hospital.fhir import CodeSystems, appointment_resource, patient_resource
from kiosk.hospital.system import PatientDetails
from kiosk.vietnam import VIETNAM_TIME

ENCOUNTER_STATUSES = ("planned", "arrived", "triaged", "in-progress", "onleave", "finished", "cancelled",
                      "entered-in-error", "unknown")
APPOINTMENT_STATUSES = ("proposed", "pending", "booked", "arrived", "fulfilled", "cancelled", "noshow",
                        "entered-in-error", "checked-in", "waitlist")
KINDS = ("Patient", "Encounter", "Appointment")


class FhirRefused(Exception):
    """A request the store cannot carry out; answered as an OperationOutcome with this HTTP status."""

    def __init__(self, status: int, code: str, diagnostics: str) -> None:
        super().__init__(f"{status} {code}: {diagnostics}")
        self.status = status
        self.code = code
        self.diagnostics = diagnostics

    def outcome(self) -> dict[str, Any]:
        return operation_outcome(self.code, self.diagnostics)


def operation_outcome(code: str, diagnostics: str, severity: str = "error") -> dict[str, Any]:
    return {"resourceType": "OperationOutcome",
            "issue": [{"severity": severity, "code": code, "diagnostics": diagnostics}]}


@dataclass
class _Queue:
    last_step: datetime | None = None
    serving: int = 0


@dataclass
class FhirStore:
    systems: CodeSystems = field(default_factory=CodeSystems)
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(VIETNAM_TIME))
    call_every_s: float | None = 120.0   # None: the queue moves only on `call_next`
    _data: dict[str, dict[str, dict[str, Any]]] = field(default_factory=lambda: {k: {} for k in KINDS})
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _queues: dict[tuple[str, date], _Queue] = field(default_factory=dict)
    _lock: threading.RLock = field(default_factory=threading.RLock)

    def __post_init__(self) -> None:
        if self.call_every_s is not None and not (math.isfinite(self.call_every_s) and self.call_every_s > 0):
            raise ValueError(f"call_every_s must be a positive number of seconds, not {self.call_every_s!r}")

    def _now(self) -> datetime:
        now = self.clock()
        return now if now.tzinfo is not None else now.replace(tzinfo=VIETNAM_TIME)

    # ---- FHIR interactions ---------------------------------------------------------------------------------
    def create(self, kind: str, resource: Any, if_none_exist: str | None = None) -> tuple[int, dict[str, Any]]:
        """201 and the new resource, or 200 and the one `if_none_exist` (identifier=system|value) found."""
        checked = self._check(kind, resource)
        with self._lock:
            if if_none_exist is not None:
                found = self._by_identifier(kind, _identifier_query(if_none_exist))
                if len(found) > 1:
                    raise FhirRefused(412, "multiple-matches", "If-None-Exist matches more than one resource")
                if found:
                    return 200, found[0]
            ident = f"{kind[:3].lower()}-{next(self._ids)}"
            stored = {**checked, "id": ident, "meta": {"versionId": "1", "lastUpdated": self._now().isoformat()}}
            self._data[kind][ident] = stored
            if kind == "Encounter":
                self._queue_of(stored)  # the clinic's queue starts moving with its first patient
            return 201, stored

    def read(self, kind: str, ident: str) -> dict[str, Any]:
        with self._lock:
            self._advance_due()
            found = self._data.get(kind, {}).get(ident)
            if found is None:
                raise FhirRefused(404, "not-found", f"{kind}/{ident} is not known")
            return found

    def update(self, kind: str, ident: str, resource: Any, if_match: str | None = None) -> dict[str, Any]:
        checked = self._check(kind, resource)
        if checked.get("id") not in (None, ident):
            raise FhirRefused(400, "invalid", "the resource id differs from the address")
        with self._lock:
            current = self.read(kind, ident)
            version = current["meta"]["versionId"]
            if if_match is not None and if_match.strip().removeprefix("W/").strip('"') != version:
                raise FhirRefused(412, "conflict", f"{kind}/{ident} has changed (version {version})")
            stored = {**checked, "id": ident, "meta": {"versionId": str(int(version) + 1),
                                                       "lastUpdated": self._now().isoformat()}}
            self._data[kind][ident] = stored
            return stored

    def search(self, kind: str, params: dict[str, str]) -> dict[str, Any]:
        """A searchset Bundle; the parameters the kiosk uses: identifier, patient.identifier, date, status."""
        known = {"identifier", "patient.identifier", "date", "status", "_count"}
        unknown = set(params) - known
        if unknown:
            raise FhirRefused(400, "not-supported", f"search parameter {sorted(unknown)[0]!r} is not supported")
        with self._lock:
            self._advance_due()
            rows = list(self._data.get(kind, {}).values())
            if "identifier" in params:
                rows = self._by_identifier(kind, _identifier_query("identifier=" + params["identifier"]))
            if "patient.identifier" in params:
                patients = {p["id"] for p in self._by_identifier(
                    "Patient", _identifier_query("identifier=" + params["patient.identifier"]))}
                rows = [r for r in rows if _patient_of(r) in patients]
            if "date" in params:
                day = _day_param(params["date"])
                rows = [r for r in rows if _day_of(r) == day]
            if "status" in params:
                wanted = set(params["status"].split(","))
                rows = [r for r in rows if r.get("status") in wanted]
        return {"resourceType": "Bundle", "type": "searchset", "total": len(rows),
                "entry": [{"fullUrl": f"{kind}/{r['id']}", "resource": r, "search": {"mode": "match"}}
                          for r in rows]}

    def queue_position(self, encounter_id: str) -> dict[str, Any]:
        """The `$queue-position` operation's answer (a Parameters resource)."""
        with self._lock:
            encounter = self.read("Encounter", encounter_id)
            number = self._number_of(encounter)
            queue = self._queue_of(encounter)
            ahead = 0
            if encounter.get("status") == "arrived":
                ahead = sum(1 for e in self._clinic(encounter)  # still waiting to be called
                            if e.get("status") == "arrived" and self._number_of(e) < number)
            return {"resourceType": "Parameters", "parameter": [
                {"name": "status", "valueCode": str(encounter.get("status"))},
                {"name": "ahead", "valueInteger": ahead},
                {"name": "serving", "valueInteger": queue.serving}]}

    # ---- the simulated hospital's side ---------------------------------------------------------------------
    def call_next(self, specialty: str, day: date | None = None) -> int | None:
        """The clinic calls its next patient; the number called, or None when nobody waits."""
        with self._lock:
            return self._call_next(specialty, day or self._now().date())

    def book(self, patient: PatientDetails, specialty_code: str, specialty_name: str, start: datetime) -> str:
        """An appointment booked on the hospital's system (its website or phone line): the Appointment's id."""
        search = f"identifier={self.systems.national_id}|{patient.id_number}"
        _, stored_patient = self.create("Patient", patient_resource(patient, self.systems), search)
        _, appointment = self.create("Appointment", appointment_resource(
            stored_patient["id"], specialty_code, specialty_name, start, systems=self.systems))
        return str(appointment["id"])

    def all(self, kind: str) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._data.get(kind, {}).values())

    # ---- internals -----------------------------------------------------------------------------------------
    def _check(self, kind: str, resource: Any) -> dict[str, Any]:
        if kind not in KINDS:
            raise FhirRefused(404, "not-supported", f"{kind} is not a resource this server keeps")
        if not isinstance(resource, dict) or resource.get("resourceType") != kind:
            raise FhirRefused(400, "invalid", f"the body is not a {kind} resource")
        if kind == "Patient":
            if not [i for i in _list(resource.get("identifier")) if isinstance(i, dict)
                    and i.get("system") == self.systems.national_id and i.get("value")]:
                raise FhirRefused(422, "required", "a Patient needs the personal ID number identifier")
        elif kind == "Encounter":
            if resource.get("status") not in ENCOUNTER_STATUSES or not isinstance(resource.get("class"), dict):
                raise FhirRefused(422, "required", "an Encounter needs a status and a class")
            if _patient_of(resource) not in self._data["Patient"]:
                raise FhirRefused(422, "invalid", "the Encounter's subject is not a known Patient")
            if self._number_of(resource) < 1 or not self._specialty_of(resource) or _day_of(resource) is None:
                raise FhirRefused(422, "required", "an Encounter needs a queue number, a serviceType and a start")
        elif resource.get("status") not in APPOINTMENT_STATUSES or not _list(resource.get("participant")):
            raise FhirRefused(422, "required", "an Appointment needs a status and a participant")
        return resource

    def _by_identifier(self, kind: str, query: tuple[str, str]) -> list[dict[str, Any]]:
        system, value = query
        return [r for r in self._data.get(kind, {}).values()
                if any(isinstance(i, dict) and i.get("value") == value and (not system or i.get("system") == system)
                       for i in _list(r.get("identifier")))]

    def _number_of(self, encounter: dict[str, Any]) -> int:
        for ext in _list(encounter.get("extension")):
            value = ext.get("valueInteger") if isinstance(ext, dict) else None
            if ext.get("url") == self.systems.queue_number and isinstance(value, int) and not isinstance(value, bool):
                return value
        return 0

    def _specialty_of(self, encounter: dict[str, Any]) -> str:
        concept = encounter.get("serviceType")
        codings = _list(concept.get("coding")) if isinstance(concept, dict) else []
        return next((str(c.get("code")) for c in codings if isinstance(c, dict)
                     and c.get("system") == self.systems.specialty and c.get("code")), "")

    def _clinic(self, encounter: dict[str, Any]) -> list[dict[str, Any]]:
        specialty, day = self._specialty_of(encounter), _day_of(encounter)
        return [e for e in self._data["Encounter"].values()
                if self._specialty_of(e) == specialty and _day_of(e) == day]

    def _queue_of(self, encounter: dict[str, Any]) -> _Queue:
        key = (self._specialty_of(encounter), _day_of(encounter) or self._now().date())
        queue = self._queues.setdefault(key, _Queue())
        if queue.last_step is None:
            queue.last_step = self._now()
        return queue

    def _call_next(self, specialty: str, day: date) -> int | None:
        encounters = [e for e in self._data["Encounter"].values()
                      if self._specialty_of(e) == specialty and _day_of(e) == day]
        waiting = sorted((e for e in encounters if e.get("status") == "arrived"), key=self._number_of)
        if not waiting:
            return None
        for e in encounters:
            if e.get("status") == "in-progress":
                self._set_status(e, "finished")
        called = waiting[0]
        self._set_status(called, "in-progress")
        queue = self._queues.setdefault((specialty, day), _Queue())
        queue.serving = max(queue.serving, self._number_of(called))
        return self._number_of(called)

    def _set_status(self, resource: dict[str, Any], status: str) -> None:
        version = int(resource["meta"]["versionId"]) + 1
        resource["status"] = status
        resource["meta"] = {"versionId": str(version), "lastUpdated": self._now().isoformat()}

    def _advance_due(self) -> None:
        if self.call_every_s is None:
            return
        now = self._now()
        step = timedelta(seconds=self.call_every_s)
        for (specialty, day), queue in self._queues.items():
            while queue.last_step is not None and now - queue.last_step >= step:
                queue.last_step += step
                if self._call_next(specialty, day) is None:
                    queue.last_step = now  # an empty clinic does not bank calls for later arrivals
                    break


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _identifier_query(text: str) -> tuple[str, str]:
    name, _, token = text.partition("=")
    if name.strip() != "identifier" or not token:
        raise FhirRefused(400, "not-supported", "conditional create is by identifier=system|value only")
    system, bar, value = token.partition("|")
    if not bar:
        system, value = "", token
    if not value or len(value) > 200:
        raise FhirRefused(400, "invalid", "the identifier value is missing or too long")
    return system, value


def _patient_of(resource: dict[str, Any]) -> str:
    refs: list[Any] = [resource.get("subject")]
    refs += [p.get("actor") for p in _list(resource.get("participant")) if isinstance(p, dict)]
    for ref in refs:
        text = ref.get("reference") if isinstance(ref, dict) else None
        if isinstance(text, str) and text.startswith("Patient/"):
            return text.removeprefix("Patient/")
    return ""


def _day_of(resource: dict[str, Any]) -> date | None:
    period = resource.get("period")
    text = period.get("start") if isinstance(period, dict) else resource.get("start")
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return (moment.astimezone(VIETNAM_TIME) if moment.tzinfo is not None else moment).date()


def _day_param(text: str) -> date:
    try:
        return date.fromisoformat(text.removeprefix("eq"))
    except ValueError:
        raise FhirRefused(400, "invalid", "date must be a day like 2026-11-24") from None
