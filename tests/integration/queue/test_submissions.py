"""The submissions service end to end against the simulator: submit, follow, withdraw, progress."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.config import load_config
from kiosk.i18n import Translator
from kiosk.portal.simulator import RunningSimulator
from kiosk.submissions import SubmissionService
from offline_cache import (
    Attachment,
    CircuitBreaker,
    QueueStorageFullError,
    SubmissionNotFoundError,
    SubmissionState,
)
from tests.integration.queue.conftest import make_service, payload, wait_for

pytestmark = pytest.mark.integration


@pytest.fixture
def service(tmp_path: Path, sim: RunningSimulator) -> Iterator[SubmissionService]:
    svc = make_service(tmp_path, sim, with_worker=True, quiet_s=0.2)
    svc.start()
    yield svc
    svc.stop()


def test_submit_sends_now_and_returns_file_code_and_due_date(service: SubmissionService,
                                                             sim: RunningSimulator) -> None:
    doc = Attachment("TP1", "ct01.pdf", "application/pdf", b"%PDF-1.4")
    out = service.submit("1.004194", payload(), [doc], "001090001234"[-4:], service_name="Đăng ký tạm trú")
    assert out.kind == "sent" and out.message_key == "queue.sent"
    assert out.file_code == sim.applications()[0]["dossier_code"] and out.due_at
    receipt = service.record(out.submission_id).receipt  # what a reprint uses
    assert receipt.file_code == out.file_code and receipt.masked_id == "********1234"
    assert Translator("vi").text(out.message_key, file_code=out.file_code)


def test_portal_down_means_saved_not_pretended_then_sent_automatically(service: SubmissionService,
                                                                      sim: RunningSimulator) -> None:
    sim.set_faults("outage:on,retry_after:1")
    out = service.submit("1.004194", payload(), (), "1234")
    assert out.kind == "queued" and out.file_code is None and out.message_key == "queue.saved_will_send"
    assert sim.applications() == []
    assert service.progress().waiting == 1
    assert service.local_status(out.submission_id).kind == "waiting"
    sim.set_faults("")
    wait_for(lambda: service.record(out.submission_id).state is SubmissionState.ACCEPTED)
    assert len(sim.applications()) == 1


def test_field_errors_are_returned_for_the_citizen_to_fix(service: SubmissionService) -> None:
    out = service.submit("1.004194", payload(id_number="12ab"), (), "12ab")
    assert out.kind == "rejected" and out.problems[0].field == "applicant.id_number"
    assert service.record(out.submission_id).state is SubmissionState.REJECTED


def test_withdraw_while_waiting_cancels_locally_and_never_sends(service: SubmissionService,
                                                                sim: RunningSimulator) -> None:
    sim.set_faults("outage:on")
    out = service.submit("1.004194", payload(), (), "1234")
    # The first try was made (answered 503): only the portal can say it never arrived, so the withdrawal waits.
    result = service.withdraw(submission_id=out.submission_id)
    assert result.kind == "pending"
    sim.set_faults("")
    wait_for(lambda: service.record(out.submission_id).state is SubmissionState.WITHDRAWN)
    time.sleep(0.4)
    assert sim.applications() == []


def test_withdraw_after_sending_follows_the_portal_rules(service: SubmissionService, sim: RunningSimulator) -> None:
    first = service.submit("1.004194", payload(1), (), "1234")
    assert service.withdraw(submission_id=first.submission_id).kind == "withdrawn"
    second = service.submit("1.004194", payload(2), (), "1234")
    sim.advance_clock(3601)
    assert service.withdraw(submission_id=second.submission_id).kind == "requested"
    third = service.submit("1.004194", payload(3), (), "1234")
    sim.advance_clock(4 * 3600)
    late = service.withdraw(file_code=third.file_code, id_last4="1234")
    assert late.kind == "too_late" and late.status == 10


def test_status_lookup_by_file_code_and_wrong_digits(service: SubmissionService, sim: RunningSimulator) -> None:
    out = service.submit("1.004194", payload(), (), "1234")
    assert out.file_code is not None
    sim.advance_clock(3601)
    found = service.lookup_status(out.file_code, "1234")
    assert found.kind == "found" and found.status == 2 and found.message_key == "queue.status_2"
    assert service.record(out.submission_id).portal_status == 2
    assert service.lookup_status(out.file_code, "9999").kind == "not_found"
    sim.set_faults("outage:on")
    assert service.lookup_status(out.file_code, "1234").kind == "unavailable"


def test_full_disk_at_submit_is_a_clear_error_and_earlier_files_stay(service: SubmissionService) -> None:
    kept = service.submit("1.004194", payload(1), (), "1234")
    conn = service.queue._conn
    conn.execute(f"PRAGMA max_page_count={conn.execute('PRAGMA page_count').fetchone()[0]}")
    with pytest.raises(QueueStorageFullError) as info:
        service.submit("1.004194", payload(2), [Attachment("TP", "big.pdf", "application/pdf", b"x" * 300_000)],
                       "1234")
    assert Translator("en").text(info.value.message_key)
    assert service.record(kept.submission_id).state is SubmissionState.ACCEPTED


def test_from_config_uses_the_configured_paths(tmp_path: Path, sim: RunningSimulator) -> None:
    config = load_config(overrides={"kiosk": {"data_dir": str(tmp_path / "data")},
                                    "portal": {"base_url": sim.url}})
    svc = SubmissionService.from_config(config)
    try:
        out = svc.submit("1.004194", payload(), (), "1234")
        assert out.kind == "sent"
    finally:
        svc.stop()
    assert (tmp_path / "data" / "queue.sqlite3").exists() and (tmp_path / "data" / "queue.key").exists()


def test_a_second_tap_with_the_same_key_neither_saves_nor_sends_twice(service: SubmissionService,
                                                                     sim: RunningSimulator) -> None:
    first = service.submit("1.004194", payload(), (), "1234", submission_id="tap-1")
    second = service.submit("1.004194", payload(), (), "1234", submission_id="tap-1")
    assert second.kind == "sent" and second.file_code == first.file_code
    assert len(sim.applications()) == 1 and len(service.queue.list_records()) == 1


def test_an_adapter_bug_at_first_try_leaves_the_file_saved_for_the_worker(service: SubmissionService,
                                                                         sim: RunningSimulator,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("adapter bug")

    monkeypatch.setattr(service._quick, "deliver", broken)
    out = service.submit("1.004194", payload(), (), "1234")
    assert out.kind == "queued"
    wait_for(lambda: service.record(out.submission_id).state is SubmissionState.ACCEPTED)
    assert len(sim.applications()) == 1


def test_while_the_portal_is_known_down_submit_answers_at_once(service: SubmissionService,
                                                              sim: RunningSimulator) -> None:
    sim.set_faults("outage:on")
    assert service.worker is not None
    service.worker.breaker = CircuitBreaker(1, 60.0, time.time)
    service.worker.breaker.failed()  # the worker has seen the portal fail: the breaker is open for a minute
    slow_client_timeout = time.monotonic()
    out = service.submit("1.004194", payload(), (), "1234")
    assert out.kind == "queued" and time.monotonic() - slow_client_timeout < 0.5
    assert service.record(out.submission_id).last_error == "portal_down"


def test_submit_into_a_damaged_queue_sets_it_aside_and_still_saves(service: SubmissionService) -> None:
    earlier = [service.submit("1.004194", {**payload(i), "pad": "x" * 800}, (), "1234").submission_id
               for i in range(200)]
    q = service.queue
    q._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    q._conn.execute("PRAGMA cache_size=1")
    data = bytearray(q.path.read_bytes())
    data[4096 * 8 : 4096 * 10] = b"\x13" * 8192
    q.path.write_bytes(bytes(data))
    found = 0
    for sid in earlier:  # the damage is found by the first read that touches it: set aside, salvaged, reported
        with contextlib.suppress(SubmissionNotFoundError):  # rows on a damaged page stay in the quarantined copy
            found += service.record(sid).state is SubmissionState.ACCEPTED
    assert service.queue.quarantined is not None and service.queue.quarantined.exists()
    assert found >= 150
    out = service.submit("1.004194", payload(999), (), "1234")
    assert out.kind == "sent"
    kept = {r.submission_id for r in service.queue.list_records(limit=1000)}
    assert out.submission_id in kept and len(kept & set(earlier)) >= 150
