"""Withdrawing a file whose first send may have reached the portal, against the real simulator over HTTP.

The simulator's `lost` fault creates the application and then drops the connection before the answer: the
kiosk cannot know whether the portal holds the file. It must ask (look-up by idempotency key) and withdraw it
there, or record the withdrawal as pending and finish it when the portal answers; never "cancelled, never sent".
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.i18n import Translator
from kiosk.portal.client import PortalClient
from kiosk.portal.simulator import RunningSimulator, start_simulator
from kiosk.portal.simulator.store import SimulatorStore
from kiosk.submissions import SubmissionService
from offline_cache import (
    CircuitBreaker,
    SubmissionState,
)
from tests.integration.queue.conftest import AGENCY, make_service, payload, wait_for

pytestmark = pytest.mark.integration

@pytest.fixture
def sim(tmp_path: Path) -> Iterator[RunningSimulator]:
    running = start_simulator(port=0, db=tmp_path / "portal-sim.sqlite3", step_s=3600)
    yield running
    running.stop()


@pytest.fixture
def lone(tmp_path: Path, sim: RunningSimulator) -> Iterator[SubmissionService]:
    """No sync worker: the first try at Submit is the only send, so the test controls what reached the portal."""
    svc = make_service(tmp_path, sim, with_worker=False)
    yield svc
    svc.stop()


def portal_status(sim: RunningSimulator, code: str) -> int:
    """What the portal says of the file now, asked over HTTP like anyone else would."""
    client = PortalClient(sim.url, kiosk_id="K", operator_id="OP", connect_timeout_s=1, read_timeout_s=1)
    try:
        return client.get_status(code, "1234").status
    finally:
        client.close()


def test_a_file_whose_answer_was_lost_is_withdrawn_at_the_portal(lone: SubmissionService, sim: RunningSimulator,
                                                                 tmp_path: Path) -> None:
    sim.set_faults("lost:1.0")
    out = lone.submit("1.004194", payload(), (), "1234")
    assert out.kind == "queued"
    [held] = sim.applications()  # the portal has it; the kiosk does not know
    sim.set_faults("")
    result = lone.withdraw(submission_id=out.submission_id)
    assert result.kind == "withdrawn" and result.message_key == "queue.withdrawn_after_check"
    assert portal_status(sim, held["dossier_code"]) == 8
    record = lone.record(out.submission_id)
    assert record.state is SubmissionState.ACCEPTED and record.file_code == held["dossier_code"]
    assert record.portal_status == 8


def test_portal_unreachable_records_a_pending_withdrawal_the_worker_finishes(tmp_path: Path,
                                                                             sim: RunningSimulator) -> None:
    svc = make_service(tmp_path, sim, with_worker=True)
    try:
        sim.set_faults("lost:1.0")
        out = svc.submit("1.004194", payload(), (), "1234")  # not started yet: no worker re-sends meanwhile
        [held] = sim.applications()
        result = svc.withdraw(submission_id=out.submission_id)  # the look-up's answer is lost too
        assert result.kind == "pending" and result.message_key == "queue.withdrawal_pending"
        assert svc.record(out.submission_id).state is SubmissionState.WITHDRAWING
        svc.start()
        time.sleep(0.3)  # the worker keeps asking while every answer is lost: still pending, never re-sent
        assert svc.record(out.submission_id).state is SubmissionState.WITHDRAWING
        sim.set_faults("")
        wait_for(lambda: svc.record(out.submission_id).state is SubmissionState.ACCEPTED)
        assert portal_status(sim, held["dossier_code"]) == 8
        assert len(sim.applications()) == 1  # never created twice
    finally:
        svc.stop()


def test_a_pending_withdrawal_of_a_file_that_never_arrived_is_never_created(tmp_path: Path,
                                                                            sim: RunningSimulator) -> None:
    svc = make_service(tmp_path, sim, with_worker=True)
    try:
        sim.set_faults("outage:on")
        out = svc.submit("1.004194", payload(), (), "1234")  # one try, answered 503: unknown to the kiosk's rule
        result = svc.withdraw(submission_id=out.submission_id)
        assert result.kind == "pending"
        svc.start()
        sim.set_faults("")
        wait_for(lambda: svc.record(out.submission_id).state is SubmissionState.WITHDRAWN)
        time.sleep(0.3)
        assert sim.applications() == []
    finally:
        svc.stop()


def test_a_file_that_never_arrived_is_cancelled_once_the_portal_says_so(lone: SubmissionService,
                                                                        sim: RunningSimulator) -> None:
    sim.set_faults("500:1.0")
    out = lone.submit("1.004194", payload(), (), "1234")
    assert out.kind == "queued" and sim.applications() == []
    sim.set_faults("")
    result = lone.withdraw(submission_id=out.submission_id)
    assert result.kind == "withdrawn_locally" and result.message_key == "queue.withdrawn_locally"
    assert lone.record(out.submission_id).state is SubmissionState.WITHDRAWN


def test_a_file_saved_while_the_portal_was_known_down_never_left_and_is_cancelled_at_once(
        tmp_path: Path, sim: RunningSimulator) -> None:
    svc = make_service(tmp_path, sim, with_worker=True)
    try:
        sim.set_faults("outage:on")
        assert svc.worker is not None
        svc.worker.breaker = CircuitBreaker(1, 60.0, time.time)
        svc.worker.breaker.failed()  # open: Submit saves without trying the portal
        out = svc.submit("1.004194", payload(), (), "1234")
        assert out.kind == "queued" and svc.record(out.submission_id).attempts == 0
        result = svc.withdraw(submission_id=out.submission_id)
        assert result.kind == "withdrawn_locally"
    finally:
        svc.stop()


def test_a_send_that_ended_moments_ago_is_not_ruled_out_by_one_look_up(tmp_path: Path,
                                                                       sim: RunningSimulator) -> None:
    # A send the kiosk gave up on may still be on its way; the portal's "not here" counts only after a while.
    svc = make_service(tmp_path, sim, with_worker=True, quiet_s=1.0)
    try:
        sim.set_faults("500:1.0")
        out = svc.submit("1.004194", payload(), (), "1234")
        sim.set_faults("")
        result = svc.withdraw(submission_id=out.submission_id)
        assert result.kind == "pending"
        svc.start()
        time.sleep(0.5)
        assert svc.record(out.submission_id).state is SubmissionState.WITHDRAWING
        wait_for(lambda: svc.record(out.submission_id).state is SubmissionState.WITHDRAWN)
        assert sim.applications() == []
    finally:
        svc.stop()


def test_the_three_outcomes_have_distinct_messages_in_both_languages() -> None:
    keys = ("queue.withdrawn_locally", "queue.withdrawn_after_check", "queue.withdrawal_pending")
    for lang in ("vi", "en"):
        texts = {Translator(lang).text(k) for k in keys}
        assert len(texts) == 3


def test_look_up_by_key_answers_only_for_that_key(sim: RunningSimulator) -> None:
    client = PortalClient(sim.url, kiosk_id="K", operator_id="OP", connect_timeout_s=1, read_timeout_s=1)
    try:
        body = {"procedure_code": "1.004194", "agency_code": AGENCY, "channel": "kiosk",
                "applicant": {"id_number": "001090001234", "full_name": "Lê Thị Mai"}, "form": {}}
        created = client.create_application(body, "key-1")
        found = client.find_by_key("key-1")
        assert found is not None and found.dossier_code == created.dossier_code and found.status == 1
        assert client.find_by_key("key-2") is None
    finally:
        client.close()


def test_the_simulator_keeps_application_bodies_private(tmp_path: Path) -> None:
    path = tmp_path / "sim" / "portal.sqlite3"
    path.parent.mkdir()
    old_umask = os.umask(0o022)  # the common default, under which files come out 0644
    try:
        store = SimulatorStore(path, time.time)
        store.create("k", {"procedure_code": "1", "applicant": {"id_number": "001090001234", "full_name": "A"}})
        modes = {name: stat.S_IMODE((path.parent / name).stat().st_mode) for name in os.listdir(path.parent)}
        store.close()
    finally:
        os.umask(old_umask)
    assert "portal.sqlite3-wal" in modes
    assert set(modes.values()) == {0o600}, modes
