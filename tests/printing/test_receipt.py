from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Callable
from datetime import date, datetime

import pytest
import zxingcpp

from printing import ReceiptData, render_receipt
from printing.qr_payload import decode


@pytest.mark.parametrize("paper", ["80mm", "a4"])
def test_qr_code_top_left_reads_back_the_receipt_payload(receipt: ReceiptData, paper: str,
                                                         read_codes: Callable[..., dict[str, str]],
                                                         read_pages: Callable[..., list]) -> None:
    pdf = render_receipt(receipt, paper).pdf  # type: ignore[arg-type]
    codes = read_codes(pdf)
    payload = decode(codes["QRCode"])
    assert payload.kind == "receipt"
    assert payload.file_code == "000.00.01.H29-261124-0012"
    assert payload.procedure_code == "1.004227"
    assert payload.masked_id == "********1234"
    assert payload.issued_at == datetime(2026, 11, 24, 9, 30)
    assert payload.appointment == date(2026, 11, 28)
    assert payload.issuer == "KIOSK-BT-01"
    assert codes["Code128"] == "000.00.01.H29-261124-0012"
    page = read_pages(pdf)[0]
    qr = next(c for c in zxingcpp.read_barcodes(page) if c.format.name == "QRCode")
    # Top-left: the QR code's centre lies in the left third and the top part of the page.
    centre_x = sum(p.x for p in (qr.position.top_left, qr.position.bottom_right)) / 2
    centre_y = sum(p.y for p in (qr.position.top_left, qr.position.bottom_right)) / 2
    assert centre_x < page.width / 3
    assert centre_y < min(page.height / 4, 400)


def test_vietnamese_names_and_places_survive_exactly(receipt: ReceiptData,
                                                     read_text: Callable[[bytes], str]) -> None:
    text = " ".join(read_text(render_receipt(receipt).pdf).split())
    for expected in ("Nguyễn Thị Hương", "Phường Bến Thành", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
                     "Đăng ký tạm trú", "Hợp đồng thuê nhà", "14:00 28/11/2026", "3 ngày làm việc"):
        assert expected in text


def test_decomposed_card_text_prints_as_composed_letters(receipt: ReceiptData,
                                                        read_text: Callable[[bytes], str]) -> None:
    decomposed = dataclasses.replace(receipt, applicant_name=unicodedata.normalize("NFD", "Lê Thị Ánh Tuyết"))
    assert "Lê Thị Ánh Tuyết" in read_text(render_receipt(decomposed).pdf)


def test_id_number_is_printed_only_masked(receipt: ReceiptData, read_text: Callable[[bytes], str],
                                          read_codes: Callable[..., dict[str, str]]) -> None:
    pdf = render_receipt(receipt).pdf
    text = read_text(pdf)
    assert "********1234" in text
    assert "079190001234" not in text
    assert "079190001234" not in "".join(read_codes(pdf).values())
    assert "079190001234" not in pdf.decode("latin-1")


def test_long_name_wraps_and_the_roll_grows_to_fit(receipt: ReceiptData, read_text: Callable[[bytes], str]) -> None:
    long_name = "Tôn Nữ Hoàng Thị Phương Thảo Nguyễn Phước Bảo Ngọc Khánh Linh Huyền Trân"
    short = render_receipt(receipt)
    long = render_receipt(dataclasses.replace(receipt, applicant_name=long_name))
    assert long.pages == 1
    assert long.page_width_mm == pytest.approx(80.0)
    assert long.page_height_mm > short.page_height_mm
    text = read_text(long.pdf)
    assert long_name in " ".join(text.split())
    assert not any(long_name in line for line in text.splitlines())  # wrapped over several lines


def test_a4_receipt_is_an_a4_page_with_the_national_heading(receipt: ReceiptData,
                                                             read_text: Callable[[bytes], str]) -> None:
    document = render_receipt(receipt, "a4")
    assert (round(document.page_width_mm), round(document.page_height_mm)) == (210, 297)
    assert document.pages == 1
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in read_text(document.pdf)
    assert "CỘNG HÒA" not in read_text(render_receipt(receipt, "80mm").pdf)  # no room for it on the roll


def test_english_choice_keeps_vietnamese_first(receipt: ReceiptData, read_text: Callable[[bytes], str]) -> None:
    vi_only = " ".join(read_text(render_receipt(receipt).pdf).split())
    both = " ".join(read_text(render_receipt(dataclasses.replace(receipt, language="en")).pdf).split())
    assert "File code" not in vi_only
    assert both.index("Mã hồ sơ") < both.index("File code")
    assert both.index("Mang thẻ Căn cước") < both.index("Bring your ID card")


def test_next_steps_say_when_and_where_to_come(receipt: ReceiptData, read_text: Callable[[bytes], str]) -> None:
    text = " ".join(read_text(render_receipt(receipt).pdf).split())
    assert ("Mang thẻ Căn cước và phiếu này đến Bộ phận một cửa UBND Phường Bến Thành, 92 Nguyễn Du, Quận 1 "
            "vào ngày 28/11/2026") in text
    assert "1900 1234" in text


def test_queued_receipt_says_the_code_is_temporary(receipt: ReceiptData, read_text: Callable[[bytes], str],
                                                   read_codes: Callable[..., dict[str, str]]) -> None:
    queued = dataclasses.replace(receipt, file_code="Q-20261124-0007", pending_upload=True)
    pdf = render_receipt(queued).pdf
    text = " ".join(read_text(pdf).split())
    assert "Mã tạm (chờ gửi)" in text
    assert "sẽ tự gửi lên hệ thống khi có mạng" in text
    assert decode(read_codes(pdf)["QRCode"]).file_code == "Q-20261124-0007"


def test_receipt_data_repr_holds_no_personal_data(receipt: ReceiptData) -> None:
    shown = repr(receipt)
    assert "Hương" not in shown
    assert "079190001234" not in shown


def test_long_queue_reference_stays_readable_on_the_roll(receipt: ReceiptData, read_text: Callable[[bytes], str],
                                                         read_codes: Callable[..., dict[str, str]]) -> None:
    reference = "5c6bc3b0-7e48-4b19-8a83-e441e7fe894b"
    queued = dataclasses.replace(receipt, file_code=reference, pending_upload=True)
    roll = render_receipt(queued).pdf
    assert reference in read_text(roll).split()  # on one line, not broken
    roll_codes = read_codes(roll)
    assert decode(roll_codes["QRCode"]).file_code == reference
    assert "Code128" not in roll_codes  # too long for a barcode a thermal head can draw: the QR code carries it
    assert read_codes(render_receipt(queued, "a4").pdf)["Code128"] == reference


# ---- the fee: amount, method and payment reference --------------------------------------------------------------

VIETQR = ("00020101021238570010A00000072701270006970403011300110012345670208QRIBFTTA5303704540470005802VN"
          "62540525000.00.01.H29-261202-00070825000.00.01.H29-261202-00076304")


def _with_payment(receipt: ReceiptData, **change: object) -> ReceiptData:
    from printing.documents import ReceiptPayment

    fields: dict[str, object] = {"amount_vnd": 7000, "method": "vietqr", "reference": "000.00.01.H29-261202-0007",
                                 "state": "paid", "paid_at": datetime(2026, 12, 2, 9, 41)}
    fields.update(change)
    return dataclasses.replace(receipt, payment=ReceiptPayment(**fields))  # type: ignore[arg-type]


def test_paid_fee_prints_amount_method_reference_and_time(receipt: ReceiptData,
                                                          read_text: Callable[[bytes], str]) -> None:
    text = " ".join(read_text(render_receipt(_with_payment(receipt)).pdf).split())
    assert "Phí, lệ phí: 7.000 đồng" in text
    assert "Hình thức nộp: Chuyển khoản VietQR" in text
    assert "Mã thanh toán: 000.00.01.H29-261202-0007" in text
    assert "Đã nộp lúc 09:41 02/12/2026" in text
    assert "Quét mã VietQR" not in text


def test_unpaid_fee_prints_a_vietqr_to_pay_later(receipt: ReceiptData, read_text: Callable[[bytes], str],
                                                 read_codes: Callable[..., dict[str, str]],
                                                 read_pages: Callable[..., list[object]]) -> None:
    payload = VIETQR + "0000"  # a CRC is the payment module's business; printing prints the text it is given
    data = _with_payment(receipt, state="awaiting", paid_at=None, qr_payload=payload)
    pdf = render_receipt(data).pdf
    text = " ".join(read_text(pdf).split())
    assert "Chưa nộp: hồ sơ chờ nộp phí" in text and "Quét mã VietQR" in text
    found = {code.text for code in zxingcpp.read_barcodes(read_pages(pdf)[0])}  # type: ignore[arg-type]
    assert payload in found
    assert any(t.startswith("VNK1|") for t in found)  # the receipt's own QR is still there


def test_english_receipt_explains_the_fee_in_both_languages(receipt: ReceiptData,
                                                            read_text: Callable[[bytes], str]) -> None:
    data = dataclasses.replace(_with_payment(receipt), language="en")
    text = " ".join(read_text(render_receipt(data).pdf).split())
    assert "Phí, lệ phí" in text and "Fee" in text and "VietQR bank transfer" in text


def test_no_payment_prints_no_fee_section(receipt: ReceiptData, read_text: Callable[[bytes], str]) -> None:
    assert "Phí, lệ phí" not in read_text(render_receipt(receipt).pdf)
