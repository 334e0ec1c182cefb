from __future__ import annotations

from devices.camera.camera import CameraError, CameraNotFoundError
from devices.face.errors import FaceModelsMissingError, ReferenceNotSetError, ReferencePhotoUnreadableError
from devices.face.liveness import Challenge
from devices.face.quality import Hint
from devices.face.verifier import FaceDecision
from kiosk.i18n import Translator


def test_every_hint_challenge_decision_and_error_has_vietnamese_and_english_text() -> None:
    keys = {str(h) for h in Hint} | {c.message_key for c in Challenge} | {f"face.{d.value}" for d in FaceDecision}
    keys |= {e.message_key for e in (CameraError, CameraNotFoundError, FaceModelsMissingError,
                                     ReferenceNotSetError, ReferencePhotoUnreadableError)}
    for language in ("vi", "en"):
        translator = Translator(language=language)
        for key in sorted(keys):
            assert translator.has(key), key
            assert translator.catalogue[key].get(language), f"{key} has no {language} text"
