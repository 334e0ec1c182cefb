"""The kiosk's one typed configuration object.

Defaults live here in code; a TOML file overrides any of them. The file is read and validated once, by
`load_config`, and the resulting frozen `KioskConfig` is handed to the composition root (`kiosk.bootstrap`),
which is the only place that decides what to build from it. Nothing else reads settings or environment
variables. Unknown keys and wrong types are refused with a message naming the key, so a technician's typo
cannot silently fall back to a default.
"""

from __future__ import annotations

import dataclasses
import math
import re
import tomllib
import types
import typing
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from kiosk.i18n import Language


class ConfigError(ValueError):
    """The configuration file is missing, unreadable or holds a value of the wrong kind.

    `setting` names the offending key ("queue.breaker_probe_s", empty for the file as a whole) and `file` the
    configuration file it came from (empty for built-in overrides), so every message can point at both.
    """

    def __init__(self, message: str, *, setting: str = "", file: str = "") -> None:
        super().__init__(message)
        self.setting = setting
        self.file = file


@dataclass(frozen=True)
class KioskIdentity:
    kiosk_id: str = "KIOSK-DEMO-01"
    # Shown on receipts and screens; the agency code is the one the portal knows the ward by.
    ward_name: str = "UBND Phường Demo"
    agency_code: str = "000.00.01.H26"
    # Fleet labels on metrics and alerts (administrative unit codes, e.g. from the 2025 ward list): never names.
    ward_code: str = "00001"
    province_code: str = "01"
    hotline: str = "1900 0000"
    default_language: Language = "vi"
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
    # A CRL in the trust folder past its next update: "unchecked" serves the citizen and says why, "refuse" does not.
    expired_crl: Literal["unchecked", "refuse"] = "unchecked"


@dataclass(frozen=True)
class CameraConfig:
    backend: Literal["opencv", "simulated"] = "simulated"
    device: str = "0"  # OpenCV device index or stream URL
    video: Path | None = None  # simulated: a video file or a folder of images played in a loop
    width: int = 640
    height: int = 480
    fps: int = 30  # the preview shows what the camera gives: 30 keeps it fluid while the face check runs


@dataclass(frozen=True)
class ScannerConfig:
    # Paper documents: "simulated" draws pages (demo), "opencv" a document camera over the desk, "sane" a flatbed or
    # sheet-fed scanner through SANE's scanimage (Debian sane-utils).
    backend: Literal["simulated", "opencv", "sane"] = "simulated"
    dpi: int = 200  # output resolution of every page; 200 keeps small print on official papers legible
    jpeg_quality: int = 85  # pages in the PDF; lowered automatically when a document is over its size limit
    # opencv: a camera looking straight down at the desk, used only while scanning.
    camera_device: str = "1"  # OpenCV device index, device path or stream URL (the face camera is usually 0)
    camera_width: int = 3264
    camera_height: int = 2448
    bed_width_mm: float = 420.0  # the width of desk the camera's view spans (measure it once when mounting)
    frames: int = 5  # frames read per press; the sharpest one showing a page is used
    min_sharpness: float = 50.0  # variance of the Laplacian below which a page is "blurred, take it again"
    max_glare_fraction: float = 0.02  # share of blown-out page pixels above which a page has glare
    min_page_fraction: float = 0.02  # share of the view a page outline must cover to count as the page
    # sane: the device as `scanimage -L` names it (empty: SANE's default), its source, and the scan area.
    sane_device: str = ""
    sane_source: str = ""  # e.g. "Flatbed", "ADF", "Automatic Document Feeder"; a feeder takes every sheet in it
    sane_mode: Literal["Color", "Gray"] = "Color"
    sane_options: tuple[str, ...] = ()  # extra back-end options, each "--name=value"
    page_width_mm: float = 210.0
    page_height_mm: float = 297.0
    timeout_s: float = 120.0


@dataclass(frozen=True)
class FaceConfig:
    # SFace distance (1 − cosine similarity); at or below it the faces are taken as the same person. 0.575 from the
    # sweep of bench/face.py (74 photos, 62 people, 13 East-Asian): the largest step with no false match (0/2675;
    # closest impostor 0.579, FMR ≤ 0.1 % up to 0.603) and no genuine pair refused (0/26, farthest 0.452). East-Asian
    # impostors 0/78 (closest 0.674; 95 % bound 4.6 %): do not raise it without an evaluation on Vietnamese faces.
    match_threshold: float = 0.575
    frames_to_match: int = 3
    liveness_challenges: int = 2
    challenge_timeout_s: float = 12.0
    max_attempts: int = 3
    detect_width: int = 400  # frames are scaled to this width for detection only (no upsampling from 400 up)
    min_face_fraction: float = 0.22  # face width ÷ frame width below which the person is asked to come closer
    min_sharpness: float = 30.0
    min_brightness: float = 50.0
    max_frontal_yaw_deg: float = 15.0
    turn_yaw_deg: float = 12.0
    blink_ratio: float = 0.7
    landmark_model: Path | None = None  # replacement 68-point predictor (the packaged one is non-commercial)
    # Replacement ONNX embedding model (None: the packaged SFace file, checked by size and SHA-256); another model
    # needs its own match_threshold and pad_chip_min_distance, measured with bench/face.py.
    embedding_model: Path | None = None
    # Chip photos with a smaller face are refused (staff compare by eye): below it SFace distances grow (bench/face.py
    # reference-size table: median 0.272 at 35 px as at full size, 0.312 at 26 px, 0.377 at 17 px).
    min_reference_eye_span_px: float = 36.0
    # Camera mounting, measured by the technician: a person facing the screen is judged frontal against it.
    camera_tilt_deg: float = 0.0  # downward tilt of the camera, 0–45° (a kiosk camera never looks up at people)
    camera_height_mm: float = 0.0  # lens above the floor; 0 = unknown (taken as eye level)
    # Presentation-attack cues (devices/face/pad.py; values from bench/face.py): the chip photo itself replayed
    # (embedding distance, aligned-pixel correlation), a turn without 3-D parallax, and screen moiré.
    pad_chip_min_distance: float = 0.10  # SFace distance: chip replays 0.001–0.067, live (other sitting) 0.198+
    pad_chip_max_correlation: float = 0.97
    pad_min_parallax: float = 0.022
    pad_max_moire: float = 40.0
    prompt_delay_s: float = 1.2  # each prompt comes after a random 50–100 % of this: a recording cannot be timed
    min_response_s: float = 0.2  # moves begun sooner after a prompt than a person reacts are not taken as answers


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
    # Whole exchange, answer included (timeouts above bound each wait only); answers above the size are refused.
    request_deadline_s: float = 20.0
    max_answer_bytes: int = 1_048_576


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
    # Service codes in the order this kiosk's citizens use them most (first page first); the rest follow in the
    # catalogue's order. Empty: the catalogue's order, with hospital check-in first on a hospital kiosk.
    service_order: tuple[str, ...] = ()


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
    insurance_timeout_s: float = 10.0
    insurance_deadline_s: float = 15.0  # whole exchange with the gateway, answer included
    insurance_max_answer_bytes: int = 262_144
    queue_db: Path = Path("hospital_queue.sqlite3")
    # The hospital's own system (HIS) over HL7 FHIR R4: visits registered there, queue progress read back.
    system_backend: Literal["simulated", "fhir", "off"] = "simulated"
    system_url: str = ""  # the FHIR base address, e.g. https://his.example/fhir (fhir back end)
    system_deadline_s: float = 8.0  # whole exchange with the hospital's system, answer included
    system_max_answer_bytes: int = 1_048_576
    patient_id_system: str = "http://fhir.ehealth.gov.vn/core/sid/national_id"  # VN Core IG naming systems
    insurance_id_system: str = "http://fhir.ehealth.gov.vn/core/sid/insurance_number"
    code_base: str = "http://hospital.invalid/fhir"  # the hospital's own code systems (clinics, visit numbers)


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
class FleetConfig:
    # HOST:PORT where Prometheus scrapes this kiosk's /metrics; empty: no metrics endpoint.
    metrics_address: str = ""
    # The province's Prometheus, for the manager screen's ward figures; empty: this kiosk's own figures only.
    prometheus_url: str = ""
    # A file counts as on time when the portal accepted it within this many seconds of the citizen's Submit.
    on_time_target_s: float = 3600.0


@dataclass(frozen=True)
class HelpConfig:
    # "slip": print a "needs help" slip for the counter; "alertmanager": raise an alert for the ward's staff;
    # "simulated": staff answer after `simulated_ack_s` (demos and tests).
    backend: Literal["slip", "alertmanager", "simulated"] = "slip"
    counter: str = "1"  # the counter a slip is taken to, as the signs in the office name it
    alertmanager_url: str = ""
    timeout_s: float = 3.0
    # An open request is sent again this often, so Alertmanager keeps it active until staff answer.
    repeat_s: float = 60.0
    simulated_ack_s: float = 20.0


@dataclass(frozen=True)
class UpdatesConfig:
    # Signed catalogue and configuration updates from the province's TUF repository (kiosk/updates/).
    enabled: bool = False
    repository_url: str = ""  # the repository's base address; metadata/ and targets/ are below it
    root_file: Path | None = None  # the province's root.json, installed with the kiosk (the trust anchor)
    config_profile: str = ""  # the configuration profile this kiosk follows; empty: the catalogue only
    interval_s: float = 900.0  # how often the kiosk asks the repository
    timeout_s: float = 10.0


@dataclass(frozen=True)
class LoggingConfig:
    # "text" for a terminal; "json": one JSON object per line for journald, personal data redacted.
    format: Literal["text", "json"] = "text"
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


@dataclass(frozen=True)
class PaymentConfig:
    """Fees paid at the kiosk: a VietQR code for the agency's account, confirmed through the portal."""

    backend: Literal["vietqr", "off"] = "vietqr"
    # The agency bank's 6-digit NAPAS BIN. Left empty (with account_number), the kiosk takes no fees, or shows a
    # demo account when it runs the portal simulator: a real kiosk never guesses where citizens' money goes.
    bank_bin: str = ""
    account_number: str = ""  # the agency's account receiving fees
    account_name: str = ""  # as bank apps show it: upper case, no accents, at most 25 characters
    poll_interval_s: float = 2.0  # how often the payment screen asks the portal whether the bank confirmed
    wait_s: float = 300.0  # how long the payment screen waits before offering "pay later"


@dataclass(frozen=True)
class KioskConfig:
    kiosk: KioskIdentity = field(default_factory=KioskIdentity)
    card: CardConfig = field(default_factory=CardConfig)
    camera: CameraConfig = field(default_factory=CameraConfig)
    scanner: ScannerConfig = field(default_factory=ScannerConfig)
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
    payment: PaymentConfig = field(default_factory=PaymentConfig)
    fleet: FleetConfig = field(default_factory=FleetConfig)
    help: HelpConfig = field(default_factory=HelpConfig)
    updates: UpdatesConfig = field(default_factory=UpdatesConfig)
    logging: LoggingConfig = field(default_factory=LoggingConfig)


def load_config(path: Path | None = None, overrides: dict[str, Any] | None = None,
                apply_profile: bool = True) -> KioskConfig:
    """Read `path` (TOML) over the defaults, then `overrides` (nested dict) over that; validate everything.

    Relative paths in the file are taken relative to the file's folder, so a config can travel with its data.
    With `apply_profile`, a configuration profile applied by a signed update (`[updates] config_profile`) is laid
    over the result; a profile that does not load is rolled back to the last good one (kiosk.updates.store).
    """
    raw: dict[str, Any] = {}
    base = Path.cwd()
    if path is not None:
        raw = _read_file(Path(path))
        base = Path(path).resolve().parent
    if overrides:
        raw = _merge(raw, overrides)
    try:
        config: KioskConfig = _build(KioskConfig, raw, "", base)
        _check_whole(config)
    except ConfigError as exc:
        if path is None:
            raise
        # One line naming both the file and the setting, whatever part of the check found the problem.
        raise ConfigError(f"{path}: {exc}", setting=exc.setting, file=str(path)) from exc
    config = resolve_data_paths(config)
    if apply_profile and config.updates.enabled and config.updates.config_profile:
        from kiosk.updates.store import ReleaseStore, profile_target, with_applied_profile

        config = with_applied_profile(
            config, ReleaseStore(config.kiosk.data_dir / "updates"), profile_target(config.updates.config_profile),
            lambda data, name: load_config(path, _merge(overrides or {}, parse_profile(data, name)),
                                           apply_profile=False),
            refused=(ConfigError,))
    return config


PROFILE_LOCAL_ONLY = ("kiosk", "updates")  # tables a configuration profile may not set (kiosk.updates.profiles)


def parse_profile(data: bytes, name: str) -> dict[str, Any]:
    """A configuration profile's TOML table; a ConfigError naming `name` when it is not UTF-8 TOML or sets a
    local-only table."""
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, ValueError) as exc:
        raise ConfigError(f"profile {name} is not valid UTF-8 TOML: {exc}", file=name) from exc
    for table in PROFILE_LOCAL_ONLY:
        if table in raw:
            raise ConfigError(f"profile {name} may not set [{table}] (kept on each kiosk)", setting=table, file=name)
    return raw


def _read_file(path: Path) -> dict[str, Any]:
    """The TOML table in `path`; every way of failing to get one becomes a ConfigError naming the file."""
    name = str(path)
    if "\x00" in name:
        raise ConfigError(f"config file path {name!r} holds a NUL character", file=name)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(f"config file not found: {path}", file=name) from exc
    except IsADirectoryError as exc:
        raise ConfigError(f"config file {path} is a folder, not a file", file=name) from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"config file {path} is not UTF-8 text (bad byte at offset {exc.start})", file=name) from exc
    except OSError as exc:
        raise ConfigError(f"config file {path} cannot be read: {exc.strerror or exc}", file=name) from exc
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib also refuses a key given twice ("Cannot overwrite a value"), so duplicates never pass silently;
        # its message gives only the line, so the key written on that line is named too (never the value).
        setting = ""
        found = re.search(r"at line (\d+)", str(exc))
        lines = text.splitlines()
        if found and 0 < int(found.group(1)) <= len(lines):
            number = int(found.group(1))
            setting = lines[number - 1].partition("=")[0].strip()[:80]
            tables = (re.match(r"\s*\[+([^\]]+)\]", line) for line in reversed(lines[:number - 1]))
            table = next((t.group(1).strip() for t in tables if t), "")
            setting = f"{table}.{setting}" if table and setting and not setting.startswith("[") else setting
        where = f" (setting {setting})" if setting and not setting.startswith("[") else ""
        raise ConfigError(f"config file {path} is not valid TOML{where}: {exc}", setting=setting, file=name) from exc
    except ValueError as exc:  # tomllib's own int() refuses a number of more than 4,300 digits this way
        raise ConfigError(f"config file {path} is not valid TOML: {exc}", file=name) from exc


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
        raise ConfigError(f"[{where or 'root'}] must be a table", setting=where)
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(raw) - names)
    if unknown:
        raise ConfigError(f"unknown setting {_key(where, unknown[0])}; known: {', '.join(sorted(names))}",
                          setting=_key(where, unknown[0]))
    values = {name: _coerce(hints[name], raw[name], _key(where, name), base) for name in raw}
    return cls(**values)


def _key(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name


def _fail(key: str, problem: str) -> ConfigError:
    return ConfigError(f"{key} {problem}", setting=key)


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
            raise _fail(key, f"must be one of {', '.join(map(repr, allowed))}, not {value!r}")
        return value
    if origin is tuple:
        if not isinstance(value, list):
            raise _fail(key, "must be a list")
        (item,) = get_args(hint)[:1]
        return tuple(_coerce(item, v, f"{key}[{i}]", base) for i, v in enumerate(value))
    if hint is Path:
        if not isinstance(value, str):
            raise _fail(key, "must be a path string")
        _check_characters(key, value)
        p = Path(value).expanduser()
        return p if p.is_absolute() else base / p
    if hint is bool:
        if not isinstance(value, bool):
            raise _fail(key, "must be true or false")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _fail(key, "must be a number")
        _check_range(key, value, float)
        return float(value)
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _fail(key, "must be a whole number")
        _check_range(key, value, int)
        return value
    if hint is str:
        if not isinstance(value, str):
            raise _fail(key, "must be text")
        _check_characters(key, value)
        _check_text(key, value)
        return value
    raise _fail(key, f"has an unsupported setting type {hint!r}")  # pragma: no cover - a programming error


# ---- ranges -------------------------------------------------------------------------------------------------
# Every number has a finite range: an infinite or absurd value (a probe interval of `inf`, a poll of 0 s) would
# otherwise pass here and fail much later inside a worker thread, far from the setting that caused it. Settings
# not listed get the generic range of their type, so a newly added number is never unbounded.
_RANGES: dict[str, tuple[float, float]] = {
    "card.removal_poll_s": (0.01, 10.0),
    "camera.width": (16, 7680),
    "camera.height": (16, 4320),
    "camera.fps": (1, 120),
    "scanner.dpi": (200, 600),
    "scanner.jpeg_quality": (40, 100),
    "scanner.camera_width": (320, 16_384),
    "scanner.camera_height": (240, 16_384),
    "scanner.bed_width_mm": (50.0, 2000.0),
    "scanner.frames": (1, 60),
    "scanner.min_sharpness": (0.0, 10_000.0),
    "scanner.max_glare_fraction": (0.0, 1.0),
    "scanner.min_page_fraction": (0.001, 0.95),
    "scanner.page_width_mm": (20.0, 432.0),  # up to A3 / tabloid flatbeds
    "scanner.page_height_mm": (20.0, 600.0),
    "scanner.timeout_s": (1.0, 600.0),
    "face.match_threshold": (0.0, 1.0),  # 1 − cosine: at 1 or more, faces unrelated to the photo would match
    "face.frames_to_match": (1, 100),
    "face.liveness_challenges": (0, 10),
    "face.challenge_timeout_s": (1.0, 600.0),
    "face.max_attempts": (1, 20),
    "face.detect_width": (64, 4096),
    "face.min_face_fraction": (0.0, 1.0),
    "face.min_sharpness": (0.0, 10_000.0),
    "face.min_brightness": (0.0, 255.0),
    "face.max_frontal_yaw_deg": (0.0, 90.0),
    "face.turn_yaw_deg": (0.0, 90.0),
    "face.blink_ratio": (0.0, 1.0),
    "face.min_reference_eye_span_px": (0.0, 1000.0),
    "face.camera_tilt_deg": (0.0, 45.0),
    "face.camera_height_mm": (0.0, 3000.0),
    "face.pad_chip_min_distance": (0.0, 2.0),
    "face.pad_chip_max_correlation": (0.0, 1.01),
    "face.pad_min_parallax": (0.0, 1.0),
    "face.pad_max_moire": (1.0, 10_000.0),
    "face.prompt_delay_s": (0.0, 10.0),
    "face.min_response_s": (0.0, 2.0),
    "printer.job_timeout_s": (1.0, 3600.0),
    "portal.connect_timeout_s": (0.01, 300.0),
    "portal.read_timeout_s": (0.01, 600.0),
    "portal.first_try_retry_s": (0.0, 86_400.0),
    "portal.request_deadline_s": (0.1, 600.0),
    "portal.max_answer_bytes": (1024, 64 * 1024 * 1024),
    "queue.retention_days": (0, 3650),
    "queue.max_rate_per_s": (0.0, 10_000.0),  # 0: no limit
    "queue.backoff_base_s": (0.0, 3600.0),
    "queue.backoff_max_s": (0.0, 86_400.0),
    "queue.breaker_failures": (1, 1000),
    "queue.breaker_probe_s": (0.0, 86_400.0),
    "queue.max_in_flight": (1, 64),
    "hospital.minutes_per_patient": (0.0, 600.0),
    "hospital.insurance_timeout_s": (0.1, 300.0),
    "hospital.insurance_deadline_s": (0.1, 600.0),
    "hospital.insurance_max_answer_bytes": (1024, 16 * 1024 * 1024),
    "hospital.system_deadline_s": (0.1, 120.0),
    "hospital.system_max_answer_bytes": (1024, 16 * 1024 * 1024),
    "speech.rate_wpm": (50, 500),  # eSpeak NG's usable speed range is about 80–450 words per minute
    "speech.volume": (0, 200),  # eSpeak NG amplitude
    "session.inactivity_warning_s": (1.0, 3600.0),
    "session.reading_screen_warning_s": (1.0, 3600.0),
    "session.wipe_after_warning_s": (1.0, 600.0),
    "session.max_extensions": (0, 100),
    "staff.max_pin_attempts": (1, 100),
    "staff.lockout_s": (0.0, 86_400.0),
    "ui.width": (100, 10_000),
    "ui.height": (100, 10_000),
    "ui.screen_dpi": (50.0, 1000.0),
    "payment.poll_interval_s": (0.2, 60.0),
    "payment.wait_s": (10.0, 3600.0),
    "updates.interval_s": (10.0, 7 * 86_400.0),
    "updates.timeout_s": (0.1, 600.0),
    "fleet.on_time_target_s": (1.0, 90 * 86_400.0),
    "help.timeout_s": (0.1, 60.0),
    "help.repeat_s": (5.0, 3600.0),
    "help.simulated_ack_s": (0.0, 3600.0),
}
_GENERIC_RANGE: dict[type, tuple[float, float]] = {float: (0.0, 1_000_000.0), int: (0, 2**31 - 1)}


def setting_range(key: str, kind: type) -> tuple[float, float]:
    """The accepted (lowest, highest) of the numeric setting `key` ("queue.breaker_probe_s")."""
    return _RANGES.get(key.split("[", 1)[0], _GENERIC_RANGE[kind])


def _check_range(key: str, value: float, kind: type) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        raise _fail(key, f"must be a finite number, not {value!r}")
    low, high = setting_range(key, kind)
    # Compared before any conversion: a 40-digit whole number is refused here, not turned into an OverflowError.
    if not low <= value <= high:
        if isinstance(value, float):
            shown = f"{value:.6g}"
        elif abs(value) < 10**12:
            shown = str(value)
        else:  # neither float() nor str() of a 5,000-digit number is safe to call
            shown = f"a number of about {int(value.bit_length() * 0.30103) + 1} digits"
        raise _fail(key, f"must be between {low:g} and {high:g}, not {shown}")


# ---- text ---------------------------------------------------------------------------------------------------
def _check_characters(key: str, value: str) -> None:
    # A NUL cannot be in a file name and makes every later open() raise; other control characters in a path or
    # a text shown on screens and receipts are always a copy-and-paste accident.
    if "\x00" in value:
        raise _fail(key, "holds a NUL character")
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise _fail(key, "holds a control character (tab, line break, …)")


def _url_problem(value: str) -> str | None:
    try:
        parts = urllib.parse.urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number 0–65535
    except ValueError as exc:
        return f"is not a valid address ({exc})"
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in value):
        return f"must be an http:// or https:// address with a host name, not {value!r}"
    return None


def _host_port_problem(value: str) -> str | None:
    host, _, port = value.rpartition(":") if ":" in value else (value, "", "")
    if not host or any(c.isspace() or c in "/@" for c in host):
        return f"must be HOST or HOST:PORT, not {value!r}"
    if port and not (port.isdigit() and 1 <= int(port) <= 65535):
        return f"has a port that is not a number 1–65535: {value!r}"
    return None


def _escpos_problem(value: str) -> str | None:
    kind, _, rest = value.partition(":")
    if kind == "usb" and re.fullmatch(r"[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}", rest):
        return None
    if kind == "net" and rest:
        return _host_port_problem(rest)
    if kind == "file" and rest:
        return None
    return f"must be usb:VID:PID (hex), net:HOST[:PORT] or file:PATH, not {value!r}"


def _camera_device_problem(value: str) -> str | None:
    if "://" not in value:
        return None  # a device index or a device path such as /dev/video0
    parts = urllib.parse.urlsplit(value)
    if parts.scheme not in ("rtsp", "rtsps", "http", "https") or not parts.hostname:
        return f"must be a device index, a device path or an rtsp/http(s) stream address, not {value!r}"
    return None


# As devices.scanner.sane checks them: a device name cannot pose as an option; an option is one long option.
_SANE_DEVICE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:/@+=,\-]*")
_SANE_OPTION = re.compile(r"--[a-z0-9][a-z0-9-]*(=.*)?")


def _pattern_problem(value: str, pattern: re.Pattern[str], what: str) -> str | None:
    return None if pattern.fullmatch(value) else f"must be {what}, not {value!r}"


def _iso_time_problem(value: str) -> str | None:
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return f"must be a date and time such as 2026-03-02T09:00:00, not {value!r}"
    return None


def _pin_hash_problem(value: str) -> str | None:
    if not value:
        return None
    from kiosk.staff.hashes import StaffNotConfiguredError, parse_pin_hash  # hashes imports nothing of the kiosk

    try:
        parse_pin_hash(value)
    except StaffNotConfiguredError as exc:
        return f"is not a PIN hash made by `kiosk staff hash-pin` ({exc})"
    return None


def _volunteer_problem(value: str) -> str | None:
    from kiosk.staff.hashes import StaffNotConfiguredError, parse_volunteers

    try:
        parse_volunteers((value,))
    except StaffNotConfiguredError as exc:
        # The entry itself is not repeated: it holds a person's name.
        return f"is not 'volunteer_id:display name:pin_hash' ({exc})"
    return None


def _account_problem(**value: str) -> str | None:
    from kiosk.payment.vietqr import AgencyAccount, VietQrError  # the VietQR rules, checked where they are kept

    fields = {"bank_bin": "970403", "account_number": "1", "account_name": "", **value}
    try:
        AgencyAccount(**fields)
    except VietQrError as exc:
        return f"is not valid: {exc}"
    return None


_TEXT_RULES: dict[str, Callable[[str], str | None]] = {
    "printer.cups_server": lambda v: _host_port_problem(v) if v else None,
    "printer.escpos_device": lambda v: _escpos_problem(v) if v else None,
    "camera.device": _camera_device_problem,
    "scanner.camera_device": _camera_device_problem,
    "scanner.sane_device": lambda v: _pattern_problem(v, _SANE_DEVICE, "a SANE device name (see scanimage -L)"),
    "scanner.sane_options": lambda v: _pattern_problem(v, _SANE_OPTION, "one scanimage option, --name=value"),
    "ui.demo_clock": _iso_time_problem,
    "staff.technician_pin_hash": _pin_hash_problem,
    "staff.manager_pin_hash": _pin_hash_problem,
    "staff.volunteers": _volunteer_problem,
    "payment.bank_bin": lambda v: _account_problem(bank_bin=v),
    "payment.account_number": lambda v: _account_problem(account_number=v),
    "payment.account_name": lambda v: _account_problem(account_name=v),
    "kiosk.ward_code": lambda v: _label_problem(v),  # noqa: PLW0108 - defined below, looked up when called
    "kiosk.province_code": lambda v: _label_problem(v),  # noqa: PLW0108
    "fleet.metrics_address": lambda v: _host_port_problem(v) if v else None,
    "help.counter": lambda v: None if 0 < len(v) <= 16 else f"must be 1–16 characters, not {v!r}",
    # A file name in the update repository (config/NAME.toml): no folders, no dots.
    "updates.config_profile": lambda v: None if re.fullmatch(r"[A-Za-z0-9_-]{1,64}", v)
    else f"must be 1–64 letters, digits, '_' or '-', not {v!r}",
}


def _label_problem(value: str) -> str | None:
    # Becomes a Prometheus label value and an Alertmanager route matcher: short, no spaces or quotes.
    if re.fullmatch(r"[A-Za-z0-9_.-]{1,32}", value):
        return None
    return f"must be 1–32 letters, digits, '.', '_' or '-', not {value!r}"
_REQUIRED_TEXT = frozenset({"portal.base_url", "kiosk.ward_code", "kiosk.province_code", "help.counter"})


def _check_text(key: str, value: str) -> None:
    name = key.split("[", 1)[0]
    if name in _REQUIRED_TEXT and not value.strip():
        raise _fail(key, "must not be empty")
    rule = _TEXT_RULES.get(name)
    # Every address setting is checked the same way, including ones added later (anything named `…url`).
    if rule is None and name.rsplit(".", 1)[-1].endswith("url"):
        rule = _url_problem
    problem = rule(value) if rule is not None and (value or name in _REQUIRED_TEXT) else None
    if problem:
        raise _fail(key, problem)


def _check_whole(config: KioskConfig) -> None:
    """Rules that involve more than one value."""
    seen: set[str] = set()
    for i, entry in enumerate(config.staff.volunteers):
        staff_id = entry.partition(":")[0].strip()
        if staff_id in seen:
            raise _fail(f"staff.volunteers[{i}]", f"repeats the volunteer ID {staff_id!r}")
        seen.add(staff_id)
    if bool(config.payment.bank_bin) != bool(config.payment.account_number):
        missing = "payment.account_number" if config.payment.bank_bin else "payment.bank_bin"
        raise _fail(missing, "must be set together with the other half of the agency's account")
    if config.help.backend == "alertmanager" and not config.help.alertmanager_url:
        raise _fail("help.alertmanager_url", "must be set when help.backend = 'alertmanager'")
    if config.hospital.system_backend == "fhir" and not config.hospital.system_url:
        raise _fail("hospital.system_url", "must be set when hospital.system_backend = 'fhir'")
    if config.updates.enabled and not config.updates.repository_url:
        raise _fail("updates.repository_url", "must be set when updates.enabled = true")
    if config.updates.enabled and config.updates.root_file is None:
        raise _fail("updates.root_file", "must be set when updates.enabled = true")


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
