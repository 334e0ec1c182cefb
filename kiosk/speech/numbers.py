"""Numbers as Vietnamese (and English) words, for the speech normaliser.

Vietnamese reading rules followed here: units after "mươi" change form — 1 → "mốt" (21 "hai mươi mốt"), 4 → "tư"
(24 "hai mươi tư"), 5 → "lăm" after any ten (15 "mười lăm", 25 "hai mươi lăm"); a hundred with no tens says
"linh" (105 "một trăm linh năm"); a group of three inside a larger number keeps its hundreds ("hai nghìn không trăm
hai mươi lăm"); groups are nghìn, triệu, tỷ (northern usage, as the kiosk's default northern voice).
"""

from __future__ import annotations

DIGITS_VI = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
DIGITS_EN = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
MONTHS_VI = ("", "một", "hai", "ba", "tư", "năm", "sáu", "bảy", "tám", "chín", "mười", "mười một", "mười hai")
MONTHS_EN = ("", "January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December")
_GROUPS_VI = ("", "nghìn", "triệu", "tỷ")


def digits_vi(text: str) -> str:
    """"0912" → "không chín một hai": one word per digit, other characters dropped."""
    return " ".join(DIGITS_VI[int(c)] for c in text if c.isdigit())


def digits_en(text: str) -> str:
    return " ".join(DIGITS_EN[int(c)] for c in text if c.isdigit())


def _below_hundred(n: int, after_hundred: bool) -> str:
    tens, units = divmod(n, 10)
    if tens == 0:
        if units == 0:
            return ""
        return f"linh {DIGITS_VI[units]}" if after_hundred else DIGITS_VI[units]
    head = "mười" if tens == 1 else f"{DIGITS_VI[tens]} mươi"
    if units == 0:
        return head
    if units == 5:
        tail = "lăm"
    elif units == 1 and tens > 1:
        tail = "mốt"
    elif units == 4 and tens > 1:
        tail = "tư"
    else:
        tail = DIGITS_VI[units]
    return f"{head} {tail}"


def _triple(n: int, full: bool) -> str:
    """One group of three digits; `full` when a higher group precedes it, so its hundreds are always said."""
    hundreds, rest = divmod(n, 100)
    if hundreds == 0 and not full:
        return _below_hundred(rest, after_hundred=False)
    words = f"{DIGITS_VI[hundreds]} trăm"
    tail = _below_hundred(rest, after_hundred=True)
    return f"{words} {tail}" if tail else words


def number_vi(n: int) -> str:
    """A whole number in Vietnamese words: 2025 → "hai nghìn không trăm hai mươi lăm"."""
    if n < 0:
        return f"âm {number_vi(-n)}"
    if n == 0:
        return DIGITS_VI[0]
    billions, rest = divmod(n, 1_000_000_000)
    parts: list[str] = []
    if billions:
        parts.append(f"{number_vi(billions)} tỷ")
    groups = [(rest // 1_000_000) % 1000, (rest // 1000) % 1000, rest % 1000]
    for index, value in enumerate(groups):
        if value == 0:
            continue
        name = _GROUPS_VI[2 - index]
        words = _triple(value, full=bool(parts))
        parts.append(f"{words} {name}".strip())
    return " ".join(parts)


def decimal_vi(whole: str, fraction: str) -> str:
    """"2,5" → "hai phẩy năm"; a fraction with leading zeros is read digit by digit ("2,05" → "hai phẩy không năm")."""
    head = number_vi(int(whole))
    tail = digits_vi(fraction) if fraction.startswith("0") else number_vi(int(fraction))
    return f"{head} phẩy {tail}"
