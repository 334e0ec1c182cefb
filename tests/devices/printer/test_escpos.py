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


def raster_images(data: bytes) -> Image.Image:
    """Rebuild the printed page from the GS v 0 raster blocks (ESC/POS: GS v 0 m xL xH yL yH d1…dk)."""
    strips: list[Image.Image] = []
    position = data.find(GS_V_0)
    while position != -1:
        x_bytes = data[position + 4] + 256 * data[position + 5]
        rows = data[position + 6] + 256 * data[position + 7]
        start = position + 8
        bits = data[start:start + x_bytes * rows]
        # ESC/POS: a set bit prints black; PIL's mode "1" stores black as 0, so invert.
        strips.append(Image.frombytes("1", (x_bytes * 8, rows), bytes(255 - b for b in bits)))
        position = data.find(GS_V_0, start + x_bytes * rows)
    page = Image.new("1", (strips[0].width, sum(s.height for s in strips)), 1)
    top = 0
    for strip in strips:
        page.paste(strip, (0, top))
        top += strip.height
    return page


def test_receipt_is_sent_as_a_576_dot_raster_image_then_cut(receipt_job: PrintJob) -> None:
    data = escpos_job_bytes(receipt_job.pdf)
    assert data.startswith(b"\x1b@")  # ESC @ initialise
    first = data.find(GS_V_0)
    assert first != -1
    assert data[first + 4] + 256 * data[first + 5] == 576 // 8
    assert data.rfind(GS_V_CUT) > data.rfind(GS_V_0)


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
