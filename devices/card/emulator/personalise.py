"""Personalisation: turn a card profile into the files and keys of a virtual CCCD chip (ICAO 9303-10 LDS layout,
signed per 9303-12 by a `TestIssuer`), and `tamper` to edit a data group after signing, as a forger would.

The result, a `CardImage`, is what the chip emulator serves: files by FID, the MRZ information its BAC/PACE key comes
from, and the chip-private keys for Active and Chip Authentication.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from asn1crypto import keys
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from devices.card.emulator.chip import ChipBehaviour
from devices.card.emulator.domain_parameters import EXPLICIT_CURVES, explicit_spki
from devices.card.emulator.issuer import TestIssuer
from devices.card.emulator.profile import CardProfile, PersonData, ProfileError, load_profile
from devices.card.identity import FacePhoto
from devices.card.lds import dg13 as dg13_mod
from devices.card.lds.com import build_com
from devices.card.lds.dg1 import build_dg1, parse_dg1
from devices.card.lds.dg2 import build_dg2, image_format, image_size, parse_dg2
from devices.card.lds.dg13 import build_dg13, format_date, parse_dg13
from devices.card.lds.dg14 import build_dg14, parse_dg14
from devices.card.lds.dg15 import build_dg15
from devices.card.lds.errors import LdsError
from devices.card.lds.files import FID_ATR_INFO, FID_CARD_ACCESS, FID_COM, FID_SOD, dg_fid
from devices.card.lds.mrz import NO_EXPIRY_MRZ_DATE, build_td1, name_field, parse_mrz, yymmdd
from devices.card.lds.security_infos import (
    ID_AA,
    ID_PK_ECDH,
    PARAMETER_IDS,
    ActiveAuthenticationInfo,
    ChipAuthenticationInfo,
    ChipAuthenticationPublicKeyInfo,
    PaceInfo,
    SecurityInfo,
    build_card_access,
    ca_oid,
    pace_oid,
)
from devices.card.lds.sod import sign_sod
from devices.card.protocol.active_auth import AaPrivateKey
from devices.card.tlv import encode_tlv
from devices.card.trust.public_keys import ASN1_ERRORS

__all__ = ["CardImage", "CardProfile", "TestIssuer", "load_profile", "personalise", "tamper"]

_CURVES: dict[str, type[ec.EllipticCurve]] = {
    "secp256r1": ec.SECP256R1, "secp384r1": ec.SECP384R1, "secp521r1": ec.SECP521R1, "secp224r1": ec.SECP224R1,
    "secp192r1": ec.SECP192R1, "brainpoolP256r1": ec.BrainpoolP256R1, "brainpoolP384r1": ec.BrainpoolP384R1,
    "brainpoolP512r1": ec.BrainpoolP512R1,
}
_ECDSA_SHA256 = "1.2.840.10045.4.3.2"


@dataclass(frozen=True)
class CardImage:
    files: dict[int, bytes] = field(repr=False)
    mrz_info: str = field(repr=False)   # document number + cd + birth + cd + expiry + cd (the BAC/PACE secret)
    aa_private_key: AaPrivateKey | None = field(default=None, repr=False)
    ca_private_key: ec.EllipticCurvePrivateKey | None = field(default=None, repr=False)
    pace_curve: str | None = None
    extended_length: bool = True
    pace_cipher: str = "AES-CBC-CMAC-128"
    behaviour: ChipBehaviour = field(default_factory=ChipBehaviour)

    def __repr__(self) -> str:
        fids = ", ".join(f"{fid:04X}" for fid in sorted(self.files))
        return f"CardImage(files=[{fids}], pace={self.pace_curve}, <personal data hidden>)"


def mrz_lines(person: PersonData) -> tuple[str, str, str]:
    """TD1 lines for a CCCD: last 9 ID digits as the document number, the full ID in the optional data."""
    family, _, given = person.full_name.strip().partition(" ")
    expiry = yymmdd(person.date_of_expiry) if person.date_of_expiry else NO_EXPIRY_MRZ_DATE
    return build_td1(
        document_number=person.id_number[-9:], optional_data_1=person.id_number,
        date_of_birth=yymmdd(person.date_of_birth), sex=person.sex, date_of_expiry=expiry,
        primary=family, secondary=given,
    )


def dg13_fields(person: PersonData) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {
        dg13_mod.F_ID_NUMBER: [person.id_number],
        dg13_mod.F_FULL_NAME: [person.full_name],
        dg13_mod.F_DATE_OF_BIRTH: [format_date(person.date_of_birth)],
        dg13_mod.F_SEX: ["Nam" if person.sex == "M" else "Nữ"],
        dg13_mod.F_NATIONALITY: [person.nationality],
        dg13_mod.F_ETHNICITY: [person.ethnicity],
        dg13_mod.F_RELIGION: [person.religion],
        dg13_mod.F_PLACE_OF_ORIGIN: [person.place_of_origin],
        dg13_mod.F_PLACE_OF_RESIDENCE: [person.place_of_residence],
        dg13_mod.F_IDENTIFYING_MARKS: [person.identifying_marks],
        dg13_mod.F_DATE_OF_ISSUE: [format_date(person.date_of_issue)],
        dg13_mod.F_DATE_OF_EXPIRY: [
            format_date(person.date_of_expiry) if person.date_of_expiry else dg13_mod.NO_EXPIRY_TEXT
        ],
        dg13_mod.F_PARENTS: [person.father_name, person.mother_name],
    }
    if person.spouse_name:
        out[dg13_mod.F_SPOUSE] = [person.spouse_name]
    if person.old_id_number:
        out[dg13_mod.F_OLD_ID] = [person.old_id_number]
    return out


def load_photo(profile: CardProfile) -> FacePhoto:
    try:
        data = profile.photo_path.read_bytes()
    except OSError as exc:
        raise ProfileError(f"photo cannot be read: {exc.strerror}") from exc
    try:
        fmt = image_format(data)
    except LdsError as exc:
        raise ProfileError("the photo must be a JPEG or JPEG 2000 file") from exc
    if profile.options.photo_format == "jpeg2000" and fmt == "jpeg":
        data, fmt = _to_jpeg2000(data), "jpeg2000"
    size = image_size(data)
    if size is None:
        raise ProfileError("photo size cannot be read from its header")
    return FacePhoto(format=fmt, width=size[0], height=size[1], data=data)


def _to_jpeg2000(jpeg: bytes) -> bytes:
    import cv2
    import numpy as np

    image = cv2.imdecode(np.frombuffer(jpeg, dtype=np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise ProfileError("photo cannot be decoded")
    # Rate chosen so a 3:4 portrait lands near the 15-20 kB real cards carry.
    image = cv2.resize(image, (240, 320), interpolation=cv2.INTER_AREA)
    ok, encoded = cv2.imencode(".jp2", image, [cv2.IMWRITE_JPEG2000_COMPRESSION_X1000, 60])
    if not ok:
        raise ProfileError("OpenCV cannot encode JPEG 2000 here")
    return bytes(encoded.tobytes())


def personalise(profile: CardProfile, issuer: TestIssuer) -> CardImage:
    """Build every file of the chip, sign EF.SOD over the data groups, and create the chip's keys."""
    options = profile.options
    lines = mrz_lines(profile.person)
    groups: dict[int, bytes] = {
        1: build_dg1(lines),
        2: build_dg2(load_photo(profile), options.face_container),
        13: build_dg13(dg13_fields(profile.person), nested_parents=options.dg13_parents_nested),
    }
    aa_key: AaPrivateKey | None = None
    if options.active_auth == "rsa":
        aa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    elif options.active_auth == "ec":
        aa_key = ec.generate_private_key(ec.SECP256R1())
    if aa_key is not None:
        groups[15] = build_dg15(aa_key.public_key())
    infos: list[SecurityInfo] = []
    if options.pace_curve:
        infos.append(PaceInfo(pace_oid("ECDH-GM", options.pace_cipher), 2, PARAMETER_IDS[options.pace_curve]))
    ca_key: ec.EllipticCurvePrivateKey | None = None
    if options.chip_auth:
        curve = _CURVES.get(options.pace_curve or "brainpoolP256r1", ec.BrainpoolP256R1)
        ca_key = ec.generate_private_key(curve())
        explicit = options.ca_key_parameters == "explicit"
        if explicit and ca_key.curve.name not in EXPLICIT_CURVES:
            raise ProfileError(f"explicit Chip Authentication parameters are not available for {ca_key.curve.name}")
        spki = _ca_spki(ca_key, explicit)
        infos.append(ChipAuthenticationInfo(ca_oid("ECDH", options.pace_cipher), 1, None))
        infos.append(ChipAuthenticationPublicKeyInfo(ID_PK_ECDH, spki, None))
    if isinstance(aa_key, ec.EllipticCurvePrivateKey):
        infos.append(ActiveAuthenticationInfo(ID_AA, 1, _ECDSA_SHA256))
    if options.chip_auth or isinstance(aa_key, ec.EllipticCurvePrivateKey):
        groups[14] = build_dg14(infos)
    sod = sign_sod(
        groups, issuer.dsc_key, issuer.dsc_der, hash_algorithm=options.hash_algorithm, rsa_pss=issuer.rsa_pss,
        signing_time=datetime.now(UTC),
    )
    files = {dg_fid(number): data for number, data in groups.items()}
    files[FID_COM] = build_com(groups)
    files[FID_SOD] = sod
    if options.pace_curve:
        files[FID_CARD_ACCESS] = build_card_access(options.pace_curve, cipher=options.pace_cipher)
    behaviour = ChipBehaviour(
        length_info=options.length_info, length_claim=options.length_claim, length_check=options.length_check,
        extended_refusal=options.extended_refusal, pace_fault=options.pace_fault, bad_mac_after=options.bad_mac_after,
    )
    if options.length_info == "ef_atr_info":
        claim = options.extended_length if options.length_claim is None else options.length_claim
        files[FID_ATR_INFO] = atr_info(claim)
    return CardImage(
        files=files, mrz_info=parse_mrz("".join(lines)).access_key_text, aa_private_key=aa_key,
        ca_private_key=ca_key, pace_curve=options.pace_curve, extended_length=options.extended_length,
        pace_cipher=options.pace_cipher, behaviour=behaviour,
    )


def atr_info(extended_length: bool) -> bytes:
    """EF.ATR/INFO content (ISO/IEC 7816-4): card capabilities DO'47' (b7 of the third byte: extended
    Lc/Le) and, when extended, the extended length information DO'7F66' (maximum Nc and Ne)."""
    capabilities = encode_tlv(0x47, bytes([0x00, 0x00, 0x40 if extended_length else 0x00]))
    if not extended_length:
        return capabilities
    limits = encode_tlv(0x02, (0xFFFF).to_bytes(2, "big")) + encode_tlv(0x02, (0xFFFF).to_bytes(2, "big"))
    return capabilities + encode_tlv(0x7F66, limits)


def tamper(image: CardImage, dg: int) -> CardImage:
    """The same card with data group `dg` edited after signing (SOD untouched), the way a forger would change it:
    DG1 gets another name (still a valid MRZ), DG13 another place of residence, DG2 a changed pixel run, DG15 and
    DG14 the forger's own Active / Chip Authentication key (so AA and CA pass and only Passive Authentication can
    tell), any other group one flipped byte at its end."""
    fid = dg_fid(dg)
    if fid not in image.files:
        raise ValueError(f"the card has no DG{dg} to tamper with")
    original = image.files[fid]
    aa_key, ca_key = image.aa_private_key, image.ca_private_key
    if dg == 13:
        parsed = parse_dg13(original)
        edited = {number: list(values) for number, values in parsed.fields.items()}
        edited[dg13_mod.F_PLACE_OF_RESIDENCE] = ["Số 1 Đường Giả Mạo, Phường Không Có, Hà Nội"]
        changed = build_dg13(edited, extra_raw=parsed.unknown_raw)
    elif dg == 1:
        lines = list(parse_dg1(original).lines)
        if len(lines) == 3:  # TD1: the name is line 3, outside every check digit
            lines[2] = name_field("Gia", "Mao", 30)
        else:  # TD3: the name follows the document code and issuing state on line 1
            lines[0] = lines[0][:5] + name_field("Gia", "Mao", 39)
        changed = build_dg1(lines)
    elif dg == 2:
        photo = parse_dg2(original)
        middle = original.find(photo.data) + len(photo.data) // 2
        changed = original[:middle] + bytes(b ^ 0x55 for b in original[middle : middle + 16]) + original[middle + 16 :]
    elif dg == 15 and image.aa_private_key is not None:
        aa_key = _same_kind_of_key(image.aa_private_key)
        changed = build_dg15(aa_key.public_key())
    elif dg == 14 and image.ca_private_key is not None:
        ca_key = ec.generate_private_key(image.ca_private_key.curve)
        changed = _replace_ca_key(original, ca_key)
    else:
        changed = original[:-1] + bytes([original[-1] ^ 0x01])
    files = dict(image.files)
    files[fid] = changed
    return dataclasses.replace(image, files=files, aa_private_key=aa_key, ca_private_key=ca_key)


def _same_kind_of_key(key: AaPrivateKey) -> AaPrivateKey:
    if isinstance(key, rsa.RSAPrivateKey):
        return rsa.generate_private_key(public_exponent=65537, key_size=key.key_size)
    return ec.generate_private_key(key.curve)


def _is_explicit(spki: bytes) -> bool:
    try:
        return bool(keys.PublicKeyInfo.load(spki)["algorithm"]["parameters"].name == "specified")
    except ASN1_ERRORS:
        return False


def _ca_spki(key: ec.EllipticCurvePrivateKey, explicit: bool) -> bytes:
    if explicit:
        return explicit_spki(key.public_key())
    return key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def _replace_ca_key(dg14: bytes, key: ec.EllipticCurvePrivateKey) -> bytes:
    infos = [
        # The forger keeps the original key encoding so only Passive Authentication can tell.
        replace(info, public_key_der=_ca_spki(key, _is_explicit(info.public_key_der)))
        if isinstance(info, ChipAuthenticationPublicKeyInfo) else info
        for info in parse_dg14(dg14)
    ]
    return build_dg14(infos)
