"""What a chip read yields: the citizen's identity, the face photo and how far the chip can be trusted.

One immutable value crosses from the card layer to the rest of the kiosk (forms prefill, face check, session).
Its `repr` masks everything personal so it can never leak into a log or a traceback by accident.
Field meanings follow ICAO 9303-10 (DG1, DG2) and the Vietnamese DG13 profile.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Literal


class AccessProtocol(StrEnum):
    BAC = "BAC"
    PACE = "PACE"


class PassiveAuthStatus(StrEnum):
    GENUINE = "genuine"        # SOD signature, DSC → CSCA chain and every data-group hash check out
    TAMPERED = "tampered"      # a data group does not match its signed hash, or the SOD signature is wrong
    UNTRUSTED = "untrusted"    # signed correctly, but by a signer that chains to no trusted CSCA
    UNCHECKED = "unchecked"    # no trust anchor is configured, so nothing could be concluded


class ChipCheckStatus(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    NOT_SUPPORTED = "not_supported"  # the chip does not offer it (no DG15 / DG14)
    NOT_RUN = "not_run"


@dataclass(frozen=True)
class SecurityReport:
    access: AccessProtocol
    passive_auth: PassiveAuthStatus
    tampered_groups: tuple[int, ...] = ()
    active_auth: ChipCheckStatus = ChipCheckStatus.NOT_RUN
    chip_auth: ChipCheckStatus = ChipCheckStatus.NOT_RUN
    detail: str = ""  # technical, non-personal (e.g. "DSC expired"), for technicians' logs
    # Codes of disagreements inside the chip's own data (lds/consistency.py), e.g. "id_number_century_digit".
    consistency: tuple[str, ...] = ()
    # Why Passive Authentication ended as it did, when a person must act on it: "no_trust_store", "crl_expired"
    # (the trust folder's CRL is past its next update), "dsc_revoked"; "" otherwise.
    passive_auth_reason: str = ""

    @property
    def authentic(self) -> bool:
        """The chip and its data come from the issuer as far as checked (unchecked only where no trust store is set)."""
        return (
            self.passive_auth in (PassiveAuthStatus.GENUINE, PassiveAuthStatus.UNCHECKED)
            and self.active_auth is not ChipCheckStatus.FAILED
            and self.chip_auth is not ChipCheckStatus.FAILED
        )

    @property
    def trustworthy(self) -> bool:
        """True when nothing found is wrong, so the kiosk may go on by itself. A genuine chip whose data disagrees
        with itself is not: the self-service flow stops and a staff member looks at the card."""
        return self.authentic and not self.consistency


@dataclass(frozen=True)
class FacePhoto:
    """The DG2 portrait, decoded from its ISO 19794-5 / 39794-5 container (the image bytes stay as stored)."""

    format: Literal["jpeg", "jpeg2000"]
    width: int
    height: int
    data: bytes = field(repr=False)

    def __repr__(self) -> str:
        return f"FacePhoto({self.format}, {self.width}x{self.height}, {len(self.data)} bytes)"


@dataclass(frozen=True)
class Identity:
    id_number: str                 # 12-digit personal identification number
    document_number: str           # as in the MRZ (the last 9 digits of the ID number on a CCCD)
    full_name: str
    date_of_birth: date | None
    sex: Literal["M", "F", "X"]
    nationality: str               # "Việt Nam" from DG13, else the MRZ code
    ethnicity: str = ""
    religion: str = ""
    place_of_origin: str = ""
    place_of_residence: str = ""
    identifying_marks: str = ""
    date_of_issue: date | None = None
    date_of_expiry: date | None = None  # None: the card has no expiry
    father_name: str = ""
    mother_name: str = ""
    spouse_name: str = ""
    old_id_number: str = ""
    mrz_lines: tuple[str, ...] = ()
    photo: FacePhoto | None = None
    security: SecurityReport | None = None

    def __repr__(self) -> str:
        return f"Identity(id=…{self.id_number[-4:] if self.id_number else ''}, <personal data hidden>)"

    __str__ = __repr__

    @property
    def id_last4(self) -> str:
        return self.id_number[-4:]
