"""Staff sign-in for assisted, technician and manager modes: PIN hashes, constant-time checks and lock-out.

PINs are stored only as PBKDF2-HMAC-SHA256 hashes (RFC 8018 §5.2; NIST SP 800-132) in the form
`pbkdf2_sha256$<iterations>$<salt hex>$<hash hex>`, made by `kiosk staff hash-pin`. A check recomputes the hash and
compares with `hmac.compare_digest`, so timing does not reveal how much of a guess was right. After
`StaffConfig.max_pin_attempts` wrong PINs in a row the mode is locked for `lockout_s`; the lock is kept in a small
JSON file under the data folder (wall-clock deadline), so restarting the kiosk does not hand out fresh attempts.
Assisted mode (services.md §5.6): a volunteer signs in with their staff-card ID and PIN, or with the PIN alone; the
result is a `Helper` (their ID and display name), which the session shows on its banner and writes to the audit.
Technician and ward manager share the hidden PIN pad: `authenticate_staff_pin` tries both hashes (always both, so
the time taken does not tell which role a PIN belongs to) and the PIN decides the role. A manager sees statistics
only; the session's manager mode writes each sign-in to the audit trail under the fixed ID "manager", never a name.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from kiosk.config import StaffConfig
from kiosk.session_events import Helper
from kiosk.session_timer import Clock, SystemClock
from offline_cache.private_files import write_private

ALGORITHM = "pbkdf2_sha256"
DEFAULT_ITERATIONS = 600_000  # OWASP's 2023 figure for PBKDF2-HMAC-SHA256
MIN_ITERATIONS = 1_000
PIN_LENGTHS = range(4, 13)
TECHNICIAN_ID = "technician"
MANAGER_ID = "manager"
LOCKOUT_FILE_NAME = "staff_lockout.json"

Realm = Literal["technician", "manager", "volunteer"]
StaffRole = Literal["technician", "manager", "volunteer"]
REALMS: tuple[Realm, ...] = ("technician", "manager", "volunteer")


class StaffError(Exception):
    message_key = "staff.error"
    message_params: dict[str, object] = {}  # noqa: RUF012 - read-only default; subclasses set their own


class PinFormatError(StaffError):
    """A PIN must be 4 to 12 digits; ask for it again."""

    message_key = "staff.pin_format"


class WrongPinError(StaffError):
    """The PIN did not match; the message says how many tries are left (its own sentence for the last one)."""

    def __init__(self, attempts_left: int) -> None:
        super().__init__(f"wrong PIN; {attempts_left} attempts left")
        self.attempts_left = attempts_left
        self.message_key = "staff.wrong_pin_last" if attempts_left == 1 else "staff.wrong_pin"
        self.message_params = {"attempts_left": attempts_left}


class StaffLockedOutError(StaffError):
    """Too many wrong PINs: wait, or ask the technician."""

    def __init__(self, seconds_left: float) -> None:
        super().__init__(f"locked for {seconds_left:.0f} s")
        self.seconds_left = seconds_left
        minutes = max(1, math.ceil(seconds_left / 60))
        self.message_key = "staff.locked_out_one_minute" if minutes == 1 else "staff.locked_out"
        self.message_params = {"minutes": minutes}


class StaffNotConfiguredError(StaffError):
    """No PIN hash is set for this mode (or it is malformed): the technician must add one to the config."""

    message_key = "staff.not_configured"


def check_pin_format(pin: str) -> None:
    if not (pin.isascii() and pin.isdigit() and len(pin) in PIN_LENGTHS):
        raise PinFormatError("a PIN is 4 to 12 digits")


def hash_pin(pin: str, *, iterations: int = DEFAULT_ITERATIONS, salt: bytes | None = None) -> str:
    check_pin_format(pin)
    if iterations < MIN_ITERATIONS:
        raise ValueError(f"at least {MIN_ITERATIONS} iterations")
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode("ascii"), salt, iterations)
    return f"{ALGORITHM}${iterations}${salt.hex()}${digest.hex()}"


def parse_pin_hash(encoded: str) -> tuple[int, bytes, bytes]:
    """Split a stored hash; StaffNotConfiguredError when it is not one of ours."""
    try:
        algorithm, iterations_text, salt_hex, digest_hex = encoded.split("$")
        iterations = int(iterations_text)
        salt, digest = bytes.fromhex(salt_hex), bytes.fromhex(digest_hex)
    except ValueError as exc:
        raise StaffNotConfiguredError("malformed PIN hash") from exc
    if algorithm != ALGORITHM or iterations < MIN_ITERATIONS or len(salt) < 8 or len(digest) != 32:
        raise StaffNotConfiguredError("unsupported PIN hash")
    return iterations, salt, digest


def verify_pin(pin: str, encoded: str) -> bool:
    """True when `pin` matches; the comparison takes the same time wherever the first difference is."""
    iterations, salt, expected = parse_pin_hash(encoded)
    candidate = hashlib.pbkdf2_hmac("sha256", pin.encode("utf-8"), salt, iterations)
    return hmac.compare_digest(candidate, expected)


@dataclass(frozen=True)
class Volunteer:
    staff_id: str
    display_name: str
    pin_hash: str


def parse_volunteers(entries: tuple[str, ...]) -> tuple[Volunteer, ...]:
    """`"volunteer_id:display name:pin_hash"`; the name may itself hold colons, the ID and the hash may not."""
    out: list[Volunteer] = []
    for entry in entries:
        staff_id, sep, rest = entry.partition(":")
        name, sep2, pin_hash = rest.rpartition(":")
        if not (sep and sep2 and staff_id.strip() and name.strip()):
            raise StaffNotConfiguredError("a volunteer entry must be 'id:name:pin_hash'")
        if staff_id.strip() in (TECHNICIAN_ID, MANAGER_ID):
            # These IDs name the PIN pad's roles; a volunteer holding one would be taken for that role.
            raise StaffNotConfiguredError("a volunteer ID may not be 'technician' or 'manager'")
        parse_pin_hash(pin_hash)
        out.append(Volunteer(staff_id.strip(), name.strip(), pin_hash.strip()))
    return tuple(out)


def staff_role(helper: Helper) -> StaffRole:
    """Which mode a signed-in helper may use; the technician and manager IDs are reserved (see parse_volunteers)."""
    if helper.staff_id == TECHNICIAN_ID:
        return "technician"
    if helper.staff_id == MANAGER_ID:
        return "manager"
    return "volunteer"


@dataclass
class _Attempts:
    failures: int = 0
    locked_until: float = 0.0  # on the monotonic clock


class StaffAuthenticator:
    """Checks staff PINs, counting wrong ones per mode and locking that mode when they run out."""

    def __init__(self, config: StaffConfig, clock: Clock | None = None, state_dir: Path | None = None,
                 wall_time: Callable[[], float] = time.time) -> None:
        self._config = config
        self._clock: Clock = clock or SystemClock()
        self._wall_time = wall_time
        self._state_file = Path(state_dir) / LOCKOUT_FILE_NAME if state_dir is not None else None
        self._lock = threading.Lock()
        self._volunteers = parse_volunteers(config.volunteers)
        self._attempts: dict[Realm, _Attempts] = {realm: _Attempts() for realm in REALMS}
        self._load()

    @property
    def volunteers(self) -> tuple[Volunteer, ...]:
        return self._volunteers

    def seconds_locked(self, realm: Realm) -> float:
        return max(0.0, self._attempts[realm].locked_until - self._clock.monotonic())

    def authenticate_technician(self, pin: str) -> Helper:
        return self._attempt(("technician",), pin, [self._role_candidate("technician")])

    def authenticate_manager(self, pin: str) -> Helper:
        """The ward manager's PIN (statistics only); same attempt count and lock-out rules as the technician's."""
        return self._attempt(("manager",), pin, [self._role_candidate("manager")])

    def authenticate_staff_pin(self, pin: str) -> Helper:
        """The hidden PIN pad: the PIN decides the role (see `staff_role`). A wrong PIN counts against both roles
        and a lock-out locks both, so sharing the pad does not double a guesser's attempts."""
        candidates: list[Volunteer] = []
        for role in ("technician", "manager"):
            try:
                candidates.append(self._role_candidate(role))
            except StaffNotConfiguredError:
                continue  # a role without a PIN is simply not offered; the other still signs in
        if not candidates:
            raise StaffNotConfiguredError("no technician or manager PIN hash configured")
        return self._attempt(("technician", "manager"), pin, candidates)

    def _role_candidate(self, role: Literal["technician", "manager"]) -> Volunteer:
        encoded = self._config.technician_pin_hash if role == "technician" else self._config.manager_pin_hash
        if not encoded:
            raise StaffNotConfiguredError(f"no {role} PIN hash configured")
        parse_pin_hash(encoded)
        staff_id = TECHNICIAN_ID if role == "technician" else MANAGER_ID
        return Volunteer(staff_id, staff_id, encoded)

    def authenticate_volunteer(self, pin: str, staff_id: str | None = None) -> Helper:
        """With a staff-card ID only that volunteer's PIN is tried; without one, every volunteer's."""
        if not self._volunteers:
            raise StaffNotConfiguredError("no volunteers configured")
        candidates = [v for v in self._volunteers if staff_id is None or v.staff_id == staff_id]
        return self._attempt(("volunteer",), pin, candidates)

    def _attempt(self, realms: tuple[Realm, ...], pin: str, candidates: list[Volunteer]) -> Helper:
        with self._lock:
            left = max(self.seconds_locked(realm) for realm in realms)
            if left > 0:
                raise StaffLockedOutError(left)
            check_pin_format(pin)
            # Every candidate is checked even after a match, so the time taken does not say which one matched.
            matches = [c for c in candidates if verify_pin(pin, c.pin_hash)]
            attempts = [self._attempts[realm] for realm in realms]
            if matches:
                for a in attempts:
                    a.failures = 0
                    a.locked_until = 0.0
                self._save()
                return Helper(matches[0].staff_id, matches[0].display_name)
            for a in attempts:
                a.failures += 1
            remaining = self._config.max_pin_attempts - max(a.failures for a in attempts)
            if remaining <= 0:
                for a in attempts:
                    a.failures = 0
                    a.locked_until = self._clock.monotonic() + self._config.lockout_s
                self._save()
                raise StaffLockedOutError(self._config.lockout_s)
            self._save()
            raise WrongPinError(remaining)

    def _save(self) -> None:
        if self._state_file is None:
            return
        now_mono, now_wall = self._clock.monotonic(), self._wall_time()
        data = {realm: {"failures": a.failures, "locked_until": now_wall + max(0.0, a.locked_until - now_mono)
                        if a.locked_until > now_mono else 0.0}
                for realm, a in self._attempts.items()}
        write_private(self._state_file, json.dumps(data).encode())

    def _load(self) -> None:
        if self._state_file is None or not self._state_file.exists():
            return
        try:
            data = json.loads(self._state_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            # An unreadable lock file fails closed: lock both modes for one period rather than forget the lock.
            for attempts in self._attempts.values():
                attempts.locked_until = self._clock.monotonic() + self._config.lockout_s
            return
        now_mono, now_wall = self._clock.monotonic(), self._wall_time()
        for realm, attempts in self._attempts.items():
            entry = data.get(realm, {}) if isinstance(data, dict) else {}
            try:
                attempts.failures = int(entry.get("failures", 0))
                wall_deadline = float(entry.get("locked_until", 0.0))
            except (TypeError, ValueError, AttributeError):
                attempts.locked_until = now_mono + self._config.lockout_s
                continue
            if wall_deadline > now_wall:
                # Never trust a deadline further away than one lock-out: the wall clock may have been wrong.
                attempts.locked_until = now_mono + min(wall_deadline - now_wall, self._config.lockout_s)
