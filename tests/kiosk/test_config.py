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


# ---- every value has a finite, sane range; every URL and list entry is checked ------------------------------
def _numeric_settings() -> list[tuple[str, str, type]]:
    """Every int/float setting of every section, read from the dataclasses so new settings are covered too."""
    import dataclasses
    import typing

    out: list[tuple[str, str, type]] = []
    sections = typing.get_type_hints(KioskConfig)
    for section in dataclasses.fields(KioskConfig):
        for name, hint in typing.get_type_hints(sections[section.name]).items():
            if hint in (int, float):
                out.append((section.name, name, hint))
    return out


NUMERIC = _numeric_settings()


def test_there_are_numeric_settings_to_check() -> None:
    assert ("queue", "breaker_probe_s", float) in NUMERIC and ("camera", "fps", int) in NUMERIC


@pytest.mark.parametrize(("section", "name", "kind"), NUMERIC, ids=[f"{s}.{n}" for s, n, _ in NUMERIC])
@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan"), 1e300, 10**40, 10**5000, -10**400, -1],
                         ids=["inf", "-inf", "nan", "1e300", "10^40", "10^5000", "-10^400", "-1"])
def test_no_number_setting_takes_an_unbounded_or_negative_value(section: str, name: str, kind: type,
                                                                  value: float) -> None:
    with pytest.raises(ConfigError, match=rf"{section}\.{name}"):
        load_config(overrides={section: {name: value}})


@pytest.mark.parametrize(("section", "name", "kind"), NUMERIC, ids=[f"{s}.{n}" for s, n, _ in NUMERIC])
def test_every_default_lies_inside_its_range(section: str, name: str, kind: type) -> None:
    # The default, written out explicitly, is accepted: the ranges never refuse the shipped behaviour.
    default = getattr(getattr(KioskConfig(), section), name)
    assert getattr(getattr(load_config(overrides={section: {name: default}}), section), name) == default


@pytest.mark.parametrize("literal", ["inf", "+inf", "-inf", "nan"])
def test_toml_inf_and_nan_are_refused_naming_file_and_setting(tmp_path: Path, literal: str) -> None:
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(f"[queue]\nbreaker_probe_s = {literal}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(cfg)
    assert str(cfg) in str(caught.value) and "queue.breaker_probe_s" in str(caught.value)
    assert caught.value.setting == "queue.breaker_probe_s" and caught.value.file == str(cfg)


def test_a_toml_number_of_thousands_of_digits_is_refused_cleanly(tmp_path: Path) -> None:
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text("[queue]\nbreaker_probe_s = 1" + "0" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML") as caught:
        load_config(cfg)  # Python refuses to read so long a number at all; the file is still named
    assert str(cfg) in str(caught.value)
    cfg.write_text("[queue]\nbreaker_probe_s = 1" + "0" * 4000 + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"queue\.breaker_probe_s must be between 0 and 86400, not a number of about"):
        load_config(cfg)


def test_a_range_names_its_limits(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"camera\.fps must be between 1 and \d+"):
        load_config(overrides={"camera": {"fps": 0}})


@pytest.mark.parametrize(
    ("section", "name", "value"),
    [
        ("portal", "base_url", "not a url"),
        ("portal", "base_url", "ftp://portal.example"),
        ("portal", "base_url", "http://"),
        ("portal", "base_url", "https:///v1"),
        ("portal", "base_url", ""),
        ("portal", "base_url", "http://host:99999"),
        ("hospital", "insurance_url", "relay.example"),
        ("hospital", "insurance_url", "javascript:alert(1)"),
    ],
)
def test_urls_need_http_or_https_and_a_host(section: str, name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=rf"{section}\.{name}"):
        load_config(overrides={section: {name: value}})


def test_good_urls_pass() -> None:
    config = load_config(overrides={"portal": {"base_url": "https://dvc.example.gov.vn:8443/api"},
                                    "hospital": {"insurance_url": ""}})
    assert config.portal.base_url == "https://dvc.example.gov.vn:8443/api"


def _pin_hash() -> str:
    from kiosk.staff import hash_pin

    return hash_pin("1234", iterations=1000)


@pytest.mark.parametrize(
    "entry",
    ["TNV-1 no hash", "TNV-1:Trần Văn An", ":Trần Văn An:{h}", "TNV-1::{h}", "TNV-1:Trần Văn An:not-a-hash",
     "technician:Trần Văn An:{h}", "TNV-1:Trần Văn An:pbkdf2_sha256$10$00$00"],
)
def test_malformed_volunteer_entries_are_refused_with_their_index(entry: str) -> None:
    entries = [f"TNV-0:Lê Thị Hoa:{_pin_hash()}", entry.format(h=_pin_hash())]
    with pytest.raises(ConfigError, match=r"staff\.volunteers\[1\]") as caught:
        load_config(overrides={"staff": {"volunteers": entries}})
    assert "1234" not in str(caught.value)


def test_duplicate_volunteer_ids_are_refused() -> None:
    entries = [f"TNV-1:Lê Thị Hoa:{_pin_hash()}", f"TNV-1:Trần Văn An:{_pin_hash()}"]
    with pytest.raises(ConfigError, match=r"staff\.volunteers\[1\].*TNV-1"):
        load_config(overrides={"staff": {"volunteers": entries}})


def test_a_good_volunteer_list_and_pin_hashes_pass() -> None:
    h = _pin_hash()
    config = load_config(overrides={"staff": {"volunteers": [f"TNV-1:Lê Thị Hoa:{h}"], "technician_pin_hash": h}})
    assert config.staff.volunteers == (f"TNV-1:Lê Thị Hoa:{h}",)


@pytest.mark.parametrize(
    ("section", "name", "value"),
    [
        ("staff", "technician_pin_hash", "1234"),
        ("staff", "manager_pin_hash", "pbkdf2_sha256$x$y$z"),
        ("printer", "escpos_device", "lp0"),
        ("printer", "escpos_device", "usb:zz:01"),
        ("printer", "escpos_device", "net:"),
        ("printer", "cups_server", "host:port"),
        ("ui", "demo_clock", "tomorrow"),
        ("camera", "device", "gopher://cam"),
        ("kiosk", "ward_name", "UBND\x00Phường"),
        ("kiosk", "kiosk_id", "K1\nK2"),
    ],
)
def test_structured_text_settings_are_checked(section: str, name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=rf"{section}\.{name}"):
        load_config(overrides={section: {name: value}})


def test_a_nul_in_a_path_setting_is_refused_naming_file_and_setting(tmp_path: Path) -> None:
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text('[kiosk]\ndata_dir = "state\\u0000x"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"kiosk\.data_dir") as caught:
        load_config(cfg)
    assert str(cfg) in str(caught.value)


def test_duplicate_toml_keys_are_refused_naming_the_file(tmp_path: Path) -> None:
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text('[queue]\nbreaker_probe_s = 30.0\nbreaker_probe_s = 1.0\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"queue\.breaker_probe_s") as caught:
        load_config(cfg)
    assert str(cfg) in str(caught.value) and caught.value.setting == "queue.breaker_probe_s"


# ---- the file itself ----------------------------------------------------------------------------------------
def test_a_config_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    cfg = tmp_path / "kiosk.toml"
    cfg.write_bytes('[kiosk]\nward_name = "Phường"\n'.encode("cp1258", errors="replace") + b"\xff\xfe")
    with pytest.raises(ConfigError, match="UTF-8") as caught:
        load_config(cfg)
    assert str(cfg) in str(caught.value)


def test_a_config_path_that_is_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="folder") as caught:
        load_config(tmp_path)
    assert str(tmp_path) in str(caught.value)


def test_an_unreadable_config_file_is_refused(tmp_path: Path) -> None:
    loop = tmp_path / "loop.toml"
    loop.symlink_to(loop)  # as root a mode bit cannot stop a read; a symlink loop can
    with pytest.raises(ConfigError, match="cannot be read") as caught:
        load_config(loop)
    assert str(loop) in str(caught.value)


def test_a_nul_in_the_config_path_is_refused() -> None:
    with pytest.raises(ConfigError, match="NUL"):
        load_config(Path("kiosk\x00.toml"))
