"""Cameras: the `Camera` interface, an OpenCV back end and a simulator that plays recordings."""

from devices.camera.camera import Camera, CameraError, CameraHealth, CameraNotFoundError, CameraState, Frame

__all__ = ["Camera", "CameraError", "CameraHealth", "CameraNotFoundError", "CameraState", "Frame"]
