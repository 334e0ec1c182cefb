from __future__ import annotations

import dataclasses
from collections.abc import Callable

from printing import HelpSlipData, render_help_slip
from printing.qr_payload import decode


def test_help_slip_tells_the_counter_what_went_wrong(help_slip: HelpSlipData,
                                                     read_text: Callable[[bytes], str]) -> None:
    text = " ".join(read_text(render_help_slip(help_slip).pdf).split())
    for expected in ("PHIẾU CẦN HỖ TRỢ", "Không đọc được thẻ Căn cước, xin kiểm tra lại thẻ", "card.access_denied",
                     "Đăng ký tạm trú", "10:05 24/11/2026", "KIOSK-BT-01", "Q-20261124-0007",
                     "UBND Phường Bến Thành"):
        assert expected in text


def test_help_slip_qr_code_names_the_queued_application(help_slip: HelpSlipData,
                                                        read_codes: Callable[..., dict[str, str]]) -> None:
    payload = decode(read_codes(render_help_slip(help_slip).pdf)["QRCode"])
    assert (payload.kind, payload.file_code, payload.procedure_code) == ("help", "Q-20261124-0007",
                                                                         "card.access_denied")


def test_help_slip_in_english_keeps_vietnamese_for_staff(help_slip: HelpSlipData,
                                                         read_text: Callable[[bytes], str]) -> None:
    text = " ".join(read_text(render_help_slip(dataclasses.replace(help_slip, language="en")).pdf).split())
    assert text.index("Mời mang phiếu này đến quầy") < text.index("Please take this slip to the counter")
