from __future__ import annotations

import dataclasses
from pathlib import Path

from devices.face.settings import FaceSettings
from kiosk.config import FaceConfig, load_config


def test_every_face_setting_can_be_set_from_the_kiosk_configuration() -> None:
    settings_fields = {f.name for f in dataclasses.fields(FaceSettings)}
    config_fields = {f.name for f in dataclasses.fields(FaceConfig)}
    assert settings_fields <= config_fields


def test_kiosk_configuration_values_reach_the_face_settings(tmp_path: Path) -> None:
    model = tmp_path / "my_68_points.dat"
    config = load_config(overrides={"face": {"match_threshold": 0.42, "turn_yaw_deg": 18.0,
                                             "landmark_model": str(model)}})
    settings = FaceSettings.from_mapping(dataclasses.asdict(config.face))
    assert settings.match_threshold == 0.42
    assert settings.liveness().turn_yaw_deg == 18.0
    assert settings.landmark_model == model
    assert FaceSettings.from_mapping(dataclasses.asdict(FaceConfig())) == FaceSettings()


def test_the_dlib_verifier_is_built_from_the_kiosk_face_section() -> None:
    from devices.face.dlib_verifier import DlibFaceVerifier

    config = load_config(overrides={"face": {"match_threshold": 0.45, "detect_width": 480}})
    verifier = DlibFaceVerifier.from_settings(config.face)
    assert verifier.settings.match_threshold == 0.45
    assert verifier.analyzer.detect_width == 480
    assert verifier.analyzer.upsample == 0  # faces of the minimum size are big enough for the detector at 480 px
