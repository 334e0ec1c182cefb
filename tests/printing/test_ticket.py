from __future__ import annotations

import dataclasses
import subprocess
from collections.abc import Callable

from printing import QueueTicketData, render_queue_ticket
from printing.qr_payload import decode


def test_ticket_shows_queue_number_room_and_insurance_outcome(ticket: QueueTicketData,
                                                             read_text: Callable[[bytes], str]) -> None:
    text = " ".join(read_text(render_queue_ticket(ticket).pdf).split())
    for expected in ("PHIẾU KHÁM BỆNH", "A-047", "Phòng: 105", "Tầng 1, Nhà B", "Nội tổng hợp", "Trần Văn Dũng",
                     "Bảo hiểm y tế", "HT3********6789", "Mức hưởng: 95%", "31/12/2026", "Đúng tuyến",
                     "Số người đang chờ trước bạn: 12", "khoảng 72 phút", "Mời đến phòng 105 (Tầng 1, Nhà B)"):
        assert expected in text
    assert "HT3380123456789" not in text
    assert "038085001234" not in text


def test_ticket_codes_carry_the_visit_number(ticket: QueueTicketData,
                                             read_codes: Callable[..., dict[str, str]]) -> None:
    codes = read_codes(render_queue_ticket(ticket).pdf)
    payload = decode(codes["QRCode"])
    assert (payload.kind, payload.file_code, payload.procedure_code) == ("ticket", "KB2611240047", "K02")
    assert payload.masked_id == "********1234"
    assert codes["Code128"] == "KB2611240047"


def test_queue_number_is_printed_large(ticket: QueueTicketData) -> None:
    document = render_queue_ticket(ticket)
    bbox = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=document.pdf, capture_output=True,
                          check=True).stdout.decode()
    line = next(row for row in bbox.splitlines() if ">A-047<" in row)
    y_min = float(line.split('yMin="')[1].split('"')[0])
    y_max = float(line.split('yMax="')[1].split('"')[0])
    assert y_max - y_min > 40  # points: several times the body text


def test_self_pay_ticket_sends_patient_to_the_cashier(ticket: QueueTicketData,
                                                      read_text: Callable[[bytes], str]) -> None:
    self_pay = dataclasses.replace(ticket, patient_type="self_pay", insurance_number="", benefit_percent=None)
    text = " ".join(read_text(render_queue_ticket(self_pay).pdf).split())
    assert "Dịch vụ (tự trả)" in text
    assert "quầy thu ngân" in text
    assert "Số thẻ BHYT" not in text
