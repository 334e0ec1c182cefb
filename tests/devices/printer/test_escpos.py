from __future__ import annotations

from pathlib import Path

import pytest
import zxingcpp
from escpos.printer import Dummy
from PIL import Image

from devices.printer import PrinterNotReadyError, PrinterStatus, PrintJob
from devices.printer.escpos import DeviceSpecError, EscPosPrinter, escpos_job_bytes, open_escpos_device
from printing.qr_payload import decode

from .conftest import FILE_CODE

GS_V_0 = b"\x1dv0"
GS_V_CUT = b"\x1dV"


def commands(data: bytes) -> list[tuple[str, bytes]]:
    """Walk an ESC/POS job command by command, so bytes inside image data are never mistaken for commands."""
    out: list[tuple[str, bytes]] = []
    i = 0
    while i < len(data):
        if data.startswith(b"\x1b@", i):
            out.append(("init", b""))
            i += 2
        elif data.startswith(b"\x1bd", i):  # ESC d n: feed n lines
            out.append(("feed", data[i + 2:i + 3]))
            i += 3
        elif data.startswith(GS_V_0, i):  # GS v 0 m xL xH yL yH d1...dk
            x_bytes = data[i + 4] + 256 * data[i + 5]
            rows = data[i + 6] + 256 * data[i + 7]
            out.append(("raster", data[i + 4:i + 8 + x_bytes * rows]))
            i += 8 + x_bytes * rows
        elif data.startswith(GS_V_CUT, i):  # GS V m, or GS V m n for m = 65/66
            size = 4 if data[i + 2] in (65, 66) else 3
            out.append(("cut", data[i + 2:i + size]))
            i += size
        else:
            out.append(("other", data[i:i + 1]))
            i += 1
    return out


def raster_images(data: bytes) -> Image.Image:
    """Rebuild the printed page from the GS v 0 raster blocks."""
    strips: list[Image.Image] = []
    for name, body in commands(data):
        if name != "raster":
            continue
        x_bytes, rows = body[0] + 256 * body[1], body[2] + 256 * body[3]
        # ESC/POS: a set bit prints black; PIL's mode "1" stores black as 0, so invert.
        strips.append(Image.frombytes("1", (x_bytes * 8, rows), bytes(255 - b for b in body[4:])))
    page = Image.new("1", (strips[0].width, sum(s.height for s in strips)), 1)
    top = 0
    for strip in strips:
        page.paste(strip, (0, top))
        top += strip.height
    return page


def test_receipt_is_sent_as_a_576_dot_raster_image_then_cut(receipt_job: PrintJob) -> None:
    walked = commands(escpos_job_bytes(receipt_job.pdf))
    names = [name for name, _ in walked]
    assert names[0] == "init"
    assert "other" not in names  # nothing but init, raster blocks, feed and cut: no text in a code page
    rasters = [body for name, body in walked if name == "raster"]
    assert rasters
    assert all(body[0] + 256 * body[1] == 576 // 8 for body in rasters)
    assert names[-1] == "cut"
    assert names.index("cut") > max(i for i, name in enumerate(names) if name == "raster")


def test_codes_survive_the_trip_through_the_thermal_raster(receipt_job: PrintJob) -> None:
    page = raster_images(escpos_job_bytes(receipt_job.pdf))
    codes = {c.format.name: c.text for c in zxingcpp.read_barcodes(page.convert("L"))}
    assert decode(codes["QRCode"]).file_code == FILE_CODE
    assert codes["Code128"] == FILE_CODE


def test_file_device_receives_exactly_the_job_bytes(tmp_path: Path, receipt_job: PrintJob) -> None:
    device_file = tmp_path / "lp0"
    device_file.touch()
    printer = EscPosPrinter(f"file:{device_file}")
    assert printer.status() is PrinterStatus.READY
    result = printer.print(receipt_job)
    written = device_file.read_bytes()
    assert written == escpos_job_bytes(receipt_job.pdf)
    assert result.bytes_sent == len(written)


class PaperlessPrinter(Dummy):  # type: ignore[misc]
    """A network printer answering the real-time status query with "no paper"."""

    def is_online(self) -> bool:
        return True

    def paper_status(self) -> int:
        return 0


def test_out_of_paper_printer_gets_nothing(receipt_job: PrintJob) -> None:
    device = PaperlessPrinter()
    printer = EscPosPrinter("net:192.0.2.1", open_device=lambda spec: device)
    assert printer.status() is PrinterStatus.OUT_OF_PAPER
    with pytest.raises(PrinterNotReadyError) as info:
        printer.print(receipt_job)
    assert info.value.message_key == "printer.out_of_paper"
    assert device.output == b""


def test_missing_device_file_is_not_ready(tmp_path: Path, receipt_job: PrintJob) -> None:
    printer = EscPosPrinter(f"file:{tmp_path}/no-such-dir/lp0")
    assert printer.status() is PrinterStatus.OFFLINE
    with pytest.raises(PrinterNotReadyError) as info:
        printer.print(receipt_job)
    assert info.value.message_key == "printer.not_ready"


@pytest.mark.parametrize("spec", ["", "usb:zz:01", "serial:/dev/ttyS0", "file:"])
def test_malformed_device_setting_is_refused_by_name(spec: str) -> None:
    with pytest.raises(DeviceSpecError, match="ESC/POS device"):
        open_escpos_device(spec)
    assert EscPosPrinter(spec).status() is PrinterStatus.ERROR


def test_every_page_is_rasterised_and_cut() -> None:
    from datetime import datetime

    from devices.printer.raster import pdf_to_bitmaps
    from printing import Issuer, ReceiptData, ReceivedDocument, render_receipt

    many = tuple(ReceivedDocument(f"Giấy tờ số {n}") for n in range(60))
    document = render_receipt(ReceiptData(
        issuer=Issuer("UBND Phường Bến Thành", "KIOSK-T", "1900 1234"), file_code=FILE_CODE, procedure_code="1",
        procedure_name="Đăng ký tạm trú", applicant_name="Nguyễn Thị Hương", id_number="079190001234",
        received_at=datetime(2026, 11, 24, 9, 30), documents=many), "a4")
    assert document.pages >= 2
    pages = pdf_to_bitmaps(document.pdf)
    assert len(pages) == document.pages
    assert {page.size[0] for page in pages} == {576}
    assert [name for name, _ in commands(escpos_job_bytes(document.pdf))].count("cut") == document.pages
