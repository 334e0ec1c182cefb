"""What the UI tests do again and again, with the window's own widgets: play the scripted persona through a
service (or up to a screen), look a file up by typing its code, read the QR code of a printed PDF, list the texts
on screen."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import zxingcpp
from PIL import Image
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

from kiosk.journey.persona import Answer, Counts, Persona, SpeechTimer
from printing.qr_payload import ReceiptQrPayload, decode
from ui.demo import Driver, play_in_window

PHONE = {"applicant.phone": "0912345678"}


def silent() -> SpeechTimer:
    timer = SpeechTimer(normalise=lambda text: text)
    timer.available = False
    return timer


def play(driver: Driver, service: str, answers: dict[str, Answer] | None = None, *, stop_at: str = "",
         receipt_qr: str = "") -> Counts:
    """The persona through `service` in the window (to the end, or until the screen `stop_at`)."""
    persona = Persona(service, answers, receipt_qr=receipt_qr)
    return play_in_window(driver, persona, speech=silent(), stop_at=stop_at)


def printed(driver: Driver) -> list[Path]:
    folder = driver.kiosk.printer.output_dir
    return sorted(folder.glob("*.pdf"), key=lambda p: p.stat().st_mtime_ns) if folder.exists() else []


def payload_of(pdf: Path) -> ReceiptQrPayload:
    png = subprocess.run(["pdftoppm", "-r", "203", "-gray", "-png", "-singlefile", str(pdf)],
                         capture_output=True, check=True).stdout
    codes = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return decode(next(c.text for c in codes if c.format.name == "QRCode"))


def page_image(pdf: Path) -> np.ndarray:
    """The first page of a PDF as a BGR camera frame (a receipt held up to the camera)."""
    png = subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(pdf)], capture_output=True,
                         check=True).stdout
    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.uint8)
    return np.ascontiguousarray(rgb[:, :, ::-1])


def label(driver: Driver, name: str) -> str:
    found = [w for w in driver.window.findChildren(QLabel, name) if w.isVisible()]
    return found[0].text() if found else ""


def visible_text(driver: Driver) -> str:
    return "\n".join(w.text() for w in driver.window.findChildren(QLabel) if w.isVisible())


def screen_texts(window: QWidget) -> list[str]:
    texts: list[str] = []
    for widget in window.findChildren(QWidget):
        if isinstance(widget, QLabel | QAbstractButton):
            texts.append(widget.text())
        texts.append(widget.accessibleName())
    return texts


def look_up(driver: Driver, code: str, last4: str = "2345") -> None:
    """"Tra cứu hồ sơ" on the welcome screen, the file code typed on the capitals keyboard, then the last four
    digits of the ID on the number pad."""
    driver.wait_page("welcome")
    driver.choose("status")
    driver.type(code)
    driver.choose("next")
    driver.type(last4)
    driver.choose("next")
    driver.wait_page("status")


def reach_services(driver: Driver) -> None:
    """The card on the pad (its front's QR code opens the chip), the face check, up to the list of services."""
    driver.wait_page("welcome")
    driver.insert_card()
    driver.tick_until(lambda: driver.view.screen != "face", "end of the face check")
    assert driver.view.screen == "services", driver.view.screen


def set_card(driver: Driver, image: Any) -> None:
    """The virtual card the hand places next (a tampered or misbehaving chip)."""
    driver.kiosk.card_image = image


def confirm_withdrawal(driver: Driver) -> None:
    """On "withdraw_confirm": a reason, the holder's card on the reader again, then "Rút hồ sơ"."""
    driver.wait_page("withdraw_confirm")
    reasons = [c.id for c in driver.view.choices if c.id.startswith("reason:")]
    if reasons:
        driver.choose(reasons[0])
    if "withdraw_yes" not in driver.view.choice_ids():
        driver.insert_card()
    driver.choose("withdraw_yes")
    driver.wait_page("withdraw_done")
