"""Staff sign-in for assisted, technician and manager modes: constant-time PIN checks and lock-out.

PINs are checked against their PBKDF2 hashes (kiosk.staff.hashes; RFC 8018 §5.2), so timing does not reveal how
much of a guess was right. After
`StaffConfig.max_pin_attempts` wrong PINs in a row the mode is locked for `lockout_s`; the lock is kept in a small
JSON file under the data folder (wall-clock deadline), so restarting the kiosk does not hand out fresh attempts.
Assisted mode (services.md §5.6): a volunteer signs in with their staff-card ID and PIN, or with the PIN alone; the
result is a `Helper` (their ID and display name), which the session shows on its banner and writes to the audit.
Technician and ward manager share the hidden PIN pad: `authenticate_staff_pin` tries both hashes (always both, so
the time taken does not tell which role a PIN belongs to) and the PIN decides the role. A manager sees statistics
only; the session's manager mode writes each sign-in to the audit trail under the fixed ID "manager", never a name.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from kiosk.config import StaffConfig
from kiosk.session.events import Helper
from kiosk.session.timer import Clock, SystemClock
from kiosk.staff.hashes import (
    MANAGER_ID,
    TECHNICIAN_ID,
    StaffLockedOutError,
    StaffNotConfiguredError,
    Volunteer,
    WrongPinError,
    check_pin_format,
    parse_pin_hash,
    parse_volunteers,
    verify_pin,
)
from offline_cache.private_files import write_private

LOCKOUT_FILE_NAME = "staff_lockout.json"

Realm = Literal["technician", "manager", "volunteer"]
StaffRole = Literal["technician", "manager", "volunteer"]
REALMS: tuple[Realm, ...] = ("technician", "manager", "volunteer")


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
