"""One result date from review to receipt: the kiosk's estimate, the portal simulator's `due_at` and the printed
receipt all count the service's own processing time on the same working-day calendar.

Each service is driven through the form engine to its review screen and submitted over HTTP to a real simulator
started in this process, with the simulator's clock at the form's moment; the printed receipt must show the date
the review showed and the service's processing time beside it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.bootstrap import DemoSetup, Kiosk, build_kiosk
from kiosk.catalogue.holidays import load_holidays
from kiosk.config import KioskConfig, load_config
from kiosk.forms.engine import FormSession, FormSettings
from kiosk.forms.views import spoken_date
from kiosk.portal.client import PortalClient
from kiosk.portal.simulator import RunningSimulator, start_simulator
from kiosk.portal.simulator.store import SimulatorStore, processing_times
from kiosk.receipts.desk import due_note, receipt_from_facts
from kiosk.receipts.documents import render_for_config
from kiosk.submissions import SubmissionService, SubmitOutcome
from kiosk.vietnam import VIETNAM_TIME
from offline_cache import Attachment, FileKeyProvider, ReceiptFacts, SqliteSubmissionQueue
from tests.kiosk.forms.samples import ANSWERS, IDENTITY, fill, shipped, translator

AGENCY = "000.00.01.H26"
CALENDAR = load_holidays()
PORTAL_SERVICES = [s.code for s in shipped().services if s.kind in ("application", "payment")]
MOMENTS = [dt.datetime(2026, 11, 24, 9, 30),   # Vietnam Culture Day: counting starts on the next working day
           dt.datetime(2026, 11, 27, 15, 0)]   # a Friday afternoon: over the weekend


def text_of(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "receipt.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout
    return " ".join(out.decode().split())


# ---- the simulator's own arithmetic (unit) -----------------------------------------------------------------------

class Clock:
    def __init__(self, moment: dt.datetime) -> None:
        self.now = moment.replace(tzinfo=VIETNAM_TIME).timestamp()

    def __call__(self) -> float:
        return self.now


def body(*codes: str) -> dict[str, object]:
    linked = [{"procedure_code": c} for c in codes[1:]]
    return {"procedure_code": codes[0], "agency_code": AGENCY, "applicant": {"id_number": "001090001234"},
            **({"linked_procedures": linked} if linked else {})}


def due_of(store: SimulatorStore, key: str, *codes: str) -> dt.date:
    return dt.datetime.fromisoformat(store.create(key, body(*codes)).answer["due_at"]).date()


def test_the_simulator_counts_each_services_own_working_days(tmp_path: Path) -> None:
    store = SimulatorStore(":memory:", Clock(dt.datetime(2026, 3, 2, 10, 0)), calendar=CALENDAR,
                           processing=processing_times(shipped()))
    assert due_of(store, "a", "1.004194") == dt.date(2026, 3, 5)      # temporary residence: 3 days from Monday
    assert due_of(store, "b", "2.001417") == dt.date(2026, 3, 16)     # judicial record: 10 days
    assert due_of(store, "c", "1.001193") == dt.date(2026, 3, 2)      # birth registration: the same day
    assert due_of(store, "d", "1.001193", "1.004222", "1.011454") == dt.date(2026, 3, 5)  # the combined one: 3
    store.close()


def test_the_simulator_skips_the_swapped_day_off_and_counts_the_make_up_saturday() -> None:
    clock = Clock(dt.datetime(2026, 8, 21, 10, 0))  # Friday before the working Saturday 22/08
    store = SimulatorStore(":memory:", clock, calendar=CALENDAR, processing=processing_times(shipped()))
    assert due_of(store, "a", "1.004211") == dt.date(2026, 8, 22)     # temporary absence: 1 day
    clock.now = dt.datetime(2026, 8, 28, 10, 0, tzinfo=VIETNAM_TIME).timestamp()
    assert due_of(store, "b", "1.004194") == dt.date(2026, 9, 7)      # 3 days over 31/08, 1/9 and 2/9
    store.close()


# ---- review = receipt, for every service, over HTTP -------------------------------------------------------------

@pytest.fixture
def sim(tmp_path: Path) -> Iterator[RunningSimulator]:
    running = start_simulator(port=0, db=tmp_path / "portal-sim.sqlite3", step_s=3600, calendar=CALENDAR)
    yield running
    running.stop()


def set_clock(sim: RunningSimulator, moment: dt.datetime) -> None:
    """A fresh simulator's clock is the wall clock: move it to the form's moment (Vietnam time)."""
    sim.advance_clock(moment.replace(tzinfo=VIETNAM_TIME).timestamp() - time.time())


@pytest.fixture
def config(tmp_path: Path) -> KioskConfig:
    return load_config(overrides={"kiosk": {"data_dir": str(tmp_path), "ward_name": "UBND Phường Bến Thành",
                                            "kiosk_id": "KIOSK-BT-01"}})


def submissions(tmp_path: Path, url: str) -> SubmissionService:
    queue = SqliteSubmissionQueue(tmp_path / "q.sqlite3", FileKeyProvider(tmp_path / "q.key"))
    client = PortalClient(url, kiosk_id="K", operator_id="OP", connect_timeout_s=2, read_timeout_s=5)
    return SubmissionService(queue, client, AGENCY)


def at_review(code: str, moment: dt.datetime) -> FormSession:
    settings = FormSettings(agency_code=AGENCY, holidays=CALENDAR)
    form = FormSession(shipped().get(code), IDENTITY, lambda: moment, settings, translator=translator())
    fill(form, ANSWERS[code])
    assert form.at_review
    return form


def submit(svc: SubmissionService, form: FormSession) -> SubmitOutcome:
    form.confirm()
    attachments = [Attachment(component, f"{component}-{i + 1}.jpg", page.media_type, page.data)
                   for component, pages in form.attachment_pages().items() for i, page in enumerate(pages)]
    return svc.submit(form.service.code, form.payload(), attachments, IDENTITY.id_number,
                      service_name=form.service.name.vi, estimated_due=form.appointment_date())


@pytest.mark.integration
@pytest.mark.parametrize("moment", MOMENTS, ids=lambda m: m.strftime("%a-%d-%m"))
@pytest.mark.parametrize("code", PORTAL_SERVICES)
def test_the_receipt_shows_the_date_the_review_showed(code: str, moment: dt.datetime, sim: RunningSimulator,
                                                      config: KioskConfig, tmp_path: Path) -> None:
    set_clock(sim, moment)
    form = at_review(code, moment)
    review_day = form.appointment_date()
    if form.service.kind == "application":  # the review screen reads the date out; payments show none
        assert form.review_sentences("vi")[-1] == f"Ngày nhận kết quả dự kiến: {spoken_date(review_day, 'vi')}."
    svc = submissions(tmp_path, sim.url)
    try:
        outcome = submit(svc, form)
    finally:
        svc.stop()
    assert outcome.kind == "sent", outcome.message_key
    assert outcome.due_at is not None and dt.date.fromisoformat(outcome.due_at[:10]) == review_day
    assert not outcome.due_differs_from_estimate and due_note(outcome, "vi") == ""
    data = receipt_from_facts(config, outcome.receipt, submission_id=outcome.submission_id,
                              file_code=outcome.file_code, due_at=outcome.due_at, service=form.service,
                              received_at=moment, calendar=CALENDAR)
    text = text_of(render_for_config(config, data).pdf, tmp_path)
    assert review_day.strftime("%d/%m/%Y") in text
    assert f"{form.service.processing_working_days} ngày làm việc" in text


# ---- a portal that disagrees ------------------------------------------------------------------------------------

def facts(received: dt.datetime) -> ReceiptFacts:
    return ReceiptFacts(service_code="temporary_residence", masked_id="********1234", id_last4="1234",
                        received_at=received.replace(tzinfo=VIETNAM_TIME).timestamp(), service_name="Đăng ký tạm trú")


def test_a_portal_date_other_than_the_estimate_is_said_and_printed_with_its_own_time(
        config: KioskConfig, tmp_path: Path) -> None:
    monday = dt.datetime(2026, 3, 2, 9, 0)
    outcome = SubmitOutcome("sent", "sub-1", "queue.sent", facts(monday), file_code="000.00.01.H26-260302-0001",
                            due_at="2026-03-09T17:00:00+07:00", estimated_due="2026-03-05")
    assert outcome.due_differs_from_estimate
    assert due_note(outcome, "vi") == ("Cơ quan hẹn trả kết quả ngày 09/03/2026, khác với ngày dự kiến 05/03/2026 ở "
                                       "màn hình trước. Xin theo ngày 09/03/2026 in trên biên nhận.")
    assert "09/03/2026" in due_note(outcome, "en") and "05/03/2026" in due_note(outcome, "en")
    service = shipped().get("temporary_residence")  # 3 working days in the catalogue
    data = receipt_from_facts(config, outcome.receipt, submission_id="sub-1", file_code=outcome.file_code,
                              due_at=outcome.due_at, service=service, received_at=monday, calendar=CALENDAR)
    text = text_of(render_for_config(config, data).pdf, tmp_path)
    assert "09/03/2026" in text and "05/03/2026" not in text
    assert "5 ngày làm việc" in text and "3 ngày làm việc" not in text


def test_the_same_date_or_no_estimate_is_not_a_difference() -> None:
    received = facts(dt.datetime(2026, 3, 2, 9, 0))
    same = SubmitOutcome("sent", "s", "queue.sent", received, due_at="2026-03-05T17:00:00+07:00",
                         estimated_due="2026-03-05")
    unknown = dataclasses.replace(same, estimated_due=None)
    queued = SubmitOutcome("queued", "s", "queue.saved_will_send", received, estimated_due="2026-03-05")
    assert not any(o.due_differs_from_estimate for o in (same, unknown, queued))


def test_submitting_carries_the_estimate_beside_the_portals_date(tmp_path: Path) -> None:
    """A simulator that ignores the service (it knows no procedures: 5 working days for all) disagrees."""
    with start_simulator(port=0, db=tmp_path / "s.sqlite3", step_s=3600, calendar=CALENDAR,
                         catalogue=dataclasses.replace(shipped(), services=())) as lone:
        moment = MOMENTS[1]
        set_clock(lone, moment)
        form = at_review("temporary_residence", moment)
        svc = submissions(tmp_path, lone.url)
        try:
            outcome = submit(svc, form)
        finally:
            svc.stop()
    assert outcome.estimated_due == form.appointment_date().isoformat() == "2026-12-02"
    assert outcome.due_at is not None and outcome.due_at.startswith("2026-12-04")
    assert outcome.due_differs_from_estimate


# ---- technician mode --------------------------------------------------------------------------------------------

def kiosk_at(tmp_path: Path, now: dt.datetime) -> Kiosk:
    config = load_config(overrides={"kiosk": {"data_dir": str(tmp_path / now.strftime("%Y%m%d"))}})
    config = dataclasses.replace(config, portal=dataclasses.replace(config.portal, start_simulator=False))
    return build_kiosk(config, DemoSetup(enabled=True, fast=True, now=now))


def test_the_technician_screen_warns_when_the_calendar_ends_within_a_year(tmp_path: Path) -> None:
    covered = kiosk_at(tmp_path, dt.datetime(2026, 12, 2, 9, 0))
    try:
        healthy, text = covered.device_check("catalogue")
        assert healthy and "Lịch ngày nghỉ" not in text
    finally:
        covered.close()
    short = kiosk_at(tmp_path, dt.datetime(2027, 1, 5, 9, 0))
    try:
        healthy, text = short.device_check("catalogue")
        assert not healthy
        assert "Lịch ngày nghỉ chưa có năm 2028" in text
        assert short.config_lines()[0].startswith("Lịch ngày nghỉ chưa có năm 2028")
    finally:
        short.close()
