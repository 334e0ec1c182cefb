"""Adding papers to a filed case (status 5), through the journey core: the status look-up made with the card on the
reader shows what the officer asked for, the citizen scans the papers and sends them as a supplement to the same
file (its own idempotency key), saved in the offline queue like any submission, with a supplement receipt."""

from __future__ import annotations

import time
from collections.abc import Callable

from devices.scanner.simulated import SimulatedScanner
from kiosk.journey import CardRemoved, QrRead, Tap
from kiosk.journey.persona import Persona
from offline_cache import SubmissionState
from tests.kiosk.journey.conftest import Stand
from tests.kiosk.journey.test_payment_step import drive, pdf_text

ASKED = ["Hợp đồng thuê nhà có công chứng (đủ các trang)"]


def filed_case(stand: Stand) -> tuple[str, str]:
    """A file sent by the typical citizen, then asked for papers by the officer: (file code, receipt QR)."""
    drive(stand, Persona("id_confirmation"), "done")
    outcome = stand.visit.outcome
    assert outcome is not None and outcome.file_code
    code, receipt_qr = outcome.file_code, stand.visit.receipt_qr
    stand.take()
    assert stand.visit.handle(CardRemoved()).screen == "welcome"
    assert stand.kiosk.portal_simulator is not None
    assert stand.kiosk.portal_simulator.request_supplement(code, ASKED, "Bản chụp hợp đồng bị mờ.")
    return code, receipt_qr


def to_status_with_card(stand: Stand, code: str) -> None:
    stand.visit.parts.scanner = SimulatedScanner(kind="flatbed")
    view = drive(stand, Persona("file_status", file_code=code), "status")
    assert "supplement" in view.choice_ids()


def test_the_status_look_up_with_the_card_shows_the_request_and_sends_the_papers_once(
        make_stand: Callable[..., Stand]) -> None:
    stand = make_stand(hospital=False)
    code, _ = filed_case(stand)
    to_status_with_card(stand, code)
    view = stand.visit.view()
    asked = {line.label: line.value for line in view.lines}
    assert asked["Cán bộ yêu cầu"] == ASKED[0] and asked["Ghi chú của cán bộ"] == "Bản chụp hợp đồng bị mờ."
    view = stand.visit.handle(Tap("supplement"))
    assert view.screen == "supplement" and "send" not in view.choice_ids()
    view = stand.visit.handle(Tap("scan"))
    view = stand.visit.handle(Tap("scan"))
    assert len(view.pages) == 2 and "send" in view.choice_ids()
    printed_before = len(stand.printed())
    view = stand.visit.handle(Tap("send"))
    assert view.screen == "supplement_done"
    values = {line.label: line.value for line in view.lines}
    assert values["Mã hồ sơ"] == code and values["Loại"] == "Bổ sung hồ sơ" and values["Số trang đã quét"] == "2"
    assert [p.key for p in view.prompts] == ["supplement.sent_say"]

    simulator = stand.kiosk.portal_simulator
    assert simulator is not None
    [added] = simulator.supplements()
    assert added["dossier_code"] == code and added["body"]["items"] == ASKED
    assert [a["component_code"] for a in added["body"]["attachments"]] == ["HS_BO_SUNG"]
    created_key = next(a["idempotency_key"] for a in simulator.applications() if a["dossier_code"] == code)
    assert added["idempotency_key"] != created_key

    slip = stand.printed()
    assert len(slip) == printed_before + 1
    text = pdf_text(slip[-1])
    assert "TIẾP NHẬN HỒ SƠ BỔ SUNG" in text and code in text and "2 bản" in text

    record = stand.kiosk.submissions.record(added["idempotency_key"])
    assert record.state is SubmissionState.ACCEPTED and record.file_code == code
    # The same supplement sent again (a lost answer, a retry) is the same one at the portal.
    again = stand.kiosk.submissions.submit_supplement(code, record.receipt.id_last4, [], ASKED,
                                                      submission_id=added["idempotency_key"])
    assert again.kind == "sent" and len(simulator.supplements()) == 1
    assert stand.visit.handle(Tap("finish")).screen == "welcome"


def test_without_the_card_the_request_is_not_offered(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand(hospital=False)
    _, receipt_qr = filed_case(stand)
    stand.visit.handle(Tap("status"))
    view = stand.visit.handle(QrRead(receipt_qr))
    assert view.screen == "status" and "supplement" not in view.choice_ids()
    assert [p.key for p in view.prompts] == ["queue.status_5"]


def test_a_supplement_while_the_portal_is_down_is_saved_and_sent_later_exactly_once(
        make_stand: Callable[..., Stand]) -> None:
    stand = make_stand(hospital=False)
    code, _ = filed_case(stand)
    to_status_with_card(stand, code)
    simulator = stand.kiosk.portal_simulator
    assert simulator is not None
    stand.visit.handle(Tap("supplement"))
    stand.visit.handle(Tap("scan"))
    simulator.set_faults("outage:on")
    view = stand.visit.handle(Tap("send"))
    assert view.screen == "supplement_done" and [p.key for p in view.prompts] == ["supplement.queued_say"]
    assert simulator.supplements() == []
    simulator.set_faults("")
    worker = stand.kiosk.submissions.worker
    assert worker is not None
    worker.wake()
    deadline = time.monotonic() + 30.0   # the worker's first retry comes `first_try_retry_s` after the try
    while not simulator.supplements() and time.monotonic() < deadline:
        time.sleep(0.1)
    [added] = simulator.supplements()
    assert added["dossier_code"] == code
    record = stand.kiosk.submissions.record(added["idempotency_key"])
    assert record.state is SubmissionState.ACCEPTED


def test_a_page_the_scanner_refuses_is_said_and_nothing_is_sent_without_pages(
        make_stand: Callable[..., Stand]) -> None:
    stand = make_stand(hospital=False)
    code, _ = filed_case(stand)
    to_status_with_card(stand, code)
    stand.visit.parts.scanner = SimulatedScanner(kind="flatbed", script=["jam"])
    stand.visit.handle(Tap("supplement"))
    view = stand.visit.handle(Tap("scan"))
    assert view.error_key == "documents.paper_jam" and view.pages == ()
    assert [p.key for p in view.prompts][-1] == "documents.paper_jam"
    view = stand.visit.handle(Tap("send"))   # not offered, and refused if tapped anyway
    assert view.screen == "supplement" and view.error_key == "documents.no_pages"
    assert stand.kiosk.portal_simulator is not None and stand.kiosk.portal_simulator.supplements() == []
