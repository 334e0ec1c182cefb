"""The kiosk's one typed configuration object.

Defaults live here in code; a TOML file overrides any of them. The file is read and validated once, by
`load_config`, and the resulting frozen `KioskConfig` is handed to the composition root (`kiosk.bootstrap`),
which is the only place that decides what to build from it. Nothing else reads settings or environment
variables. Unknown keys and wrong types are refused with a message naming the key, so a technician's typo
cannot silently fall back to a default.
"""

from __future__ import annotations

import dataclasses
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args, get_origin


class ConfigError(ValueError):
    """The configuration file is missing, unreadable or holds a value of the wrong kind."""


@dataclass(frozen=True)
class KioskIdentity:
    kiosk_id: str = "KIOSK-DEMO-01"
    # Shown on receipts and screens; the agency code is the one the portal knows the ward by.
    ward_name: str = "UBND Phường Demo"
    agency_code: str = "000.00.01.H26"
    hotline: str = "1900 0000"
    default_language: Literal["vi", "en"] = "vi"
    data_dir: Path = Path("var")


@dataclass(frozen=True)
class CardConfig:
    # "pcsc": a real PC/SC reader through pcscd; "emulated": the in-process virtual CCCD (demo, no pcscd).
    backend: Literal["pcsc", "emulated"] = "emulated"
    reader_name: str = ""  # substring of the PC/SC reader name; empty picks the first reader
    trust_store: Path | None = None  # folder of trusted CSCA certificates (DER/PEM) or ICAO master lists
    emulator_profile: Path | None = None  # card profile for the emulated backend
    prefer_pace: bool = True
    removal_poll_s: float = 0.25


@dataclass(frozen=True)
class CameraConfig:
    backend: Literal["opencv", "simulated"] = "simulated"
    device: str = "0"  # OpenCV device index or stream URL
    video: Path | None = None  # simulated: a video file or a folder of images played in a loop
    width: int = 640
    height: int = 480
    fps: int = 15


@dataclass(frozen=True)
class FaceConfig:
    # dlib ResNet distance; below it the faces are taken as the same person (see bench/face.py for the figures).
    match_threshold: float = 0.5
    frames_to_match: int = 3
    liveness_challenges: int = 2
    challenge_timeout_s: float = 12.0
    max_attempts: int = 3
    detect_width: int = 320  # frames are scaled to this width for detection only
    min_face_fraction: float = 0.22  # face width ÷ frame width below which the person is asked to come closer
    min_sharpness: float = 30.0
    min_brightness: float = 50.0
    max_frontal_yaw_deg: float = 15.0
    turn_yaw_deg: float = 12.0
    blink_ratio: float = 0.7
    landmark_model: Path | None = None  # replacement 68-point predictor (the packaged one is non-commercial)


@dataclass(frozen=True)
class PrinterConfig:
    backend: Literal["pdf", "cups", "escpos"] = "pdf"
    paper: Literal["80mm", "a4"] = "80mm"
    cups_queue: str = "KioskPDF"
    cups_server: str = ""  # "host:port" of the CUPS server; empty: the machine's default spooler
    job_timeout_s: float = 60.0  # a job not finished by then is cancelled and reported (reprint from the queue)
    escpos_device: str = ""  # "usb:VID:PID", "net:HOST[:PORT]" or "file:/dev/usb/lp0"
    output_dir: Path = Path("receipts")
    print_help_slip_on_recovery: bool = True


@dataclass(frozen=True)
class PortalConfig:
    base_url: str = "http://127.0.0.1:8787"
    # The demo starts the portal simulator itself on base_url's port when this is true.
    start_simulator: bool = True
    connect_timeout_s: float = 3.0
    read_timeout_s: float = 10.0
    verify_tls: bool = True
    ca_bundle: Path | None = None
    client_cert: Path | None = None
    client_key: Path | None = None
    operator_id: str = "OPERATOR-DEMO"
    # After a failed first try the file waits this long in the queue before the worker sends it again.
    first_try_retry_s: float = 5.0


@dataclass(frozen=True)
class QueueConfig:
    db_path: Path = Path("queue.sqlite3")  # relative paths sit under kiosk.data_dir
    key_file: Path = Path("queue.key")
    retention_days: int = 30
    max_rate_per_s: float = 50.0
    backoff_base_s: float = 1.0
    backoff_max_s: float = 300.0
    breaker_failures: int = 5
    breaker_probe_s: float = 30.0
    max_in_flight: int = 4  # sends to the portal at once while draining a backlog


@dataclass(frozen=True)
class CatalogueConfig:
    folder: Path | None = None  # None: the catalogue shipped with the kiosk
    holidays_file: Path | None = None


@dataclass(frozen=True)
class HospitalConfig:
    enabled: bool = True
    hospital_name: str = "Bệnh viện Đa khoa Demo"
    insurance_backend: Literal["simulated", "gateway"] = "simulated"
    insurance_url: str = ""
    insurance_username: str = ""
    insurance_password_file: Path | None = None  # a file holding the gateway password (kept out of the config)
    operator_name: str = "Nguyễn Văn Cán Bộ"  # operator of record required on every insurance look-up
    operator_id_number: str = "001090000000"
    minutes_per_patient: float = 6.0
    queue_db: Path = Path("hospital_queue.sqlite3")


@dataclass(frozen=True)
class SpeechConfig:
    backend: Literal["espeak", "silent"] = "espeak"
    voice_vi: str = "vi"
    voice_en: str = "en"
    rate_wpm: int = 140
    volume: int = 100
    prompts_dir: Path | None = None  # recorded prompts that override synthesized ones, by message key


@dataclass(frozen=True)
class SessionConfig:
    inactivity_warning_s: float = 90.0
    reading_screen_warning_s: float = 180.0
    wipe_after_warning_s: float = 30.0
    max_extensions: int = 10


@dataclass(frozen=True)
class StaffConfig:
    # PBKDF2 hashes ("pbkdf2_sha256$iterations$salt_hex$hash_hex"), never PINs; `kiosk staff hash-pin` makes one.
    technician_pin_hash: str = ""
    manager_pin_hash: str = ""  # ward managers: statistics only, through the same hidden PIN pad
    volunteers: tuple[str, ...] = ()  # "volunteer_id:display name:pin_hash"
    max_pin_attempts: int = 5
    lockout_s: float = 300.0


@dataclass(frozen=True)
class UiConfig:
    orientation: Literal["portrait", "landscape"] = "portrait"
    width: int = 1080
    height: int = 1920
    fullscreen: bool = False
    # Pixels per inch of the touch panel; touch targets are sized to >= 15 mm with it (a 14" 1080x1920 panel ~ 157).
    screen_dpi: float = 157.0
    demo_clock: str = "2026-03-02T09:00:00"  # fixed wall-clock time for `kiosk demo`, so every run looks the same


@dataclass(frozen=True)
class KioskConfig:
    kiosk: KioskIdentity = field(default_factory=KioskIdentity)
    card: CardConfig = field(default_factory=CardConfig)
    camera: CameraConfig = field(default_factory=CameraConfig)
    face: FaceConfig = field(default_factory=FaceConfig)
    printer: PrinterConfig = field(default_factory=PrinterConfig)
    portal: PortalConfig = field(default_factory=PortalConfig)
    queue: QueueConfig = field(default_factory=QueueConfig)
    catalogue: CatalogueConfig = field(default_factory=CatalogueConfig)
    hospital: HospitalConfig = field(default_factory=HospitalConfig)
    speech: SpeechConfig = field(default_factory=SpeechConfig)
    session: SessionConfig = field(default_factory=SessionConfig)
    staff: StaffConfig = field(default_factory=StaffConfig)
    ui: UiConfig = field(default_factory=UiConfig)


def load_config(path: Path | None = None, overrides: dict[str, Any] | None = None) -> KioskConfig:
    """Read `path` (TOML) over the defaults, then `overrides` (nested dict) over that; validate everything.

    Relative paths in the file are taken relative to the file's folder, so a config can travel with its data.
    """
    raw: dict[str, Any] = {}
    base = Path.cwd()
    if path is not None:
        try:
            raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ConfigError(f"config file not found: {path}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc
        base = Path(path).resolve().parent
    if overrides:
        raw = _merge(raw, overrides)
    config: KioskConfig = _build(KioskConfig, raw, "", base)
    return resolve_data_paths(config)


def _merge(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    out = dict(a)
    for key, value in b.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _build(cls: type[Any], raw: Any, where: str, base: Path) -> Any:
    if not isinstance(raw, dict):
        raise ConfigError(f"[{where or 'root'}] must be a table")
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(raw) - names)
    if unknown:
        raise ConfigError(f"unknown setting {_key(where, unknown[0])}; known: {', '.join(sorted(names))}")
    values = {name: _coerce(hints[name], raw[name], _key(where, name), base) for name in raw}
    return cls(**values)


def _key(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name


def _coerce(hint: Any, value: Any, key: str, base: Path) -> Any:
    origin = get_origin(hint)
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return _build(hint, value, key, base)
    if origin in (types.UnionType, typing.Union):
        options = [a for a in get_args(hint) if a is not type(None)]
        if value is None or value == "":
            return None
        return _coerce(options[0], value, key, base)
    if origin is Literal:
        allowed = get_args(hint)
        if value not in allowed:
            raise ConfigError(f"{key} must be one of {', '.join(map(repr, allowed))}, not {value!r}")
        return value
    if origin is tuple:
        if not isinstance(value, list):
            raise ConfigError(f"{key} must be a list")
        (item,) = get_args(hint)[:1]
        return tuple(_coerce(item, v, f"{key}[{i}]", base) for i, v in enumerate(value))
    if hint is Path:
        if not isinstance(value, str):
            raise ConfigError(f"{key} must be a path string")
        p = Path(value).expanduser()
        return p if p.is_absolute() else base / p
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{key} must be true or false")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{key} must be a number")
        if value < 0:
            raise ConfigError(f"{key} must not be negative")
        return float(value)
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{key} must be a whole number")
        if value < 0:
            raise ConfigError(f"{key} must not be negative")
        return value
    if hint is str:
        if not isinstance(value, str):
            raise ConfigError(f"{key} must be text")
        return value
    raise ConfigError(f"{key}: unsupported setting type {hint!r}")  # pragma: no cover - a programming error


def resolve_data_paths(config: KioskConfig) -> KioskConfig:
    """Place relative paths under the data folder so a kiosk run from any folder keeps its state together."""
    data = config.kiosk.data_dir

    def under(p: Path) -> Path:
        return p if p.is_absolute() else data / p
    return dataclasses.replace(
        config,
        queue=dataclasses.replace(config.queue, db_path=under(config.queue.db_path),
                                  key_file=under(config.queue.key_file)),
        printer=dataclasses.replace(config.printer, output_dir=under(config.printer.output_dir)),
        hospital=dataclasses.replace(config.hospital, queue_db=under(config.hospital.queue_db)),
    )
