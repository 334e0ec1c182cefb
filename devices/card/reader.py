"""The chip-reading facade: one call from an inserted card to a verified `Identity` (ICAO 9303-11 §4-§6, 9303-10).

Order of work, chosen so nothing personal is touched before the chip is known to be the right one:
access control (PACE when EF.CardAccess offers a supported variant, else BAC; each candidate key in turn),
EF.COM for the list of data groups, DG14 and Chip Authentication (the following reads prove it), DG1, DG13,
DG2, DG15 and Active Authentication, EF.SOD and Passive Authentication, the CCCD's internal cross-checks
(`lds.consistency`: MRZ document number = last 9 ID digits, MRZ birth date and sex = DG13, ID-number digits), then
the Identity is assembled. A cross-check failure leaves the chip authentic but not trustworthy: staff must look.
Technical steps are logged without personal data; the data stays in memory.

Extended length fields are used only when the ATR, EF.ATR/INFO or a probe that brought data back shows the card
takes them (`transport`). A card that still fails an extended command (6700, or secure messaging breaking right
after one) gets access control run again and the read starts over on short APDUs, once, with a log line.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from devices.card.access_keys import AccessKey
from devices.card.errors import (
    AccessDeniedError,
    AuthenticityError,
    CardProtocolError,
    SecureMessagingError,
    StaffCheckNeededError,
    UnsupportedCardError,
)
from devices.card.identity import AccessProtocol as Access
from devices.card.identity import ChipCheckStatus, Identity, PassiveAuthStatus, SecurityReport
from devices.card.lds.assemble import identity_from_groups
from devices.card.lds.com import parse_com
from devices.card.lds.consistency import consistency_problems, describe
from devices.card.lds.dg1 import parse_dg1
from devices.card.lds.dg13 import parse_dg13
from devices.card.lds.dg14 import parse_dg14
from devices.card.lds.errors import LdsError
from devices.card.lds.files import AID_EMRTD, FID_ATR_INFO, FID_CARD_ACCESS, FID_COM, FID_SOD, dg_fid
from devices.card.lds.security_infos import (
    ActiveAuthenticationInfo,
    ChipAuthenticationInfo,
    ChipAuthenticationPublicKeyInfo,
    PaceInfo,
    parse_security_infos,
)
from devices.card.lds.sod import parse_sod
from devices.card.protocol.active_auth import ecdsa_hash_for, verify_active_auth
from devices.card.protocol.apdu import (
    EXTENDED_MAX_NE,
    SHORT_MAX_NE,
    SW_END_OF_FILE,
    SW_FILE_NOT_FOUND,
    SW_OK,
    SW_WRONG_LENGTH,
    CommandApdu,
)
from devices.card.protocol.bac import perform_bac
from devices.card.protocol.chip_auth import CA_SUITES, ID_CA_ECDH_3DES, perform_chip_auth
from devices.card.protocol.file_reader import FileReader
from devices.card.protocol.pace import ECDH_GM_SUITES, perform_pace
from devices.card.protocol.secure_messaging import SecureMessagingTransport, SmSession
from devices.card.protocol.transport import ApduTransport, CardTransport, extended_length_from_atr_info
from devices.card.tlv import TlvError, total_length
from devices.card.trust.passive_auth import verify_passive_auth
from devices.card.trust.trust_store import TrustStore

log = logging.getLogger(__name__)

Progress = Callable[[str, float], None]  # (non-personal step name, fraction done)


@dataclass(frozen=True)
class _Access:
    protocol: Access
    session: SmSession


def _select_application(transport: CardTransport) -> None:
    answer = transport.transmit(CommandApdu(0x00, 0xA4, 0x04, 0x0C, AID_EMRTD))
    if answer.sw != SW_OK:
        raise UnsupportedCardError("the card has no ICAO eMRTD application", answer.sw)


def _pace_offer(transport: CardTransport) -> PaceInfo | None:
    """The first supported PACE variant in EF.CardAccess, or None (no file → BAC only)."""
    try:
        raw = _read_card_access(transport)
    except CardProtocolError:
        return None
    if raw is None:
        return None
    try:
        infos = parse_security_infos(raw)
    except LdsError:
        log.warning("EF.CardAccess is malformed; falling back to BAC")
        return None
    for info in infos:
        if isinstance(info, PaceInfo) and info.protocol_oid in ECDH_GM_SUITES and info.parameter_id in (12, 13):
            return info
    return None


def _atr_info(transport: CardTransport) -> bool | None:
    """What EF.ATR/INFO in the master file says about extended length; None when there is no such file or it is
    silent. Read in short form before anything else, as ICAO 9303-10 lets a chip say it there."""
    try:
        selected = transport.transmit(CommandApdu(0x00, 0xA4, 0x02, 0x0C, FID_ATR_INFO.to_bytes(2, "big")))
        if selected.sw != SW_OK:
            return None
        answer = transport.transmit(CommandApdu(0x00, 0xB0, 0x00, 0x00, b"", SHORT_MAX_NE))
    except CardProtocolError:
        return None
    if answer.sw not in (SW_OK, SW_END_OF_FILE):
        return None
    return extended_length_from_atr_info(answer.data)


def _learn_extended_length(transport: CardTransport) -> None:
    """When the ATR is silent, ask EF.ATR/INFO (the probe on EF.CardAccess comes later, if still needed)."""
    if isinstance(transport, ApduTransport) and not transport.extended_length_known:
        announced = _atr_info(transport)
        if announced is not None:
            transport.set_extended_length(announced, "ef_atr_info")


def _read_card_access(transport: CardTransport) -> bytes | None:
    """EF.CardAccess; when nothing has told whether the card takes extended length, the read is the probe, and only
    data coming back counts as a yes."""
    if not isinstance(transport, ApduTransport):
        return FileReader(transport).read(FID_CARD_ACCESS)
    if transport.extended_length_known:
        try:
            return FileReader(transport).read(FID_CARD_ACCESS)
        except CardProtocolError as exc:
            if not _extended_length_failed(transport, exc):
                raise
            # Announced, then refused: no session yet, so only the read is repeated in short form.
            log.warning("extended length refused (%04X) although announced; reading on with short APDUs", exc.sw)
            transport.set_extended_length(False, "fallback")
            return FileReader(transport).read(FID_CARD_ACCESS)
    answer = transport.probe_extended_length(CommandApdu(0x00, 0xB0, 0x80 | 0x1C, 0x00, b"", EXTENDED_MAX_NE))
    if answer.sw == SW_FILE_NOT_FOUND:
        return None
    if answer.sw in (SW_OK, SW_END_OF_FILE) and answer.data:
        try:
            if total_length(answer.data[:8]) <= len(answer.data):
                return answer.data[: total_length(answer.data[:8])]
        except TlvError:
            return None
    return FileReader(transport).read(FID_CARD_ACCESS)


def establish_access(transport: CardTransport, keys: Sequence[AccessKey], prefer_pace: bool = True) -> _Access:
    """PACE or BAC with the first key that works; AccessDeniedError when none does."""
    if not keys:
        raise AccessDeniedError("no access key given")
    _learn_extended_length(transport)
    offer = _pace_offer(transport) if prefer_pace else None
    if offer is not None and offer.parameter_id is not None:
        for index, key in enumerate(keys):
            try:
                session = perform_pace(transport, key.mrz_info, offer.protocol_oid, offer.parameter_id)
            except AccessDeniedError:
                log.info("PACE refused key %d of %d (%s)", index + 1, len(keys), key.source)
                continue
            log.info("PACE established with key %d (%s)", index + 1, key.source)
            secure = SecureMessagingTransport(transport, session)
            _select_application(secure)
            return _Access(Access.PACE, secure.session)
        raise AccessDeniedError(f"PACE refused all {len(keys)} access keys")
    _select_application(transport)
    for index, key in enumerate(keys):
        try:
            session = perform_bac(transport, key.mrz_info)
        except AccessDeniedError:
            log.info("BAC refused key %d of %d (%s)", index + 1, len(keys), key.source)
            continue
        log.info("BAC established with key %d (%s)", index + 1, key.source)
        return _Access(Access.BAC, session)
    raise AccessDeniedError(f"BAC refused all {len(keys)} access keys")


def _chip_auth(secure: SecureMessagingTransport, dg14: bytes) -> tuple[ChipCheckStatus, str | None]:
    """Run CA when DG14 offers a supported ECDH key. Returns the status and the AA hash name DG14 names."""
    try:
        infos = parse_dg14(dg14)
    except LdsError:
        return ChipCheckStatus.FAILED, None
    aa_hash = next((i.signature_algorithm_oid for i in infos if isinstance(i, ActiveAuthenticationInfo)), None)
    ca_info = next((i for i in infos if isinstance(i, ChipAuthenticationInfo)), None)
    key_info = next((i for i in infos if isinstance(i, ChipAuthenticationPublicKeyInfo)), None)
    if key_info is None:
        return ChipCheckStatus.NOT_SUPPORTED, aa_hash
    oid = ca_info.protocol_oid if ca_info else ID_CA_ECDH_3DES
    if oid not in CA_SUITES:
        return ChipCheckStatus.NOT_SUPPORTED, aa_hash
    try:
        perform_chip_auth(secure, oid, key_info.public_key_der, ca_info.key_id if ca_info else key_info.key_id)
    except UnsupportedCardError:
        return ChipCheckStatus.NOT_SUPPORTED, aa_hash
    except (CardProtocolError, SecureMessagingError):
        return ChipCheckStatus.FAILED, aa_hash
    return ChipCheckStatus.PASSED, aa_hash


def _active_auth(secure: SecureMessagingTransport, dg15: bytes, hash_oid: str | None) -> ChipCheckStatus:
    challenge = os.urandom(8)
    # An RSA-2048 signature does not fit a short protected response; ask for it whole when the card allows.
    ne = EXTENDED_MAX_NE if secure.extended_length else SHORT_MAX_NE
    answer = secure.transmit(CommandApdu(0x00, 0x88, 0x00, 0x00, challenge, ne))
    if answer.sw == SW_WRONG_LENGTH and _sent_extended(secure.inner):
        raise CardProtocolError("INTERNAL AUTHENTICATE refused in extended form", answer.sw)
    if not answer.ok:
        return ChipCheckStatus.FAILED
    try:
        hash_name = ecdsa_hash_for(hash_oid) if hash_oid else None
        ok = verify_active_auth(dg15, challenge, answer.data, hash_name)
    except (LdsError, ValueError):
        return ChipCheckStatus.FAILED
    return ChipCheckStatus.PASSED if ok else ChipCheckStatus.FAILED


def _sent_extended(transport: CardTransport) -> bool:
    return isinstance(transport, ApduTransport) and transport.last_extended


def _extended_length_failed(transport: CardTransport, exc: CardProtocolError) -> bool:
    """6700, or secure messaging breaking, right after an extended command that nothing has yet disproved."""
    if not _sent_extended(transport) or not transport.extended_length:
        return False
    return isinstance(exc, SecureMessagingError) or exc.sw == SW_WRONG_LENGTH


def _no_downgrade(sod: bytes, groups: dict[int, bytes], active_auth: ChipCheckStatus,
                  chip_auth: ChipCheckStatus) -> tuple[ChipCheckStatus, ChipCheckStatus]:
    """A chip whose signed SOD covers DG14/DG15 must show them: a clone hiding them to dodge CA/AA fails."""
    try:
        signed = set(parse_sod(sod).hashes)
    except LdsError:
        return active_auth, chip_auth  # Passive Authentication reports the broken SOD
    if 15 in signed and 15 not in groups:
        active_auth = ChipCheckStatus.FAILED
    if 14 in signed and 14 not in groups:
        chip_auth = ChipCheckStatus.FAILED
    return active_auth, chip_auth


@dataclass
class _Read:
    groups: dict[int, bytes]
    sod: bytes | None
    active_auth: ChipCheckStatus
    chip_auth: ChipCheckStatus


def _read_files(transport: CardTransport, access: _Access, step: Callable[[str, float], None]) -> _Read:
    """Everything after access control: EF.COM, DG14 and Chip Authentication, the data groups, AA, EF.SOD."""
    secure = SecureMessagingTransport(transport, access.session)
    files = FileReader(secure)
    step("com", 0.1)
    com_raw = files.read(FID_COM)
    try:
        present = set(parse_com(com_raw).data_groups) if com_raw else {1, 2, 13, 14, 15}
    except LdsError:
        present = {1, 2, 13, 14, 15}
    groups: dict[int, bytes] = {}
    chip_auth, aa_hash = ChipCheckStatus.NOT_SUPPORTED, None
    if 14 in present:
        step("chip_auth", 0.15)
        dg14 = files.read(dg_fid(14))
        if dg14 is not None:
            groups[14] = dg14
            chip_auth, aa_hash = _chip_auth(secure, dg14)
    try:
        for number, fraction in ((1, 0.25), (13, 0.35), (2, 0.45), (15, 0.8)):
            if number in present:
                step(f"dg{number}", fraction)
                data = files.read(dg_fid(number))
                if data is not None:
                    groups[number] = data
        active_auth = ChipCheckStatus.NOT_SUPPORTED
        if 15 in groups:
            step("active_auth", 0.85)
            active_auth = _active_auth(secure, groups[15], aa_hash)
        step("sod", 0.9)
        sod = files.read(FID_SOD)
    except SecureMessagingError as exc:
        if chip_auth is ChipCheckStatus.PASSED and not _extended_length_failed(transport, exc):
            raise AuthenticityError("chip failed to continue after Chip Authentication") from exc
        raise
    return _Read(groups, sod, active_auth, chip_auth)


def read_card(transport: CardTransport, keys: Sequence[AccessKey], trust_store: TrustStore | None,
              progress: Progress | None = None, *, today: date | None = None,
              prefer_pace: bool = True) -> Identity:
    """Read and verify the chip on `transport`. Raises CardError subclasses; returns the Identity otherwise
    (check `identity.security.trustworthy`, or use `require_trustworthy`)."""
    def step(name: str, fraction: float) -> None:
        if progress is not None:
            progress(name, fraction)

    step("access", 0.0)
    access = establish_access(transport, keys, prefer_pace)
    try:
        read = _read_files(transport, access, step)
    except CardProtocolError as exc:
        if not isinstance(transport, ApduTransport) or not _extended_length_failed(transport, exc):
            raise
        # The card (or the reader between us) said it takes extended length and then did not: the session is
        # gone either way, so open a new one and read everything again in short form. Only once.
        log.warning("extended length failed (%s, %s); access control again, reading on with short APDUs",
                    exc.code, f"{exc.sw:04X}" if exc.sw is not None else "no status")
        transport.set_extended_length(False, "fallback")
        step("access", 0.0)
        access = establish_access(transport, keys, prefer_pace)
        read = _read_files(transport, access, step)
    groups, sod, active_auth, chip_auth = read.groups, read.sod, read.active_auth, read.chip_auth
    if 1 not in groups:
        raise CardProtocolError("the chip has no DG1")
    step("passive_auth", 0.95)
    if sod is None:
        report = SecurityReport(access.protocol, PassiveAuthStatus.TAMPERED, (), active_auth, chip_auth,
                                "EF.SOD missing")
    else:
        result = verify_passive_auth(sod, groups, trust_store, today or date.today())
        active_auth, chip_auth = _no_downgrade(sod, groups, active_auth, chip_auth)
        report = SecurityReport(access.protocol, result.status, result.tampered_groups, active_auth, chip_auth,
                                result.detail, passive_auth_reason=result.reason)
    try:
        report = _with_consistency(report, groups)
        identity = identity_from_groups(groups[1], groups.get(13), groups.get(2), report)
    except (LdsError, TlvError) as exc:
        if report.passive_auth is PassiveAuthStatus.TAMPERED:
            raise AuthenticityError(report.detail, report.tampered_groups) from exc
        raise CardProtocolError(f"chip data not readable: {getattr(exc, 'file', '') or 'LDS'}") from exc
    length = getattr(transport, "extended_length_source", "") or "short"
    log.info("chip read: access=%s pa=%s aa=%s ca=%s consistency=%s length=%s apdus=%d", report.access,
             report.passive_auth, report.active_auth, report.chip_auth, ",".join(report.consistency) or "ok",
             f"{'extended' if transport.extended_length else 'short'}/{length}", transport.apdu_count)
    step("done", 1.0)
    return identity


def _with_consistency(report: SecurityReport, groups: dict[int, bytes]) -> SecurityReport:
    """The report with the CCCD's internal cross-checks (DG1 vs DG13 vs the ID number's own digits) added."""
    problems = consistency_problems(parse_dg1(groups[1]), parse_dg13(groups[13]) if 13 in groups else None)
    if not problems:
        return report
    detail = "; ".join(part for part in (report.detail, describe(problems)) if part)
    return replace(report, consistency=problems, detail=detail)


def require_trustworthy(identity: Identity) -> Identity:
    """The identity, or AuthenticityError naming the data groups when the chip cannot be trusted, or
    StaffCheckNeededError (an AuthenticityError) when a genuine chip's data disagrees with itself."""
    report = identity.security
    if report is None or not report.authentic:
        groups = report.tampered_groups if report else ()
        raise AuthenticityError(report.detail if report else "no security report", groups)
    if report.consistency:
        raise StaffCheckNeededError(report.detail, report.consistency)
    return identity
