"""Fuzz target for the text parsers a citizen or a card can feed: each returns a value or raises its one error type.

    receipt QR   printing.qr_payload.decode             -> QrPayloadError
    card QR      devices.card.access_keys.from_qr       -> InvalidAccessKeyError
    typed MRZ    devices.card.access_keys.from_mrz      -> InvalidAccessKeyError
    typed keys   devices.card.access_keys.from_details  -> InvalidAccessKeyError
    MRZ text     devices.card.lds.mrz.parse_mrz         -> LdsError
    check digit  devices.card.lds.check_digit           -> CheckDigitError
    MRZ dates, DG13 dates, ID-number consistency        -> never raise (None or problem codes)

Accepted inputs are checked too (a decoded receipt code encodes back to the same text, every key yields its MRZ
information, dates read back as written), so a parser cannot pass by accepting garbage.

A seeded mutation loop over valid inputs, swapping in what real input throws at a parser (superscript and other
scripts' digits, lone surrogates, control characters, years near 9999, separators, long runs):
    .venv/bin/python tests/devices/card/fuzz_text.py 100000 [seed]
The unit tests run a short loop and drive `one_input` through hypothesis (test_text_fuzz.py).
"""

from __future__ import annotations

import random
import sys
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from devices.card.access_keys import MAX_CANDIDATES, AccessKey, InvalidAccessKeyError, from_details, from_mrz, from_qr
from devices.card.lds.check_digit import CheckDigitError, check_digit
from devices.card.lds.dg13 import format_date, parse_date
from devices.card.lds.errors import LdsError
from devices.card.lds.id_number import PROBLEM_TEXT, id_number_problem_codes
from devices.card.lds.mrz import birth_date, build_td1, expiry_date, parse_mrz, yymmdd
from printing.qr_payload import QrPayloadError, ReceiptQrPayload, decode, encode

_ASCII_DIGITS = frozenset("0123456789")
_MRZ_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<")
_TODAY = date(2026, 1, 1)


class NoError(Exception):
    """Stands for "this parser raises nothing": never raised, so nothing is suppressed."""


@dataclass(frozen=True)
class Target:
    name: str
    parse: Callable[[str], object]   # returns normally on acceptance (after checking the result)
    error: type[Exception]            # the one documented error type
    seeds: tuple[str, ...]


def _ascii_digits(text: str, length: int) -> bool:
    return len(text) == length and set(text) <= _ASCII_DIGITS


def _check_key(key: AccessKey) -> None:
    assert _ascii_digits(key.date_of_birth, 6) and _ascii_digits(key.date_of_expiry, 6)
    assert set(key.document_number) <= _MRZ_ALPHABET
    info = key.mrz_info  # must not raise: the key was accepted
    assert len(info) >= 24 and set(info) <= _MRZ_ALPHABET


def _receipt_qr(text: str) -> object:
    payload = decode(text)
    assert encode(payload) == text.strip(" \t\r\n"), "an accepted code must be canonical"
    return payload


def _resigned(text: str) -> str:
    """`text` with its check value recomputed, so mutations reach the field grammar behind the CRC."""
    body, sep, _ = text.rpartition("|")
    if not sep:
        return text
    return f"{body}|{zlib.crc32(body.encode('utf-8', 'surrogatepass')) & 0xFFFFFFFF:08X}"


def _receipt_qr_resigned(text: str) -> object:
    return _receipt_qr(_resigned(text))


def _card_qr(text: str) -> object:
    keys = from_qr(text)
    assert 1 <= len(keys) <= MAX_CANDIDATES
    fields = text.strip().split("|")
    for key in keys:
        _check_key(key)
        assert _ascii_digits(fields[0], 12) and key.document_number == fields[0][-9:]
        assert key.date_of_birth == fields[3][6:8] + fields[3][2:4] + fields[3][0:2]
    return keys


def _mrz_key(text: str) -> object:
    key = from_mrz(text)
    _check_key(key)
    return key


def _typed_key(text: str) -> object:
    number, _, rest = text.partition("|")
    birth, _, expiry = rest.partition("|")
    key = from_details(number, birth, expiry)
    _check_key(key)
    return key


def _mrz_text(text: str) -> object:
    mrz = parse_mrz(text)
    for line in mrz.lines:
        assert set(line) <= _MRZ_ALPHABET
    birth_date(mrz.date_of_birth, _TODAY)
    expiry_date(mrz.date_of_expiry)
    return mrz


def _mrz_dates(text: str) -> object:
    for parsed in (birth_date(text, _TODAY), expiry_date(text)):
        assert parsed is None or yymmdd(parsed) == text
    return None


def _dg13_date(text: str) -> object:
    parsed = parse_date(text)
    if parsed is not None:
        assert parse_date(format_date(parsed)) == parsed
    return parsed


def _id_number(text: str) -> object:
    for birth in (None, date(1990, 3, 14)):
        codes = id_number_problem_codes(text, birth, "M", text[4:6])
        assert set(codes) <= set(PROBLEM_TEXT)
    return None


def _check_digit(text: str) -> object:
    digit = check_digit(text)
    assert len(digit) == 1 and digit in _ASCII_DIGITS
    return digit


def _receipt_seeds() -> tuple[str, ...]:
    payload = ReceiptQrPayload(kind="receipt", file_code="000.00.01.H26-260930-0012", procedure_code="1.004227",
                               masked_id="********7890", issued_at=datetime(2026, 9, 30, 8, 15),
                               appointment=date(2026, 10, 3), issuer="KIOSK-DEMO-01")
    ticket = ReceiptQrPayload(kind="ticket", file_code="260930-NOI-0007", procedure_code="NOI", masked_id="",
                              issued_at=datetime(2026, 2, 28, 23, 59), appointment=None, issuer="Kiosk Bệnh viện")
    return encode(payload), encode(ticket)


_TD1 = "I<UTOD231458907<<<<<<<<<<<<<<<7408122F1204159UTO<<<<<<<<<<<6ERIKSSON<<ANNA<MARIA<<<<<<<<<<"
_TD3 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<L898902C36UTO7408122F1204159ZE184226B<<<<<10"
_CCCD_TD1 = "\n".join(build_td1(document_number="190012345", date_of_birth="900314", sex="F", date_of_expiry="300314",
                                primary="Nguyen", secondary="Thi Thanh Huong", optional_data_1="001190012345"))

TARGETS: tuple[Target, ...] = (
    Target("receipt QR", _receipt_qr, QrPayloadError, _receipt_seeds()),
    Target("receipt QR*", _receipt_qr_resigned, QrPayloadError, _receipt_seeds()),  # * check value recomputed
    Target("card QR", _card_qr, InvalidAccessKeyError, (
        "001190012345|012345678|Nguyễn Thị Thanh Hương|14031990|Nữ|Số 12 Ngõ 34 Phố Đội Cấn, Hà Nội|20062021",
        "079058001234||Trần Văn Bình|01051958|Nam|Phường 1, Quận 3, TP. Hồ Chí Minh|10092021",
        "001215012345||Lê Minh Anh|29022016|Nam|Hà Nội|01082024",
    )),
    Target("typed MRZ", _mrz_key, InvalidAccessKeyError, (_TD1, _TD3, _CCCD_TD1)),
    Target("typed keys", _typed_key, InvalidAccessKeyError, ("001190012345|900314|300314", "190012345|000229|991231")),
    Target("MRZ text", _mrz_text, LdsError, (_TD1, _TD3, _CCCD_TD1)),
    Target("MRZ dates", _mrz_dates, NoError, ("900314", "000229", "991231")),
    Target("DG13 date", _dg13_date, NoError, ("14/03/1990", "29-02-2000", "01.01.1958")),
    Target("ID number", _id_number, NoError, ("001190012345", "079058001234", "001215012345")),
    Target("check digit", _check_digit, CheckDigitError, ("D23145890", "740812", "L898902C<")),
)

# What real input throws at text parsers: digits of other scripts and superscripts (str.isdigit says yes), lone
# surrogates (cannot be written as UTF-8), C0/C1 controls, invisible format characters, separators, fillers.
NASTY = ("²", "³", "¹", "٣", "۴", "０", "९", "①", "\ud800", "\udfff", "\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9b",
         "\u2028", "\ufeff", "\u200b", "|", "<", "/", "-", ".", " ", "\n", "9", "0", "1", "A", "ữ", "ß")
YEARS = ("9990", "9999", "0000", "0001", "1899", "2099", "2100", "10000")


def mutate(text: str, rng: random.Random) -> str:
    out = list(text)
    for _ in range(rng.randint(1, 3)):
        choice = rng.random()
        at = rng.randrange(len(out)) if out else 0
        if choice < 0.25 and out:
            out[at] = rng.choice(NASTY)
        elif choice < 0.4 and out:
            digits = [i for i, ch in enumerate(out) if ch in _ASCII_DIGITS]
            if digits:
                out[rng.choice(digits)] = str(rng.randrange(10))
        elif choice < 0.5:
            # A four-digit run becomes a year at or past the calendar's edge (the "year 9990" class).
            runs = [i for i in range(len(out) - 3) if all(c in _ASCII_DIGITS for c in out[i:i + 4])]
            if runs:
                start = rng.choice(runs)
                out[start:start + 4] = list(rng.choice(YEARS))
        elif choice < 0.6:
            out.insert(at, rng.choice(NASTY))
        elif choice < 0.7:
            out.insert(at, chr(rng.randrange(0x110000)))
        elif choice < 0.8 and out:
            del out[at:at + rng.randint(1, 4)]
        elif choice < 0.87 and out:
            end = min(len(out), at + rng.randint(1, 12))
            out[at:at] = out[at:end] * rng.randint(1, 40)
        elif choice < 0.94:
            del out[at:]
        elif out:
            other = rng.randrange(len(out))
            out[at], out[other] = out[other], out[at]
    return "".join(out)


def one_input(which: int, text: str) -> bool:
    """Feed `text` to target `which`; True when accepted, False when refused with the documented error."""
    target = TARGETS[which % len(TARGETS)]
    try:
        target.parse(text)
    except target.error:
        return False
    return True


def run(runs: int, seed: int = 9303) -> dict[str, tuple[int, int]]:
    """`runs` mutated inputs spread over the targets; (accepted, refused) per target. Any other error propagates."""
    rng = random.Random(seed)
    counts = {t.name: (0, 0) for t in TARGETS}
    for _ in range(runs):
        which = rng.randrange(len(TARGETS))
        target = TARGETS[which]
        text = mutate(rng.choice(target.seeds), rng)
        try:
            accepted = one_input(which, text)
        except BaseException:
            print(f"{target.name}: unexpected error for input {text!r}", file=sys.stderr)
            raise
        ok, refused = counts[target.name]
        counts[target.name] = (ok + 1, refused) if accepted else (ok, refused + 1)
    return counts


def main() -> None:
    try:
        runs = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
        seed = int(sys.argv[2]) if len(sys.argv) > 2 else 9303
    except ValueError:
        print("usage: fuzz_text.py [number of inputs] [seed]", file=sys.stderr)
        raise SystemExit(2) from None
    started = time.perf_counter()
    try:
        counts = run(runs, seed)
    except Exception as exc:
        print(f"FAILED: {type(exc).__name__}: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
    took = time.perf_counter() - started
    for target in TARGETS:
        accepted, refused = counts[target.name]
        outcome = "never raises" if target.error is NoError else f"{refused:>7} refused with {target.error.__name__}"
        print(f"  {target.name:<12} {accepted:>7} accepted  {outcome}")
    print(f"{runs} mutated inputs in {took:.1f} s, no other error")


if __name__ == "__main__":
    main()
