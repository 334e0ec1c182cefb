"""The scripted citizen journey behind `kiosk demo`: the real window, driven by taps as a person would.

Run as `python -m ui.demo --out DIR` (the CLI starts it, on Qt's offscreen platform when there is no display).
Everything is fixed — the wall clock (ui.demo_clock), the random seed, the virtual card, the simulated camera — so
every run walks the same screens. Each screen is saved as a PNG (QWidget.grab) and the printed receipt is copied
next to them; the paths are printed at the end.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import shutil
import sys
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QWidget

from kiosk.bootstrap import DemoSetup, Kiosk, build_kiosk
from kiosk.config import KioskConfig, load_config
from kiosk.session_events import SessionState

log = logging.getLogger(__name__)


# The shipped demo card's details (fictional), as a citizen would type them to open the chip.
DEMO_ID_NUMBER = "001190012345"
DEMO_BIRTH = date(1990, 3, 14)
DEMO_EXPIRY = date(2030, 3, 14)


class JourneyError(RuntimeError):
    """The scripted journey could not go on (a screen did not appear or a button was missing)."""


class Driver:
    """Taps buttons by their object name, types on the on-screen keyboard, waits for screens, takes screenshots."""

    def __init__(self, window: Any, out: Path | None = None, visible_delay_ms: int = 0,
                 click: Any = QTest.mouseClick) -> None:
        self.click = click
        self.window = window
        self.ctx = window.ctx
        self.kiosk: Kiosk = window.ctx.kiosk
        self.out = out
        self.shots: list[Path] = []
        self.delay = visible_delay_ms
        self.keyboard_mode = "simple"

    # ---- waiting -----------------------------------------------------------------------------------------
    def settle(self, timeout_s: float = 10.0) -> None:
        self.ctx.tasks.drain(timeout_s)
        for _ in range(3):
            QCoreApplication.processEvents()
        if self.delay:
            QTest.qWait(self.delay)

    def wait(self, condition: Any, timeout_s: float = 20.0, what: str = "") -> None:
        end = time.monotonic() + timeout_s
        while not condition():
            if time.monotonic() > end:
                page = self.window.current.name if self.window.current else "?"
                raise JourneyError(f"timed out waiting for {what} (on page {page})")
            QCoreApplication.processEvents()
            time.sleep(0.01)
        self.settle()

    def wait_page(self, name: str, timeout_s: float = 20.0) -> None:
        self.wait(lambda: self.window.current is not None and self.window.current.name == name, timeout_s,
                  f"page {name}")

    def wait_state(self, state: SessionState, timeout_s: float = 20.0) -> None:
        self.wait(lambda: self.kiosk.session.state is state, timeout_s, f"state {state.value}")

    # ---- acting ------------------------------------------------------------------------------------------
    def find(self, name: str) -> QAbstractButton:
        for widget in self.window.findChildren(QAbstractButton, name):
            if isinstance(widget, QAbstractButton) and widget.isVisible() and widget.isEnabled():
                return widget
        raise JourneyError(f"no visible button {name!r} on page {self.window.current.name}")

    def has(self, name: str) -> bool:
        return any(w.isVisible() for w in self.window.findChildren(QAbstractButton, name))

    def tap(self, name_or_widget: str | QWidget) -> None:
        widget = self.find(name_or_widget) if isinstance(name_or_widget, str) else name_or_widget
        if not widget.isVisible() or not widget.isEnabled():
            raise JourneyError(f"button {widget.objectName() or widget.accessibleName()!r} cannot be tapped now")
        self.click(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                   QPoint(widget.width() // 2, widget.height() // 2))
        self.settle()

    def type(self, text: str, keyboard_name: str = "keyboard", submit: bool = True) -> None:
        """Tap the keys of the visible on-screen keyboard for each character (Telex letters for marks)."""
        from ui.widgets.keyboard import OnScreenKeyboardWidget

        boards = [k for k in self.window.findChildren(OnScreenKeyboardWidget, keyboard_name) if k.isVisible()]
        if not boards:
            raise JourneyError(f"no keyboard {keyboard_name!r} on page {self.window.current.name}")
        board = boards[0]
        for ch in text:
            key = board.keys.get(ch)
            if key is None and ch.lower() in board.keys and "shift" in board.keys:
                self.tap(board.keys["shift"])  # a capital: shift, then the letter
                key = board.keys[ch.lower()]
            key = key or board.keys.get(ch.lower())
            if key is None:
                raise JourneyError(f"no key for {ch!r}")
            self.tap(key)
        if submit:
            self.tap(board.keys["\n"])

    def set_date(self, picker_name: str, target: date) -> None:
        from ui.widgets.pickers import DatePickerWidget

        picker = next(p for p in self.window.findChildren(DatePickerWidget, picker_name) if p.isVisible())
        for part in ("year", "month", "day"):
            if picker.findChild(QAbstractButton, f"{part}_plus") is None:
                continue  # a month picker has no day row
            for _ in range(200):
                have = getattr(picker.value, part)
                want = getattr(target, part)
                if have == want:
                    break
                step = "10" if part == "year" and abs(want - have) >= 10 else ""
                self.tap(picker.findChild(QAbstractButton, f"{part}_{'plus' if want > have else 'minus'}{step}"))
        self.tap(picker.findChild(QAbstractButton, "date_done"))

    def shot(self, name: str) -> Path | None:
        if self.out is None:
            return None
        self.settle()
        path = self.out / f"{len(self.shots) + 1:02d}-{name}.png"
        self.window.grab().save(str(path))
        self.shots.append(path)
        return path

    # ---- the card ----------------------------------------------------------------------------------------
    def insert_card(self) -> None:
        self.kiosk.insert_virtual_card()
        self.settle()

    def remove_card(self) -> None:
        self.kiosk.remove_virtual_card()
        self.settle()


def fill_form(driver: Driver, answers: dict[str, Any], screenshot_steps: bool = True) -> None:
    """Answer every open field of every step the way a person would, then go on to the review."""
    for _ in range(20):
        if driver.kiosk.session.state is not SessionState.STEPS:
            return
        form = driver.kiosk.session.form
        view = form.current_step()
        for key in [f.key for f in view.fields]:
            # An answer can show or hide later fields of the same step: look the field up again each time.
            field = next((f for f in form.current_step().fields if f.key == key), None)
            if field is None or field.readonly:
                continue
            if field.display and field.error is None and field.key not in answers:
                continue
            if not field.required and field.key not in answers:
                continue
            answer_field(driver, field, answers.get(field.key))
        if screenshot_steps:
            driver.shot(f"form-{view.id}")
        driver.tap("form_next")


def answer_field(driver: Driver, field: Any, answer: Any) -> None:
    """Open the field's editor (tap its card) unless it is open already, then answer it."""
    editing = getattr(driver.window.current, "editing", None)
    if editing != field.key:
        if editing is not None:  # put the other field's editor away first
            open_key = editing.split(":")[1] if ":" in editing else editing
            driver.tap(f"field_{open_key}")
        driver.tap(f"field_{field.key}")
    answer_value(driver, field, answer)


def answer_value(driver: Driver, field: Any, answer: Any) -> None:
    kind = field.type
    if kind == "group":
        for item in answer or []:
            driver.tap("group_add")
            for sub in field.sub_fields:
                value = item.get(sub.key)
                if value is None and not sub.required:
                    driver.tap("group_skip")
                else:
                    answer_value(driver, sub, value)
    elif kind in ("date", "month"):
        if isinstance(answer, str):  # "MM/YYYY"
            month, year = answer.split("/")
            answer = date(int(year), int(month), 1)
        driver.set_date("date_picker", answer or date(1990, 1, 1))
    elif field.choices and kind != "address":
        value = answer if answer is not None else field.choices[0].value
        driver.tap(f"choice_{value}")
    elif kind == "yes_no":
        driver.tap("choice_yes" if answer in (None, True) else "choice_no")
    elif kind == "address":
        province, ward, street = answer
        driver.type(province, "choice_filter", submit=False)
        driver.tap(_first_choice(driver))
        driver.type(ward, "choice_filter", submit=False)
        driver.tap(_first_choice(driver))
        board = next(b for b in driver.window.findChildren(QWidget, "keyboard") if b.isVisible())
        for _ in range(len(board.text())):
            driver.tap(board.keys["\b"])  # the street as the chip wrote it: replace it
        driver.type(street)
    elif kind == "attachment":
        driver.tap("scan_document")
    else:
        text = str(answer if answer is not None else {"phone": "0912345678", "number": "1"}.get(kind, "Ha Noi"))
        if driver.has(f"keyboard_mode_{driver.keyboard_mode}"):
            driver.tap(f"keyboard_mode_{driver.keyboard_mode}")
        board = next(b for b in driver.window.findChildren(QWidget, "keyboard") if b.isVisible())
        for _ in range(len(board.text())):
            driver.tap(board.keys["\b"])
        driver.type(text, submit=False)
        if not any("keyboard" in p.name for p in driver.shots):
            driver.shot("keyboard")
        driver.tap(board.keys["\n"])


def _first_choice(driver: Driver) -> QAbstractButton:
    buttons = [b for b in driver.window.findChildren(QAbstractButton) if b.objectName().startswith("choice_")
               and b.isVisible()]
    if not buttons:
        raise JourneyError("no choice left after filtering")
    first: QAbstractButton = buttons[0]
    return first


def open_card(driver: Driver, id_number: str, birth: date, expiry: date) -> None:
    """Identify: place the card, give the key by typing the number and dates, wait for the chip read."""
    driver.wait_page("identify")
    driver.shot("identify")
    driver.insert_card()
    driver.wait(lambda: driver.has("key_typed"), what="key choice")
    driver.shot("access-key")
    driver.tap("key_typed")
    driver.type(id_number, "id_pad")
    driver.set_date("dob_picker", birth)
    driver.set_date("expiry_picker", expiry)
    driver.wait_state(SessionState.VERIFY_FACE, 30)


def citizen_journey(driver: Driver, service_code: str, answers: dict[str, Any], telex: bool = False) -> Path | None:
    """Welcome → language → card → face → service → form → review → submit → receipt → goodbye."""
    start_service(driver, service_code, telex)
    fill_form(driver, answers)
    driver.wait_state(SessionState.REVIEW)
    driver.shot("review")
    driver.tap("review_send")
    driver.wait(lambda: driver.kiosk.session.state in (SessionState.RECEIPT, SessionState.REVIEW), 30,
                "submission")
    driver.wait(lambda: driver.has("receipt_continue"), 30, "receipt printed")
    driver.shot("receipt")
    receipt = driver.ctx.scratch.get("printed")
    driver.tap("receipt_continue")
    driver.wait_page("done")
    driver.shot("done")
    driver.remove_card()
    driver.wait_page("welcome")
    return Path(receipt) if receipt else None


def start_service(driver: Driver, service_code: str, telex: bool = False) -> None:
    """From the welcome screen to the first form step of `service_code`, with the demo card."""
    driver.wait_page("welcome")
    driver.shot("welcome")
    driver.tap("start")
    driver.wait_page("language")
    driver.shot("language")
    driver.tap("lang_vi")
    open_card(driver, DEMO_ID_NUMBER, DEMO_BIRTH, DEMO_EXPIRY)
    driver.wait_page("face")
    driver.wait(lambda: driver.kiosk.session.state is not SessionState.VERIFY_FACE or _face_half(driver),
                what="face check under way")
    driver.shot("face")
    driver.wait_state(SessionState.CHOOSE_SERVICE, 30)
    driver.shot("services")
    while not driver.has(f"service_{service_code}"):
        driver.tap("services_more")
    driver.tap(f"service_{service_code}")
    driver.wait_page("service_info")
    driver.shot("service-info")
    driver.tap("service_start")
    driver.keyboard_mode = "telex" if telex else "simple"


def _face_half(driver: Driver) -> bool:
    page = driver.window.current
    preview = getattr(page, "preview", None)
    return preview is not None and preview.frames_shown >= 4


def demo_config(config: KioskConfig, out: Path) -> KioskConfig:
    data = out / ".kiosk-data"
    shutil.rmtree(data, ignore_errors=True)
    return dataclasses.replace(
        config,
        kiosk=dataclasses.replace(config.kiosk, data_dir=data),
        speech=dataclasses.replace(config.speech, backend="silent"),
        # The scripted journey needs a card it can place and a camera it controls: always the simulated ones.
        card=dataclasses.replace(config.card, backend="emulated"),
        camera=dataclasses.replace(config.camera, backend="simulated", video=None),
        portal=dataclasses.replace(config.portal, start_simulator=True),
        queue=dataclasses.replace(config.queue, db_path=data / "queue.sqlite3", key_file=data / "queue.key"),
        printer=dataclasses.replace(config.printer, backend="pdf", output_dir=data / "printed"),
        hospital=dataclasses.replace(config.hospital, queue_db=data / "hospital_queue.sqlite3"),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ui.demo")
    parser.add_argument("--out", required=True)
    parser.add_argument("--config")
    parser.add_argument("--visible", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.png"):
        old.unlink()
    config = demo_config(load_config(Path(args.config) if args.config else None), out)
    fixed = datetime.fromisoformat(config.ui.demo_clock)
    kiosk = build_kiosk(config, DemoSetup(enabled=True, fast=True, now=fixed, seed=6))
    from ui.app import start_window

    app, window, handler = start_window(kiosk, show=True)
    driver = Driver(window, out, visible_delay_ms=250 if args.visible else 0)
    try:
        receipt = citizen_journey(driver, "id_confirmation", {})
        if receipt is not None:
            target = out / "receipt.pdf"
            shutil.copyfile(receipt, target)
            driver.shots.append(target)
    except JourneyError as exc:
        print(f"demo stopped: {exc}", file=sys.stderr)
        return 1
    finally:
        handler.uninstall()
        window.close()
        window.ctx.tasks.shutdown()
        kiosk.close()
        shutil.rmtree(out / ".kiosk-data", ignore_errors=True)
        del app
    for path in driver.shots:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
