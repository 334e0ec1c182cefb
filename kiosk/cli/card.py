"""CLI group `card`: list PC/SC readers, read a chip ID card end to end, run the card emulator on vpcd.

    kiosk card readers
    kiosk card read [--reader SUBSTRING] (--mrz TEXT | --qr TEXT | --id-number N --birth YYMMDD --expiry YYMMDD)
                    [--trust-store DIR] [--photo-out PATH] [--json]
    kiosk card emulate --profile FILE [--port 35963] [--tamper-dg N] [--issuer-dir DIR]

Exit codes of `read`: 0 read and genuine (or unchecked: no trust store, or its CRL out of date), 2 usage, 3 no
reader or no card, 4 access denied (wrong MRZ/QR), 5 authenticity failure (including a chip that fails its side of
PACE), 6 card removed (the PC/SC transmit failed), 1 anything else (a broken secure-messaging link has its own
message: the card is still there).
A genuinely signed chip whose data disagrees with itself also exits 5, with its own message asking for a staff
check; `security.consistency` in --json lists the problem codes.
Personal data goes only to stdout (the citizen's own read) or to --photo-out; never to logs.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import time
from pathlib import Path
from typing import Any

from devices.card.access_keys import AccessKey, InvalidAccessKeyError, from_details, from_mrz, from_qr
from devices.card.errors import (
    AccessDeniedError,
    AuthenticityError,
    CardError,
    CardRemovedError,
    NoCardError,
    NoReaderError,
    SecureMessagingError,
)
from devices.card.identity import Identity, PassiveAuthStatus, SecurityReport
from devices.card.trust.trust_store import TrustStore, TrustStoreMissingError
from kiosk.cli.context import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, CliContext

EXIT_NO_CARD = 3
EXIT_ACCESS_DENIED = 4
EXIT_NOT_AUTHENTIC = 5
EXIT_REMOVED = 6

log = logging.getLogger(__name__)


def register(sub: Any) -> None:
    """Add this group's sub-commands to the `kiosk` parser."""
    card = sub.add_parser("card", help="chip ID card (CCCD) reader")
    csub = card.add_subparsers(dest="card_command", metavar="ACTION", required=True)

    p = csub.add_parser("readers", help="list PC/SC readers and whether a card is present")
    p.set_defaults(handler=_readers)

    p = csub.add_parser("read", help="read and verify the card on a reader")
    p.add_argument("--reader", default=None, help="part of the reader name")
    key = p.add_mutually_exclusive_group()
    key.add_argument("--mrz", help="the 3-line TD1 MRZ from the back of the card (lines joined or newline-separated)")
    key.add_argument("--qr", help="the text of the QR code on the front of the card")
    key.add_argument("--id-number", help="12-digit personal ID number (with --birth and --expiry)")
    p.add_argument("--birth", help="date of birth, YYMMDD")
    p.add_argument("--expiry", help="date of expiry, YYMMDD")
    p.add_argument("--trust-store", type=Path, help="folder of trusted CSCA certificates / master lists")
    p.add_argument("--photo-out", type=Path, help="write the portrait to this file")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(handler=_read)

    p = csub.add_parser("emulate", help="run an emulated card on the vpcd virtual reader (technicians)")
    p.add_argument("--profile", type=Path, default=None, help="card profile TOML (default: the demo card)")
    p.add_argument("--port", type=int, default=35963, help="vpcd TCP port (see /etc/reader.conf.d/vpcd)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--tamper-dg", type=int, default=None, help="edit this data group after signing")
    p.add_argument("--issuer-dir", type=Path, default=None, help="test issuer keys (created when missing)")
    p.add_argument("--remove-after", type=int, default=None, help="drop the card after this many APDUs")
    p.add_argument("--connect-timeout", type=float, default=10.0, help="seconds to wait for vpcd")
    p.set_defaults(handler=_emulate)


def _readers(args: argparse.Namespace, ctx: CliContext) -> int:
    from devices.card.pcsc import list_readers

    del args
    try:
        readers = list_readers()
    except NoReaderError:
        readers = []
    if not readers:
        ctx.warn("card.readers_none")
        return EXIT_NO_CARD
    for reader in readers:
        ctx.say("card.reader_with_card" if reader.card_present else "card.reader_without_card", name=reader.name)
    return EXIT_OK


def _keys(args: argparse.Namespace) -> list[AccessKey]:
    if args.mrz:
        return [from_mrz(args.mrz)]
    if args.qr:
        return from_qr(args.qr)
    if args.id_number:
        if not args.birth or not args.expiry:
            raise InvalidAccessKeyError("--id-number needs --birth and --expiry")
        return [from_details(args.id_number, args.birth, args.expiry)]
    raise InvalidAccessKeyError("give --mrz, --qr or --id-number with --birth and --expiry")


def _security_json(report: SecurityReport | None) -> dict[str, Any] | None:
    if report is None:
        return None
    return {
        "access": report.access.value,
        "passive_auth": report.passive_auth.value,
        "tampered_groups": list(report.tampered_groups),
        "active_auth": report.active_auth.value,
        "chip_auth": report.chip_auth.value,
        "consistency": list(report.consistency),
        "passive_auth_reason": report.passive_auth_reason,
    }


def identity_json(identity: Identity) -> dict[str, Any]:
    def iso(value: Any) -> str | None:
        return value.isoformat() if value is not None else None

    photo = identity.photo
    return {
        "id_number": identity.id_number, "document_number": identity.document_number,
        "full_name": identity.full_name, "date_of_birth": iso(identity.date_of_birth), "sex": identity.sex,
        "nationality": identity.nationality, "ethnicity": identity.ethnicity, "religion": identity.religion,
        "place_of_origin": identity.place_of_origin, "place_of_residence": identity.place_of_residence,
        "identifying_marks": identity.identifying_marks, "date_of_issue": iso(identity.date_of_issue),
        "date_of_expiry": iso(identity.date_of_expiry), "father_name": identity.father_name,
        "mother_name": identity.mother_name, "spouse_name": identity.spouse_name,
        "old_id_number": identity.old_id_number, "mrz": list(identity.mrz_lines),
        "photo": None if photo is None else {"format": photo.format, "width": photo.width,
                                             "height": photo.height, "bytes": len(photo.data)},
        "security": _security_json(identity.security),
    }


def _authenticity_detail(ctx: CliContext, report: SecurityReport | None, groups: tuple[int, ...]) -> str:
    t = ctx.translator
    if groups:
        return t.text("card.tampered_groups", groups=", ".join(f"DG{n}" for n in groups))
    if report is not None and report.passive_auth_reason in ("crl_expired", "dsc_revoked"):
        return t.text(f"card.{report.passive_auth_reason}")
    if report is not None and report.passive_auth is PassiveAuthStatus.UNTRUSTED:
        return t.text("card.untrusted")
    if report is not None and report.passive_auth is PassiveAuthStatus.TAMPERED:
        return t.text("card.tampered_groups", groups="SOD")
    return t.text("card.chip_not_genuine")


def _read(args: argparse.Namespace, ctx: CliContext) -> int:
    from devices.card.pcsc import PcscChannel, choose_reader
    from devices.card.protocol.transport import ApduTransport
    from devices.card.reader import read_card

    try:
        keys = _keys(args)
    except InvalidAccessKeyError as exc:
        ctx.warn("card.invalid_access_key")
        ctx.warn("card.technical_detail", detail=exc.detail)
        return EXIT_USAGE
    store_path = args.trust_store or ctx.config.card.trust_store
    try:
        store = TrustStore.from_folder(store_path, expired_crl=ctx.config.card.expired_crl) if store_path else None
    except (TrustStoreMissingError, OSError) as exc:
        ctx.warn("card.trust_store_missing", detail=str(store_path or exc))
        return EXIT_USAGE
    reader = args.reader if args.reader is not None else ctx.config.card.reader_name
    started, cpu = time.perf_counter(), time.process_time()
    transport: ApduTransport | None = None
    channel: PcscChannel | None = None
    try:
        channel = PcscChannel(choose_reader(reader))
        transport = ApduTransport(channel)
        identity = read_card(transport, keys, store, prefer_pace=ctx.config.card.prefer_pace)
    except (NoReaderError, NoCardError) as exc:
        ctx.warn(exc.message_key)
        return EXIT_NO_CARD
    except AccessDeniedError:
        ctx.warn("card.access_denied")
        return EXIT_ACCESS_DENIED
    except CardRemovedError:
        ctx.warn("card.card_removed")
        return EXIT_REMOVED
    except SecureMessagingError as exc:
        log.info("card read failed: %s (%s)", exc.code, exc.detail)
        ctx.warn("card.secure_messaging")
        return EXIT_FAILURE
    except AuthenticityError as exc:
        ctx.warn("card.not_authentic")
        ctx.warn("card.not_authentic_because", detail=_authenticity_detail(ctx, None, exc.groups))
        return EXIT_NOT_AUTHENTIC
    except CardError as exc:
        log.info("card read failed: %s (%s)", exc.code, exc.detail)
        ctx.warn(exc.message_key if ctx.translator.has(exc.message_key) else "card.read_failed")
        return EXIT_FAILURE
    finally:
        if channel is not None:
            channel.close()
    elapsed_ms = round((time.perf_counter() - started) * 1000)
    log.info("card read in %d ms (%d ms CPU), %d APDUs", elapsed_ms,
             round((time.process_time() - cpu) * 1000), transport.apdu_count)
    report = identity.security
    if report is not None and report.passive_auth_reason == "crl_expired" and report.authentic:
        ctx.warn("card.crl_expired_served")
    trustworthy = report is not None and report.trustworthy
    if args.json:
        payload = identity_json(identity) if trustworthy else {"security": _security_json(report)}
        payload |= {"apdu_count": transport.apdu_count, "elapsed_ms": elapsed_ms}
        ctx.emit_json(payload)
    if report is not None and report.authentic and not trustworthy:
        log.info("genuine chip with inconsistent data: %s", ",".join(report.consistency))
        ctx.warn("card.staff_check_needed")
        return EXIT_NOT_AUTHENTIC
    if not trustworthy:
        ctx.warn("card.not_authentic")
        ctx.warn("card.not_authentic_because",
                 detail=_authenticity_detail(ctx, report, report.tampered_groups if report else ()))
        return EXIT_NOT_AUTHENTIC
    if args.photo_out and identity.photo is not None:
        args.photo_out.write_bytes(identity.photo.data)
        if not args.json:
            ctx.say("card.photo_saved", path=str(args.photo_out))
    if not args.json:
        assert report is not None
        ctx.say("card.read_ok", name=identity.full_name, last4=identity.id_last4, access=report.access.value,
                passive=report.passive_auth.value)
    return EXIT_OK


def _emulate(args: argparse.Namespace, ctx: CliContext) -> int:
    from devices.card.emulator.chip import EmulatedChip
    from devices.card.emulator.personalise import TestIssuer, load_profile, personalise, tamper
    from devices.card.emulator.profile import ProfileError, shipped_profiles_folder
    from devices.card.emulator.vpcd import VpcdCard, VpcdLinkError

    profile_path = args.profile or ctx.config.card.emulator_profile or shipped_profiles_folder() / "demo.toml"
    issuer_dir: Path = args.issuer_dir or ctx.config.kiosk.data_dir / "card-issuer"
    try:
        profile = load_profile(profile_path)
        if (issuer_dir / "rsa_pss").exists():
            issuer = TestIssuer.load(issuer_dir)
        else:
            issuer = TestIssuer.generate()
            issuer.save(issuer_dir)
        trust = issuer.write_trust_store(issuer_dir / "trust")
        image = personalise(profile, issuer)
        if args.tamper_dg is not None:
            image = tamper(image, args.tamper_dg)
    except (ProfileError, ValueError, OSError) as exc:
        ctx.warn("card.bad_profile", detail=str(exc))
        return EXIT_USAGE
    card = VpcdCard(EmulatedChip(image), args.host, args.port, args.remove_after)
    try:
        card.connect(args.connect_timeout)
    except VpcdLinkError:
        ctx.warn("card.emulator_no_vpcd", port=args.port)
        return EXIT_NO_CARD
    ctx.warn("card.emulator_trust_store", path=str(trust.parent))
    ctx.warn("card.emulator_running", profile=profile.name, port=args.port)
    sys.stderr.flush()
    signal.signal(signal.SIGTERM, lambda *_: card.remove())
    try:
        card.serve()
    except KeyboardInterrupt:
        card.remove()
    ctx.warn("card.emulator_stopped", apdus=card.apdus)
    return EXIT_OK
