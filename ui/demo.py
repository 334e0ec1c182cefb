"""`kiosk demo`: the scripted citizen (kiosk.journey.persona) played through the real window, screen by screen.

Run as `python -m ui.demo --out DIR [--service CODE] [--lang en] [--persona elderly|volunteer]` (the CLI starts it,
on Qt's offscreen platform when there is no display). The persona reads the view on screen and answers it as a
citizen would, and `Driver` does it with the window's own widgets: it taps the rendered buttons, types on the
rendered keyboard, places and takes the virtual card, and holds a receipt's QR code up to the simulated camera. The
same counts as the core-only run (bench/journey.py) come out, which tests/ui/test_persona_replay.py checks.

Everything is fixed — the wall clock (`ui.demo_clock`), the random seed, the virtual card, the simulated camera —
so every run walks the same screens. Each screen is saved as DIR/NN-screen.png (QWidget.grab), and every printed
document is copied next to them (the first as receipt.pdf). "volunteer" is assisted mode: a volunteer signs in
through "Gọi cán bộ" with the demo's PIN first, then the citizen answers the same way. Without `--service` the
demo plays the confirmation of the old ID number; the look-ups ("status_lookup", "withdrawal") first send that
service's file, then look it up by its receipt's QR code.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import shutil
import sys
import time
import unicodedata
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QCoreApplication, QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QWidget

from kiosk.journey import CameraResult, CardPlaced, CardRemoved, QrRead, ScreenView, Tap, Tick, Typed
from kiosk.journey.display import text_scale_from_percent
from kiosk.journey.persona import LOOKUPS, Counts, Persona, SpeechTimer, key_presses
from kiosk.journey.shell import DemoSetup, FrameTap, KioskConfig, build_kiosk, load_config
from kiosk.journey.staff import hash_pin
from kiosk.journey.transcript import Transcript

log = logging.getLogger(__name__)
DEFAULT_SERVICE = "id_confirmation"
DEMO_VOLUNTEER = "TNV-01"
DEMO_VOLUNTEER_PIN = "135791"    # the demo configuration's volunteer (assisted mode); never a real kiosk's PIN
TONE_KEYS = {"\u0301": "tone:s", "\u0300": "tone:f", "\u0309": "tone:r", "\u0303": "tone:x", "\u0323": "tone:j"}
SHAPES = frozenset({"\u0302", "\u0306", "\u031b"})   # circumflex, breve, horn: the ă â ê ô ơ ư keys


class JourneyError(RuntimeError):
    """The scripted journey could not go on (a screen did not appear or a button was missing)."""


class Driver:
    """Taps buttons by their object name, types on the on-screen keyboard, waits for screens, takes screenshots."""

    def __init__(self, window: Any, out: Path | None = None, visible_delay_ms: int = 0,
                 click: Callable[..., None] = QTest.mouseClick) -> None:
        self.click = click
        self.window = window
        self.ctx = window.ctx
        self.kiosk = window.ctx.kiosk
        self.visit = window.ctx.visit
        self.out = out
        self.shots: list[Path] = []
        self.delay = visible_delay_ms

    @property
    def view(self) -> ScreenView:
        view: ScreenView = self.window.view
        return view

    # ---- waiting -----------------------------------------------------------------------------------------
    def settle(self, timeout_s: float = 20.0) -> None:
        end = time.monotonic() + timeout_s
        self.ctx.tasks.drain(timeout_s)
        while self.window.busy and time.monotonic() < end:
            QCoreApplication.processEvents()
            time.sleep(0.002)
        for _ in range(3):
            QCoreApplication.processEvents()
        if self.delay:
            QTest.qWait(self.delay)

    def wait(self, condition: Callable[[], object], timeout_s: float = 20.0, what: str = "") -> None:
        end = time.monotonic() + timeout_s
        while not condition():
            if time.monotonic() > end:
                raise JourneyError(f"timed out waiting for {what} (on {self.window.current.name})")
            QCoreApplication.processEvents()
            time.sleep(0.01)
        self.settle()

    def wait_page(self, name: str, timeout_s: float = 20.0) -> None:
        self.wait(lambda: self.window.current.name == name, timeout_s, f"page {name}")

    def tick_until(self, condition: Callable[[], object], what: str, ticks: int = 400) -> None:
        """Let the window's timer tick (as it does four times a second) until `condition` holds."""
        for _ in range(ticks):
            if condition():
                return
            self.window._on_tick()
            self.settle()
        raise JourneyError(f"no {what} after {ticks} ticks (on {self.window.current.name})")

    # ---- acting ------------------------------------------------------------------------------------------
    def find(self, name: str, timeout_s: float = 2.0) -> QAbstractButton:
        end = time.monotonic() + timeout_s
        while True:
            for widget in self.window.findChildren(QAbstractButton, name):
                if isinstance(widget, QAbstractButton) and widget.isVisible() and widget.isEnabled():
                    return widget
            if time.monotonic() > end:
                break
            QCoreApplication.processEvents()  # a page just drawn shows its new widgets on the next event
            time.sleep(0.005)
        raise JourneyError(f"no visible button {name!r} on {self.window.current.name}")

    def has(self, name: str) -> bool:
        return any(w.isVisible() for w in self.window.findChildren(QAbstractButton, name))

    def tap(self, name_or_widget: str | QWidget) -> None:
        widget = self.find(name_or_widget) if isinstance(name_or_widget, str) else name_or_widget
        if not widget.isVisible() or not widget.isEnabled():
            raise JourneyError(f"button {widget.objectName() or widget.accessibleName()!r} cannot be tapped now "
                               f"(on {self.view.screen} {self.view.field})")
        self._scroll_to(widget)
        self.click(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                   QPoint(widget.width() // 2, widget.height() // 2))
        self.settle()

    def choose(self, choice_id: str) -> None:
        """Tap the button of a choice of the view on screen (navigation ones live in the footer and overlay)."""
        footer = self.window.footer
        special: dict[str, QWidget] = {"more_time": self.window.overlay.extend, "back": footer.back,
                                       "restart": footer.start_over}
        widget = special.get(choice_id)
        if choice_id == "help" and not self.has("choice_help"):
            widget = footer.call_staff
        self.tap(widget if widget is not None else f"choice_{choice_id}")

    def _scroll_to(self, widget: QWidget) -> None:
        from PySide6.QtWidgets import QScrollArea

        parent = widget.parentWidget()
        while parent is not None:
            if isinstance(parent, QScrollArea):
                parent.ensureWidgetVisible(widget)
                QCoreApplication.processEvents()
                return
            parent = parent.parentWidget()

    def keyboard(self, name: str = "keyboard") -> Any:
        from ui.widgets.keyboard import OnScreenKeyboardWidget

        boards = [k for k in self.window.findChildren(OnScreenKeyboardWidget, name) if k.isVisible()]
        if not boards:
            raise JourneyError(f"no keyboard {name!r} on {self.window.current.name}")
        return boards[0]

    def type(self, text: str, keyboard_name: str = "keyboard", submit: bool = False) -> None:
        """Tap the keys of the visible keyboard for `text`: a letter, then its shape key (ă â ê ô ơ ư) at once and
        its tone key at the end of the syllable, as the simple keyboard is taught; a capital with shift."""
        board = self.keyboard(keyboard_name)
        tones: list[str] = []
        for ch in unicodedata.normalize("NFC", text):
            parts = unicodedata.normalize("NFD", ch)
            base, marks = parts[0], parts[1:]
            if not base.isalpha() and tones:
                for tone in tones:
                    self._key(board, tone)
                tones = []
            if base in "đĐ":
                self._key(board, "đ")
                continue
            self._letter(board, base)
            for mark in marks:
                if mark in SHAPES:
                    self._key(board, unicodedata.normalize("NFC", base.lower() + mark))
                elif mark in TONE_KEYS:
                    tones.append(TONE_KEYS[mark])
        for tone in tones:
            self._key(board, tone)
        if submit:
            self._key(board, "\n")

    def _letter(self, board: Any, ch: str) -> None:
        if ch in board.keys:
            self._key(board, ch)
        elif ch.lower() in board.keys and "shift" in board.keys:
            self._key(board, "shift")
            self._key(board, ch.lower())
        elif ch.upper() in board.keys:
            self._key(board, ch.upper())
        else:
            raise JourneyError(f"no key for {ch!r}")

    def _key(self, board: Any, value: str) -> None:
        key = board.keys.get(value)
        if key is not None and not key.isVisible():
            # The page was drawn again meanwhile (the visit answered a frame or a key): its keyboard, rebuilt with
            # the text the visit holds, takes the next key.
            key = self.keyboard(board.objectName()).keys.get(value)
        if key is None:
            raise JourneyError(f"no key {value!r}")
        self.tap(key)

    def erase(self, keyboard_name: str = "keyboard") -> None:
        board = self.keyboard(keyboard_name)
        while board.text():
            self._key(board, "\b")

    def shot(self, name: str) -> Path | None:
        if self.out is None:
            return None
        self.settle()
        path = self.out / f"{len(self.shots) + 1:02d}-{name.replace(':', '-').replace('.', '_')}.png"
        self.window.grab().save(str(path))
        self.shots.append(path)
        return path

    # ---- the card and the camera -------------------------------------------------------------------------
    def insert_card(self) -> None:
        before = self.view
        self.kiosk.insert_virtual_card()
        self._after_card_event(before)

    def remove_card(self) -> None:
        before = self.view
        self.kiosk.remove_virtual_card()
        self._after_card_event(before)

    def _after_card_event(self, before: ScreenView, timeout_s: float = 10.0) -> None:
        # The reader reports the card from its own thread, so on a loaded machine the event can reach the window
        # after a plain settle: wait (bounded) until the window has drawn what the card led to.
        end = time.monotonic() + timeout_s
        while True:
            self.settle()
            view = self.view
            if (view != before and not view.pending) or time.monotonic() > end:
                return
            time.sleep(0.01)

    def held_to_camera(self, frame: np.ndarray) -> AbstractContextManager[None]:
        """The simulated camera sees `frame` (a receipt held up, a card front) until the block ends."""
        tap: FrameTap = self.ctx.camera
        return tap.showing(frame)


def qr_frame(text: str) -> np.ndarray:
    """A camera frame showing one QR code of `text` on white (a receipt or a card front held up)."""
    import cv2
    import zxingcpp

    barcode = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode)
    code = np.array(barcode.to_image(scale=4, add_quiet_zones=True))
    side = max(480, code.shape[0] + 80)
    frame = np.full((side, side * 4 // 3), 255, dtype=np.uint8)
    h, w = code.shape[:2]
    top, left = (frame.shape[0] - h) // 2, (frame.shape[1] - w) // 2
    frame[top:top + h, left:left + w] = code
    return np.asarray(cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR), dtype=np.uint8)


# ---- the persona, through the window ---------------------------------------------------------------------------
def play_in_window(driver: Driver, persona: Persona, *, speech: SpeechTimer | None = None,
                   shots: bool = False, stop_at: str = "", max_commands: int = 2000,
                   transcript: Transcript | None = None) -> Counts:
    """`kiosk.journey.persona.play`, done with the window's widgets: the same counting, from the views drawn.
    With `stop_at`, the persona leaves the window to the caller on that screen (or "screen:field")."""
    counts = Counts(persona.service)
    timer = speech or SpeechTimer()
    driver.settle()
    view = driver.view
    last: tuple[str, str] | None = None
    typed: dict[str, str] = {}
    for _ in range(max_commands):
        if transcript is not None:
            transcript.add(view)
        shown = (view.screen, view.field)
        if (not view.pending and shown != last and view.screen != "welcome") or last is None:
            counts.screens += 1
            counts.path.append(view.screen if not view.field else f"{view.screen}:{view.field}")
            counts.spoken_s += sum(timer.seconds(p.text) for p in view.prompts)
            if view.screen == "face":
                counts.face_checks += 1
            if shots:
                driver.shot(counts.path[-1])
        last = shown
        if stop_at and stop_at in (view.screen, f"{view.screen}:{view.field}"):
            return counts
        command = persona.next_command(view)
        if command is None:
            return counts
        if isinstance(command, Tap):
            counts.taps += 1
            driver.choose(command.target)
        elif isinstance(command, Typed):
            before = typed.get(command.field, "")
            new = command.text[len(before):] if command.text.startswith(before) else command.text
            counts.typed_chars += key_presses(new)
            typed[command.field] = command.text
            _type_into(driver, command)
        elif isinstance(command, CardPlaced | CardRemoved):
            # The reader reports the card on its own thread: wait for the visit's answer to it, not a progress view.
            heard = driver.window.card_events
            (driver.insert_card if isinstance(command, CardPlaced) else driver.remove_card)()
            driver.wait(_answered(driver, heard), what="the visit's answer to the card")
        elif isinstance(command, Tick):
            driver.window._on_tick()
            driver.settle()
        elif isinstance(command, QrRead):
            with driver.held_to_camera(qr_frame(command.text)):
                driver.tick_until(_moved_from(driver, view), "answer to the QR code held up")
        elif isinstance(command, CameraResult):
            with driver.held_to_camera(command.frame):
                driver.window._on_tick()
                driver.settle()
        view = driver.view
        if view.screen == "welcome" and isinstance(command, CardRemoved | Tap):
            return counts
    raise JourneyError(f"no end after {max_commands} commands (on {view.screen} {view.field})")


def _answered(driver: Driver, heard: int) -> Callable[[], bool]:
    window = driver.window
    return lambda: window.card_events > heard and not window.busy and not driver.view.pending


def _moved_from(driver: Driver, view: ScreenView) -> Callable[[], bool]:
    where = (view.screen, view.field)
    return lambda: (driver.view.screen, driver.view.field) != where


def _type_into(driver: Driver, command: Typed) -> None:
    view = driver.view
    if view.input is None or view.input.field != command.field:
        raise JourneyError(f"no input {command.field!r} on {view.screen}")
    board = driver.keyboard()
    have = board.text()
    if not command.text.startswith(have):
        driver.erase()
        have = ""
    driver.type(command.text[len(have):])
    shown = driver.view.input
    if shown is None or shown.text != command.text:
        raise JourneyError(f"typed {command.field!r} but the visit holds something else")


class _Witness(Persona):
    """The persona, keeping the QR code of the receipt it was handed before the visit is wiped."""

    def __init__(self, driver: Driver, persona: Persona) -> None:
        super().__init__(persona.service, persona.answers, receipt_qr=persona.receipt_qr)
        self._visit = driver.visit
        self.receipt: tuple[str, str] = ("", "")

    def next_command(self, view: ScreenView) -> Any:
        outcome = self._visit.outcome
        if view.screen == "done" and self._visit.receipt_qr and outcome is not None and outcome.file_code:
            self.receipt = (self._visit.receipt_qr, outcome.file_code)
        return super().next_command(view)


def every_journey_in_window(driver: Driver, services: list[str], *, speech: SpeechTimer | None = None,
                            lookups: tuple[str, ...] = LOOKUPS, shots: bool = False) -> list[Counts]:
    """`kiosk.journey.persona.every_journey` through the window: each service, then the look-ups by the receipt's
    QR code of the first file sent."""
    rows: list[Counts] = []
    receipt_qr = ""
    file_code = ""
    for code in services:
        witness = _Witness(driver, Persona(code, file_code=file_code, receipt_qr=receipt_qr))
        rows.append(play_in_window(driver, witness, speech=speech, shots=shots))
        if not receipt_qr and witness.receipt[0]:
            receipt_qr, file_code = witness.receipt
    for code in lookups:
        rows.append(play_in_window(driver, Persona(code, receipt_qr=receipt_qr), speech=speech, shots=shots))
    return rows


def sign_in_volunteer(driver: Driver, pin: str = DEMO_VOLUNTEER_PIN) -> None:
    """Assisted mode: "Gọi cán bộ" → "Tình nguyện viên đăng nhập" → the PIN on the number pad (from the welcome
    screen, "Bắt đầu" first: help belongs to a visit under way)."""
    if driver.view.screen == "welcome":
        driver.choose("start")
    driver.choose("help")
    driver.choose("volunteer_sign_in")
    driver.type(pin)
    driver.choose("next")
    if driver.kiosk.session.helper is None:
        raise JourneyError("the volunteer's PIN was refused")


# ---- the demo ----------------------------------------------------------------------------------------------
def demo_config(config: KioskConfig, out: Path) -> KioskConfig:
    data = out / ".kiosk-data"
    shutil.rmtree(data, ignore_errors=True)
    volunteers = config.staff.volunteers or (f"{DEMO_VOLUNTEER}:Tình nguyện viên:"
                                             f"{hash_pin(DEMO_VOLUNTEER_PIN, iterations=1000)}",)
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
        hospital=dataclasses.replace(config.hospital, enabled=True, queue_db=data / "hospital_queue.sqlite3"),
        staff=dataclasses.replace(config.staff, volunteers=tuple(volunteers)),
    )


def play_demo(driver: Driver, service: str, *, language: str = "vi", volunteer: bool = False,
              text_scale: float = 1.0, high_contrast: bool = False,
              transcript: Transcript | None = None) -> list[Counts]:
    """One service (or a look-up, after sending the default service's file) with a screenshot of every screen, at
    `text_scale` / `high_contrast` chosen as a citizen would, on the header's controls; `transcript` records the
    screens of the screenshotted play."""
    silent = SpeechTimer(normalise=lambda text: text)
    silent.available = False
    rows: list[Counts] = []
    receipt_qr = ""
    if service in LOOKUPS:
        witness = _Witness(driver, Persona(DEFAULT_SERVICE))
        rows.append(play_in_window(driver, witness, speech=silent))
        receipt_qr = witness.receipt[0]
    persona = Persona(service, receipt_qr=receipt_qr)
    choose_display(driver, text_scale, high_contrast)   # on the welcome screen, before the first screenshot
    if service in LOOKUPS or volunteer:
        # The visit begins by the driver's hand (the look-up's first tap, or "Bắt đầu" for the volunteer), so the
        # language is chosen once the visit is under way and the persona goes on from there.
        driver.shot("welcome")
        driver.choose("status" if service in LOOKUPS else "start")
        persona._card_placed = True   # the visit is under way: the next welcome screen is the end of it
    if language != driver.view.language:
        driver.tap(driver.window.header.language)
    choose_display(driver, text_scale, high_contrast)   # kept if the visit's start cleared it
    if volunteer:
        # Assisted mode: the volunteer signs in through "Gọi cán bộ", then the citizen answers as always.
        sign_in_volunteer(driver)
        driver.shot("assisted")
        if service not in LOOKUPS:
            driver.insert_card()
    rows.append(play_in_window(driver, persona, speech=silent, shots=True, transcript=transcript))
    return rows


def choose_display(driver: Driver, text_scale: float, high_contrast: bool) -> None:
    """Tap the header's text size and contrast controls, as the citizen would, unless already so."""
    display = driver.window.visit.display
    if display.text_scale != text_scale:
        driver.tap(f"text_size_{round(text_scale * 100)}")
    if display.high_contrast != high_contrast:
        driver.tap("high_contrast")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ui.demo")
    parser.add_argument("--out", required=True)
    parser.add_argument("--config")
    parser.add_argument("--service", default=DEFAULT_SERVICE,
                        help="a catalogue code, status_lookup or withdrawal (default: %(default)s)")
    parser.add_argument("--lang", choices=("vi", "en"), default="vi")
    parser.add_argument("--persona", choices=("elderly", "volunteer"), default="elderly")
    parser.add_argument("--visible", action="store_true")
    parser.add_argument("--text-scale", default="100", help="text size in per cent: 100, 125 or 150")
    parser.add_argument("--high-contrast", action="store_true")
    args = parser.parse_args(argv)
    try:
        text_scale = text_scale_from_percent(args.text_scale)
    except ValueError as exc:
        parser.error(str(exc))
    logging.basicConfig(level=logging.WARNING)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for old in [*out.glob("*.png"), *out.glob("*.pdf"), *out.glob("transcript.txt")]:
        old.unlink()
    config = demo_config(load_config(Path(args.config) if args.config else None), out)
    fixed = datetime.fromisoformat(config.ui.demo_clock)
    kiosk = build_kiosk(config, DemoSetup(enabled=True, fast=True, now=fixed, seed=6))
    if args.service not in LOOKUPS and args.service not in kiosk.catalogue.codes():
        codes = ", ".join([*kiosk.catalogue.codes(), *LOOKUPS])
        print(kiosk.translate("ui.demo_unknown_service", args.lang, service=args.service, codes=codes),
              file=sys.stderr)
        kiosk.close()
        return 2
    from ui.app import start_window

    app, window, handler = start_window(kiosk, show=True)
    driver = Driver(window, out, visible_delay_ms=250 if args.visible else 0)
    printed: list[Path] = []
    try:
        transcript = Transcript(args.lang)
        play_demo(driver, args.service, language=args.lang, volunteer=args.persona == "volunteer",
                  text_scale=text_scale, high_contrast=args.high_contrast, transcript=transcript)
        transcript.write(out / "transcript.txt")
        folder = config.printer.output_dir
        documents = sorted(folder.glob("*.pdf"), key=lambda p: p.stat().st_mtime_ns) if folder.exists() else []
        for n, document in enumerate(documents):
            target = out / ("receipt.pdf" if n == 0 else f"printed-{n + 1}.pdf")
            shutil.copyfile(document, target)
            printed.append(target)
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
    for path in [*driver.shots, *printed, out / "transcript.txt"]:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
