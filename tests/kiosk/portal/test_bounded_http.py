"""The portal client, its queue sender and the insurance gateway against misbehaving loopback servers.

A proxy answering 404 or 401 in the portal's place, a 307 to another origin, an answer dribbled one byte at a
time, a huge body, and 201s that do not match the contract: none may reject a citizen's file, send it
elsewhere, hold a call past its deadline, or give the citizen a made-up file code.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.hospital.gateway import HttpInsuranceGateway
from kiosk.hospital.insurance import InsuranceQuery, InsuranceUnavailableError
from kiosk.portal.client import PortalClient
from kiosk.portal.errors import PortalAccessError, PortalConfigError, PortalNonsenseError, PortalUnavailableError
from kiosk.portal.sender import PortalSender
from kiosk.portal.simulator import start_simulator
from kiosk.submissions import SubmissionService
from offline_cache import (
    Deferred,
    OutgoingSubmission,
    SqliteSubmissionQueue,
    StaticKeyProvider,
    SubmissionState,
    SyncPolicy,
    SyncWorker,
)
from tests.kiosk.portal.servers import (
    dribble_reply,
    html_reply,
    huge_reply,
    json_reply,
    redirect_reply,
    serve,
)
from tests.offline_cache.conftest import KEY, FakeClock, receipt

pytestmark = pytest.mark.integration

AGENCY = "000.00.01.H26"
NAME = "Lê Thị Mai"
ID_NUMBER = "001090001234"
PAYLOAD = {"applicant": {"id_number": ID_NUMBER, "full_name": NAME}, "form": {"data": {"n": 1}}}
CREATED = {"dossier_code": f"{AGENCY}-260302-0001", "status": 1, "received_at": "2026-03-02T09:00:00+07:00",
           "due_at": "2026-03-09T17:00:00+07:00"}


def client(url: str, **kw: float) -> PortalClient:
    return PortalClient(url, kiosk_id="K", operator_id="OP", connect_timeout_s=kw.pop("connect", 1.0),
                        read_timeout_s=kw.pop("read", 2.0), **kw)  # type: ignore[arg-type]


def item(n: int = 1) -> OutgoingSubmission:
    return OutgoingSubmission(f"00000000-0000-4000-8000-{n:012d}", "1.004194", PAYLOAD, (), 1)


@pytest.fixture
def queue(tmp_path: Path) -> Iterator[SqliteSubmissionQueue]:
    q = SqliteSubmissionQueue(tmp_path / "q.sqlite3", StaticKeyProvider(KEY))
    yield q
    q.close()


# ---- a 4xx that the contract does not define is a set-up fault -----------------------------------------------------

@pytest.mark.parametrize(("reply", "kind", "reason"), [
    (html_reply(404), PortalConfigError, "config_http_404"), (html_reply(405), PortalConfigError, "config_http_405"),
    (json_reply(401, {}), PortalAccessError, "config_http_401"),
    (json_reply(407, {}), PortalAccessError, "config_http_407")])
def test_a_proxy_answering_for_the_portal_never_rejects_the_file(reply: object, kind: type, reason: str,
                                                                 queue: SqliteSubmissionQueue) -> None:
    clock = FakeClock()
    with serve(reply) as (url, seen):  # type: ignore[arg-type]
        c = client(url)
        with pytest.raises(kind):
            c.create_application(PAYLOAD, "key-1")
        sender = PortalSender(c, AGENCY)
        ids = [queue.enqueue("1.004194", PAYLOAD, receipt()).submission_id for _ in range(6)]
        worker = SyncWorker(queue, sender, SyncPolicy(breaker_failures=5, breaker_probe_s=60, max_rate_per_s=0,
                                                      concurrency=1), clock=clock)
        try:
            worker.run_once()
            sent_in_first_round = len(seen.requests) - 1
            progress = worker.progress()
            assert sent_in_first_round == 1  # the breaker opened at the first such answer, not the fifth
            assert progress.breaker_open and progress.operational_fault == reason
            assert [queue.get(i).state for i in ids] == [SubmissionState.QUEUED] * 6
            assert queue.get(ids[0]).last_error == reason
            assert worker.run_once() == 0 and len(seen.requests) == 2  # nothing more until the probe is due
        finally:
            worker.stop()
            c.close()


def test_after_the_setup_is_fixed_the_kept_files_are_delivered_once(queue: SqliteSubmissionQueue,
                                                                    tmp_path: Path) -> None:
    clock = FakeClock()
    sim = start_simulator(port=0, db=tmp_path / "sim.sqlite3", step_s=3600)
    good = client(sim.url)
    try:
        with serve(html_reply(404)) as (url, _):
            wrong = client(url)
            ids = [queue.enqueue("1.004194", PAYLOAD, receipt()).submission_id for _ in range(3)]
            worker = SyncWorker(queue, PortalSender(wrong, AGENCY), SyncPolicy(breaker_probe_s=30, max_rate_per_s=0,
                                                                               concurrency=1), clock=clock)
            worker.run_once()
            assert worker.progress().operational_fault == "config_http_404"
            wrong.close()
        worker.sender = PortalSender(good, AGENCY)  # the technician corrected portal.base_url
        clock.advance(31)
        for _ in range(3):
            worker.run_once()
        assert [queue.get(i).state for i in ids] == [SubmissionState.ACCEPTED] * 3
        assert len(sim.applications()) == 3 and worker.progress().operational_fault is None
        worker.stop()
    finally:
        good.close()
        sim.stop()


def test_submit_behind_a_wrong_base_path_saves_and_says_so(queue: SqliteSubmissionQueue) -> None:
    with serve(html_reply(404)) as (url, _):
        c = client(url)
        service = SubmissionService(queue, c, AGENCY, first_retry_s=1)
        out = service.submit("1.004194", PAYLOAD, (), "1234")
        c.close()
    assert out.kind == "queued" and out.message_key == "queue.saved_will_send" and out.file_code is None
    assert queue.get(out.submission_id).state is SubmissionState.QUEUED


# ---- redirects are never followed -----------------------------------------------------------------------------------

@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_not_followed_and_logged_without_personal_data(status: int,
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    with serve(json_reply(201, CREATED)) as (elsewhere, received), \
            serve(redirect_reply(status, elsewhere + "/v1/applications?id=" + ID_NUMBER)) as (url, _):
        c = client(url)
        with pytest.raises(PortalConfigError) as info:
            c.create_application(PAYLOAD, "key-1")
        sent = PortalSender(c, AGENCY).send(item())
        c.close()
    assert received.requests == []  # the other origin never saw the application
    assert info.value.reason_code == "config_redirect" and info.value.operational
    assert isinstance(sent, Deferred) and sent.operational and sent.reason_code == "config_redirect"
    lines = [r.getMessage() for r in caplog.records if "redirect" in r.getMessage()]
    assert lines and elsewhere in lines[0]
    assert not any(NAME in r.getMessage() or ID_NUMBER in r.getMessage() for r in caplog.records)


def test_the_insurance_gateway_does_not_follow_a_redirect() -> None:
    with serve(json_reply(200, {"maKetQua": "000"})) as (elsewhere, received), \
            serve(redirect_reply(307, elsewhere + "/api/token/take")) as (url, _):
        gateway = HttpInsuranceGateway(url, "kiosk", "secret", "Cán Bộ", "001090000000", timeout_s=1.0)
        with pytest.raises(InsuranceUnavailableError):
            gateway.check(InsuranceQuery(card_or_id=ID_NUMBER, full_name=NAME, birth="01/01/1990"))
    assert received.requests == []


# ---- deadlines and answer sizes -------------------------------------------------------------------------------------

@pytest.mark.parametrize("headers_too", [False, True])
def test_a_dribbled_answer_ends_at_the_deadline(headers_too: bool) -> None:
    with serve(dribble_reply(201, CREATED, every_s=0.05, headers_too=headers_too)) as (url, seen):
        c = client(url, read=1.0, deadline_s=0.6)
        start = time.monotonic()
        with pytest.raises(PortalUnavailableError) as info:
            c.create_application(PAYLOAD, "key-1")
        elapsed = time.monotonic() - start
        c.close()
    assert info.value.reason_code == "deadline" and info.value.retryable
    assert elapsed < 2.0  # the whole answer would take about 8 s at this pace
    assert seen.bytes_sent < len(str(CREATED)) + 100


def test_a_first_try_with_short_timeouts_is_bounded_by_their_sum() -> None:
    with serve(dribble_reply(201, CREATED, every_s=0.05)) as (url, _):
        c = client(url, read=5.0)  # the configured deadline (20 s) is longer than the first try may take
        start = time.monotonic()
        with pytest.raises(PortalUnavailableError):
            c.create_application(PAYLOAD, "key-1", timeout=(0.2, 0.4))
        c.close()
    assert time.monotonic() - start < 2.0


@pytest.mark.parametrize("declare_length", [True, False])
def test_a_huge_answer_is_refused_without_reading_it_all(declare_length: bool) -> None:
    total = 200 * 1024 * 1024
    with serve(huge_reply(total, declare_length)) as (url, seen):
        c = client(url, max_answer_bytes=64 * 1024)
        with pytest.raises(PortalNonsenseError) as info:
            c.create_application(PAYLOAD, "key-1")
        c.close()
        time.sleep(0.2)
        assert seen.bytes_sent < 32 * 1024 * 1024
    assert info.value.reason_code == "too_large" and info.value.retryable


def test_the_insurance_gateway_has_a_deadline_and_a_size_limit() -> None:
    query = InsuranceQuery(card_or_id=ID_NUMBER, full_name=NAME, birth="01/01/1990")
    with serve(dribble_reply(200, {"maKetQua": "000", "APIKey": {"access_token": "t"}}, every_s=0.05)) as (url, _):
        gateway = HttpInsuranceGateway(url, "kiosk", "secret", "Cán Bộ", "001090000000", timeout_s=1.0,
                                       deadline_s=0.5)
        start = time.monotonic()
        with pytest.raises(InsuranceUnavailableError):
            gateway.check(query)
        assert time.monotonic() - start < 2.0
    with serve(huge_reply(50 * 1024 * 1024, False)) as (url, seen):
        gateway = HttpInsuranceGateway(url, "kiosk", "secret", "Cán Bộ", "001090000000", timeout_s=1.0,
                                       max_answer_bytes=16 * 1024)
        with pytest.raises(InsuranceUnavailableError):
            gateway.check(query)
        time.sleep(0.2)
        assert seen.bytes_sent < 32 * 1024 * 1024


# ---- answers are checked before they are believed -------------------------------------------------------------------

@pytest.mark.parametrize("change", [{"dossier_code": None}, {"dossier_code": ""}, {"dossier_code": 42},
                                    {"dossier_code": "F|1"}, {"dossier_code": "F\r\n1"},
                                    {"dossier_code": "F" * 5000}, {"due_at": {"d": 9}}, {"due_at": 20260309}])
def test_a_created_answer_that_breaks_the_contract_is_answer_unknown(change: dict[str, object],
                                                                     tmp_path: Path) -> None:
    clock = FakeClock()
    queue = SqliteSubmissionQueue(tmp_path / "q.sqlite3", StaticKeyProvider(KEY), clock=clock)
    with serve(json_reply(201, {**CREATED, **change})) as (url, seen):
        c = client(url)
        service = SubmissionService(queue, c, AGENCY, first_retry_s=1, clock=clock)
        out = service.submit("1.004194", PAYLOAD, (), "1234")
        assert out.kind == "queued" and out.message_key == "queue.saved_will_send" and out.file_code is None
        record = queue.get(out.submission_id)
        assert record.state is SubmissionState.QUEUED and record.last_error == "invalid_answer"
        assert record.receipt.file_code is None
        # The worker retries it with back-off under the same key, never a busy loop.
        worker = SyncWorker(queue, PortalSender(c, AGENCY), SyncPolicy(backoff_base_s=2, max_rate_per_s=0),
                            clock=clock)
        clock.advance(1)
        worker.run_once()
        after_retry = queue.get(out.submission_id)
        assert after_retry.state is SubmissionState.QUEUED and after_retry.next_attempt_at > clock()
        calls = len(seen.requests)
        for _ in range(20):
            worker.run_once()
        assert len(seen.requests) == calls == 2
        worker.stop()
        c.close()
        queue.close()


def test_technician_progress_says_the_portal_address_or_credentials_are_wrong(tmp_path: Path) -> None:
    from kiosk.bootstrap import DemoSetup, build_kiosk
    from kiosk.config import load_config

    with serve(html_reply(404)) as (url, _):
        config = load_config(None, {"kiosk": {"data_dir": str(tmp_path / "data")}, "speech": {"backend": "silent"},
                                    "portal": {"base_url": url, "start_simulator": False,
                                               "first_try_retry_s": 0.0}})
        kiosk = build_kiosk(config, DemoSetup(enabled=False))
        try:
            kiosk.submissions.start()
            out = kiosk.submissions.submit("1.004194", PAYLOAD, (), "1234")
            assert out.kind == "queued"
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and dict(kiosk.queue_summary())["queue_portal"] != \
                    kiosk.translate("ui.queue_portal_misconfigured", "vi"):
                time.sleep(0.05)
            summary = dict(kiosk.queue_summary())
            assert summary["queue_portal"] == "sai địa chỉ cổng dịch vụ hoặc thông tin xác thực"
            assert kiosk.submissions.record(out.submission_id).state is SubmissionState.QUEUED
        finally:
            kiosk.close()


def test_the_deadline_still_holds_in_a_forked_child() -> None:
    import os

    with serve(dribble_reply(201, CREATED, every_s=0.05)) as (url, _):
        c = client(url, read=1.0, deadline_s=0.4)
        with pytest.raises(PortalUnavailableError):  # the parent's watchdog thread is running now
            c.create_application(PAYLOAD, "key-1")
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            start = time.monotonic()
            try:
                c.create_application(PAYLOAD, "key-2")
                code = 1
            except PortalUnavailableError as exc:
                code = 0 if exc.reason_code == "deadline" and time.monotonic() - start < 2.0 else 2
            os._exit(code)
        _, status = os.waitpid(pid, 0)
        c.close()
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


def test_the_technician_portal_check_does_not_follow_a_redirect(tmp_path: Path) -> None:
    from kiosk.config import KioskConfig, load_config
    from kiosk.staff.diagnostics import check_portal

    def config_for(url: str) -> KioskConfig:  # the check reads only the settings it is given
        return load_config(None, {"kiosk": {"data_dir": str(tmp_path)}, "portal": {"base_url": url}})

    with serve(json_reply(200, {"ok": True})) as (elsewhere, received), \
            serve(redirect_reply(302, elsewhere + "/v1/health")) as (url, _):
        ok, line = check_portal(config_for(url))
        assert not ok and "config_redirect" in line and elsewhere in line
        assert received.requests == []
        ok, line = check_portal(config_for(elsewhere))
        assert ok and "HTTP 200" in line
