"""What can go wrong in the face check, as errors carrying a message key the kiosk translates (face.toml)."""

from __future__ import annotations


class FaceCheckError(RuntimeError):
    message_key = "face.check_unavailable"


class FaceModelsMissingError(FaceCheckError):
    """A model file (missing or not the expected one) or dlib itself is missing: a technician must reinstall the
    kiosk's packages."""

    message_key = "face.check_unavailable"


class ReferencePhotoUnreadableError(FaceCheckError):
    """The chip photo cannot be decoded or holds no usable face: staff must check the person against the card."""

    message_key = "face.reference_unreadable"


class ReferencePhotoTooSmallError(ReferencePhotoUnreadableError):
    """The chip photo's face is too small for a reliable comparison: staff check the person against the card."""

    message_key = "face.reference_too_small"


class ReferenceNotSetError(FaceCheckError):
    """Frames were processed before `set_reference`: a programming error in the caller."""

    message_key = "face.check_unavailable"
