"""What every step of a visit works with: its parts, its state, the translator, the camera and the view helpers.

The step modules (identify, face_step, service_steps, review, submit, lookup, help_desk) are plain functions taking
a `VisitContext`; `kiosk.journey.visit.Visit` owns the one context of a visit and dispatches commands to them.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field

from devices.camera.camera import CameraError
from kiosk.catalogue.model import FieldSpec
from kiosk.i18n import Language, Translator, language_of
from kiosk.journey.commands import Frame
from kiosk.journey.parts import JourneyParts
from kiosk.journey.state import VisitState
from kiosk.journey.views import ChoiceView, Prompt, ScreenView
from kiosk.session import Session

log = logging.getLogger(__name__)


@dataclass
class VisitContext:
    parts: JourneyParts
    tr: Translator
    state: VisitState = field(default_factory=VisitState)
    notice: str = ""      # why the last visit ended (card removed, inactivity): outlives the wipe, shown on welcome

    @property
    def session(self) -> Session:
        return self.parts.session

    # ---- camera ----------------------------------------------------------------------------------------------
    def start_camera(self) -> None:
        if self.state.camera_on:
            return
        try:
            self.parts.camera.start()
            self.state.camera_on = True
        except CameraError:
            log.warning("camera could not start")

    def stop_camera(self) -> None:
        if not self.state.camera_on:
            return
        self.state.camera_on = False
        try:
            self.parts.camera.stop()
        except CameraError:
            log.warning("camera could not stop cleanly")

    def read_frame(self) -> Frame | None:
        self.start_camera()
        try:
            return self.parts.camera.read()
        except CameraError:
            return None

    # ---- the service's fields ------------------------------------------------------------------------------
    def spec(self, key: str) -> FieldSpec:
        assert self.state.service is not None
        for spec in self.state.service.all_fields():
            if spec.key == key:
                return spec
        raise KeyError(key)

    def label(self, spec: FieldSpec) -> str:
        return spec.label.get(self.tr.language)

    # ---- view helpers ----------------------------------------------------------------------------------------
    def t(self, key: str, **params: object) -> str:
        return self.tr.text(key, **params)

    def tr_vi(self, key: str) -> str:
        return Translator("vi", self.tr.catalogue).text(key)

    def prompt(self, key: str, **params: object) -> Prompt:
        """A prompt never has an empty slot ("Mã hồ sơ của bạn là ."): when a parameter is empty, the message's
        no-slot variant `<key>_none` is said instead (an empty prompt when there is none; views drop those)."""
        if any(not str(v).strip() for v in params.values()):
            fallback = f"{key}_none"
            if fallback in self.tr.catalogue:
                return Prompt(fallback, (), self.t(fallback))
            return Prompt("", (), "")
        return Prompt(key, tuple((k, str(v)) for k, v in params.items()), self.t(key, **params))

    def choice(self, id_: str, key: str, kind: str = "primary", **params: object) -> ChoiceView:
        return ChoiceView(id_, self.t(key, **params), kind)

    def simple(self, screen: str, title_key: str, say_key: str = "", *, pending: bool = False,
               choices: tuple[ChoiceView, ...] = ()) -> ScreenView:
        prompts = (self.prompt(say_key),) if say_key else ()
        return ScreenView(screen, title_key, self.t(title_key), choices=choices, prompts=prompts, pending=pending,
                          language=self.tr.language)

    def nav(self, *, back: bool = True) -> tuple[ChoiceView, ...]:
        out = [self.choice("help", "journey.help", "nav")]
        if back:
            out.insert(0, self.choice("back", "journey.back", "nav"))
        out.append(self.choice("restart", "journey.restart", "danger"))
        return tuple(out)


def lang_of(language: str) -> Language:
    return language_of(language)


def replace_view(view: ScreenView, **changes: object) -> ScreenView:
    return dataclasses.replace(view, **changes)  # type: ignore[arg-type]


__all__ = ["VisitContext", "lang_of", "replace_view"]
