"""Consistency of the 12-digit personal identification number with the chip's other data.

Structure (Decree 137/2015/NĐ-CP with Circular 07/2016/TT-BCA; verify against the current rules): digits 1-3 the
province where the birth was registered, digit 4 century and sex (0/1 born 1900s male/female, 2/3 2000s, 4/5 2100s,
…), digits 5-6 the last two digits of the birth year, digits 7-12 random. A mismatch does not prove a forgery (DG13
is signed), but it is worth a technician's look; the problems returned are non-personal phrases for logs.
"""

from __future__ import annotations

from datetime import date


def id_number_problems(id_number: str, date_of_birth: date | None, sex: str) -> tuple[str, ...]:
    """Empty when the number agrees with the birth date and sex ("M"/"F"); else short non-personal reasons."""
    if len(id_number) != 12 or not id_number.isdigit():
        return ("ID number is not 12 digits",)
    problems = []
    code = int(id_number[3])
    century = 1900 + 100 * (code // 2)
    coded_sex = "F" if code % 2 else "M"
    if sex in ("M", "F") and sex != coded_sex:
        problems.append("sex digit of the ID number disagrees with the sex")
    if date_of_birth is not None:
        if date_of_birth.year // 100 * 100 != century:
            problems.append("century digit of the ID number disagrees with the birth date")
        if f"{date_of_birth.year % 100:02d}" != id_number[4:6]:
            problems.append("birth-year digits of the ID number disagree with the birth date")
    return tuple(problems)
