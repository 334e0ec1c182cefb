"""The queue's errors. Each carries a message key the kiosk translates (`kiosk/i18n/queue.toml`)."""

from __future__ import annotations


class QueueError(Exception):
    """Base of every queue error; `message_key` names the citizen- or staff-facing message."""

    message_key = "queue.storage_error"

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.message_key)
        self.detail = detail


class QueueStorageFullError(QueueError):
    """The disk is full: free space (old receipts, logs) so new submissions can be saved."""

    message_key = "queue.disk_full"


class QueueCorruptedError(QueueError):
    """The database file is damaged; it has been (or must be) set aside and a fresh one started."""

    message_key = "queue.corrupted"


class QueueKeyError(QueueError):
    """The encryption key is missing, unreadable or not the one the queue was written with."""

    message_key = "queue.key_problem"


class QueueKeyMissingError(QueueKeyError):
    """The key file is gone although the queue was written with a key: a new one would open nothing."""

    message_key = "queue.key_missing"


class QueueKeyWrongSizeError(QueueKeyError):
    """The key file does not hold exactly 32 bytes (cut short, or not a key file at all)."""

    message_key = "queue.key_wrong_size"


class QueueWrongKeyError(QueueKeyError):
    """The key file holds a key, but not the one this queue was written with."""

    message_key = "queue.key_wrong"


class QueueKeyUnreadableError(QueueKeyError):
    """The key file exists but cannot be read or made private (permissions, owner, I/O error)."""

    message_key = "queue.key_unreadable"


class QueueKeyExposedError(QueueKeyError):
    """The key file is readable by other users and its mode could not be narrowed to 0600."""

    message_key = "queue.key_exposed"


class DamagedValueError(QueueError):
    """One sealed value does not open with the right key: that row is damaged, the key and the file are fine."""

    message_key = "queue.damaged_row"


class SubmissionNotFoundError(QueueError):
    """No submission with this id on this kiosk."""

    message_key = "queue.not_found"


class SubmissionNotWithdrawableError(QueueError):
    """The submission already left the kiosk (or is leaving right now), so it cannot be cancelled locally."""

    message_key = "queue.not_withdrawable"

    def __init__(self, state: str) -> None:
        super().__init__(f"state {state}")
        self.state = state
