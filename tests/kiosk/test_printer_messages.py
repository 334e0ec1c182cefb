"""Every message key the printing and printer packages can raise has kind words in both languages."""

from __future__ import annotations

from devices.printer import PrinterNotReadyError, PrinterStatus, PrintJobFailedError
from devices.printer.escpos import DeviceSpecError
from devices.printer.raster import RasterError
from kiosk.i18n import LANGUAGES, Translator
from printing.fonts import FontMissingError
from printing.qr_payload import QrPayloadError


def test_printer_error_keys_are_translated() -> None:
    keys = {PrinterNotReadyError("x", status=s).message_key for s in PrinterStatus}
    keys |= {PrintJobFailedError("x").message_key, DeviceSpecError.message_key, RasterError.message_key,
             FontMissingError.message_key, QrPayloadError.message_key}
    assert "printer.out_of_paper" in keys
    for language in LANGUAGES:
        translator = Translator(language)
        for key in keys:
            assert translator.text(key).strip()
