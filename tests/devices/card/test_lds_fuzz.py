"""Parsers never crash: only LdsError/TlvError, for random bytes and for mutations of valid files."""

import random
import unicodedata
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devices.card.lds.dg13 import build_dg13, parse_dg13
from devices.card.lds.mrz import build_td1, parse_mrz
from tests.devices.card.fuzz_lds import PARSERS, mutate, one_input, seeds


@settings(max_examples=1500, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_never_crash_a_parser(data: bytes) -> None:
    one_input(data)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=2**32), st.integers(min_value=0, max_value=len(PARSERS) - 1))
def test_mutated_valid_files_never_crash_a_parser(seed: int, which: int) -> None:
    rng = random.Random(seed)
    one_input(mutate(seeds()[which], rng))


def test_seeds_are_valid_inputs() -> None:
    # Without this the mutation test could pass on inputs every parser rejects at the first byte.
    for seed in seeds():
        parser = PARSERS[seed[0] % len(PARSERS)]
        parser(seed[1:])


_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.integers(min_value=0, max_value=300), st.lists(_text, min_size=1, max_size=3), max_size=18),
       st.booleans())
def test_dg13_round_trips_any_text(fields: dict[int, list[str]], nested: bool) -> None:
    parsed = parse_dg13(build_dg13(fields, nested_parents=nested))
    expected = {k: [unicodedata.normalize("NFC", t) for t in v] for k, v in fields.items()}
    assert {k: list(v) for k, v in parsed.fields.items()} == expected


_mrz_chars = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=9)


@settings(max_examples=300, deadline=None)
@given(_mrz_chars, st.dates(date(1930, 1, 1), date(2029, 12, 31)), st.dates(date(2000, 1, 1), date(2099, 12, 31)),
       st.sampled_from("MF<"), st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ ", max_size=40))
def test_td1_round_trips(number: str, birth: date, expiry: date, sex: str, name: str) -> None:
    lines = build_td1(
        document_number=number, date_of_birth=birth.strftime("%y%m%d"), sex=sex,
        date_of_expiry=expiry.strftime("%y%m%d"), primary=name, secondary="",
    )
    mrz = parse_mrz("\n".join(lines))
    assert mrz.document_number == number
    assert (mrz.date_of_birth, mrz.date_of_expiry, mrz.sex) == (lines[1][0:6], lines[1][8:14], sex)
