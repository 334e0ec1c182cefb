"""Load a SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) as an RSA or EC key, including EC keys with explicit domain
parameters (RFC 3279 §2.3.5 `specifiedCurve`), which many eMRTD issuers use for CSCA, DSC, DG14 and DG15 keys
(ICAO 9303-11 §9.4 / BSI TR-03111 §4.1 recommend them) but which `cryptography` refuses for Brainpool curves.

Explicit parameters are mapped to the named curve whose generator and field size are identical; the generator of a
named curve is found as the public key of private scalar 1, so no curve constants are copied here.
"""

from __future__ import annotations

from functools import cache

from asn1crypto import keys
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

PublicKey = rsa.RSAPublicKey | ec.EllipticCurvePublicKey

# asn1crypto parses lazily, so malformed input surfaces as any of these when a field is first touched.
ASN1_ERRORS: tuple[type[Exception], ...] = (ValueError, TypeError, KeyError, IndexError, OverflowError, AttributeError)


class UnsupportedAlgorithmError(ValueError):
    """A signature algorithm or key type ICAO does not use (or we do not implement)."""


_NAMED_CURVES: tuple[ec.EllipticCurve, ...] = (
    ec.SECP256R1(), ec.SECP384R1(), ec.SECP521R1(), ec.SECP224R1(), ec.SECP192R1(),
    ec.BrainpoolP256R1(), ec.BrainpoolP384R1(), ec.BrainpoolP512R1(),
)


@cache
def _generators() -> dict[bytes, ec.EllipticCurve]:
    out = {}
    for curve in _NAMED_CURVES:
        point = ec.derive_private_key(1, curve).public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        out[point] = curve
    return out


def _curve_for_generator(base: bytes) -> ec.EllipticCurve:
    if base[:1] in (b"\x02", b"\x03"):
        for point, curve in _generators().items():
            if point[1 : 1 + (len(point) - 1) // 2] == base[1:]:
                return curve
    elif base in _generators():
        return _generators()[base]
    raise UnsupportedAlgorithmError("EC key with explicit parameters of an unknown curve")


def load_spki(der: bytes) -> PublicKey:
    """RSA or EC public key from SubjectPublicKeyInfo DER; raises UnsupportedAlgorithmError for anything else."""
    try:
        key = serialization.load_der_public_key(der)
    except UnsupportedAlgorithm:
        return _explicit_ec(der)
    except (ValueError, TypeError) as exc:
        # Explicit parameters may also surface as a ValueError depending on the backend.
        try:
            return _explicit_ec(der)
        except UnsupportedAlgorithmError:
            raise UnsupportedAlgorithmError(f"public key cannot be loaded: {exc}") from exc
    if not isinstance(key, rsa.RSAPublicKey | ec.EllipticCurvePublicKey):
        raise UnsupportedAlgorithmError(f"key type {type(key).__name__} is not used for eMRTD signatures")
    return key


def _explicit_ec(der: bytes) -> ec.EllipticCurvePublicKey:
    try:
        spki = keys.PublicKeyInfo.load(der, strict=True)
        if spki["algorithm"]["algorithm"].native != "ec":
            raise UnsupportedAlgorithmError("not an EC key")
        params = spki["algorithm"]["parameters"]
        if params.name != "specified":
            raise UnsupportedAlgorithmError("EC key on an unsupported named curve")
        base = bytes(params.chosen["base"].native)
        prime = params.chosen["field_id"]["parameters"].native
        point = bytes(spki["public_key"].native)
    except UnsupportedAlgorithmError:
        raise
    except ASN1_ERRORS as exc:
        raise UnsupportedAlgorithmError(f"EC key cannot be decoded ({type(exc).__name__})") from exc
    curve = _curve_for_generator(base)
    if not isinstance(prime, int) or prime.bit_length() != curve.key_size:
        raise UnsupportedAlgorithmError("EC field size does not match the curve of its generator")
    try:
        return ec.EllipticCurvePublicKey.from_encoded_point(curve, point)
    except ValueError as exc:
        raise UnsupportedAlgorithmError("EC public point is not on the curve") from exc
