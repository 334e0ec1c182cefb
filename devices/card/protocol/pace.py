"""PACE with Generic Mapping over elliptic curves, ICAO 9303-11 §4.4 (terminal and chip side).

Terminal: MSE:SET AT selects the protocol and password, then four GENERAL AUTHENTICATE steps: the chip's nonce
encrypted under K_π, the mapping ECDH that yields a fresh generator G~ = s·G + H, the ephemeral ECDH on G~, and
the exchange of authentication tokens over the other side's public key. The shared secret gives the secure
messaging keys (§9.7.1) and the SSC starts at zero. A refused password is `AccessDeniedError`; a chip that
takes our token but answers a wrong one, or sends a point off the curve, is `AuthenticityError`. `ChipPace` is
the chip's half, for the emulator; the pure steps are exposed so the worked ECDH-GM example of 9303-11 Appendix G
can check them.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

from devices.card.errors import AccessDeniedError, AuthenticityError, CardProtocolError, UnsupportedCardError
from devices.card.protocol import cipher
from devices.card.protocol.apdu import SW_OK, CommandApdu
from devices.card.protocol.cipher import AES128, AES192, AES256, DES3, CipherSuite
from devices.card.protocol.ec_point import CURVES_BY_PARAMETER_ID, Curve
from devices.card.protocol.secure_messaging import SmSession
from devices.card.protocol.transport import CardTransport
from devices.card.tlv import TlvError, encode_tlv, parse_all, parse_single

ID_PACE = "0.4.0.127.0.7.2.2.4"
# id-PACE-ECDH-GM-{3DES, AES-128, AES-192, AES-256} (9303-11 §9.2.1).
ECDH_GM_SUITES: dict[str, CipherSuite] = {
    f"{ID_PACE}.2.1": DES3, f"{ID_PACE}.2.2": AES128, f"{ID_PACE}.2.3": AES192, f"{ID_PACE}.2.4": AES256,
}
PASSWORD_MRZ = 1
PASSWORD_CAN = 2


def encode_oid(dotted: str) -> bytes:
    """The content octets of an OBJECT IDENTIFIER (X.690 §8.19), as MSE:SET AT's DO'80' carries them."""
    arcs = [int(a) for a in dotted.split(".")]
    out = bytearray([40 * arcs[0] + arcs[1]])
    for arc in arcs[2:]:
        chunk = [arc & 0x7F]
        rest = arc >> 7
        while rest:
            chunk.append(0x80 | (rest & 0x7F))
            rest >>= 7
        out += bytes(reversed(chunk))
    return bytes(out)


def decode_oid(content: bytes) -> str:
    if not content:
        raise ValueError("empty OID")
    arcs = [min(content[0] // 40, 2)]
    arcs.append(content[0] - 40 * arcs[0])
    value = 0
    for byte in content[1:]:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(value)
            value = 0
    return ".".join(str(a) for a in arcs)


def password_key(mrz_info: str, suite: CipherSuite) -> bytes:
    """K_π = KDF(SHA-1(MRZ information), 3) (9303-11 §4.4.3.1, §9.7.3)."""
    secret = hashlib.sha1(mrz_info.encode("ascii")).digest()  # noqa: S324 - mandated by ICAO 9303-11
    return cipher.derive_key(secret, cipher.PACE_COUNTER, suite)


def public_key_object(oid: str, curve: Curve, point: tuple[int, int]) -> bytes:
    """The public key data object 7F49 {06 OID, 86 point} that the authentication tokens cover (§4.4.3.4)."""
    return encode_tlv(0x7F49, encode_tlv(0x06, encode_oid(oid)) + encode_tlv(0x86, curve.encode(point)))


def auth_token(suite: CipherSuite, k_mac: bytes, oid: str, curve: Curve, point: tuple[int, int]) -> bytes:
    return cipher.mac(suite, k_mac, public_key_object(oid, curve, point))


def map_generator(curve: Curve, nonce: bytes, shared: tuple[int, int]) -> tuple[int, int]:
    """G~ = s·G + H (§4.4.3.3.2)."""
    mapped = curve.add(curve.multiply(int.from_bytes(nonce, "big"), curve.generator), shared)
    if mapped is None:
        raise AccessDeniedError("mapping produced the point at infinity")
    return mapped


def session_keys(suite: CipherSuite, shared_x: int, curve: Curve) -> SmSession:
    secret = shared_x.to_bytes(curve.size, "big")
    return SmSession(suite, cipher.derive_key(secret, cipher.ENC_COUNTER, suite),
                     cipher.derive_key(secret, cipher.MAC_COUNTER, suite), 0)


def _dynamic(tag: int, value: bytes) -> bytes:
    return encode_tlv(0x7C, encode_tlv(tag, value) if value or tag else b"")


def _answer(data: bytes, tag: int) -> bytes:
    try:
        outer = parse_single(data)
        if outer.tag != 0x7C:
            raise TlvError("not dynamic authentication data")
        inner = outer.find(tag)
    except TlvError as exc:
        raise CardProtocolError(f"malformed GENERAL AUTHENTICATE answer: {exc}") from exc
    if inner is None:
        raise CardProtocolError(f"GENERAL AUTHENTICATE answer lacks tag {tag:X}")
    return inner.value


def _point(curve: Curve, data: bytes) -> tuple[int, int]:
    """The chip's public point. A well-formed point off the curve is how an invalid-curve attack starts, never a
    transmission fault: that chip is not genuine. A malformed encoding is a protocol error."""
    try:
        return curve.decode(data)
    except ValueError as exc:
        if len(data) == 1 + 2 * curve.size and data[0] == 0x04:
            raise AuthenticityError(f"chip sent a PACE point that is not on the curve: {exc}") from exc
        raise CardProtocolError(f"chip sent a bad public key: {exc}") from exc


@dataclass
class _Scalars:
    """Private keys for one run; tests inject the worked example's, real runs draw fresh ones."""

    mapping: int | None = None
    ephemeral: int | None = None


def perform_pace(transport: CardTransport, mrz_info: str, oid: str, parameter_id: int,
                 scalars: _Scalars | None = None) -> SmSession:
    """Run PACE-ECDH-GM with the MRZ password (eMRTD application not yet selected, as §4.4 asks)."""
    suite = ECDH_GM_SUITES.get(oid)
    curve = CURVES_BY_PARAMETER_ID.get(parameter_id)
    if suite is None or curve is None:
        raise UnsupportedCardError(f"PACE {oid} with parameters {parameter_id} is not supported")
    chosen = scalars or _Scalars()
    mse = encode_tlv(0x80, encode_oid(oid)) + encode_tlv(0x83, bytes([PASSWORD_MRZ])) + encode_tlv(
        0x84, bytes([parameter_id]))
    answer = transport.transmit(CommandApdu(0x00, 0x22, 0xC1, 0xA4, mse))
    if answer.sw != SW_OK:
        raise CardProtocolError("MSE:SET AT for PACE refused", answer.sw)

    def step(tag: int, value: bytes, last: bool = False) -> bytes:
        command = CommandApdu(0x00 if last else 0x10, 0x86, 0, 0, _dynamic(tag, value), 256)
        reply = transport.transmit(command)
        if reply.sw == 0x6300 or (reply.sw >> 8) in (0x63, 0x69) or (last and reply.sw != SW_OK):
            raise AccessDeniedError("chip refused the PACE password")
        if reply.sw != SW_OK:
            raise CardProtocolError("GENERAL AUTHENTICATE failed", reply.sw)
        return reply.data

    encrypted_nonce = _answer(step(0, b""), 0x80)
    try:
        nonce = cipher.decrypt(suite, password_key(mrz_info, suite), encrypted_nonce)
    except ValueError as exc:
        raise CardProtocolError("encrypted nonce has a bad size") from exc

    map_key = chosen.mapping or curve.random_scalar()
    chip_map = _point(curve, _answer(step(0x81, curve.encode(curve.multiply(map_key, curve.generator))), 0x82))
    shared_h = curve.multiply(map_key, chip_map)
    if shared_h is None:
        raise AccessDeniedError("mapping shared point is infinity")
    generator = map_generator(curve, nonce, shared_h)

    eph_key = chosen.ephemeral or curve.random_scalar()
    our_eph = curve.multiply(eph_key, generator)
    assert our_eph is not None
    chip_eph = _point(curve, _answer(step(0x83, curve.encode(our_eph)), 0x84))
    if chip_eph == our_eph:
        raise AccessDeniedError("chip echoed our ephemeral key")
    shared = curve.multiply(eph_key, chip_eph)
    if shared is None:
        raise AccessDeniedError("ephemeral shared point is infinity")
    session = session_keys(suite, shared[0], curve)

    token = auth_token(suite, session.k_mac, oid, curve, chip_eph)
    chip_token = _answer(step(0x85, token, last=True), 0x86)
    if not hmac.compare_digest(chip_token, auth_token(suite, session.k_mac, oid, curve, our_eph)):
        # The chip accepted our token, so the password matched; a wrong token back means it does not hold the
        # session it claims (a relay or a forged chip), not that the citizen's details are wrong.
        raise AuthenticityError("chip's PACE authentication token is wrong")
    return session


@dataclass
class ChipPace:
    """The chip's half of PACE-ECDH-GM, driven one GENERAL AUTHENTICATE at a time by the emulator."""

    mrz_info: str
    oid: str
    curve: Curve
    suite: CipherSuite
    nonce: bytes | None = None
    generator: tuple[int, int] | None = None
    eph_key: int = 0
    eph_point: tuple[int, int] | None = None
    terminal_eph: tuple[int, int] | None = None
    map_key: int = 0
    session: SmSession | None = field(default=None, repr=False)
    fault: str = "none"  # emulator only: "wrong_token" or "off_curve_point" (see emulator.chip.ChipBehaviour)

    def _send_point(self, point: tuple[int, int] | None) -> bytes:
        encoded = self.curve.encode(point)
        if self.fault == "off_curve_point":
            return encoded[:-1] + bytes([encoded[-1] ^ 0x01])  # (x, y ^ 1) is not on the curve
        return encoded

    def step(self, data: bytes) -> bytes | None:
        """Answer one GENERAL AUTHENTICATE; None means refuse (→ 6300 / 6A80)."""
        try:
            outer = parse_single(data)
            items = {obj.tag: obj.value for obj in parse_all(outer.value)} if outer.tag == 0x7C else None
        except TlvError:
            return None
        if items is None:
            return None
        curve = self.curve
        try:
            if not items and self.nonce is None:
                self.nonce = hashlib.sha256(str(curve.random_scalar()).encode()).digest()[: self.suite.block_size]
                encrypted = cipher.encrypt(self.suite, password_key(self.mrz_info, self.suite), self.nonce)
                return _dynamic(0x80, encrypted)
            if 0x81 in items and self.nonce is not None and self.generator is None:
                terminal_map = curve.decode(items[0x81])
                self.map_key = curve.random_scalar()
                shared = curve.multiply(self.map_key, terminal_map)
                if shared is None:
                    return None
                self.generator = map_generator(curve, self.nonce, shared)
                return _dynamic(0x82, self._send_point(curve.multiply(self.map_key, curve.generator)))
            if 0x83 in items and self.generator is not None and self.eph_point is None:
                self.terminal_eph = curve.decode(items[0x83])
                self.eph_key = curve.random_scalar()
                self.eph_point = curve.multiply(self.eph_key, self.generator)
                return _dynamic(0x84, curve.encode(self.eph_point))
            if 0x85 in items and self.eph_point is not None and self.terminal_eph is not None:
                shared = curve.multiply(self.eph_key, self.terminal_eph)
                if shared is None:
                    return None
                session = session_keys(self.suite, shared[0], curve)
                expected = auth_token(self.suite, session.k_mac, self.oid, curve, self.eph_point)
                if not hmac.compare_digest(expected, items[0x85]):
                    return None
                self.session = session
                token = auth_token(self.suite, session.k_mac, self.oid, curve, self.terminal_eph)
                if self.fault == "wrong_token":
                    token = bytes([token[0] ^ 0x01]) + token[1:]
                return _dynamic(0x86, token)
        except (ValueError, AccessDeniedError):
            return None
        return None
