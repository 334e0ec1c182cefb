from pathlib import Path

import pytest

from kiosk.config import ConfigError, KioskConfig, load_config


def test_defaults_are_demo_mode_on_simulated_devices() -> None:
    config = load_config()
    assert isinstance(config, KioskConfig)
    assert config.card.backend == "emulated"
    assert config.camera.backend == "simulated"
    assert config.printer.backend == "pdf"


def test_file_overrides_defaults_and_relative_paths_follow_the_file(tmp_path: Path) -> None:
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text('[kiosk]\ndata_dir = "state"\n[printer]\nbackend = "cups"\n[face]\nmatch_threshold = 0.45\n')
    config = load_config(cfg)
    assert config.printer.backend == "cups"
    assert config.face.match_threshold == pytest.approx(0.45)
    assert config.kiosk.data_dir == tmp_path / "state"
    assert config.queue.db_path == tmp_path / "state" / "queue.sqlite3"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[printer]\nbackend = 'laser'\n", "printer.backend"),
        ("[card]\nreadr_name = 'x'\n", "card.readr_name"),
        ("[face]\nframes_to_match = 'three'\n", "face.frames_to_match"),
        ("[queue]\nretention_days = -1\n", "queue.retention_days"),
        ("not toml at all = = =", "not valid TOML"),
    ],
)
def test_bad_settings_are_refused_with_the_key_named(tmp_path: Path, text: str, fragment: str) -> None:
    cfg = tmp_path / "bad.toml"
    cfg.write_text(text)
    with pytest.raises(ConfigError, match=fragment):
        load_config(cfg)


def test_example_config_is_valid() -> None:
    example = Path(__file__).resolve().parents[2] / "config" / "kiosk.example.toml"
    assert load_config(example).kiosk.kiosk_id


def test_example_config_names_every_setting() -> None:
    import dataclasses
    import tomllib

    example = Path(__file__).resolve().parents[2] / "config" / "kiosk.example.toml"
    raw = tomllib.loads(example.read_text(encoding="utf-8"))
    config = KioskConfig()
    for section in dataclasses.fields(config):
        names = {f.name for f in dataclasses.fields(getattr(config, section.name))}
        assert names == set(raw.get(section.name, {})), section.name
