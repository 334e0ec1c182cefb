"""Encryption at rest for queued submissions: AES-256-GCM (NIST SP 800-38D) with a pluggable key source.

Each sealed value is `version(1) || nonce(12) || ciphertext+tag`, with the submission id and the value's purpose
as associated data, so a blob copied onto another row (or into another column) fails to open instead of being
read as someone else's file. Nonces are random 96-bit values; at a kiosk's volume the collision bound of
SP 800-38D §8.3 is far away.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from offline_cache.errors import QueueKeyError

_VERSION = 1
_NONCE_BYTES = 12
KEY_BYTES = 32


class KeyProvider(Protocol):
    """Where the queue's 256-bit key comes from: a key file today, a TPM or OS keyring tomorrow."""

    def load_key(self) -> bytes:
        """Return the 32-byte key, creating it on first use if this provider can."""
        ...


class FileKeyProvider:
    """A raw 32-byte key in a file created with mode 0600 on first run."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def load_key(self) -> bytes:
        try:
            key = self.path.read_bytes()
        except FileNotFoundError:
            key = self._create()
        except OSError as exc:
            raise QueueKeyError(f"cannot read key file: {exc.strerror}") from exc
        if len(key) != KEY_BYTES:
            raise QueueKeyError(f"key file holds {len(key)} bytes, expected {KEY_BYTES}")
        return key

    def _create(self) -> bytes:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        key = AESGCM.generate_key(bit_length=KEY_BYTES * 8)
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first: use theirs
            return self.path.read_bytes()
        try:
            os.write(fd, key)
            os.fsync(fd)
        finally:
            os.close(fd)
        return key


class StaticKeyProvider:
    """A key held in memory (tests, or a key unsealed elsewhere)."""

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise QueueKeyError(f"key must be {KEY_BYTES} bytes")
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
        if len(blob) < 1 + _NONCE_BYTES + 16 or blob[0] != _VERSION:
            raise QueueKeyError("sealed value has an unknown format")
        nonce = blob[1 : 1 + _NONCE_BYTES]
        try:
            return self._aead.decrypt(nonce, blob[1 + _NONCE_BYTES :], _aad(row, purpose))
        except InvalidTag as exc:
            raise QueueKeyError("sealed value does not open with this key") from exc


def _aad(row: str, purpose: str) -> bytes:
    return f"{row}\x00{purpose}".encode()
