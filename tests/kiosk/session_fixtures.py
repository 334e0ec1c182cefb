"""Shared builders for the session tests: a fake identity and wipe-recording collaborators."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from devices.card.identity import AccessProtocol, Identity, PassiveAuthStatus, SecurityReport
from kiosk.config import SessionConfig
from kiosk.session import ManualClock, Session
from kiosk.session.events import SessionEvent

CONFIG = SessionConfig(inactivity_warning_s=90.0, reading_screen_warning_s=180.0, wipe_after_warning_s=30.0,
                       max_extensions=10)


def make_identity() -> Identity:
    return Identity(
        id_number="001090012345", document_number="090012345", full_name="NGUYỄN THỊ HƯƠNG",
        date_of_birth=date(1950, 3, 12), sex="F", nationality="Việt Nam", place_of_residence="Hà Nội",
        security=SecurityReport(access=AccessProtocol.PACE, passive_auth=PassiveAuthStatus.GENUINE),
    )


@dataclass
class FormState:
    """Stands in for the form engine's state: it holds answers until wiped."""

    answers: dict[str, str] = field(default_factory=dict)
    wiped: int = 0

    def wipe(self) -> None:
        self.answers.clear()
        self.wiped += 1


@dataclass
class Recorder:
    events: list[SessionEvent] = field(default_factory=list)

    def __call__(self, event: SessionEvent) -> None:
        self.events.append(event)

    def of(self, kind: type[SessionEvent]) -> list[SessionEvent]:
        return [e for e in self.events if isinstance(e, kind)]


@dataclass
class MemoryAudit:
    records: list[dict[str, str]] = field(default_factory=list)

    def record(self, event: str, *, session_hash: str = "", staff_id: str = "", service_code: str = "",
               file_code: str = "") -> None:
        self.records.append({"event": event, "session_hash": session_hash, "staff_id": staff_id,
                             "service_code": service_code, "file_code": file_code})


def new_session(config: SessionConfig = CONFIG) -> tuple[Session, ManualClock, Recorder, MemoryAudit]:
    clock = ManualClock(1000.0)
    audit = MemoryAudit()
    session = Session(config, clock=clock, audit=audit)
    recorder = Recorder()
    session.subscribe(recorder)
    return session, clock, recorder, audit


def walk_to_steps(session: Session, form: FormState | None = None) -> FormState:
    form = form or FormState()
    session.start()
    session.choose_language("vi")
    session.card_inserted()
    session.identified(make_identity())
    session.face_verified()
    session.choose_service("1.001", form)
    form.answers["address"] = "12 Hàng Bạc"
    return form
