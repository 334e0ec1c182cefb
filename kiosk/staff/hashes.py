"""Staff PINs at rest: the hash format, making and checking a hash, and volunteer entries in the configuration.

PINs are stored only as PBKDF2-HMAC-SHA256 hashes (RFC 8018 §5.2; NIST SP 800-132) in the form
`pbkdf2_sha256$<iterations>$<salt hex>$<hash hex>`, made by `kiosk staff hash-pin`; a check compares with
`hmac.compare_digest`. The configuration loader validates `[staff]` with these functions, so this module imports
nothing of the kiosk.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass

ALGORITHM = "pbkdf2_sha256"
DEFAULT_ITERATIONS = 600_000  # OWASP's 2023 figure for PBKDF2-HMAC-SHA256
MIN_ITERATIONS = 1_000
PIN_LENGTHS = range(4, 13)
TECHNICIAN_ID = "technician"
MANAGER_ID = "manager"


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
