"""Face check: live preview with an oval guide, spoken hints, liveness challenges, and an assisted way out.

The chip photo (DG2) is the reference; the verifier (devices.face) judges each frame off the GUI thread and says
what to tell the person. EN 301 549 §5.3 forbids biometric-only access: when the camera cannot decide, or the
person prefers not to, a signed-in volunteer checks the face against the card and vouches ("staff" method).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QProgressBar, QVBoxLayout

from ui.screens.base import Screen
from ui.widgets.preview import CameraPreviewWidget


class FaceScreen(Screen):
    name = "face"
    step = 2

    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx)
        self.mode = "look"
        self.preview: CameraPreviewWidget | None = None
        self.hint_key: str | None = None
        self.verifier: Any = None

    def enter(self) -> None:
        self.mode = "look"
        self.hint_key = None
        self.verifier = self.ctx.kiosk.face_verifier
        try:
            identity = self.ctx.kiosk.session.identity
            if identity is None or identity.photo is None:
                raise ValueError("no chip photo")
            self.verifier.set_reference(identity.photo)
        except Exception:
            self.mode = "assist"
        super().enter()

    def leave(self) -> None:
        self._stop()
        super().leave()

    def voice_key(self) -> str:
        return {"look": "face_voice", "assist": "face_assist_voice", "failed": "face_failed"}[self.mode]

    def build(self, layout: QVBoxLayout) -> None:
        if self.mode == "look":
            layout.addWidget(self.title(self.t("face_title")))
            self.hint = self.text(self.t("face_voice"), "hint")
            self.hint.setObjectName("face_hint")
            layout.addWidget(self.hint)
            self.preview = CameraPreviewWidget(self.ctx, guide="face", analyse=self._process)
            self.preview.setObjectName("face_preview")
            self.preview.analysed.connect(self._feedback)
            layout.addWidget(self.preview, 1)
            self.bar = QProgressBar()
            self.bar.setRange(0, 100)
            self.bar.setTextVisible(False)
            self.bar.setFixedHeight(30)
            layout.addWidget(self.bar)
            self.preview.start()
            return
        layout.addWidget(self.title(self.t("face_assist_title" if self.mode == "assist" else "face_failed")))
        layout.addWidget(self.text(self.t("face_assist_body"), "hint"))
        if self.mode == "failed":
            again = self.button("try_again", "restart")
            again.setObjectName("face_try_again")
            again.clicked.connect(self._again)
            layout.addWidget(again)
        if self.ctx.kiosk.session.helper is not None:
            vouch = self.button("face_staff_confirms", "person", role="success", min_height=150)
            vouch.setObjectName("face_staff_confirms")
            vouch.clicked.connect(lambda: self.ctx.kiosk.session.face_verified("staff"))
            layout.addWidget(vouch)
        else:
            staff = self.button("common.call_staff", "help", role="help", min_height=150)
            staff.setObjectName("face_call_staff")
            staff.clicked.connect(lambda: self.ctx.navigate("call_staff"))
            layout.addWidget(staff)
        layout.addStretch(1)

    def _process(self, frame: Any) -> Any:
        return self.verifier.process(frame)

    def _feedback(self, feedback: Any) -> None:
        if isinstance(feedback, BaseException):
            self._stop()
            self.mode = "assist"
            self.rebuild()
            self.speak_intro()
            return
        if self.mode != "look" or self.preview is None:
            return
        self.bar.setValue(round(feedback.progress * 100))
        key = feedback.challenge_key or feedback.hint_key
        if key and key != self.hint_key:
            self.hint_key = key
            self.hint.setText(self.ctx.kiosk.translate(key, self.ctx.language))
            self.ctx.say(key)
        box = feedback.face_box
        if box is not None and self.preview.image is not None:
            img = self.preview.image
            self.preview.set_face_box((box.left / img.width(), box.top / img.height(),
                                       box.width / img.width(), box.height / img.height()), key is None)
        if feedback.done:
            self._stop()
            result = self.verifier.result()
            self.ctx.kiosk.record_face_result(result)
            if result.matched:
                self.ctx.kiosk.session.face_verified("camera")
            else:
                self.mode = "failed" if not result.needs_staff else "assist"
                self.rebuild()
                self.speak_intro()

    def _again(self) -> None:
        self.verifier.wipe()
        self.enter()

    def _stop(self) -> None:
        if self.preview is not None:
            self.preview.stop()
            self.preview = None
