"""Consistency of the 12-digit personal identification number with the chip's other data.

Structure (Decree 137/2015/NĐ-CP with Circular 07/2016/TT-BCA; verify against the current rules): digits 1-3 the
province where the birth was registered, digit 4 century and sex (0/1 born 1900s male/female, 2/3 2000s, 4/5 2100s,
…), digits 5-6 the last two digits of the birth year, digits 7-12 random. A mismatch does not prove a forgery (DG13
is signed), but it is worth a staff member's look; problems are stable codes with non-personal phrases for logs.
"""

from __future__ import annotations

from datetime import date

ID_NOT_12_DIGITS = "id_number_not_12_digits"
ID_SEX_DIGIT = "id_number_sex_digit"
ID_CENTURY_DIGIT = "id_number_century_digit"
ID_BIRTH_YEAR = "id_number_birth_year"

PROBLEM_TEXT: dict[str, str] = {
    ID_NOT_12_DIGITS: "ID number is not 12 digits",
    ID_SEX_DIGIT: "sex digit of the ID number disagrees with the sex",
    ID_CENTURY_DIGIT: "century digit of the ID number disagrees with the birth date",
    ID_BIRTH_YEAR: "birth-year digits of the ID number disagree with the birth date",
}


def id_number_problem_codes(id_number: str, date_of_birth: date | None, sex: str,
                            birth_year_digits: str = "") -> tuple[str, ...]:
    """Empty when the number agrees with the birth date and sex ("M"/"F"), else problem codes.

    `birth_year_digits` ("YY") stands in for a birth date whose century is unknown (an MRZ-only read): then only
    the year digits are compared, since guessing the century would make the century check meaningless.
    """
    if len(id_number) != 12 or not (id_number.isascii() and id_number.isdigit()):  # isdigit alone takes "²"
        return (ID_NOT_12_DIGITS,)
    problems = []
    code = int(id_number[3])
    century = 1900 + 100 * (code // 2)
    coded_sex = "F" if code % 2 else "M"
    if sex in ("M", "F") and sex != coded_sex:
        problems.append(ID_SEX_DIGIT)
    if date_of_birth is not None:
        if date_of_birth.year // 100 * 100 != century:
            problems.append(ID_CENTURY_DIGIT)
        birth_year_digits = f"{date_of_birth.year % 100:02d}"
    if len(birth_year_digits) == 2 and birth_year_digits.isdigit() and birth_year_digits != id_number[4:6]:
        problems.append(ID_BIRTH_YEAR)
    return tuple(problems)


def id_number_problems(id_number: str, date_of_birth: date | None, sex: str) -> tuple[str, ...]:
    """Empty when the number agrees with the birth date and sex ("M"/"F"); else short non-personal reasons."""
    return tuple(PROBLEM_TEXT[code] for code in id_number_problem_codes(id_number, date_of_birth, sex))
