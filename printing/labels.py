"""Every word printed on a kiosk document, in Vietnamese and English, in one table.

Printed documents are Vietnamese first: the Vietnamese text always appears, and when the citizen chose English
the English text follows it in smaller type. `printing/` cannot use the kiosk's message catalogue (it sits
below `kiosk/`), so document wording lives here; texts may hold `{name}` placeholders.
"""

from __future__ import annotations

from typing import Literal

Language = Literal["vi", "en"]

LABELS: dict[str, tuple[str, str]] = {
    # receipt (Giấy tiếp nhận hồ sơ và hẹn trả kết quả)
    "receipt.title": ("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "Receipt and appointment slip"),
    "receipt.supplement_title": ("GIẤY TIẾP NHẬN HỒ SƠ BỔ SUNG", "Receipt for additional papers"),
    "receipt.supplement_of": ("Bổ sung hồ sơ", "Additional papers for file"),
    "receipt.file_code": ("Mã hồ sơ", "File code"),
    "receipt.local_reference": ("Mã tạm (chờ gửi)", "Temporary reference (waiting to be sent)"),
    "receipt.pending_note": (
        "Hồ sơ đã được lưu an toàn trên máy và sẽ tự gửi lên hệ thống khi có mạng. Mã hồ sơ chính thức sẽ được "
        "gửi qua tin nhắn.",
        "Your application is stored safely on this kiosk and will be sent as soon as the network is back. "
        "The official file code will come by text message."),
    "receipt.applicant": ("Người nộp", "Applicant"),
    "receipt.id_number": ("Số định danh", "ID number"),
    "receipt.procedure": ("Thủ tục", "Procedure"),
    "receipt.documents": ("Giấy tờ đã nhận", "Documents received"),
    "receipt.parts": ("Các thủ tục liên thông", "Linked procedures"),
    "receipt.part_line": ("{n}. {name} ({code}): mã hồ sơ {file_code}, {status}",
                          "{n}. {name} ({code}): file code {file_code}, {status}"),
    "receipt.part_waiting": ("chờ gửi", "waiting to be sent"),
    "receipt.copies": ("{count} bản", "{count} cop(ies)"),
    "receipt.processing_time": ("Thời hạn giải quyết", "Processing time"),
    "receipt.working_days": ("{days} ngày làm việc", "{days} working day(s)"),
    "receipt.received_at": ("Thời gian nhận", "Received"),
    "receipt.appointment": ("Hẹn trả kết quả", "Results ready"),
    "receipt.delivery": ("Nhận kết quả qua", "Results delivered by"),
    "receipt.delivery.counter": ("Tại bộ phận một cửa", "At the one-stop counter"),
    "receipt.delivery.post": ("Qua bưu điện", "By post"),
    "receipt.delivery.online": ("Trực tuyến (VNeID / Cổng dịch vụ công)", "Online (VNeID / public service portal)"),
    "receipt.next_steps": ("Việc cần làm tiếp theo", "What to do next"),
    "receipt.next.bring_card": ("Mang thẻ Căn cước và phiếu này đến {place} vào ngày {date} để nhận kết quả.",
                                "Bring your ID card and this slip to {place} on {date} to collect the result."),
    "receipt.one_stop_of": ("Bộ phận một cửa {agency}", "the one-stop counter of {agency}"),
    "receipt.next.wait_post": ("Kết quả sẽ được gửi qua bưu điện đến địa chỉ đã đăng ký.",
                               "The result will be posted to your registered address."),
    "receipt.next.wait_online": ("Kết quả sẽ được gửi lên VNeID; bạn sẽ nhận tin nhắn khi có kết quả.",
                                 "The result will be sent to VNeID; you will get a text message when it is ready."),
    "receipt.next.lookup": ("Tra cứu hồ sơ: quét mã QR trên phiếu này tại máy hoặc gọi {hotline}.",
                            "Check your file: scan the QR code at the kiosk or call {hotline}."),
    "receipt.keep": ("Xin giữ phiếu này để tra cứu và nhận kết quả.", "Please keep this slip."),
    # the fee on the receipt
    "receipt.fee": ("Phí, lệ phí", "Fee"),
    "receipt.amount": ("{amount} đồng", "VND {amount}"),
    "receipt.payment_method": ("Hình thức nộp", "Paid by"),
    "receipt.method.vietqr": ("Chuyển khoản VietQR", "VietQR bank transfer"),
    "receipt.method.counter": ("Nộp tại quầy", "At the counter"),
    "receipt.payment_reference": ("Mã thanh toán", "Payment reference"),
    "receipt.payment_paid": ("Đã nộp lúc {time}", "Paid at {time}"),
    "receipt.payment_awaiting": ("Chưa nộp: hồ sơ chờ nộp phí", "Not paid yet: the file waits for the fee"),
    "receipt.pay_with_qr": ("Quét mã VietQR dưới đây bằng ứng dụng ngân hàng để nộp phí, hoặc nộp tại máy qua "
                            "mục Tra cứu hồ sơ.",
                            "Scan the VietQR code below with your banking app to pay, or pay at the kiosk "
                            "through File status."),
    # national heading of administrative documents (Decree 30/2020/ND-CP, Appendix I), printed on A4
    "common.national_title": ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Socialist Republic of Viet Nam"),
    "common.national_motto": ("Độc lập - Tự do - Hạnh phúc", "Independence - Freedom - Happiness"),
    # shared footer
    "common.kiosk": ("Máy", "Kiosk"),
    "common.hotline": ("Đường dây nóng", "Hotline"),
    "common.printed_at": ("In lúc", "Printed"),
    # hospital queue ticket (phiếu khám bệnh)
    "ticket.title": ("PHIẾU KHÁM BỆNH", "Examination ticket"),
    "ticket.queue_number": ("Số thứ tự", "Queue number"),
    "ticket.room": ("Phòng", "Room"),
    "ticket.floor": ("Tầng / Khu", "Floor / Building"),
    "ticket.specialty": ("Chuyên khoa", "Specialty"),
    "ticket.patient": ("Người bệnh", "Patient"),
    "ticket.birth_year": ("Năm sinh", "Year of birth"),
    "ticket.sex": ("Giới tính", "Sex"),
    "ticket.sex.male": ("Nam", "Male"),
    "ticket.sex.female": ("Nữ", "Female"),
    "ticket.patient_type": ("Đối tượng", "Patient type"),
    "ticket.type.insurance": ("Bảo hiểm y tế", "Health insurance"),
    "ticket.type.self_pay": ("Dịch vụ (tự trả)", "Self-pay"),
    "ticket.insurance_number": ("Số thẻ BHYT", "Insurance card"),
    "ticket.benefit": ("Mức hưởng", "Benefit"),
    "ticket.valid_to": ("Hạn thẻ", "Valid until"),
    "ticket.registered_facility": ("Nơi ĐKKCB ban đầu", "Registered facility"),
    "ticket.route": ("Tuyến", "Route"),
    "ticket.route.in_network": ("Đúng tuyến", "In network"),
    "ticket.route.open_network": ("Thông tuyến", "Open network"),
    "ticket.route.out_of_network": ("Trái tuyến", "Out of network"),
    "ticket.people_ahead": ("Số người đang chờ trước bạn", "People ahead of you"),
    "ticket.estimated_wait": ("Thời gian chờ dự kiến", "Estimated wait"),
    "ticket.minutes": ("khoảng {minutes} phút", "about {minutes} min"),
    "ticket.next_step": ("Mời đến phòng {room} ({floor}) và chờ gọi số.",
                         "Please go to room {room} ({floor}) and wait for your number."),
    "ticket.self_pay_note": ("Mời đến quầy thu ngân trước khi khám.",
                             "Please go to the cashier's desk before the examination."),
    # "needs help" slip for the counter
    "help.title": ("PHIẾU CẦN HỖ TRỢ", "Please help this citizen"),
    "help.intro": ("Máy chưa hoàn tất được việc của bạn. Mời mang phiếu này đến quầy, cán bộ sẽ hỗ trợ.",
                   "The kiosk could not finish. Please take this slip to the counter; staff will help you."),
    "help.reason": ("Lý do", "Reason"),
    "help.code": ("Mã lỗi", "Error code"),
    "help.service": ("Dịch vụ", "Service"),
    "help.time": ("Thời gian", "Time"),
    "help.reference": ("Mã tham chiếu", "Reference"),
}


def text(key: str, language: Language, /, **params: object) -> str:
    """One label in one language (English falls back to nothing: Vietnamese is always printed)."""
    vi, en = LABELS[key]
    template = vi if language == "vi" else en
    return template.format(**params) if params else template


def both(key: str, language: Language, /, **params: object) -> tuple[str, str | None]:
    """The Vietnamese text and, when the citizen chose English, the English one to print below it."""
    return text(key, "vi", **params), (text(key, "en", **params) if language == "en" else None)
