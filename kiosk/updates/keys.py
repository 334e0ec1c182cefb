"""The offline signing keys of a province's update repository (TUF roles root, targets, snapshot, timestamp).

Keys are Ed25519 (TUF's `ed25519` scheme), one PKCS#8 PEM file per key, named after its role: `root-1.pem`,
`root-2.pem`, … and `targets.pem`, `snapshot.pem`, `timestamp.pem`. They live in folders on removable media kept
offline; a publishing run is given one or more such folders (root keys are usually spread over several, one per
key holder) and signs with whatever it finds there. Private key files are written owner-only.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from securesystemslib.signer import CryptoSigner

ROLES = ("root", "targets", "snapshot", "timestamp")


class KeyFolderError(ValueError):
    """A key folder is missing, unreadable, or holds a file that is not an Ed25519 private key."""


@dataclass
class KeyRing:
    """The signers found in the given folders, by role (`root` may have several)."""

    signers: dict[str, list[CryptoSigner]] = field(default_factory=lambda: {role: [] for role in ROLES})

    def one(self, role: str) -> CryptoSigner | None:
        found = self.signers.get(role, [])
        return found[0] if found else None


def generate_keys(folder: Path, root_keys: int = 3) -> list[Path]:
    """Write fresh keys for every role into `folder` (which must not hold keys yet); return the files written."""
    if root_keys < 1:
        raise KeyFolderError("at least one root key is needed")
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    names = [f"root-{i}.pem" for i in range(1, root_keys + 1)] + [f"{role}.pem" for role in ROLES[1:]]
    existing = [name for name in names if (folder / name).exists()]
    if existing:
        raise KeyFolderError(f"{folder} already holds {existing[0]}; keys are never overwritten")
    written = []
    for name in names:
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        path = folder / name
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(pem)
        written.append(path)
    return written


def load_keys(folders: list[Path]) -> KeyRing:
    """Every role key found in `folders` (files `<role>.pem` or `<role>-N.pem`); other files are ignored."""
    ring = KeyRing()
    for folder in folders:
        if not folder.is_dir():
            raise KeyFolderError(f"key folder {folder} does not exist")
        for path in sorted(folder.glob("*.pem")):
            role = path.stem.split("-", 1)[0]
            if role not in ROLES:
                continue
            try:
                private = serialization.load_pem_private_key(path.read_bytes(), password=None)
            except (OSError, ValueError, TypeError) as exc:
                raise KeyFolderError(f"{path} is not a readable unencrypted PEM private key ({exc})") from exc
            if not isinstance(private, Ed25519PrivateKey):
                raise KeyFolderError(f"{path} is not an Ed25519 key")
            signer = CryptoSigner(private)
            if all(s.public_key.keyid != signer.public_key.keyid for s in ring.signers[role]):
                ring.signers[role].append(signer)
    return ring
