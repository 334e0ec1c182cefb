"""Encryption at rest for queued submissions: AES-256-GCM (NIST SP 800-38D) with a pluggable key source.

Each sealed value is `version(1) || nonce(12) || ciphertext+tag`, with the submission id and the value's purpose
as associated data, so a blob copied onto another row (or into another column) fails to open instead of being
read as someone else's file. Nonces are random 96-bit values; at a kiosk's volume the collision bound of
SP 800-38D §8.3 is far away.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import logging
import os
import secrets
from pathlib import Path
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from offline_cache.errors import (
    DamagedValueError,
    QueueKeyExposedError,
    QueueKeyMissingError,
    QueueKeyUnreadableError,
    QueueKeyWrongSizeError,
    QueueStorageFullError,
)

log = logging.getLogger(__name__)

_VERSION = 1
_NONCE_BYTES = 12
KEY_BYTES = 32


class KeyProvider(Protocol):
    """Where the queue's 256-bit key comes from: a key file today, a TPM or OS keyring tomorrow."""

    def load_key(self) -> bytes:
        """Return the 32-byte key, creating it on first use if this provider can."""
        ...


class FileKeyProvider:
    """A raw 32-byte key in a file readable by the kiosk's user only (mode 0600).

    The first key is written to a temporary file, fsynced, then linked into place, so a full disk or a kill
    never leaves a short key under the real name; a group- or world-readable key is narrowed to 0600 and
    logged (the file's contents are never logged).
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def load_key(self, *, may_create: bool = True) -> bytes:
        """The key; a missing (or empty) file gets a fresh key only when `may_create` (nothing sealed yet)."""
        try:
            mode = self.path.stat().st_mode
        except FileNotFoundError:
            if not may_create:
                raise QueueKeyMissingError(f"key file {self.path} is missing") from None
            return self._create()
        except OSError as exc:
            raise QueueKeyUnreadableError(f"cannot read key file: {exc.strerror}") from exc
        self._make_private(mode)
        try:
            key = self.path.read_bytes()
        except OSError as exc:
            raise QueueKeyUnreadableError(f"cannot read key file: {exc.strerror}") from exc
        if not key and may_create:
            # Left by an interrupted first start of an older version; no value was ever sealed with it.
            log.warning("key file %s is empty and no queue uses it yet; writing a new key", self.path)
            return self._create(replace=True)
        if len(key) != KEY_BYTES:
            raise QueueKeyWrongSizeError(f"key file holds {len(key)} bytes, expected {KEY_BYTES}")
        return key

    def _make_private(self, mode: int) -> None:
        if not mode & 0o077:
            return
        try:
            self.path.chmod(0o600)
        except OSError as exc:
            raise QueueKeyExposedError(f"key file {self.path} has mode {mode & 0o777:04o}") from exc
        log.warning("key file %s was readable by other users (mode %04o); changed it to 0600",
                    self.path, mode & 0o777)

    def _create(self, *, replace: bool = False) -> bytes:
        folder = self.path.parent
        key = AESGCM.generate_key(bit_length=KEY_BYTES * 8)
        tmp = folder / f".{self.path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                view = memoryview(key)
                while view:
                    view = view[os.write(fd, view):]
                os.fsync(fd)
            finally:
                os.close(fd)
            if replace:
                os.replace(tmp, self.path)
            else:
                try:
                    os.link(tmp, self.path)  # fails if another process put its key there first
                except FileExistsError:
                    return self.load_key(may_create=False)  # theirs, complete by the same construction
                finally:
                    tmp.unlink(missing_ok=True)
            _fsync_folder(folder)
        except OSError as exc:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise QueueStorageFullError(f"cannot write key file: {exc.strerror}") from exc
            raise QueueKeyUnreadableError(f"cannot write key file: {exc.strerror}") from exc
        return key


def _fsync_folder(folder: Path) -> None:
    """Make a rename or link in `folder` durable (POSIX: the directory entry is data of the directory)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class StaticKeyProvider:
    """A key held in memory (tests, or a key unsealed elsewhere)."""

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise QueueKeyWrongSizeError(f"key must be {KEY_BYTES} bytes")
        self._key = key

    def load_key(self) -> bytes:
        return self._key


class PayloadCipher:
    """Seals and opens the queue's blobs with one AES-GCM key."""

    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)
        # A fingerprint stored beside the data tells "wrong key" apart from "damaged row".
        self.key_id = hashlib.sha256(b"kiosk-queue-key-id" + key).hexdigest()[:16]

    def seal(self, plaintext: bytes, *, row: str, purpose: str) -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        return bytes([_VERSION]) + nonce + self._aead.encrypt(nonce, plaintext, _aad(row, purpose))

    def open(self, blob: bytes, *, row: str, purpose: str) -> bytes:
        """The plaintext; `DamagedValueError` when the value is not one this key sealed for this row and purpose
        (the queue checks the key's fingerprint at start, so by then this means damage, not a wrong key)."""
        if not isinstance(blob, bytes) or len(blob) < 1 + _NONCE_BYTES + 16 or blob[0] != _VERSION:
            raise DamagedValueError("sealed value has an unknown format")
        nonce = blob[1 : 1 + _NONCE_BYTES]
        try:
            return self._aead.decrypt(nonce, blob[1 + _NONCE_BYTES :], _aad(row, purpose))
        except InvalidTag as exc:
            raise DamagedValueError("sealed value does not open with this key") from exc


def _aad(row: str, purpose: str) -> bytes:
    return f"{row}\x00{purpose}".encode()
