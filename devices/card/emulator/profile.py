"""Card profiles: who a virtual CCCD belongs to and which chip features it has, loaded from TOML or JSON.

A profile file has top-level `name` and `photo` (path relative to the file), a `[person]` table with the citizen's
data (dates as TOML dates or "YYYY-MM-DD"; `date_of_expiry = "none"` for a card without expiry) and a `[card]`
table with chip options. All data in shipped profiles is fictional. Besides the chip's features, `[card]` can make
the virtual chip behave like awkward or faulty real ones, for testing the reader: `length_info`, `length_claim`,
`length_check`, `extended_refusal`, `pace_fault` and `bad_mac_after` (see `emulator.chip.ChipBehaviour`).
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path
from typing import Any, Literal

from devices.card.lds.security_infos import CIPHERS, PARAMETER_IDS


class ProfileError(ValueError):
    """A card profile file is missing, malformed or names an impossible option: fix the file."""

    message_key = "card_data.bad_profile"


@dataclass(frozen=True)
class PersonData:
    id_number: str
    full_name: str
    date_of_birth: date
    sex: Literal["M", "F"]
    date_of_issue: date
    date_of_expiry: date | None  # None: the card never expires (issued at 58 or later)
    nationality: str = "Việt Nam"
    ethnicity: str = "Kinh"
    religion: str = "Không"
    place_of_origin: str = ""
    place_of_residence: str = ""
    identifying_marks: str = ""
    father_name: str = ""
    mother_name: str = ""
    spouse_name: str = ""
    old_id_number: str = ""

    def __repr__(self) -> str:
        return "PersonData(<personal data hidden>)"

    __str__ = __repr__


@dataclass(frozen=True)
class CardOptions:
    pace_curve: str | None = "brainpoolP256r1"   # None: no EF.CardAccess, the chip does BAC only
    pace_cipher: str = "AES-CBC-CMAC-128"
    active_auth: Literal["rsa", "ec", "none"] = "rsa"  # rsa: RSA-2048 with ISO 9796-2; ec: ECDSA P-256
    chip_auth: bool = True                         # DG14 with an ECDH Chip Authentication key
    ca_key_parameters: Literal["named", "explicit"] = "named"  # explicit: curve spelt out, as many real chips do
    extended_length: bool = True
    photo_format: Literal["jpeg", "jpeg2000"] = "jpeg"
    face_container: Literal["19794", "39794"] = "19794"
    dg13_parents_nested: bool = True
    hash_algorithm: str = "sha256"
    length_info: Literal["atr", "ef_atr_info", "none"] = "atr"
    length_claim: bool | None = None
    length_check: Literal["first", "after_access"] = "first"
    extended_refusal: Literal["wrong_length", "session_lost"] = "wrong_length"
    pace_fault: Literal["none", "wrong_token", "off_curve_point"] = "none"
    bad_mac_after: int = 0


@dataclass(frozen=True)
class CardProfile:
    name: str
    person: PersonData
    photo_path: Path
    options: CardOptions = field(default_factory=CardOptions)

    def __repr__(self) -> str:
        return f"CardProfile({self.name!r}, <personal data hidden>)"


def _date(value: object, key: str) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError as exc:
            raise ProfileError(f"{key}: {value!r} is not a YYYY-MM-DD date") from exc
    raise ProfileError(f"{key}: a date is needed")


def _person(table: Mapping[str, Any]) -> PersonData:
    known = {f.name for f in fields(PersonData)}
    unknown = set(table) - known
    if unknown:
        raise ProfileError(f"[person] has unknown keys: {', '.join(sorted(unknown))}")
    missing = {"id_number", "full_name", "date_of_birth", "sex", "date_of_issue", "date_of_expiry"} - set(table)
    if missing:
        raise ProfileError(f"[person] lacks: {', '.join(sorted(missing))}")
    values = dict(table)
    values["date_of_birth"] = _date(values["date_of_birth"], "date_of_birth")
    values["date_of_issue"] = _date(values["date_of_issue"], "date_of_issue")
    expiry = values["date_of_expiry"]
    values["date_of_expiry"] = None if expiry in ("none", "", None) else _date(expiry, "date_of_expiry")
    if values["sex"] not in ("M", "F"):
        raise ProfileError("sex must be M or F")
    number = str(values["id_number"])
    if len(number) != 12 or not number.isdigit():
        raise ProfileError("id_number must be 12 digits")
    for key, value in values.items():
        if key not in ("date_of_birth", "date_of_issue", "date_of_expiry") and not isinstance(value, str):
            raise ProfileError(f"[person] {key} must be text")
    return PersonData(**values)


def _options(table: Mapping[str, Any]) -> CardOptions:
    known = {f.name for f in fields(CardOptions)}
    unknown = set(table) - known
    if unknown:
        raise ProfileError(f"[card] has unknown keys: {', '.join(sorted(unknown))}")
    values = dict(table)
    if values.get("pace_curve") in ("none", ""):
        values["pace_curve"] = None
    curve = values.get("pace_curve", CardOptions.pace_curve)
    if curve is not None and curve not in PARAMETER_IDS:
        raise ProfileError(f"pace_curve {curve!r} is not a standardized curve")
    if values.get("pace_cipher", CardOptions.pace_cipher) not in CIPHERS.values():
        raise ProfileError("pace_cipher is not one of " + ", ".join(CIPHERS.values()))
    choices = {
        "active_auth": ("rsa", "ec", "none"), "photo_format": ("jpeg", "jpeg2000"),
        "ca_key_parameters": ("named", "explicit"),
        "face_container": ("19794", "39794"),
        "hash_algorithm": ("sha1", "sha224", "sha256", "sha384", "sha512"),
        "length_info": ("atr", "ef_atr_info", "none"), "length_check": ("first", "after_access"),
        "extended_refusal": ("wrong_length", "session_lost"), "pace_fault": ("none", "wrong_token", "off_curve_point"),
    }
    for key, allowed in choices.items():
        if key in values and values[key] not in allowed:
            raise ProfileError(f"{key} must be one of {', '.join(allowed)}")
    for key in ("chip_auth", "extended_length", "dg13_parents_nested", "length_claim"):
        if key in values and not isinstance(values[key], bool):
            raise ProfileError(f"{key} must be true or false")
    after = values.get("bad_mac_after", 0)
    if isinstance(after, bool) or not isinstance(after, int) or not 0 <= after <= 10_000:
        raise ProfileError("bad_mac_after must be a whole number from 0 to 10000")
    return CardOptions(**values)


def load_profile(path: str | Path) -> CardProfile:
    """A profile from a .toml or .json file."""
    source = Path(path)
    try:
        text = source.read_bytes()
    except OSError as exc:
        raise ProfileError(f"profile {source} cannot be read: {exc.strerror}") from exc
    try:
        data = json.loads(text) if source.suffix.lower() == ".json" else tomllib.loads(text.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ProfileError(f"profile {source.name} is not valid {source.suffix.lstrip('.') or 'TOML'}: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("person"), dict):
        raise ProfileError("profile needs a [person] table")
    photo = data.get("photo")
    if not isinstance(photo, str):
        raise ProfileError("profile needs photo = \"file.jpg\"")
    card = data.get("card", {})
    if not isinstance(card, dict):
        raise ProfileError("[card] must be a table")
    photo_path = (source.parent / photo).resolve()
    if not photo_path.is_file():
        raise ProfileError(f"photo {photo} not found next to the profile")
    return CardProfile(
        name=str(data.get("name", source.stem)), person=_person(data["person"]), photo_path=photo_path,
        options=_options(card),
    )


def shipped_profiles_folder() -> Path:
    """Where the sample profiles live (inside the package, so they install with it)."""
    return Path(__file__).parent / "profiles"
