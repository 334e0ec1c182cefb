import pytest

from devices.card.lds.check_digit import CheckDigitError, check_digit, is_valid


# Examples from ICAO 9303-3 and the 9303-11 worked BAC example.
@pytest.mark.parametrize(
    ("field", "digit"),
    [("520727", "3"), ("L898902C<", "3"), ("690806", "1"), ("940623", "6"), ("AB2134<<<", "5")],
)
def test_icao_examples(field: str, digit: str) -> None:
    assert check_digit(field) == digit
    assert is_valid(field, digit)


def test_wrong_digit_and_bad_characters_are_refused() -> None:
    assert not is_valid("690806", "2")
    assert not is_valid("69-806", "1")
    with pytest.raises(CheckDigitError):
        check_digit("l898")
