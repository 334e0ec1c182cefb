"""Text normaliser in front of espeak-ng: turns what is written on screen into what should be heard.

espeak-ng 1.51's Vietnamese voice reads "BHYT" as English, garbles "UBND", does not read "12/3/2025" as a date and
reads "0912 345 678" as hundreds (services.md §5.4). This module rewrites, in order:
abbreviations (from the `speech.acronym_*` messages) → dates (day/month/year, the Vietnamese order) → times →
hotlines and phone numbers (digit by digit, in their written groups) → codes mixing letters and digits (spelled) →
amounts with "." thousands separators and "," decimals (the Vietnamese convention, TCVN 7870 / ISO 80000-1 usage
in Vietnam) → remaining whole numbers → "%" and "đ". Each step replaces digits with words, so later steps never see
them again. English ("en") gets the same treatment with English month names and digits, leaving plain numbers to
espeak-ng, which reads English numbers well.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from datetime import date

from kiosk.i18n import load_catalogue
from kiosk.speech.numbers import (
    DIGITS_EN,
    MONTHS_EN,
    MONTHS_VI,
    decimal_vi,
    digits_en,
    digits_vi,
    number_vi,
)

ACRONYM_PREFIX = "speech.acronym_"

# How letters are named when a code is spelled out (the names taught in Vietnamese schools).
LETTERS_VI = {
    "A": "a", "B": "bê", "C": "xê", "D": "dê", "Đ": "đê", "E": "e", "F": "ép", "G": "giê", "H": "hát", "I": "i",
    "J": "gi", "K": "ca", "L": "lờ", "M": "mờ", "N": "nờ", "O": "o", "P": "pê", "Q": "quy", "R": "rờ", "S": "ét",
    "T": "tê", "U": "u", "V": "vê", "W": "vê kép", "X": "ích", "Y": "i dài", "Z": "dét",
}

_B = r"(?<![\w.,/:+\-])"    # not glued to a word, a number or a separator before
_E = r"(?![\w]|[.,/:\-]\d)"  # nor after (a sentence's full stop may follow)
_DATE = re.compile(_B + r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{4})" + _E)
_MONTH_YEAR = re.compile(r"(?i)\b(tháng)\s+(\d{1,2})/(\d{4})" + _E)
_DAY_MONTH = re.compile(r"(?i)\b(ngày|hôm|mùng|mồng)\s+(\d{1,2})/(\d{1,2})" + _E)
_TIME = re.compile(_B + r"(\d{1,2})(?::(\d{2})|h(\d{2})?)(?:\s?phút)?(?![\w:])")
_HOTLINE = re.compile(_B + r"1[89]00(?:[ .\-]?\d){4,6}" + _E)
_PHONE = re.compile(_B + r"(?:\+84[ .\-]?\d(?:[ .\-]?\d){8}|0\d(?:[ .\-]?\d){8,9})" + _E)
_CODE = re.compile(r"(?<![\w.\-/])(?=[\w.\-/]*[A-Za-zĐđ])(?=[\w.\-/]*\d)[A-Za-zĐđ0-9]+(?:[.\-/][A-Za-zĐđ0-9]+)*"
                   r"(?![\w]|[.\-/][\w])")
_CURRENCY = re.compile(r"(?<=\d)\s?[đ₫](?!\w)")
_THOUSANDS = re.compile(_B + r"(\d{1,3}(?:\.\d{3})+)(?:,(\d+))?" + _E)
_DECIMAL = re.compile(_B + r"(\d+),(\d+)" + _E)
_RATIO = re.compile(_B + r"(\d+)\s?/\s?(\d+)" + _E)
_INTEGER = re.compile(r"\d+")
_PERCENT = re.compile(r"\s?%")
_SPACES = re.compile(r"[ \t]+")
_GROUPS = re.compile(r"[ .\-]")

_MAX_WORDS_NUMBER = 9  # longer digit runs are identifiers, never quantities: read digit by digit


def _valid_date(day: int, month: int, year: int = 2024) -> bool:
    """A real calendar day (2024 is a leap year, so "29/2" without a year is allowed)."""
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _phone_groups(text: str) -> list[str]:
    body = text.replace("+84", "").strip(" .-")
    groups = [g for g in _GROUPS.split(body) if g]
    if len(groups) == 1:  # written without spaces: say it the way it is usually grouped (0912 345 678)
        digits = groups[0]
        cut = (4, 7) if len(digits) == 10 else (3, 7) if len(digits) == 11 else (3, 6)
        groups = [digits[: cut[0]], digits[cut[0]: cut[1]], digits[cut[1]:]]
    return [g for g in groups if g]


class SpeechNormaliser:
    def __init__(self, acronyms: Mapping[str, Mapping[str, str]]) -> None:
        """`acronyms`: abbreviation as written → {language → spoken form}."""
        self._acronyms = {k: dict(v) for k, v in acronyms.items()}
        keys = sorted(self._acronyms, key=len, reverse=True)
        self._acronym_re = (re.compile(r"(?<![\w.])(" + "|".join(map(re.escape, keys)) + r")(?![\w]|\.\w)")
                            if keys else None)

    @classmethod
    def from_catalogue(cls, catalogue: Mapping[str, Mapping[str, str]] | None = None) -> SpeechNormaliser:
        catalogue = catalogue if catalogue is not None else load_catalogue()
        return cls({key.removeprefix(ACRONYM_PREFIX): texts for key, texts in catalogue.items()
                    if key.startswith(ACRONYM_PREFIX)})

    def normalise(self, text: str, lang: str) -> str:
        text = unicodedata.normalize("NFC", text)
        text = self._expand_acronyms(text, lang)
        steps = _VI_STEPS if lang == "vi" else _EN_STEPS
        for pattern, replace in steps:
            text = pattern.sub(replace, text)
        return _SPACES.sub(" ", text).strip()

    def _expand_acronyms(self, text: str, lang: str) -> str:
        if self._acronym_re is None:
            return text

        def spoken(match: re.Match[str]) -> str:
            texts = self._acronyms[match.group(1)]
            return texts.get(lang) or texts.get("vi") or match.group(1)
        return self._acronym_re.sub(spoken, text)


# ---- Vietnamese -------------------------------------------------------------------------------------------------
def _vi_date(m: re.Match[str]) -> str:
    day, month, year = int(m.group(1)), int(m.group(3)), int(m.group(4))
    if not _valid_date(day, month, year):
        return f"{digits_vi(m.group(1))}, {digits_vi(m.group(3))}, {digits_vi(m.group(4))}"
    return f"ngày {number_vi(day)} tháng {MONTHS_VI[month]} năm {number_vi(year)}"


def _vi_month_year(m: re.Match[str]) -> str:
    month = int(m.group(2))
    if not 1 <= month <= 12:
        return m.group(0)
    return f"{m.group(1)} {MONTHS_VI[month]} năm {number_vi(int(m.group(3)))}"


def _vi_day_month(m: re.Match[str]) -> str:
    day, month = int(m.group(2)), int(m.group(3))
    if not _valid_date(day, month):
        return m.group(0)
    return f"{m.group(1)} {number_vi(day)} tháng {MONTHS_VI[month]}"


def _vi_time(m: re.Match[str]) -> str:
    hour = int(m.group(1))
    minute_text = m.group(2) or m.group(3)
    minute = int(minute_text) if minute_text else 0
    if hour > 24 or minute > 59:
        return m.group(0)
    spoken = f"{number_vi(hour)} giờ"
    return f"{spoken} {number_vi(minute)} phút" if minute else spoken


def _vi_phone(m: re.Match[str]) -> str:
    prefix = "cộng tám tư, " if m.group(0).startswith("+84") else ""
    return prefix + ", ".join(digits_vi(g) for g in _phone_groups(m.group(0)))


def _vi_hotline(m: re.Match[str]) -> str:
    return ", ".join(digits_vi(g) for g in _phone_groups(m.group(0)))


def _spell(token: str, letters: Callable[[str], str], digits: Callable[[str], str]) -> str:
    parts: list[str] = []
    for piece in re.split(r"[.\-/]", token):
        words = [letters(run) if not run[0].isdigit() else digits(run)
                 for run in re.findall(r"\d+|[^\d]+", piece)]
        parts.append(" ".join(words))
    return ", ".join(p for p in parts if p)


def _vi_letters(run: str) -> str:
    return " ".join(LETTERS_VI.get(c.upper(), c) for c in run)


def _vi_code(m: re.Match[str]) -> str:
    return _spell(m.group(0), _vi_letters, digits_vi)


def _vi_thousands(m: re.Match[str]) -> str:
    whole = m.group(1).replace(".", "")
    return decimal_vi(whole, m.group(2)) if m.group(2) else number_vi(int(whole))


def _vi_integer(m: re.Match[str]) -> str:
    return _vi_number_text(m.group(0))


def _in_threes(digits: str, say: Callable[[str], str]) -> str:
    """An identifier (a 12-digit ID number) in groups of three, as people read them back: "001, 090, …"."""
    return ", ".join(say(digits[i: i + 3]) for i in range(0, len(digits), 3))


def _vi_number_text(digits: str) -> str:
    if len(digits) > _MAX_WORDS_NUMBER:
        return _in_threes(digits, digits_vi)
    if len(digits) > 1 and digits.startswith("0"):
        return digits_vi(digits)
    return number_vi(int(digits))


_VI_STEPS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (_DATE, _vi_date),
    (_MONTH_YEAR, _vi_month_year),
    (_DAY_MONTH, _vi_day_month),
    (_TIME, _vi_time),
    (_HOTLINE, _vi_hotline),
    (_PHONE, _vi_phone),
    (_CURRENCY, lambda m: " đồng"),
    (_CODE, _vi_code),
    (_THOUSANDS, _vi_thousands),
    (_DECIMAL, lambda m: decimal_vi(m.group(1), m.group(2))),
    (_RATIO, lambda m: f"{_vi_number_text(m.group(1))} trên {_vi_number_text(m.group(2))}"),
    (_INTEGER, _vi_integer),
    (_PERCENT, lambda m: " phần trăm"),
]


# ---- English ----------------------------------------------------------------------------------------------------
def _en_date(m: re.Match[str]) -> str:
    day, month = int(m.group(1)), int(m.group(3))
    if not _valid_date(day, month, int(m.group(4))):
        return f"{digits_en(m.group(1))}, {digits_en(m.group(3))}, {digits_en(m.group(4))}"
    return f"{day} {MONTHS_EN[month]} {int(m.group(4))}"


def _en_phone(m: re.Match[str]) -> str:
    prefix = "plus eight four, " if m.group(0).startswith("+84") else ""
    return prefix + ", ".join(digits_en(g) for g in _phone_groups(m.group(0)))


def _en_code(m: re.Match[str]) -> str:
    return _spell(m.group(0), lambda run: " ".join(run.upper()), lambda run: " ".join(DIGITS_EN[int(c)] for c in run))


def _en_thousands(m: re.Match[str]) -> str:
    whole = m.group(1).replace(".", "")
    return f"{whole} point {digits_en(m.group(2))}" if m.group(2) else whole


def _en_integer(m: re.Match[str]) -> str:
    digits = m.group(0)
    if len(digits) > _MAX_WORDS_NUMBER:
        return _in_threes(digits, digits_en)
    if len(digits) > 1 and digits.startswith("0"):
        return digits_en(digits)
    return digits


_EN_STEPS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (_DATE, _en_date),
    (_HOTLINE, lambda m: ", ".join(digits_en(g) for g in _phone_groups(m.group(0)))),
    (_PHONE, _en_phone),
    (_CURRENCY, lambda m: " dong"),
    (_CODE, _en_code),
    (_THOUSANDS, _en_thousands),
    (_DECIMAL, lambda m: f"{m.group(1)} point {digits_en(m.group(2))}"),
    (_INTEGER, _en_integer),
    (_PERCENT, lambda m: " percent"),
]
