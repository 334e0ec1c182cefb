"""Basic Access Control, ICAO 9303-11 §4.3: derive keys from the MRZ, authenticate both sides, start secure messaging.

Terminal side: `perform_bac`. The pure steps (`derive_bac_keys`, `external_authenticate_data`,
`session_from_response`) are separate so the worked example of 9303-11 Appendix D checks them value by value.
The chip side (`ChipBac`) serves the emulator.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Callable
from dataclasses import dataclass

from devices.card.errors import AccessDeniedError, CardProtocolError
from devices.card.protocol import cipher
from devices.card.protocol.apdu import SW_OK, SW_SECURITY_NOT_SATISFIED, CommandApdu
from devices.card.protocol.cipher import DES3
from devices.card.protocol.secure_messaging import SmSession
from devices.card.protocol.transport import CardTransport


@dataclass(frozen=True)
class BacKeys:
    k_seed: bytes
    k_enc: bytes
    k_mac: bytes

    def __repr__(self) -> str:
        return "BacKeys(<hidden>)"


def derive_bac_keys(mrz_info: str) -> BacKeys:
    """K_seed = SHA-1(MRZ information)[:16]; K_enc, K_mac = KDF(K_seed, 1|2) (9303-11 §4.3.2, §9.7.1)."""
    k_seed = hashlib.sha1(mrz_info.encode("ascii")).digest()[:16]  # noqa: S324 - mandated by ICAO 9303-11
    return BacKeys(k_seed, cipher.derive_key(k_seed, cipher.ENC_COUNTER, DES3),
                   cipher.derive_key(k_seed, cipher.MAC_COUNTER, DES3))


def external_authenticate_data(keys: BacKeys, rnd_ic: bytes, rnd_ifd: bytes, k_ifd: bytes) -> bytes:
    """E_IFD ‖ M_IFD: the EXTERNAL AUTHENTICATE command data."""
    e_ifd = cipher.encrypt(DES3, keys.k_enc, rnd_ifd + rnd_ic + k_ifd)
    return e_ifd + cipher.mac(DES3, keys.k_mac, e_ifd)


def _session_from_key_material(k_ifd: bytes, k_ic: bytes, rnd_ic: bytes, rnd_ifd: bytes) -> SmSession:
    seed = bytes(a ^ b for a, b in zip(k_ifd, k_ic, strict=True))
    return SmSession(DES3, cipher.derive_key(seed, cipher.ENC_COUNTER, DES3),
                     cipher.derive_key(seed, cipher.MAC_COUNTER, DES3),
                     int.from_bytes(rnd_ic[4:] + rnd_ifd[4:], "big"))


def session_from_response(keys: BacKeys, response: bytes, rnd_ic: bytes, rnd_ifd: bytes, k_ifd: bytes) -> SmSession:
    """Check the chip's EXTERNAL AUTHENTICATE answer and derive the session keys and SSC (9303-11 §4.3.3)."""
    if len(response) != 40:
        raise AccessDeniedError("mutual authentication answer has the wrong size")
    e_ic, m_ic = response[:32], response[32:]
    if not hmac.compare_digest(cipher.mac(DES3, keys.k_mac, e_ic), m_ic):
        raise AccessDeniedError("mutual authentication MAC is wrong")
    plain = cipher.decrypt(DES3, keys.k_enc, e_ic)
    if plain[:8] != rnd_ic or plain[8:16] != rnd_ifd:
        raise AccessDeniedError("chip did not return our nonces")
    return _session_from_key_material(k_ifd, plain[16:], rnd_ic, rnd_ifd)


def perform_bac(transport: CardTransport, mrz_info: str,
                random: Callable[[int], bytes] = os.urandom) -> SmSession:
    """Run BAC over `transport` (eMRTD application already selected). Wrong key → AccessDeniedError."""
    keys = derive_bac_keys(mrz_info)
    challenge = transport.transmit(CommandApdu(0x00, 0x84, 0x00, 0x00, b"", 8))
    if not challenge.ok or len(challenge.data) != 8:
        raise CardProtocolError("GET CHALLENGE failed", challenge.sw)
    rnd_ic = challenge.data
    rnd_ifd, k_ifd = random(8), random(16)
    answer = transport.transmit(
        CommandApdu(0x00, 0x82, 0x00, 0x00, external_authenticate_data(keys, rnd_ic, rnd_ifd, k_ifd), 40))
    if answer.sw == SW_SECURITY_NOT_SATISFIED or (answer.sw >> 8) in (0x63, 0x69):
        raise AccessDeniedError("chip refused the access key", )
    if answer.sw != SW_OK:
        raise CardProtocolError("EXTERNAL AUTHENTICATE failed", answer.sw)
    return session_from_response(keys, answer.data, rnd_ic, rnd_ifd, k_ifd)


class ChipBac:
    """The chip's half of BAC: hands out a challenge, checks the terminal's cryptogram, answers with its own."""

    def __init__(self, mrz_info: str, random: Callable[[int], bytes] = os.urandom) -> None:
        self._keys = derive_bac_keys(mrz_info)
        self._random = random
        self._rnd_ic: bytes | None = None

    def get_challenge(self) -> bytes:
        self._rnd_ic = self._random(8)
        return self._rnd_ic

    def external_authenticate(self, data: bytes) -> tuple[bytes, SmSession] | None:
        """(answer, session) when the terminal proved it knows the MRZ key; None otherwise (→ 6982)."""
        rnd_ic, self._rnd_ic = self._rnd_ic, None
        if rnd_ic is None or len(data) != 40:
            return None
        e_ifd, m_ifd = data[:32], data[32:]
        if not hmac.compare_digest(cipher.mac(DES3, self._keys.k_mac, e_ifd), m_ifd):
            return None
        plain = cipher.decrypt(DES3, self._keys.k_enc, e_ifd)
        rnd_ifd, echoed, k_ifd = plain[:8], plain[8:16], plain[16:]
        if echoed != rnd_ic:
            return None
        k_ic = self._random(16)
        e_ic = cipher.encrypt(DES3, self._keys.k_enc, rnd_ic + rnd_ifd + k_ic)
        answer = e_ic + cipher.mac(DES3, self._keys.k_mac, e_ic)
        return answer, _session_from_key_material(k_ifd, k_ic, rnd_ic, rnd_ifd)
