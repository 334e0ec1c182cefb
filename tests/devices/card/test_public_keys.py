import pytest
from asn1crypto import keys
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from devices.card.lds.dg15 import parse_dg15
from devices.card.lds.errors import LdsError
from devices.card.protocol.active_auth import sign_active_auth, verify_active_auth
from devices.card.tlv import encode_tlv
from devices.card.trust.public_keys import UnsupportedAlgorithmError, load_spki

# A brainpoolP256r1 public key with explicit domain parameters, as written by `openssl ec -param_enc explicit`.
EXPLICIT_BRAINPOOL = bytes.fromhex(
    "308201333081ec06072a8648ce3d02013081e0020101302c06072a8648ce3d0101022100a9fb57dba1eea9bc3e660a909d83"
    "8d726e3bf623d52620282013481d1f6e5377304404207d5a0975fc2c3057eef67530417affe7fb8055c126dc5c6ce94a4b44"
    "f330b5d9042026dc5c6ce94a4b44f330b5d9bbd77cbf958416295cf7e1ce6bccdc18ff8c07b60441048bd2aeb9cb7e57cb2c"
    "4b482ffc81b7afb9de27e1e3bd23c23a4453bd9ace3262547ef835c3dac4fd97f8461a14611dc9c27745132ded8e545c1d54"
    "c72f046997022100a9fb57dba1eea9bc3e660a909d838d718c397aa3b561a6f7901e0e82974856a70201010342000493b056"
    "46f86b524e9a1832a41d89ba1e92fee0d0ded7542051519918c279ff176c30f8d072cb01e280ba77f58ae7bc7550a2f2bcaf"
    "399c993ec29ecbc392e43a"
)


def _with_point(explicit: bytes, key: ec.EllipticCurvePublicKey) -> bytes:
    spki = keys.PublicKeyInfo.load(explicit)
    point = key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return bytes(keys.PublicKeyInfo({"algorithm": spki["algorithm"], "public_key": point}).dump())


def test_explicit_brainpool_parameters_map_to_the_named_curve() -> None:
    key = load_spki(EXPLICIT_BRAINPOOL)
    assert isinstance(key, ec.EllipticCurvePublicKey)
    assert key.curve.name == "brainpoolP256r1"


def test_active_auth_works_with_an_explicit_parameter_dg15() -> None:
    private = ec.generate_private_key(ec.BrainpoolP256R1())
    dg15 = encode_tlv(0x6F, _with_point(EXPLICIT_BRAINPOOL, private.public_key()))
    assert parse_dg15(dg15) == private.public_key()
    challenge = b"ABCDEFGH"
    assert verify_active_auth(dg15, challenge, sign_active_auth(private, challenge))


def test_unknown_explicit_curve_is_refused() -> None:
    # Change one byte of the generator: no named curve has it.
    at = EXPLICIT_BRAINPOOL.index(bytes.fromhex("048bd2aeb9")) + 3
    odd = EXPLICIT_BRAINPOOL[:at] + bytes([EXPLICIT_BRAINPOOL[at] ^ 1]) + EXPLICIT_BRAINPOOL[at + 1 :]
    with pytest.raises(UnsupportedAlgorithmError, match="unknown curve"):
        load_spki(odd)
    with pytest.raises(LdsError):
        parse_dg15(encode_tlv(0x6F, odd))


def test_named_and_rsa_keys_load_plainly() -> None:
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    der = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    assert load_spki(der) == key
    with pytest.raises(UnsupportedAlgorithmError):
        load_spki(b"\x30\x00")
