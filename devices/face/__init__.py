"""Face check against the chip photo, with active liveness: interface, the real check (dlib detection and
landmarks, OpenCV Zoo's SFace embedding) and a simulator.

Import the implementations from their modules (`devices.face.dlib_verifier`, `devices.face.simulated`); this
package's top level only names the shared types and loads no model.
"""

from devices.face.analysis import FaceBox
from devices.face.errors import FaceCheckError, FaceModelsMissingError, ReferencePhotoUnreadableError
from devices.face.liveness import Challenge
from devices.face.settings import FaceSettings
from devices.face.verifier import FaceDecision, FaceFeedback, FaceVerificationResult, FaceVerifier, LivenessResult

__all__ = [
    "Challenge",
    "FaceBox",
    "FaceCheckError",
    "FaceDecision",
    "FaceFeedback",
    "FaceModelsMissingError",
    "FaceSettings",
    "FaceVerificationResult",
    "FaceVerifier",
    "LivenessResult",
    "ReferencePhotoUnreadableError",
]
