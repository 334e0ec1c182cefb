"""The emulated chip: an APDU processor speaking the chip side of ICAO 9303-11 over a personalised card image.

It implements what a reader meets on a real eMRTD chip (ISO/IEC 7816-4 file system commands, 9303-11 §4 access
control, §9.8 secure messaging, §6.1 Active and §6.2 Chip Authentication) with the status words the standard
names: 6982 before access control or after a wrong key, 6987/6988 for missing/wrong SM objects (which also end
the session), 6A82 for a missing file, 6B00 for an offset beyond the file, 6700 for a length the chip cannot
serve. The emulator backs the demo card reader, the unit tests and (through vpcd) the pcscd integration tests.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from cryptography.hazmat.primitives.asymmetric import ec

from devices.card.errors import ApduFormatError, SecureMessagingError
from devices.card.protocol import cipher
from devices.card.protocol.apdu import (
    SHORT_MAX_NE,
    SW_CONDITIONS_NOT_SATISFIED,
    SW_END_OF_FILE,
    SW_FILE_NOT_FOUND,
    SW_FUNC_NOT_SUPPORTED,
    SW_INCORRECT_P1P2,
    SW_INS_NOT_SUPPORTED,
    SW_OK,
    SW_SECURITY_NOT_SATISFIED,
    SW_SM_OBJECTS_INCORRECT,
    SW_WRONG_DATA,
    SW_WRONG_LENGTH,
    SW_WRONG_OFFSET,
    CommandApdu,
    ResponseApdu,
)
from devices.card.protocol.bac import ChipBac
from devices.card.protocol.chip_auth import CA_SUITES, ID_CA_ECDH_3DES, ca_session
from devices.card.protocol.ec_point import CURVES_BY_PARAMETER_ID
from devices.card.protocol.pace import ECDH_GM_SUITES, ChipPace, decode_oid
from devices.card.protocol.secure_messaging import SmSession, unwrap_command, wrap_response
from devices.card.protocol.transport import contactless_atr
from devices.card.tlv import TlvError, encode_tlv, parse_all

AID_EMRTD = bytes.fromhex("A0000002471001")
FID_CARD_ACCESS = 0x011C
FID_ATR_INFO = 0x2F01
PUBLIC_FIDS = frozenset({FID_CARD_ACCESS, FID_ATR_INFO})  # readable in the master file before access control
SW_AUTH_FAILED = 0x6300


@dataclass(frozen=True)
class ChipBehaviour:
    """Where a chip departs from the plain one. Defaults: the plain chip."""

    # Where the chip announces extended length: its ATR card capabilities, EF.ATR/INFO, or nowhere.
    length_info: Literal["atr", "ef_atr_info", "none"] = "atr"
    # What it announces there; None: the truth. A false claim stands for a chip (or reader) that says yes and fails.
    length_claim: bool | None = None
    # For an extended command it cannot take: "first" answers 6700 at once; "after_access" checks the current file
    # (6985), the file's existence (6A82) and access rights (6982) before the length (6700).
    length_check: Literal["first", "after_access"] = "first"
    # How a protected extended command it cannot take fails: plain 6700, or the session is dropped (6988).
    extended_refusal: Literal["wrong_length", "session_lost"] = "wrong_length"
    # A chip that accepts the reader's PACE token but answers a wrong token of its own, or sends a point that is
    # not on the curve (as an invalid-curve attack would).
    pace_fault: Literal["none", "wrong_token", "off_curve_point"] = "none"
    # Spoil the MAC of the n-th protected response (1 = the first); 0: never.
    bad_mac_after: int = 0


class ChipContents(Protocol):
    """What the chip serves: a personalised card image (see emulator.personalise.CardImage)."""

    @property
    def files(self) -> dict[int, bytes]: ...
    @property
    def mrz_info(self) -> str: ...
    @property
    def aa_private_key(self) -> Any: ...
    @property
    def ca_private_key(self) -> Any: ...
    @property
    def pace_curve(self) -> str | None: ...
    @property
    def extended_length(self) -> bool: ...
    @property
    def behaviour(self) -> ChipBehaviour: ...


@dataclass
class _Pending:
    """Chip Authentication agreed: switch keys once the (old-key) response has gone out."""

    session: SmSession


class EmulatedChip:
    """Processes one command APDU at a time, like the chip's operating system."""

    def __init__(self, image: ChipContents, random: Callable[[int], bytes] = os.urandom,
                 atr: bytes | None = None) -> None:
        self.image = image
        self._random = random
        behaviour = image.behaviour
        claim = image.extended_length if behaviour.length_claim is None else behaviour.length_claim
        if atr is None:
            atr = contactless_atr(claim if behaviour.length_info == "atr" else None)
        self.atr = atr
        self.short_ef_ids = True  # False: behave like chips that need SELECT before READ BINARY
        self.reset()

    def reset(self) -> None:
        """Power cycle: everything volatile is gone."""
        self._app_selected = False
        self._current: int | None = None
        self._session: SmSession | None = None
        self._bac = ChipBac(self.image.mrz_info, self._random)
        self._pace: ChipPace | None = None
        self._ca_oid: str | None = None
        self._pending: _Pending | None = None
        self._leftover = b""
        self._protected_answers = 0

    @property
    def authenticated(self) -> bool:
        return self._session is not None

    def process(self, raw: bytes) -> bytes:
        try:
            command = CommandApdu.from_bytes(raw)
        except ApduFormatError:
            return SW_WRONG_LENGTH.to_bytes(2, "big")
        extended = len(raw) >= 7 and raw[4] == 0
        if extended and not self.image.extended_length:
            return self._refuse_extended(command).to_bytes()
        return self._process(command).to_bytes()

    def _refuse_extended(self, command: CommandApdu) -> ResponseApdu:
        """An extended command this chip cannot take, refused in the order `behaviour` names."""
        behaviour = self.image.behaviour
        if command.cla & 0x0C:
            if self._session is None:
                return ResponseApdu.status(SW_SM_OBJECTS_INCORRECT)
            if behaviour.extended_refusal == "session_lost":
                self._drop_session()
                return ResponseApdu.status(SW_SM_OBJECTS_INCORRECT)
            return ResponseApdu.status(SW_WRONG_LENGTH)
        if behaviour.length_check == "after_access":
            refusal = self._access_refusal(command)
            if refusal is not None:
                return ResponseApdu.status(refusal)
        return ResponseApdu.status(SW_WRONG_LENGTH)

    def _access_refusal(self, command: CommandApdu) -> int | None:
        """The status a READ BINARY would meet before its length is looked at, or None."""
        if command.ins == 0xB0 and command.p1 & 0x80:
            fid: int | None = 0x0100 | (command.p1 & 0x1F)
        elif command.ins in (0xB0, 0xB1):
            fid = self._current
        else:
            return None
        if fid is None:
            return SW_CONDITIONS_NOT_SATISFIED
        if fid not in self.image.files or (fid not in PUBLIC_FIDS and not self._app_selected):
            return SW_FILE_NOT_FOUND
        if not self._may_read(fid):
            return SW_SECURITY_NOT_SATISFIED
        return None

    def _process(self, command: CommandApdu) -> ResponseApdu:
        leftover, self._leftover = self._leftover, b""
        if command.ins == 0xC0 and command.cla & 0x0C == 0:
            if not leftover:
                return ResponseApdu.status(SW_CONDITIONS_NOT_SATISFIED)
            limit = command.ne or SHORT_MAX_NE
            self._leftover = leftover[limit:]
            sw = 0x6100 | min(len(self._leftover), 0xFF) if self._leftover else SW_OK
            return ResponseApdu(leftover[:limit], sw)
        session = self._session
        if command.cla & 0x0C:
            if session is None:
                return ResponseApdu.status(SW_SM_OBJECTS_INCORRECT)
            try:
                plain = unwrap_command(session, command)
            except (SecureMessagingError, TlvError) as exc:
                self._drop_session()
                sw = exc.sw if isinstance(exc, SecureMessagingError) and exc.sw else SW_SM_OBJECTS_INCORRECT
                return ResponseApdu.status(sw)
            answer = self._dispatch(plain)
            if plain.ne is not None and len(answer.data) > plain.ne:
                answer = ResponseApdu.status(SW_WRONG_LENGTH)
            wrapped = wrap_response(session, answer)
            self._protected_answers += 1
            if self._protected_answers == self.image.behaviour.bad_mac_after:
                wrapped = ResponseApdu(wrapped.data[:-1] + bytes([wrapped.data[-1] ^ 0x01]), wrapped.sw)
            if self._pending is not None:
                self._session, self._pending = self._pending.session, None
            limit = command.ne or SHORT_MAX_NE
            if len(wrapped.data) > limit:
                # Too long for the outer Le: hand it out in pieces through GET RESPONSE (7816-4 §5.3.4).
                self._leftover = wrapped.data[limit:]
                return ResponseApdu(wrapped.data[:limit], 0x6100 | min(len(self._leftover), 0xFF))
            return wrapped
        if session is not None and command.ins not in (0x84, 0x82, 0x22, 0x86, 0xA4):
            self._drop_session()  # 9303-11 §9.8: a plain APDU in a session aborts it
        return self._dispatch(command)

    def _drop_session(self) -> None:
        self._session = None
        self._pending = None

    def _dispatch(self, command: CommandApdu) -> ResponseApdu:
        handlers = {
            0xA4: self._select, 0xB0: self._read_binary, 0xB1: self._read_binary_odd,
            0x84: self._get_challenge, 0x82: self._external_authenticate, 0x22: self._manage_security_environment,
            0x86: self._general_authenticate, 0x88: self._internal_authenticate,
        }
        handler = handlers.get(command.ins)
        if handler is None:
            return ResponseApdu.status(SW_INS_NOT_SUPPORTED)
        return handler(command)

    # --- files (ISO/IEC 7816-4 §11.2, §11.3) ---------------------------------------------------------------

    def _may_read(self, fid: int) -> bool:
        return fid in PUBLIC_FIDS or (self._app_selected and self._session is not None)

    def _select(self, command: CommandApdu) -> ResponseApdu:
        if command.p1 == 0x04:
            if command.data != AID_EMRTD:
                return ResponseApdu.status(SW_FILE_NOT_FOUND)
            self._app_selected, self._current = True, None
            return ResponseApdu.status(SW_OK)
        if command.p1 in (0x00, 0x02) and len(command.data) == 2:
            fid = int.from_bytes(command.data, "big")
            if fid == 0x3F00:
                self._app_selected, self._current = False, None
                return ResponseApdu.status(SW_OK)
            if fid not in self.image.files or (fid not in PUBLIC_FIDS and not self._app_selected):
                return ResponseApdu.status(SW_FILE_NOT_FOUND)
            if not self._may_read(fid):
                return ResponseApdu.status(SW_SECURITY_NOT_SATISFIED)
            self._current = fid
            return ResponseApdu.status(SW_OK)
        return ResponseApdu.status(SW_FUNC_NOT_SUPPORTED)

    def _serve(self, fid: int | None, offset: int, ne: int | None) -> ResponseApdu:
        if fid is None:
            return ResponseApdu.status(SW_CONDITIONS_NOT_SATISFIED)
        if fid not in self.image.files:
            return ResponseApdu.status(SW_FILE_NOT_FOUND)
        if not self._may_read(fid):
            return ResponseApdu.status(SW_SECURITY_NOT_SATISFIED)
        content = self.image.files[fid]
        if offset > len(content):
            return ResponseApdu.status(SW_WRONG_OFFSET)
        want = ne or SHORT_MAX_NE
        chunk = content[offset : offset + want]
        return ResponseApdu(chunk, SW_OK if len(chunk) == want else SW_END_OF_FILE)

    def _read_binary(self, command: CommandApdu) -> ResponseApdu:
        if command.p1 & 0x80 and not self.short_ef_ids:
            return ResponseApdu.status(SW_INCORRECT_P1P2)
        if command.p1 & 0x80:
            fid = 0x0100 | (command.p1 & 0x1F)
            if fid != FID_CARD_ACCESS and not self._app_selected:
                return ResponseApdu.status(SW_FILE_NOT_FOUND)
            if fid in self.image.files and self._may_read(fid):
                self._current = fid
            return self._serve(fid, command.p2, command.ne)
        return self._serve(self._current, ((command.p1 & 0x7F) << 8) | command.p2, command.ne)

    def _read_binary_odd(self, command: CommandApdu) -> ResponseApdu:
        try:
            offset_do = next((o for o in parse_all(command.data) if o.tag == 0x54), None)
        except TlvError:
            return ResponseApdu.status(SW_WRONG_DATA)
        if offset_do is None or not offset_do.value:
            return ResponseApdu.status(SW_WRONG_DATA)
        fid = self._current
        if command.p1 or command.p2:
            fid = (command.p1 << 8) | command.p2
            if fid in self.image.files and self._may_read(fid):
                self._current = fid
        ne = command.ne or SHORT_MAX_NE
        plain = self._serve(fid, int.from_bytes(offset_do.value, "big"), max(1, ne - 4))
        if not plain.data:
            return plain
        return ResponseApdu(encode_tlv(0x53, plain.data), plain.sw)

    # --- BAC (9303-11 §4.3) ----------------------------------------------------------------------------------

    def _get_challenge(self, command: CommandApdu) -> ResponseApdu:
        if command.ne != 8:
            return ResponseApdu.status(SW_WRONG_LENGTH)
        return ResponseApdu(self._bac.get_challenge(), SW_OK)

    def _external_authenticate(self, command: CommandApdu) -> ResponseApdu:
        result = self._bac.external_authenticate(command.data)
        if result is None:
            self._drop_session()
            return ResponseApdu.status(SW_SECURITY_NOT_SATISFIED)
        answer, session = result
        self._session = session
        return ResponseApdu(answer, SW_OK)

    # --- PACE (§4.4) and Chip Authentication (§6.2) ----------------------------------------------------------

    def _manage_security_environment(self, command: CommandApdu) -> ResponseApdu:
        try:
            items = {obj.tag: obj.value for obj in parse_all(command.data)}
        except TlvError:
            return ResponseApdu.status(SW_WRONG_DATA)
        p1p2 = (command.p1 << 8) | command.p2
        if p1p2 == 0xC1A4:
            return self._pace_set_at(items)
        if p1p2 == 0x41A4 and self._session is not None and self.image.ca_private_key is not None:
            try:
                oid = decode_oid(items.get(0x80, b""))
            except ValueError:
                return ResponseApdu.status(SW_WRONG_DATA)
            if oid not in CA_SUITES:
                return ResponseApdu.status(SW_WRONG_DATA)
            self._ca_oid = oid
            return ResponseApdu.status(SW_OK)
        if p1p2 == 0x41A6 and self._session is not None and self.image.ca_private_key is not None:
            return self._chip_authenticate(items.get(0x91, b""), CA_SUITES[ID_CA_ECDH_3DES])
        return ResponseApdu.status(SW_CONDITIONS_NOT_SATISFIED)

    def _pace_set_at(self, items: dict[int, bytes]) -> ResponseApdu:
        if self.image.pace_curve is None:
            return ResponseApdu.status(SW_FUNC_NOT_SUPPORTED)
        try:
            oid = decode_oid(items.get(0x80, b""))
        except ValueError:
            return ResponseApdu.status(SW_WRONG_DATA)
        parameter = items.get(0x84, b"")
        curve = CURVES_BY_PARAMETER_ID.get(parameter[0]) if len(parameter) == 1 else None
        suite = ECDH_GM_SUITES.get(oid)
        if curve is None or suite is None or curve.name != self.image.pace_curve or items.get(0x83) != b"\x01":
            return ResponseApdu.status(SW_WRONG_DATA)
        self._drop_session()
        self._pace = ChipPace(self.image.mrz_info, oid, curve, suite, fault=self.image.behaviour.pace_fault)
        return ResponseApdu.status(SW_OK)

    def _general_authenticate(self, command: CommandApdu) -> ResponseApdu:
        if self._ca_oid is not None and self._session is not None:
            try:
                items = {o.tag: o.value for o in parse_all(parse_all(command.data)[0].value)}
            except (TlvError, IndexError):
                return ResponseApdu.status(SW_WRONG_DATA)
            suite, self._ca_oid = CA_SUITES[self._ca_oid], None
            agreed = self._chip_authenticate(items.get(0x80, b""), suite)
            return ResponseApdu(encode_tlv(0x7C, b""), SW_OK) if agreed.ok else agreed
        pace = self._pace
        if pace is None:
            return ResponseApdu.status(SW_CONDITIONS_NOT_SATISFIED)
        answer = pace.step(command.data)
        if answer is None:
            self._pace = None
            return ResponseApdu.status(SW_AUTH_FAILED)
        if pace.session is not None:
            self._session, self._pace = pace.session, None
        return ResponseApdu(answer, SW_OK)

    def _chip_authenticate(self, encoded_point: bytes, suite: cipher.CipherSuite) -> ResponseApdu:
        key: ec.EllipticCurvePrivateKey = self.image.ca_private_key
        try:
            peer = ec.EllipticCurvePublicKey.from_encoded_point(key.curve, encoded_point)
        except ValueError:
            return ResponseApdu.status(SW_WRONG_DATA)
        self._pending = _Pending(ca_session(suite, key.exchange(ec.ECDH(), peer)))
        return ResponseApdu.status(SW_OK)

    # --- Active Authentication (§6.1) ------------------------------------------------------------------------

    def _internal_authenticate(self, command: CommandApdu) -> ResponseApdu:
        if self._session is None:
            return ResponseApdu.status(SW_SECURITY_NOT_SATISFIED)
        if self.image.aa_private_key is None:
            return ResponseApdu.status(SW_INS_NOT_SUPPORTED)
        if len(command.data) != 8:
            return ResponseApdu.status(SW_WRONG_DATA)
        from devices.card.protocol.active_auth import sign_active_auth

        return ResponseApdu(sign_active_auth(self.image.aa_private_key, command.data), SW_OK)
