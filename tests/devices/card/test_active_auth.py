import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from devices.card.lds.dg15 import build_dg15, parse_dg15
from devices.card.lds.errors import LdsError
from devices.card.protocol.active_auth import ecdsa_hash_for, sign_active_auth, verify_active_auth

CHALLENGE = bytes.fromhex("0102030405060708")


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.mark.parametrize("hash_name", ["sha1", "sha256", "sha512"])
def test_rsa_9796_2_signature_verifies_and_binds_the_challenge(rsa_key: rsa.RSAPrivateKey, hash_name: str) -> None:
    dg15 = build_dg15(rsa_key.public_key())
    signature = sign_active_auth(rsa_key, CHALLENGE, hash_name)
    assert verify_active_auth(dg15, CHALLENGE, signature)
    assert not verify_active_auth(dg15, bytes(8), signature)
    broken = bytes([signature[0] ^ 1]) + signature[1:]
    assert not verify_active_auth(dg15, CHALLENGE, broken)


def test_rsa_recovered_message_has_the_9796_2_layout(rsa_key: rsa.RSAPrivateKey) -> None:
    signature = sign_active_auth(rsa_key, CHALLENGE)
    public = rsa_key.public_key().public_numbers()
    recovered = pow(int.from_bytes(signature, "big"), public.e, public.n).to_bytes(256, "big")
    assert recovered[0] == 0x6A and recovered[-1] == 0xBC
    m1, digest = recovered[1:-21], recovered[-21:-1]
    assert digest == hashlib.sha1(m1 + CHALLENGE).digest()


def test_signature_from_another_chip_fails(rsa_key: rsa.RSAPrivateKey) -> None:
    clone = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert not verify_active_auth(build_dg15(rsa_key.public_key()), CHALLENGE, sign_active_auth(clone, CHALLENGE))
    assert not verify_active_auth(build_dg15(rsa_key.public_key()), CHALLENGE, b"\x00" * 10)


@pytest.mark.parametrize("curve", [ec.SECP256R1(), ec.BrainpoolP256R1(), ec.SECP384R1()])
def test_ecdsa_plain_signature_verifies(curve: ec.EllipticCurve) -> None:
    key = ec.generate_private_key(curve)
    dg15 = build_dg15(key.public_key())
    signature = sign_active_auth(key, CHALLENGE)
    assert len(signature) == 2 * ((curve.key_size + 7) // 8)
    assert verify_active_auth(dg15, CHALLENGE, signature)
    assert verify_active_auth(dg15, CHALLENGE, signature, ecdsa_hash_for("1.2.840.10045.4.3.2"))
    assert not verify_active_auth(dg15, CHALLENGE, signature, "sha384")
    assert not verify_active_auth(dg15, CHALLENGE[::-1], signature)


def test_dg15_round_trip_and_garbage() -> None:
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    assert parse_dg15(build_dg15(key)) == key
    with pytest.raises(LdsError):
        parse_dg15(b"\x6f\x03\x30\x01\x00")
    with pytest.raises(LdsError):
        verify_active_auth(b"\x6e\x00", CHALLENGE, b"")
    with pytest.raises(LdsError):
        ecdsa_hash_for("1.2.840.113549.1.1.11")
