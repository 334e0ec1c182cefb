"""Address pickers over the 2025 two-level administrative units (province → ward/commune/special zone).

Resolution 202/2025/QH15 merged the 63 provinces into 34 and removed districts from 1 Jul 2025; the unit list
and codes come from the `vietnam-provinces` package (General Statistics Office codes), never typed by hand.
An address value is a plain dict: {"province_code": int, "ward_code": int, "street": str}.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Unit:
    code: int
    name: str


@lru_cache(maxsize=1)
def provinces() -> tuple[Unit, ...]:
    from vietnam_provinces import Province

    return tuple(sorted((Unit(int(p.code), p.name) for p in Province.iter_all()), key=lambda u: _sort_key(u.name)))


@lru_cache(maxsize=64)
def wards(province_code: int) -> tuple[Unit, ...]:
    from vietnam_provinces import ProvinceCode, Ward

    try:
        code = ProvinceCode(province_code)
    except ValueError:
        return ()
    return tuple(sorted((Unit(int(w.code), w.name) for w in Ward.iter_by_province(code)),
                        key=lambda u: _sort_key(u.name)))


def province_name(code: int) -> str:
    return next((u.name for u in provinces() if u.code == code), "")


def ward_name(province_code: int, ward_code: int) -> str:
    return next((u.name for u in wards(province_code) if u.code == ward_code), "")


def format_address(value: dict[str, object]) -> str:
    """One line, smallest unit first, as Vietnamese addresses are written."""
    province = value.get("province_code")
    ward = value.get("ward_code")
    parts = [str(value.get("street") or "").strip()]
    if isinstance(province, int):
        if isinstance(ward, int):
            parts.append(ward_name(province, ward))
        parts.append(province_name(province))
    return ", ".join(p for p in parts if p)


def parse_address(text: str) -> dict[str, object] | None:
    """Best effort: match the last comma parts of a chip residence line to a current province and ward.

    Chip residence text predates the 2025 reform on most cards, so an old district or province name simply
    does not match and the citizen picks the units; whatever matched is only a suggestion to confirm.
    """
    parts = [p.strip() for p in unicodedata.normalize("NFC", text).split(",") if p.strip()]
    if not parts:
        return None
    province = next((u for u in provinces() if _same(u.name, parts[-1])), None)
    if province is None:
        return None
    rest = parts[:-1]
    ward = None
    for i in range(len(rest) - 1, -1, -1):
        ward = next((u for u in wards(province.code) if _same(u.name, rest[i])), None)
        if ward is not None:
            rest = rest[:i]
            break
    return {"province_code": province.code, "ward_code": ward.code if ward else None, "street": ", ".join(rest)}


def _same(unit_name: str, text: str) -> bool:
    a, b = _plain(unit_name), _plain(text)
    for prefix in ("thanh pho ", "tinh ", "phuong ", "xa ", "dac khu ", "tp. ", "tp "):
        a = a.removeprefix(prefix)
        b = b.removeprefix(prefix)
    return a == b


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def _sort_key(name: str) -> str:
    for prefix in ("Thành phố ", "Tỉnh ", "Phường ", "Xã ", "Đặc khu "):
        name = name.removeprefix(prefix)
    return _plain(name)
