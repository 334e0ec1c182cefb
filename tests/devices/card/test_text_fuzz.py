"""Text parsers fed by citizens and cards: a value or the one documented error, for mutations and for any text."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.card.lds.check_digit import CheckDigitError, check_digit, is_valid
from devices.card.lds.dg13 import format_date, parse_date
from devices.card.lds.id_number import ID_NOT_12_DIGITS, id_number_problem_codes
from devices.card.lds.mrz import birth_date, expiry_date
from tests.devices.card.fuzz_text import TARGETS, NoError, one_input, run

# Superscripts pass str.isdigit() but int() refuses them; other scripts' digits pass both and are read as numbers.
NOT_ASCII_DIGITS = ["²", "¹", "①", "٣", "०", "０"]


@pytest.mark.parametrize("digit", NOT_ASCII_DIGITS)
def test_check_digit_refuses_non_ascii_digits_with_its_own_error(digit: str) -> None:
    with pytest.raises(CheckDigitError):
        check_digit(f"74081{digit}")
    assert not is_valid(f"74081{digit}", "2")


@pytest.mark.parametrize("digit", NOT_ASCII_DIGITS)
def test_mrz_dates_with_non_ascii_digits_are_no_dates(digit: str) -> None:
    assert birth_date(f"9{digit}0314", date(2026, 1, 1)) is None
    assert expiry_date(f"30031{digit}") is None


@pytest.mark.parametrize("digit", NOT_ASCII_DIGITS)
def test_id_number_with_non_ascii_digits_is_not_twelve_digits(digit: str) -> None:
    assert id_number_problem_codes(f"001{digit}90012345", date(1990, 3, 14), "F") == (ID_NOT_12_DIGITS,)


@pytest.mark.parametrize("text", [
    "14/03/١٩٩٠", "1²/03/1990", "1" + "0" * 30 + "/03/1990", "111111111111.01.1958", "014/03/1990", "14/003/1990",
    "14/03/0001", "14/03/1899", " 14 /03/1990",
])
def test_dg13_dates_outside_the_grammar_are_no_dates(text: str) -> None:
    assert parse_date(text) is None


def test_dg13_dates_keep_their_accepted_forms_and_read_back() -> None:
    for text, expected in (("14/03/1990", date(1990, 3, 14)), ("1-2-2003", date(2003, 2, 1)),
                           ("29.02.2000", date(2000, 2, 29)), (" 14/03/1990 ", date(1990, 3, 14))):
        assert parse_date(text) == expected
        assert parse_date(format_date(expected)) == expected


# ---- the fuzz loop, short: a few thousand mutated inputs over every target --------------------------------------

def test_a_short_mutation_run_finds_only_documented_errors_and_accepts_some_inputs_of_each_parser() -> None:
    counts = run(4000, seed=1)
    for target in TARGETS:
        accepted, refused = counts[target.name]
        # Both paths are exercised, or the loop proves nothing about the parser's grammar.
        assert accepted > 0, target.name
        assert refused > 0 or target.error is NoError, target.name


def test_every_seed_is_accepted() -> None:
    for which, target in enumerate(TARGETS):
        for seed in target.seeds:
            assert one_input(which, seed), (target.name, seed)


_ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=120)  # surrogates and controls included


@settings(max_examples=3000, deadline=None)
@given(st.integers(min_value=0, max_value=len(TARGETS) - 1), _ANY_TEXT)
def test_any_text_gives_each_parser_a_value_or_its_documented_error(which: int, text: str) -> None:
    one_input(which, text)


@settings(max_examples=1500, deadline=None)
@given(st.integers(min_value=0, max_value=len(TARGETS) - 1), st.data())
def test_any_splice_into_a_valid_input_gives_a_value_or_the_documented_error(which: int, data: st.DataObject) -> None:
    seed = data.draw(st.sampled_from(TARGETS[which].seeds))
    start = data.draw(st.integers(min_value=0, max_value=len(seed)))
    end = data.draw(st.integers(min_value=start, max_value=len(seed)))
    one_input(which, seed[:start] + data.draw(_ANY_TEXT.map(lambda t: t[:12])) + seed[end:])
