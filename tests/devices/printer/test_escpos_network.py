"""EscPosPrinter over python-escpos's real network device, talking to a loopback stand-in for a thermal
printer that answers the real-time status queries (ESC/POS DLE EOT 1 printer status, DLE EOT 4 paper sensor)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from devices.printer import EscPosPrinter, PrinterNotReadyError, PrinterStatus, PrintJob
from devices.printer.escpos import escpos_job_bytes

DLE_EOT_STATUS = b"\x10\x04\x01"
DLE_EOT_PAPER = b"\x10\x04\x04"
ONLINE = b"\x12"  # fixed bits 1 and 4 set, bit 3 (offline) clear
PAPER_OK = b"\x12"
PAPER_OUT = b"\x72"  # bits 5-6: roll paper end sensor


class LoopbackThermalPrinter:
    def __init__(self, paper: bytes) -> None:
        self.paper = paper
        self.received = bytearray()
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.1)  # closing a listening socket does not wake accept(); polling a flag does
        self._stop = threading.Event()
        self.port = self._server.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            connection.settimeout(None)
            with connection:
                while chunk := connection.recv(65536):
                    if chunk == DLE_EOT_STATUS:
                        connection.sendall(ONLINE)
                    elif chunk == DLE_EOT_PAPER:
                        connection.sendall(self.paper)
                    else:
                        self.received += chunk

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._server.close()


@pytest.fixture
def thermal_printer() -> Iterator[LoopbackThermalPrinter]:
    printer = LoopbackThermalPrinter(PAPER_OK)
    yield printer
    printer.close()


def test_network_printer_receives_the_whole_raster_job(thermal_printer: LoopbackThermalPrinter,
                                                       receipt_job: PrintJob) -> None:
    printer = EscPosPrinter(f"net:127.0.0.1:{thermal_printer.port}")
    assert printer.status() is PrinterStatus.READY
    result = printer.print(receipt_job)
    expected = escpos_job_bytes(receipt_job.pdf)
    for _ in range(100):
        if len(thermal_printer.received) >= len(expected):
            break
        threading.Event().wait(0.05)
    assert bytes(thermal_printer.received) == expected
    assert result.bytes_sent == len(expected)


def test_network_printer_without_paper_is_sent_nothing(thermal_printer: LoopbackThermalPrinter,
                                                       receipt_job: PrintJob) -> None:
    thermal_printer.paper = PAPER_OUT
    printer = EscPosPrinter(f"net:127.0.0.1:{thermal_printer.port}")
    assert printer.status() is PrinterStatus.OUT_OF_PAPER
    with pytest.raises(PrinterNotReadyError) as info:
        printer.print(receipt_job)
    assert info.value.message_key == "printer.out_of_paper"
    assert bytes(thermal_printer.received) == b""


def test_unreachable_network_printer_is_offline(receipt_job: PrintJob) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens here once the probe is closed
    printer = EscPosPrinter(f"net:127.0.0.1:{port}")
    assert printer.status() is PrinterStatus.OFFLINE
    with pytest.raises(PrinterNotReadyError):
        printer.print(receipt_job)
