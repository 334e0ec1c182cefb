"""One page for every screen of a citizen's visit: it draws whatever `ScreenView` the journey core hands it.

The core (kiosk.journey) decides what is asked and what comes next; this page only lays the view out in the
kiosk's fixed order — title and "step n of m", a problem if there is one, the lines of facts (each marked "from
the card", "your answer", … and with a button to change it), the camera preview, the one input with the keyboard
its kind needs (a number pad for digits, dates and PINs, the Vietnamese keyboard for names and text, capitals for
codes), then the choices as big buttons — and turns a touch into a command: `Tap(choice.id)`, `Typed(field, text)`
after every key (the whole text so far, so nothing typed is lost when the citizen taps on), the keyboard's "done"
key as `Tap("next")`. Navigation choices (back, help, restart) live in the window's fixed footer, and "more time"
on the inactivity overlay, so they keep their place on every screen (services.md §5.2).

Buttons are named `choice_<id>`, the input's keyboard `keyboard`, so a test or the scripted demo taps what a
citizen would.
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent, QPen, QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.journey import ChoiceView, Command, InputView, LineView, ScreenView, Tap, Typed
from ui.screens.base import clear_layout
from ui.theme import PALETTE, SIZES
from ui.widgets.buttons import BigButton
from ui.widgets.cardart import CardSlotWidget
from ui.widgets.keyboard import OnScreenKeyboardWidget
from ui.widgets.scroll import TouchScrollArea

NAV = frozenset({"back", "help", "restart", "more_time", "repeat"})   # in the footer, header and overlay
NUMBER_PAD = frozenset({"digits", "date", "month", "phone", "pin"})
ICONS = {"start": "card", "status": "search", "card_typed": "keyboard", "card_qr_again": "qr", "try_again": "restart",
         "send": "check", "finish": "check", "print_again": "printer", "print_help_slip": "printer",
         "volunteer_sign_in": "person", "volunteer_sign_out": "cross", "withdraw": "cross", "scan": "document",
         "next": "next", "skip": "next", "add": "plus", "done": "check", "more": "next", "close_help": "back",
         "staff_vouch": "person", "no_expiry": "check", "lang_en": "globe", "lang_vi": "globe",
         "retake": "document", "remove": "cross", "restart_yes": "restart", "restart_no": "back", "pay_now": "chart",
         "supplement": "document", "service": "document", "ward": "home", "same": "home", "suggest": "person",
         "reprint": "printer", "withdraw_no": "back"}
SOURCE_KEYS = {"chip": "journey.source_chip", "answer": "journey.source_answer", "default": "journey.source_default",
               "computed": "journey.source_computed", "missing": "journey.source_missing"}
ANSWER_COLUMNS = 2
# Screens whose spoken prompt only repeats what is on them (the question, the review's lines, the card picture).
QUIET = frozenset({"question", "review", "welcome", "card_wait", "card_error", "face_failed"})
CARD_ART = frozenset({"welcome", "card_wait"})   # where to put the card: a picture of the pad says it best


class JourneyScreen(QWidget):
    """The page that renders `ScreenView`s; `send` is the window's way to hand a command to the visit."""

    def __init__(self, send: Callable[[Command], None], t: Callable[[str], str],
                 frame: Callable[[], np.ndarray | None]) -> None:
        super().__init__()
        self.setObjectName("screen_journey")
        self.send = send
        self.t = t
        self.view: ScreenView | None = None
        self.keyboard: OnScreenKeyboardWidget | None = None
        self.preview: FramePreview | None = None
        self._frame = frame
        self._input_key: tuple[str, str, str, str] | None = None
        outer = QVBoxLayout(self)
        m = SIZES.margin_px
        outer.setContentsMargins(m, m // 2, m, m // 2)
        outer.setSpacing(SIZES.spacing_px)
        # Fixed order, top to bottom: the question (and its help), the input with its keyboard, what can be chosen
        # (scrolls when long: services, wards, the review's lines), and the way on, which never scrolls away.
        self._top = QVBoxLayout()
        self._top.setSpacing(12)
        outer.addLayout(self._top)
        self._input = QVBoxLayout()
        self._input.setSpacing(8)
        outer.addLayout(self._input)
        body = QWidget()
        self._body = QVBoxLayout(body)
        self._body.setContentsMargins(0, 0, 0, 0)
        self._body.setSpacing(SIZES.spacing_px)
        # A finger drags the list (kinetic), the bar is wide enough to hold, and a cue says when more lies below.
        self._scroll = TouchScrollArea(cue_text=t("more_below"), gesture="touch")
        self._scroll.setWidget(body)
        # The list gives way to the keyboard: whatever is left after the question, the keys and the way on.
        self._scroll.setMinimumHeight(1)
        outer.addWidget(self._scroll, 1)
        self._bottom = QVBoxLayout()
        self._bottom.setSpacing(SIZES.spacing_px)
        outer.addLayout(self._bottom)

    @property
    def name(self) -> str:
        """The screen id shown now (kiosk.journey.views.SCREENS), as tests and the demo wait for it."""
        return self.view.screen if self.view is not None else "welcome"

    # ---- rendering -------------------------------------------------------------------------------------------
    def show_view(self, view: ScreenView) -> None:
        self.view = view
        clear_layout(self._top)
        clear_layout(self._body)
        clear_layout(self._bottom)
        self.preview = None
        self._scroll.set_cue_text(self.t("more_below"))  # the visit's language may have changed
        self._render_top(view)
        if view.pending or view.screen in CARD_ART:
            caption = view.prompts[0].text if view.prompts else view.title
            art = CardSlotWidget(caption, animate=view.pending, taking_out=False)
            art.setObjectName("progress" if view.pending else "card_art")
            self._body.addWidget(art)
        if not view.pending:
            self._render_lines(view.lines, self._top if view.input is not None else self._body)
            if view.qr_png:
                self._body.addWidget(_picture(view.qr_png, 560, "qr_code"))
            if view.pages:
                row = QHBoxLayout()
                row.setSpacing(12)
                for i, page in enumerate(view.pages):
                    row.addWidget(_picture(page, 240, f"page_{i}"))
                row.addStretch(1)
                self._body.addLayout(row)
            if view.camera:
                self.preview = FramePreview("face" if view.screen == "face" else "card", self._frame)
                self._body.addWidget(self.preview)
            self._render_choices(view.choices)
        self._body.addStretch(1)
        self._render_input(view.input, view)

    def _label(self, text: str, role: str = "", name: str = "") -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        if role:
            label.setProperty("role", role)
        if name:
            label.setObjectName(name)
        return label

    def _render_top(self, view: ScreenView) -> None:
        if view.notice_key:
            self._top.addWidget(self._label(self.t(view.notice_key), "error", "notice"))
        self._top.addWidget(self._label(view.title, "title", "title"))
        if view.prompts and view.screen not in QUIET and not view.pending:
            # What the voice says, also in writing: the outcome of a send or a look-up must reach a citizen who
            # cannot hear it.
            said = " ".join(p.text for p in view.prompts if p.text and p.text != view.title)
            if said:
                self._top.addWidget(self._label(said, "hint", "said"))
        problem = view.error or (view.input.error if view.input is not None else "")
        if problem:
            self._top.addWidget(self._label(problem, "error", "error"))

    def _render_lines(self, lines: tuple[LineView, ...], where: QVBoxLayout) -> None:
        if not lines:
            return
        frame = QFrame()
        frame.setProperty("role", "card")
        box = QVBoxLayout(frame)
        box.setContentsMargins(28, 20, 28, 20)
        box.setSpacing(10)
        for n, line in enumerate(lines):
            row = QHBoxLayout()
            row.setSpacing(16)
            text = QVBoxLayout()
            text.setSpacing(2)
            source = SOURCE_KEYS.get(line.source)
            heading = " · ".join(part for part in (line.label, self.t(source) if source else "") if part)
            if heading:
                text.addWidget(self._label(heading, "hint", f"line_label_{n}"))
            # A tick only where the value is there and passed its checks (kiosk.journey.marks).
            mark = "✓ " if line.state == "ok" and line.source != "info" and line.value else ""
            text.addWidget(self._label(mark + (line.value or "—"), "error" if line.state == "error" else "",
                                       f"line_value_{n}"))
            row.addLayout(text, 1)
            if line.edit:
                edit = BigButton(self.t("journey.change"), "pencil", role="secondary", min_height=96, text_px=26)
                edit.setObjectName(f"choice_{line.edit}")
                edit.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
                edit.setFixedSize(230, 96)
                edit.clicked.connect(lambda _=False, target=line.edit: self._tap(target))
                row.addWidget(edit)
            box.addLayout(row)
        where.addWidget(frame)

    def _button(self, choice: ChoiceView) -> BigButton:
        role = {"primary": "primary", "danger": "help"}.get(choice.kind, "secondary")
        # A tick means "chosen / passed its checks" (kiosk.journey.marks): an answer still to choose gets an arrow.
        default = {"suggestion": "person", "answer": "next"}.get(choice.kind, "check")
        icon = ICONS.get(choice.id.partition(":")[0], ICONS.get(choice.id, default))
        text = ("✓ " if choice.state == "ok" or choice.selected else "") + choice.label
        if choice.help:
            text += "\n" + choice.help
        button = BigButton(text, icon, role=role)
        button.setObjectName(f"choice_{choice.id}")
        button.clicked.connect(lambda _=False, target=choice.id: self._tap(target))
        return button

    def _render_choices(self, choices: tuple[ChoiceView, ...]) -> None:
        shown = [c for c in choices if c.id not in NAV]
        grid_kinds = ("answer", "suggestion")
        answers = [c for c in shown if c.kind in grid_kinds]
        others = [c for c in shown if c.kind not in grid_kinds]
        if answers:
            holder = QWidget()
            grid = QGridLayout(holder)
            grid.setContentsMargins(0, 0, 0, 0)
            grid.setSpacing(SIZES.spacing_px)
            # Long labels (services, wards, clinics) read better one per row; short answers sit two by two.
            columns = 1 if max(len(c.label) for c in answers) > 24 else ANSWER_COLUMNS
            for i, choice in enumerate(answers):
                grid.addWidget(self._button(choice), i // columns, i % columns)
            self._body.addWidget(holder)
        for choice in others:
            (self._bottom if choice.kind == "primary" else self._body).addWidget(self._button(choice))

    def _render_input(self, field: InputView | None, view: ScreenView) -> None:
        # The keyboard stays while the same input is asked, so no key press is lost while the visit answers.
        key = (view.screen, field.field, field.kind, view.language) if field is not None else None
        if key == self._input_key and self.keyboard is not None:
            return  # the keyboard holds what is typed; the visit hears every key of it as `Typed`
        clear_layout(self._input)
        self.keyboard = None
        self._input_key = key
        if field is None:
            return
        mode = "numeric" if field.kind in NUMBER_PAD else "code" if field.kind == "code" else "simple"
        board = OnScreenKeyboardWidget(mode, title_case=field.kind == "name", max_length=field.max_length or 80,
                                       labels=self._key_label, masked=field.kind == "pin",
                                       compact=field.kind == "search")
        board.setObjectName("keyboard")
        board.set_text(field.text)
        if field.mask:
            board.display.setToolTip(field.mask)
        board.text_changed.connect(lambda text, f=field.field: self._typed(f, text))
        board.submitted.connect(lambda _text: self._done())
        self.keyboard = board
        self._input.addWidget(board)

    def _key_label(self, key: str) -> str:
        return self.t(f"ui.{key}")

    def _typed(self, field: str, text: str) -> None:
        view = self.view
        if view is None or view.input is None or view.input.field != field:
            return
        if text == view.input.text and view.input.kind != "pin":
            return
        self.send(Typed(field, text))

    def _done(self) -> None:
        view = self.view
        if view is not None and "next" in view.choice_ids():
            self._tap("next")

    def _tap(self, target: str) -> None:
        view = self.view
        if view is not None and view.input is not None and view.input.kind == "pin" and self.keyboard is not None:
            # The visit has every digit already; a PIN must not stay on the pad, whether it is accepted or not.
            self.keyboard.blockSignals(True)
            self.keyboard.set_text("")
            self.keyboard.blockSignals(False)
        self.send(Tap(target))

    def show_frame(self) -> None:
        """Repaint the camera preview if the camera has a frame it has not painted yet."""
        if self.preview is not None:
            self.preview.refresh()

    def leave(self) -> None:
        """Drop every widget, and so every text and frame, this page showed."""
        self.view = None
        clear_layout(self._top)
        clear_layout(self._body)
        clear_layout(self._bottom)
        clear_layout(self._input)
        self.keyboard = None
        self.preview = None
        self._input_key = None


class FramePreview(QWidget):
    """The camera's newest frame (face check, a QR code held up), under a guide shape.

    `frame` gives the newest frame; `refresh()` repaints only when it is another frame than the one painted last, so
    a timer may call it as often as the camera could deliver. Each painted frame is scaled once (OpenCV) and drawn
    from its own buffer, with no other copy or conversion.
    """

    def __init__(self, guide: str, frame: Callable[[], np.ndarray | None]) -> None:
        super().__init__()
        self.setObjectName("preview")
        self.guide = guide
        self._frame = frame
        self._painted: np.ndarray | None = None   # the frame on screen now (the same object while it stays new)
        self.frames_shown = 0
        self.setMinimumHeight(520)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def refresh(self) -> None:
        if self._frame() is not self._painted:
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        del event
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        w, h = float(self.width()), float(self.height())
        p.fillRect(self.rect(), QColor("#20252B"))
        frame = self._frame()
        self._painted = frame
        if frame is not None and frame.ndim == 3 and frame.shape[0] and frame.shape[1]:
            scale = min(w / frame.shape[1], h / frame.shape[0])
            dw, dh = frame.shape[1] * scale, frame.shape[0] * scale
            ratio = self.devicePixelRatioF()
            scaled = _scaled(frame, max(1, round(dw * ratio)), max(1, round(dh * ratio)))
            image = QImage(scaled.data, scaled.shape[1], scaled.shape[0], scaled.strides[0],
                           QImage.Format.Format_BGR888)
            image.setDevicePixelRatio(ratio)
            p.drawImage(QPointF((w - dw) / 2, (h - dh) / 2), image)
            self.frames_shown += 1
        if self.guide == "face":
            gw, gh = min(w, h) * 0.52, min(w, h) * 0.7
            p.setPen(QPen(QColor("#FFFFFF"), 8))
            p.drawEllipse(QRectF((w - gw) / 2, (h - gh) / 2, gw, gh))
        else:
            gw = w * 0.7
            p.setPen(QPen(QColor("#FFFFFF"), 6, Qt.PenStyle.DashLine))
            p.drawRoundedRect(QRectF((w - gw) / 2, (h - gw * 0.63) / 2, gw, gw * 0.63), 24, 24)
        p.end()


def _picture(png: bytes, side: int, name: str) -> QLabel:
    """A PNG from the view (the VietQR code to scan, a scanned page), at most `side` pixels on its longer side."""
    image = QImage.fromData(png)
    label = QLabel()
    label.setObjectName(name)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    if not image.isNull():
        label.setPixmap(QPixmap.fromImage(image).scaled(side, side, Qt.AspectRatioMode.KeepAspectRatio,
                                                        Qt.TransformationMode.FastTransformation))
    return label


def _scaled(frame: np.ndarray, width: int, height: int) -> np.ndarray:
    """`frame` at `width`×`height` in one pass (area averaging when shrinking), contiguous for QImage to wrap."""
    if (frame.shape[1], frame.shape[0]) == (width, height):
        return np.ascontiguousarray(frame)
    shrink = width < frame.shape[1]
    return cv2.resize(frame, (width, height), interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)


__all__ = ["PALETTE", "FramePreview", "JourneyScreen"]
