"""What staff do at the kiosk: sign in with a PIN (`hashes`, `pins`), test the devices and read the set-up
(`diagnostics`, services.md §5.6), and see the ward's statistics (`statistics`), the same rows on the manager screen
and in `kiosk stats`. The sign-in names are exported here; the other modules are imported by name."""

from kiosk.staff.hashes import (
    ALGORITHM,
    DEFAULT_ITERATIONS,
    MANAGER_ID,
    MIN_ITERATIONS,
    PIN_LENGTHS,
    TECHNICIAN_ID,
    PinFormatError,
    StaffError,
    StaffLockedOutError,
    StaffNotConfiguredError,
    Volunteer,
    WrongPinError,
    check_pin_format,
    hash_pin,
    parse_pin_hash,
    parse_volunteers,
    verify_pin,
)
from kiosk.staff.pins import LOCKOUT_FILE_NAME, REALMS, Realm, StaffAuthenticator, StaffRole, staff_role

__all__ = ["ALGORITHM", "DEFAULT_ITERATIONS", "LOCKOUT_FILE_NAME", "MANAGER_ID", "MIN_ITERATIONS", "PIN_LENGTHS",
           "REALMS", "TECHNICIAN_ID", "PinFormatError", "Realm", "StaffAuthenticator", "StaffError",
           "StaffLockedOutError", "StaffNotConfiguredError", "StaffRole", "Volunteer", "WrongPinError",
           "check_pin_format", "hash_pin", "parse_pin_hash", "parse_volunteers", "staff_role", "verify_pin"]
