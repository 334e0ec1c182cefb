"""Identify: place the chip card, give the chip its access key, read it — with a way out of every failure.

The chip of a CCCD opens only with an access key (ICAO 9303-11 §4: BAC/PACE from the MRZ data, or the CAN). The
kiosk offers the three ways a citizen can give it (services.md §5.2, "never a dead end"): the QR code on the card,
seen by the camera; the machine-readable lines typed in; or the ID number with the dates of birth and expiry.
Every card error maps to a plain message with "Thử lại" and "Gọi cán bộ" (and, for an unreadable chip, the typed
paths again). The chip read runs off the GUI thread; its progress moves the bar.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import QVBoxLayout

from ui.screens.base import Screen
from ui.widgets.cardart import CardSlotWidget
from ui.widgets.keyboard import OnScreenKeyboardWidget
from ui.widgets.pickers import DatePickerWidget
from ui.widgets.preview import CameraPreviewWidget

KEY_ERRORS = frozenset({"card.access_denied", "card.access_key_invalid"})


class IdentifyScreen(Screen):
    name = "identify"
    step = 1

    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx)
        self.mode = "wait"
        self.error_key = ""
        self.typed: dict[str, Any] = {}
        self.art: CardSlotWidget | None = None
        self.preview: CameraPreviewWidget | None = None

    def enter(self) -> None:
        self.mode = "wait"
        self.error_key = ""
        self.typed = {}
        super().enter()
        if self.ctx.kiosk.session.card_present:
            self.card_inserted()

    def leave(self) -> None:
        self._stop_preview()
        self.typed = {}
        super().leave()

    def voice_key(self) -> str:
        return {"wait": "identify_voice", "key": "key_choice_title", "reading": "reading_card",
                "error": "card_error_voice"}.get(self.mode, "identify_voice")

    def back(self) -> bool:
        if self.mode in ("qr", "mrz", "typed_id", "typed_dob", "typed_expiry", "error"):
            self._show("key" if self.ctx.kiosk.session.card_present else "wait")
            return True
        return False

    def card_inserted(self) -> None:
        if self.mode in ("wait", "error"):
            remembered = self.ctx.scratch.get("access_key")
            if remembered is not None:
                self._read(remembered)
            elif self.ctx.kiosk.card_needs_key():
                self._show("key")
            else:
                self._read(None)

    # ---- drawing -----------------------------------------------------------------------------------------
    def _show(self, mode: str) -> None:
        self._stop_preview()
        self.mode = mode
        self.rebuild()
        self.speak_intro()

    def build(self, layout: QVBoxLayout) -> None:
        getattr(self, f"_build_{self.mode.split('_')[0]}")(layout)

    def _build_wait(self, layout: QVBoxLayout) -> None:
        layout.addWidget(self.title(self.t("identify_title")))
        layout.addWidget(self.text(self.t("identify_consent"), "hint"))
        self.art = CardSlotWidget(self.t("place_card_here"), animate=not self.ctx.kiosk.demo)
        layout.addWidget(self.art, 1)
        manual = self.button("no_card_help", "keyboard", role="secondary")
        manual.setObjectName("no_card_help")
        manual.clicked.connect(lambda: self.ctx.navigate("call_staff"))
        layout.addWidget(manual)
        kiosk = self.ctx.kiosk
        if "card_image" in kiosk.extras and not kiosk.demo:
            # `kiosk run` on the emulated reader: a button stands in for the hand placing the virtual card.
            virtual = self.button("demo_insert_card", "card", role="secondary")
            virtual.setObjectName("demo_insert_card")
            virtual.clicked.connect(kiosk.insert_virtual_card)
            layout.addWidget(virtual)

    def _build_key(self, layout: QVBoxLayout) -> None:
        layout.addWidget(self.title(self.t("key_choice_title")))
        layout.addWidget(self.text(self.t("key_choice_hint"), "hint"))
        for name, icon in (("key_qr", "qr"), ("key_typed", "keyboard"), ("key_mrz", "document")):
            b = self.button(name, icon, role="primary" if name == "key_qr" else "secondary", min_height=150)
            b.setObjectName(name)
            target = {"key_qr": "qr", "key_typed": "typed_id", "key_mrz": "mrz"}[name]
            b.clicked.connect(lambda _=False, m=target: self._show(m))
            layout.addWidget(b)
        layout.addStretch(1)

    def _build_qr(self, layout: QVBoxLayout) -> None:
        layout.addWidget(self.title(self.t("key_qr_title")))
        layout.addWidget(self.text(self.t("key_qr_hint"), "hint"))
        self.preview = CameraPreviewWidget(self.ctx, guide="card", analyse=self.ctx.kiosk.access_key_from_card_qr)
        self.preview.setObjectName("qr_preview")
        self.preview.analysed.connect(self._qr_found)
        layout.addWidget(self.preview, 1)
        self.preview.start()

    def _build_mrz(self, layout: QVBoxLayout) -> None:
        layout.addWidget(self.title(self.t("key_mrz_title")))
        layout.addWidget(self.text(self.t("key_mrz_hint"), "hint"))
        self.error_label = self.text("", "error")
        layout.addWidget(self.error_label)
        keyboard = OnScreenKeyboardWidget(mode="code", labels=self.t, max_length=96)
        keyboard.setObjectName("keyboard")
        keyboard.submitted.connect(self._mrz_done)
        layout.addWidget(keyboard)
        layout.addStretch(1)

    def _build_typed(self, layout: QVBoxLayout) -> None:
        today: date = self.ctx.kiosk.now().date()
        self.error_label = self.text(self.t(self.error_key) if self.error_key else "", "error")
        if self.mode == "typed_id":
            layout.addWidget(self.title(self.t("key_id_title")))
            layout.addWidget(self.error_label)
            pad = OnScreenKeyboardWidget(mode="numeric", labels=self.t, max_length=12, key_px=120)
            pad.setObjectName("id_pad")
            pad.set_text(self.typed.get("id_number", ""))
            pad.submitted.connect(self._typed_id)
            layout.addWidget(pad)
        else:
            which = "dob" if self.mode == "typed_dob" else "expiry"
            layout.addWidget(self.title(self.t(f"key_{which}_title")))
            layout.addWidget(self.text(self.t(f"key_{which}_hint"), "hint"))
            layout.addWidget(self.error_label)
            start = self.typed.get(which) or (date(today.year - 40, 1, 1) if which == "dob"
                                               else date(today.year + 10, 1, 1))
            picker = DatePickerWidget(start, today, self.t)
            picker.setObjectName(f"{which}_picker")
            picker.picked.connect(lambda value, w=which: self._typed_date(w, value))
            layout.addWidget(picker)
        layout.addStretch(1)

    def _build_reading(self, layout: QVBoxLayout) -> None:
        layout.addWidget(self.title(self.t("reading_card")))
        layout.addWidget(self.text(self.t("reading_keep_card"), "hint"))
        self.art = CardSlotWidget(self.t("reading_caption"), animate=False)
        self.art.set_progress(0.02)
        layout.addWidget(self.art, 1)

    def _build_error(self, layout: QVBoxLayout) -> None:
        layout.addWidget(self.title(self.t("card_error_title")))
        message = self.text(self.ctx.kiosk.translate(self.error_key, self.ctx.language), "error")
        message.setObjectName("card_error")
        layout.addWidget(message)
        retry = self.button("try_again", "restart", min_height=140)
        retry.setObjectName("try_again")
        retry.clicked.connect(self._retry)
        layout.addWidget(retry)
        if self.error_key not in ("card.no_reader",):
            other = self.button("key_other_way", "keyboard", role="secondary")
            other.setObjectName("key_other_way")
            other.clicked.connect(lambda: self._show("key"))
            layout.addWidget(other)
        staff = self.button("common.call_staff", "help", role="help")
        staff.setObjectName("error_call_staff")
        staff.clicked.connect(lambda: self.ctx.navigate("call_staff"))
        layout.addWidget(staff)
        layout.addStretch(1)

    # ---- key paths ---------------------------------------------------------------------------------------
    def _qr_found(self, key: Any) -> None:
        if isinstance(key, BaseException):
            self.error_key = getattr(key, "message_key", "face.camera_unavailable")
            self._show("error")
            return
        self._stop_preview()
        self._read(key)

    def _mrz_done(self, text: str) -> None:
        try:
            key = self.ctx.kiosk.access_key_from_mrz(text)
        except Exception as exc:
            self.error_label.setText(self.ctx.kiosk.message_for(exc, self.ctx.language))
            return
        self._read(key)

    def _typed_id(self, text: str) -> None:
        if len(text) != 12 or not text.isdigit():
            self.error_key = "key_id_invalid"
            self.typed["id_number"] = text
            self.rebuild()
            return
        self.error_key = ""
        self.typed["id_number"] = text
        self._show("typed_dob")

    def _typed_date(self, which: str, value: date) -> None:
        self.typed[which] = value
        if which == "dob":
            self._show("typed_expiry")
            return
        try:
            key = self.ctx.kiosk.access_key_from_typed(self.typed["id_number"], self.typed["dob"], value)
        except Exception as exc:
            self.error_key = getattr(exc, "message_key", "common.unexpected_error")
            self._show("error")
            return
        self._read(key)

    # ---- reading -----------------------------------------------------------------------------------------
    def _retry(self) -> None:
        if self.ctx.kiosk.session.card_present:
            key = self.ctx.scratch.get("access_key")
            if key is not None:
                self._read(key)
            else:
                self._show("key")
        else:
            self._show("wait")

    def _read(self, key: Any) -> None:
        if not self.ctx.kiosk.session.card_present:
            self.ctx.scratch["access_key"] = key
            self._show("wait")
            return
        self.ctx.scratch["access_key"] = key
        self._show("reading")

        def progress(value: float) -> None:
            if self.mode == "reading" and self.art is not None:
                self.art.set_progress(value)

        self.ctx.tasks.run(lambda: self.ctx.kiosk.read_card(key, self.ctx.tasks.relay(progress)),
                           self._read_done, self._read_failed)

    def _read_done(self, identity: Any) -> None:
        self.ctx.scratch.pop("access_key", None)
        self.ctx.kiosk.session.identified(identity)

    def _read_failed(self, exc: BaseException) -> None:
        key = getattr(exc, "message_key", "")
        if not key:
            raise exc
        if key in KEY_ERRORS:
            self.ctx.scratch.pop("access_key", None)
        self.error_key = key
        self._show("error")

    def _stop_preview(self) -> None:
        if self.preview is not None:
            self.preview.stop()
            self.preview = None
