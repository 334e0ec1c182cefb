"""Cryptographic primitives of ICAO 9303-11 §9.7 (and §4.3.3 for BAC): key derivation, padding, block ciphers, MACs.

Two families: 3DES two-key with ISO/IEC 9797-1 MAC algorithm 3 ("retail MAC") and AES with CMAC truncated to
8 bytes. Padding is ISO/IEC 9797-1 method 2 (0x80 then zeros). Everything here is stateless; the send sequence
counter lives in `secure_messaging.SmSession`.
"""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass
from enum import StrEnum

from cryptography.hazmat.primitives import cmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    # cryptography ≥ 43 keeps TripleDES in the "decrepit" module; 3DES is what ICAO BAC mandates.
    from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES

ENC_COUNTER = 1
MAC_COUNTER = 2
PACE_COUNTER = 3


class CipherKind(StrEnum):
    DES3 = "3DES"
    AES = "AES"


@dataclass(frozen=True)
class CipherSuite:
    """A secure-messaging algorithm: 3DES (block 8, 16-byte keys) or AES-128/192/256 (block 16)."""

    kind: CipherKind
    key_length: int  # bytes

    @property
    def block_size(self) -> int:
        return 8 if self.kind is CipherKind.DES3 else 16


DES3 = CipherSuite(CipherKind.DES3, 16)
AES128 = CipherSuite(CipherKind.AES, 16)
AES192 = CipherSuite(CipherKind.AES, 24)
AES256 = CipherSuite(CipherKind.AES, 32)


def adjust_parity(key: bytes) -> bytes:
    """Set each DES key byte to odd parity (FIPS 46-3), as 9303-11 §9.7.1.1 asks of derived 3DES keys."""
    out = bytearray(key)
    for i, byte in enumerate(out):
        ones = bin(byte & 0xFE).count("1")
        out[i] = (byte & 0xFE) | (0 if ones % 2 else 1)
    return bytes(out)


def derive_key(secret: bytes, counter: int, suite: CipherSuite) -> bytes:
    """KDF(K, c) of 9303-11 §9.7.1: SHA-1 for 3DES and AES-128, SHA-256 for AES-192/256."""
    data = secret + counter.to_bytes(4, "big")
    if suite.kind is CipherKind.DES3:
        return adjust_parity(hashlib.sha1(data).digest()[:16])  # noqa: S324 - mandated by ICAO 9303-11
    if suite.key_length == 16:
        return hashlib.sha1(data).digest()[:16]  # noqa: S324 - mandated by ICAO 9303-11
    return hashlib.sha256(data).digest()[: suite.key_length]


def pad(data: bytes, block_size: int) -> bytes:
    """ISO/IEC 9797-1 padding method 2."""
    padded = data + b"\x80"
    return padded + b"\x00" * (-len(padded) % block_size)


def unpad(data: bytes) -> bytes:
    """Strip method-2 padding; raises ValueError when there is none."""
    stripped = data.rstrip(b"\x00")
    if not stripped or stripped[-1] != 0x80:
        raise ValueError("padding missing")
    return stripped[:-1]


def _des3_key(key: bytes) -> bytes:
    return key if len(key) == 24 else key + key[:8]  # two-key 3DES: K1 K2 K1


def _cipher(suite: CipherSuite, key: bytes, iv: bytes) -> Cipher[modes.CBC]:
    algorithm = TripleDES(_des3_key(key)) if suite.kind is CipherKind.DES3 else algorithms.AES(key)
    return Cipher(algorithm, modes.CBC(iv))


def encrypt(suite: CipherSuite, key: bytes, data: bytes, iv: bytes | None = None) -> bytes:
    """CBC encryption of already padded data (IV zero unless given)."""
    enc = _cipher(suite, key, iv or bytes(suite.block_size)).encryptor()
    return enc.update(data) + enc.finalize()


def decrypt(suite: CipherSuite, key: bytes, data: bytes, iv: bytes | None = None) -> bytes:
    if len(data) % suite.block_size:
        raise ValueError("ciphertext is not a whole number of blocks")
    dec = _cipher(suite, key, iv or bytes(suite.block_size)).decryptor()
    return dec.update(data) + dec.finalize()


def ecb_encrypt_block(suite: CipherSuite, key: bytes, block: bytes) -> bytes:
    """One block with a zero IV = ECB; used for the AES secure-messaging IV (9303-11 §9.8.6.1)."""
    return encrypt(suite, key, block)


def mac(suite: CipherSuite, key: bytes, data: bytes, *, padded: bool = False) -> bytes:
    """The 8-byte MAC: ISO/IEC 9797-1 algorithm 3 for 3DES (padding method 2 unless `padded`), AES-CMAC cut to 8.

    AES CMAC is computed over `data` exactly as given: secure messaging passes the padded N (9303-11 §9.8.6.2),
    PACE tokens the bare public-key object (§4.4.3.4).
    """
    if suite.kind is CipherKind.DES3:
        blocks = data if padded else pad(data, 8)
        ka, kb = key[:8], key[8:16]
        single = Cipher(TripleDES(ka + ka + ka), modes.CBC(bytes(8))).encryptor()
        last = (single.update(blocks) + single.finalize())[-8:]
        dec = Cipher(TripleDES(kb + kb + kb), modes.ECB()).decryptor()  # noqa: S305 - one block of 9797-1 alg 3
        step = dec.update(last) + dec.finalize()
        enc = Cipher(TripleDES(ka + ka + ka), modes.ECB()).encryptor()  # noqa: S305
        return enc.update(step) + enc.finalize()
    signer = cmac.CMAC(algorithms.AES(key))
    signer.update(data)
    return signer.finalize()[:8]
