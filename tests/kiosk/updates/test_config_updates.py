from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import ConfigError, load_config


@pytest.mark.parametrize(("updates", "setting"), [
    ({"enabled": True, "root_file": "root.json"}, "updates.repository_url"),
    ({"enabled": True, "repository_url": "http://127.0.0.1:8080"}, "updates.root_file"),
    ({"repository_url": "ftp://mirror"}, "updates.repository_url"),
    ({"config_profile": "../other"}, "updates.config_profile"),
    ({"config_profile": "ward.toml"}, "updates.config_profile"),
    ({"interval_s": 1.0}, "updates.interval_s"),
])
def test_update_settings_are_validated(updates: dict[str, object], setting: str) -> None:
    with pytest.raises(ConfigError) as refused:
        load_config(None, {"updates": updates})
    assert refused.value.setting == setting


def test_logging_format_is_a_choice(tmp_path: Path) -> None:
    assert load_config(None, {"logging": {"format": "json"}}).logging.format == "json"
    with pytest.raises(ConfigError) as refused:
        load_config(None, {"logging": {"format": "xml"}})
    assert refused.value.setting == "logging.format"
