"""Chip Authentication with ECDH, ICAO 9303-11 §6.2: prove the chip holds DG14's private key, then re-key SM.

The terminal sends an ephemeral public key on the chip's curve (MSE:SET KAT for the 3DES variant, MSE:SET AT +
GENERAL AUTHENTICATE for AES), both sides compute the shared secret with the chip's static key, and secure
messaging restarts with keys derived from it (SSC zero). A cloned chip without the private key cannot produce
the next response MAC, so the first read after Chip Authentication is the proof. DG14 keys with explicit EC domain
parameters (RFC 3279 §2.3.5, common on Brainpool chips) are loaded through `public_keys.load_spki`.
"""

from __future__ import annotations

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from devices.card.errors import CardProtocolError, UnsupportedCardError
from devices.card.protocol import cipher
from devices.card.protocol.apdu import CommandApdu
from devices.card.protocol.cipher import AES128, AES192, AES256, DES3, CipherSuite
from devices.card.protocol.pace import encode_oid
from devices.card.protocol.secure_messaging import SecureMessagingTransport, SmSession
from devices.card.tlv import encode_tlv
from devices.card.trust.public_keys import UnsupportedAlgorithmError, load_spki

ID_CA_ECDH = "0.4.0.127.0.7.2.2.3.2"
ID_CA_ECDH_3DES = f"{ID_CA_ECDH}.1"
CA_SUITES: dict[str, CipherSuite] = {
    ID_CA_ECDH_3DES: DES3, f"{ID_CA_ECDH}.2": AES128, f"{ID_CA_ECDH}.3": AES192, f"{ID_CA_ECDH}.4": AES256,
}


def ca_session(suite: CipherSuite, shared_secret: bytes) -> SmSession:
    return SmSession(suite, cipher.derive_key(shared_secret, cipher.ENC_COUNTER, suite),
                     cipher.derive_key(shared_secret, cipher.MAC_COUNTER, suite), 0)


def _key_id(key_id: int | None) -> bytes:
    if key_id is None:
        return b""
    return encode_tlv(0x84, key_id.to_bytes(max(1, (key_id.bit_length() + 7) // 8), "big"))


def perform_chip_auth(transport: SecureMessagingTransport, oid: str, public_key_der: bytes,
                      key_id: int | None = None) -> None:
    """Run CA over an established SM channel and switch it to the new keys."""
    suite = CA_SUITES.get(oid)
    if suite is None:
        raise UnsupportedCardError(f"Chip Authentication {oid} is not supported")
    try:
        chip_key = load_spki(public_key_der)
    except UnsupportedAlgorithmError as exc:
        raise UnsupportedCardError("DG14 key uses parameters this reader cannot load") from exc
    if not isinstance(chip_key, ec.EllipticCurvePublicKey):
        raise UnsupportedCardError("only ECDH Chip Authentication is supported")
    ephemeral = ec.generate_private_key(chip_key.curve)
    point = ephemeral.public_key().public_bytes(serialization.Encoding.X962,
                                                serialization.PublicFormat.UncompressedPoint)
    if suite is DES3:
        answer = transport.transmit(CommandApdu(0x00, 0x22, 0x41, 0xA6, encode_tlv(0x91, point) + _key_id(key_id)))
    else:
        answer = transport.transmit(
            CommandApdu(0x00, 0x22, 0x41, 0xA4, encode_tlv(0x80, encode_oid(oid)) + _key_id(key_id)))
        if answer.ok:
            answer = transport.transmit(CommandApdu(0x00, 0x86, 0x00, 0x00,
                                                    encode_tlv(0x7C, encode_tlv(0x80, point)), 256))
    if not answer.ok:
        raise CardProtocolError("chip refused Chip Authentication", answer.sw)
    transport.session = ca_session(suite, ephemeral.exchange(ec.ECDH(), chip_key))
