"""Thermal receipt printers spoken to in ESC/POS through python-escpos (USB, network or a device file).

ESC/POS character code pages have no Vietnamese letters, so the whole document goes as a raster image
(GS v 0, "print raster bit image") followed by a partial cut (GS V). The job is assembled in memory first and
written in one piece, so a printer that goes away mid-job is reported without leaving half a receipt queued.
Network and USB printers are asked for their state first (DLE EOT, real-time status): no paper or offline
means "not ready" and nothing is sent.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from typing import Any

from devices.printer.printer import (
    PrinterNotReadyError,
    PrinterStatus,
    PrintJob,
    PrintJobFailedError,
    PrintResult,
)
from devices.printer.raster import PRINTABLE_DOTS, pdf_to_bitmaps

log = logging.getLogger(__name__)

_NO_PAPER = 0  # python-escpos paper_status(): 2 paper present, 1 near end, 0 no paper


class DeviceSpecError(ValueError):
    message_key = "printer.not_configured"


def open_escpos_device(spec: str) -> Any:
    """`usb:VID:PID` (hex), `net:HOST[:PORT]` or `file:/dev/usb/lp0` → a python-escpos printer object."""
    from escpos import printer as escpos_printer

    kind, _, rest = spec.partition(":")
    device: Any
    try:
        if kind == "usb":
            vendor, product = (int(part, 16) for part in rest.split(":"))
            device = escpos_printer.Usb(vendor, product)
        elif kind == "net":
            host, _, port = rest.partition(":")
            device = escpos_printer.Network(host, int(port or 9100), timeout=10)
        elif kind == "file" and rest:
            device = escpos_printer.File(rest)
        else:
            raise DeviceSpecError(
                f"ESC/POS device must be usb:VID:PID, net:HOST[:PORT] or file:PATH, not {spec!r}")
    except ValueError as exc:
        raise DeviceSpecError(f"bad ESC/POS device {spec!r}: {exc}") from exc
    # python-escpos opens lazily on first write; open now so a missing printer shows up as "not ready".
    device.open()
    return device


def escpos_job_bytes(pdf: bytes, *, width_dots: int = PRINTABLE_DOTS) -> bytes:
    """The exact bytes sent for a document: initialise, one raster image per page, and a cut after each."""
    from escpos.printer import Dummy

    buffer = Dummy()
    # Tell python-escpos the head width, so it neither warns nor guesses; the image is already that wide.
    buffer.profile.profile_data["media"]["width"]["pixels"] = width_dots
    buffer.hw("INIT")
    for page in pdf_to_bitmaps(pdf, width_dots=width_dots):
        buffer.image(page, impl="bitImageRaster", center=False)
        buffer.cut(mode="PART")
    data: bytes = buffer.output
    return data


class EscPosPrinter:
    def __init__(self, device: str, *, width_dots: int = PRINTABLE_DOTS,
                 open_device: Callable[[str], Any] = open_escpos_device) -> None:
        self.device = device
        self.width_dots = width_dots
        self._open_device = open_device
        self._counter = itertools.count(1)

    @property
    def name(self) -> str:
        return f"escpos:{self.device}"

    def status(self) -> PrinterStatus:
        try:
            device = self._open_device(self.device)
        except DeviceSpecError:
            return PrinterStatus.ERROR
        except Exception as exc:
            log.warning("ESC/POS printer %s cannot be opened: %s", self.device, exc)
            return PrinterStatus.OFFLINE
        try:
            if not self.device.startswith(("usb:", "net:")):
                return PrinterStatus.READY  # a device file cannot be asked; writing will tell
            if not device.is_online():
                return PrinterStatus.OFFLINE
            if device.paper_status() == _NO_PAPER:
                return PrinterStatus.OUT_OF_PAPER
            return PrinterStatus.READY
        except Exception as exc:
            log.warning("ESC/POS printer %s did not answer the status query: %s", self.device, exc)
            return PrinterStatus.OFFLINE
        finally:
            _close(device)

    def print(self, job: PrintJob) -> PrintResult:
        state = self.status()
        if state is not PrinterStatus.READY:
            raise PrinterNotReadyError(f"ESC/POS printer {self.device} is {state.value}", status=state)
        data = escpos_job_bytes(job.pdf, width_dots=self.width_dots)
        try:
            device = self._open_device(self.device)
        except Exception as exc:
            raise PrinterNotReadyError(f"ESC/POS printer {self.device} cannot be opened: {exc}") from exc
        try:
            device._raw(data)
        except Exception as exc:
            raise PrintJobFailedError(f"ESC/POS printer {self.device} stopped while printing: {exc}") from exc
        finally:
            _close(device)
        return PrintResult(printer=self.name, job_id=str(next(self._counter)), bytes_sent=len(data))


def _close(device: Any) -> None:
    try:
        device.close()
    except Exception as exc:  # closing a vanished device is not worth failing a finished job for
        log.debug("closing ESC/POS device: %s", exc)
