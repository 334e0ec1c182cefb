"""Verify one signature given an X.509/CMS AlgorithmIdentifier: RSA PKCS#1 v1.5, RSA-PSS and ECDSA
(ICAO 9303-12 §4.4 lists these for CSCA, DSC and SOD signatures; RFC 4055 for PSS parameters, RFC 5758 for ECDSA).

ECDSA signatures are normally DER; some issuers store the plain r‖s form of BSI TR-03111, which is accepted too.
"""

from __future__ import annotations

from asn1crypto import algos, keys
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

from devices.card.trust.public_keys import ASN1_ERRORS, PublicKey, UnsupportedAlgorithmError, load_spki

HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha1": hashes.SHA1, "sha224": hashes.SHA224, "sha256": hashes.SHA256, "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}

ID_EC_PUBLIC_KEY = "1.2.840.10045.2.1"

CHECK_ERRORS: tuple[type[Exception], ...] = (*ASN1_ERRORS, UnsupportedAlgorithmError)

__all__ = [
    "ASN1_ERRORS", "CHECK_ERRORS", "HASHES", "PublicKey", "UnsupportedAlgorithmError", "load_public_key",
    "plain_to_der", "verify_signature",
]


def load_public_key(spki: keys.PublicKeyInfo) -> PublicKey:
    return load_spki(bytes(spki.dump()))


def _hash(name: str) -> hashes.HashAlgorithm:
    if name not in HASHES:
        raise UnsupportedAlgorithmError(f"hash {name!r} is not supported")
    return HASHES[name]()


def verify_signature(
    key: PublicKey, signature: bytes, data: bytes, algorithm: algos.SignedDigestAlgorithm,
    digest_fallback: str | None = None,
) -> bool:
    """True when `signature` over `data` verifies; False when it does not; raises for unknown algorithms."""
    if algorithm["algorithm"].dotted == ID_EC_PUBLIC_KEY:
        name = "ecdsa"  # some issuers name the key type instead of ecdsa-with-SHAxxx; the hash is the digest's
    else:
        try:
            name = algorithm.signature_algo
        except ValueError as exc:
            raise UnsupportedAlgorithmError(str(exc)) from exc
    try:
        if name == "rsassa_pss":
            if not isinstance(key, rsa.RSAPublicKey):
                return False
            params = algorithm["parameters"]
            hash_name = params["hash_algorithm"]["algorithm"].native
            mgf_hash = params["mask_gen_algorithm"]["parameters"]["algorithm"].native
            pss = padding.PSS(mgf=padding.MGF1(_hash(mgf_hash)), salt_length=params["salt_length"].native)
            key.verify(signature, data, pss, _hash(hash_name))
            return True
        hash_name = _hash_name(algorithm, digest_fallback)
        if name == "rsassa_pkcs1v15":
            if not isinstance(key, rsa.RSAPublicKey):
                return False
            key.verify(signature, data, padding.PKCS1v15(), _hash(hash_name))
            return True
        if name == "ecdsa":
            if not isinstance(key, ec.EllipticCurvePublicKey):
                return False
            key.verify(_ecdsa_der(signature, key), data, ec.ECDSA(_hash(hash_name)))
            return True
    except InvalidSignature:
        return False
    raise UnsupportedAlgorithmError(f"signature algorithm {name!r} is not supported")


def _hash_name(algorithm: algos.SignedDigestAlgorithm, fallback: str | None) -> str:
    try:
        return str(algorithm.hash_algo)
    except (ValueError, TypeError):
        # rsaEncryption / ecPublicKey as signature algorithm: the hash comes from the SignerInfo digest algorithm.
        if fallback is None:
            raise UnsupportedAlgorithmError("signature algorithm names no hash") from None
        return fallback


def _ecdsa_der(signature: bytes, key: ec.EllipticCurvePublicKey) -> bytes:
    size = (key.curve.key_size + 7) // 8
    if len(signature) != 2 * size:
        return signature
    try:
        r, s = decode_dss_signature(signature)
        if encode_dss_signature(r, s) == signature:
            return signature
    except ValueError:
        pass
    return plain_to_der(signature)


def plain_to_der(signature: bytes) -> bytes:
    """BSI TR-03111 plain r‖s → DER ECDSA-Sig-Value."""
    half = len(signature) // 2
    return encode_dss_signature(int.from_bytes(signature[:half], "big"), int.from_bytes(signature[half:], "big"))
