from datetime import date

from devices.card.lds.id_number import id_number_problems


def test_consistent_numbers_have_no_problems() -> None:
    assert id_number_problems("001190012345", date(1990, 3, 14), "F") == ()
    assert id_number_problems("079092004321", date(1992, 11, 2), "M") == ()
    assert id_number_problems("001305000001", date(2005, 1, 1), "F") == ()


def test_each_kind_of_mismatch_is_named() -> None:
    assert id_number_problems("001090012345", date(1990, 3, 14), "F") == (
        "sex digit of the ID number disagrees with the sex",
    )
    assert id_number_problems("001390012345", date(1990, 3, 14), "F") == (
        "century digit of the ID number disagrees with the birth date",
    )
    assert id_number_problems("001191012345", date(1990, 3, 14), "F") == (
        "birth-year digits of the ID number disagree with the birth date",
    )
    assert id_number_problems("12345", None, "X") == ("ID number is not 12 digits",)
