"""Fuzz target for the LDS parsers: whatever bytes a chip sends, a parser returns or raises LdsError/TlvError.

Run with atheris when it is installed (coverage-guided):
    .venv/bin/python tests/devices/card/fuzz_lds.py -atheris_runs=200000
Without atheris it runs a seeded mutation loop over valid files:
    .venv/bin/python tests/devices/card/fuzz_lds.py 20000
The unit tests drive `one_input` through hypothesis (test_lds_fuzz.py).
"""

from __future__ import annotations

import contextlib
import random
import sys
from collections.abc import Callable
from functools import cache

from devices.card.lds.com import build_com, parse_com
from devices.card.lds.dg1 import build_dg1, parse_dg1
from devices.card.lds.dg2 import build_dg2, parse_dg2
from devices.card.lds.dg13 import build_dg13, parse_dg13
from devices.card.lds.dg14 import parse_dg14
from devices.card.lds.dg15 import build_dg15, parse_dg15
from devices.card.lds.errors import LdsError
from devices.card.lds.mrz import parse_mrz
from devices.card.lds.security_infos import build_card_access, parse_security_infos
from devices.card.lds.sod import parse_sod
from devices.card.tlv import TlvError


def _mrz_text(data: bytes) -> object:
    return parse_mrz(data.decode("latin-1"))


def _passive_auth(data: bytes) -> object:
    from datetime import date

    from devices.card.trust.passive_auth import verify_passive_auth

    return verify_passive_auth(data, {1: b"\x61\x00"}, None, date(2026, 1, 1))


def _active_auth(data: bytes) -> object:
    from devices.card.protocol.active_auth import verify_active_auth

    return verify_active_auth(data, b"12345678", data[-64:])


def _trust_file(data: bytes) -> object:
    from devices.card.trust.trust_store import load_trust_file

    return load_trust_file(data)


PARSERS: tuple[Callable[[bytes], object], ...] = (
    parse_dg13, parse_dg2, parse_sod, _mrz_text, parse_dg1, parse_com, parse_security_infos, parse_dg14, parse_dg15,
    _passive_auth, _active_auth, _trust_file,
)


def one_input(data: bytes) -> None:
    """First byte picks the parser; the rest is its input."""
    if not data:
        return
    parser = PARSERS[data[0] % len(PARSERS)]
    with contextlib.suppress(LdsError, TlvError):
        parser(data[1:])


@cache
def seeds() -> tuple[bytes, ...]:
    """One valid input per parser (with its selector byte), so mutations start from real structure."""
    from datetime import UTC, datetime

    from devices.card.emulator.issuer import TestIssuer
    from devices.card.identity import FacePhoto
    from devices.card.lds.sod import sign_sod

    td1 = ("I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6", "ERIKSSON<<ANNA<MARIA<<<<<<<<<<")
    dg13 = build_dg13({1: ["001190012345"], 2: ["Nguyễn Văn Ả"], 13: ["Cha", "Mẹ"], 99: ["x"]})
    jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xc0\x00\x0b\x08\x00\x10\x00\x0c"
    dg2 = build_dg2(FacePhoto("jpeg", 12, 16, jpeg + b"\x01\x11\x00\xff\xd9"))
    issuer = TestIssuer.generate()
    sod = sign_sod({1: build_dg1(td1), 13: dg13}, issuer.dsc_key, issuer.dsc_der, signing_time=datetime.now(UTC))
    inputs = [dg13, dg2, sod, "".join(td1).encode(), build_dg1(td1), build_com([1, 2, 13]),
              build_card_access("brainpoolP256r1"), b"\x6e" + bytes([len(build_card_access("secp256r1"))])
              + build_card_access("secp256r1"), build_dg15(issuer.dsc_key.public_key()), sod,
              build_dg15(issuer.dsc_key.public_key()), issuer.csca_der]
    return tuple(bytes([i]) + data for i, data in enumerate(inputs))


def mutate(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        choice = rng.random()
        if not out:
            break
        at = rng.randrange(1, len(out)) if len(out) > 1 else 0
        if choice < 0.5:
            out[at] = rng.randrange(256)
        elif choice < 0.7:
            del out[at:]
        elif choice < 0.85:
            out.insert(at, rng.randrange(256))
        else:
            out[at : at + 1] = bytes([0x30, 0x80 | rng.randint(1, 4)]) + bytes(rng.randrange(256) for _ in range(4))
    return bytes(out)


def main() -> None:
    try:
        import atheris  # type: ignore[import-untyped]  # optional, coverage-guided
    except ImportError:
        runs = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
        rng = random.Random(9303)
        pool = seeds()
        for _ in range(runs):
            one_input(mutate(rng.choice(pool), rng))
        print(f"{runs} mutated inputs, no crash (atheris not installed: plain mutation loop)")
        return
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
