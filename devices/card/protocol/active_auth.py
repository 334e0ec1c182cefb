"""Active Authentication: the chip proves it holds the private key of DG15 (ICAO 9303-11 §6.1).

RSA keys sign with ISO/IEC 9796-2 digital signature scheme 1 (partial message recovery): the recovered representative
is 6A ‖ M1 ‖ H(M1 ‖ challenge) ‖ trailer, trailer BC for SHA-1 or a two-byte trailer xx CC naming the hash (ISO/IEC
10118-3 identifiers). EC keys sign the challenge with ECDSA, plain r‖s format (BSI TR-03111 §5.2.1); the hash is
named in DG14's ActiveAuthenticationInfo, else the common ones are tried.
The chip side (`sign_active_auth`) is used by the card emulator.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from devices.card.lds.dg15 import parse_dg15
from devices.card.lds.errors import LdsError
from devices.card.trust.signatures import HASHES, plain_to_der

# Two-byte trailers: first byte is the ISO/IEC 10118-3 hash-function identifier.
_TRAILER_HASH = {0x33: "sha1", 0x34: "sha256", 0x35: "sha512", 0x36: "sha384", 0x38: "sha224"}
_HASH_TRAILER = {name: bytes([ident, 0xCC]) for ident, name in _TRAILER_HASH.items()}
_ECDSA_HASH_ORDER = ("sha256", "sha1", "sha384", "sha512", "sha224")
# ecdsa-with-SHAxxx OIDs as DG14's ActiveAuthenticationInfo names them.
ECDSA_OID_HASH = {
    "1.2.840.10045.4.1": "sha1", "1.2.840.10045.4.3.1": "sha224", "1.2.840.10045.4.3.2": "sha256",
    "1.2.840.10045.4.3.3": "sha384", "1.2.840.10045.4.3.4": "sha512",
}

AaPrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


def verify_active_auth(dg15: bytes, challenge: bytes, signature: bytes, hash_name: str | None = None) -> bool:
    """True when `signature` is the chip's answer to `challenge` under the DG15 key. Malformed DG15 → LdsError."""
    key = parse_dg15(dg15)
    if isinstance(key, rsa.RSAPublicKey):
        return _verify_rsa(key, challenge, signature)
    names = (hash_name,) if hash_name else _ECDSA_HASH_ORDER
    return any(_verify_ecdsa(key, challenge, signature, name) for name in names)


def _verify_rsa(key: rsa.RSAPublicKey, challenge: bytes, signature: bytes) -> bool:
    numbers = key.public_numbers()
    size = (numbers.n.bit_length() + 7) // 8
    value = int.from_bytes(signature, "big")
    # A chip may drop leading zero bytes; the integer is what counts, as long as it is below the modulus.
    if not signature or len(signature) > size or value >= numbers.n:
        return False
    recovered = pow(value, numbers.e, numbers.n).to_bytes(size, "big")
    if recovered[-1] == 0xBC:
        hash_name, trailer = "sha1", 1
    elif recovered[-1] == 0xCC and recovered[-2] in _TRAILER_HASH:
        hash_name, trailer = _TRAILER_HASH[recovered[-2]], 2
    else:
        return False
    if recovered[0] != 0x6A:  # header 01, partial recovery, no padding, border nibble A
        return False
    hash_len = hashlib.new(hash_name).digest_size
    if size < 1 + hash_len + trailer + 1:
        return False
    m1 = recovered[1 : size - hash_len - trailer]
    digest = recovered[size - hash_len - trailer : size - trailer]
    return hmac.compare_digest(digest, hashlib.new(hash_name, m1 + challenge).digest())


def _verify_ecdsa(key: ec.EllipticCurvePublicKey, challenge: bytes, signature: bytes, hash_name: str) -> bool:
    if hash_name not in HASHES or not signature or len(signature) % 2:
        return False
    try:
        key.verify(plain_to_der(signature), challenge, ec.ECDSA(HASHES[hash_name]()))
    except InvalidSignature:
        return False
    return True


def sign_active_auth(private_key: AaPrivateKey, challenge: bytes, hash_name: str = "sha1") -> bytes:
    """The chip's INTERNAL AUTHENTICATE answer. RSA: 9796-2 scheme 1 with `hash_name` (SHA-1 → trailer BC);
    EC: ECDSA with SHA-256 unless `hash_name` is another SHA-2, plain r‖s."""
    if isinstance(private_key, ec.EllipticCurvePrivateKey):
        name = hash_name if hash_name != "sha1" else "sha256"
        der = private_key.sign(challenge, ec.ECDSA(HASHES[name]()))
        r, s = decode_dss_signature(der)
        size = (private_key.curve.key_size + 7) // 8
        return r.to_bytes(size, "big") + s.to_bytes(size, "big")
    numbers = private_key.private_numbers()
    n = numbers.public_numbers.n
    size = (n.bit_length() + 7) // 8
    trailer = b"\xbc" if hash_name == "sha1" else _HASH_TRAILER[hash_name]
    hash_len = hashlib.new(hash_name).digest_size
    m1 = secrets.token_bytes(size - 1 - hash_len - len(trailer))
    representative = b"\x6a" + m1 + hashlib.new(hash_name, m1 + challenge).digest() + trailer
    return pow(int.from_bytes(representative, "big"), numbers.d, n).to_bytes(size, "big")


def ecdsa_hash_for(signature_algorithm_oid: str) -> str:
    """Hash named by an ActiveAuthenticationInfo signature algorithm OID."""
    if signature_algorithm_oid not in ECDSA_OID_HASH:
        raise LdsError(f"AA signature algorithm {signature_algorithm_oid} is not ECDSA", file="DG14")
    return ECDSA_OID_HASH[signature_algorithm_oid]
