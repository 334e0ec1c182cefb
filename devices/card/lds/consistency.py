"""Cross-checks between the chip's own data groups of a Vietnamese CCCD (TD1 MRZ in DG1, personal data in DG13).

The CCCD's MRZ document number is the last 9 digits of the 12-digit personal ID number, and the optional data of
MRZ line 1 holds the whole number (ICAO 9303-5 §4.2.2 leaves the optional data to the issuer; the Vietnamese use
is the issuing rule for the CCCD); the MRZ birth date (YYMMDD, ICAO 9303-5) and sex must match DG13;
the ID number itself encodes century, sex and birth year (`id_number`). Passive Authentication proves the groups
came from the issuer, not that the issuer wrote them consistently: a disagreement on a genuine chip is a
personalisation fault or a sign of a re-issued chip, and a staff member must look at the card.

Problems are stable codes (for the security report, JSON and statistics) with non-personal phrases for logs.
Documents other than Vietnamese TD1 cards are not checked: the rules belong to the CCCD only.
"""

from __future__ import annotations

from devices.card.lds.dg13 import Dg13
from devices.card.lds.id_number import PROBLEM_TEXT as ID_PROBLEM_TEXT
from devices.card.lds.id_number import id_number_problem_codes
from devices.card.lds.mrz import Mrz, yymmdd

DOCUMENT_NUMBER_MISMATCH = "document_number_mismatch"
MRZ_ID_NUMBER_MISMATCH = "mrz_id_number_mismatch"
BIRTH_DATE_MISMATCH = "birth_date_mismatch"
SEX_MISMATCH = "sex_mismatch"

PROBLEM_TEXT: dict[str, str] = ID_PROBLEM_TEXT | {
    DOCUMENT_NUMBER_MISMATCH: "MRZ document number is not the end of the DG13 id-number",
    MRZ_ID_NUMBER_MISMATCH: "id-number in the MRZ optional data differs from DG13",
    BIRTH_DATE_MISMATCH: "MRZ date of birth differs from DG13",
    SEX_MISMATCH: "MRZ sex differs from DG13",
}


def applies_to(mrz: Mrz) -> bool:
    return mrz.format == "TD1" and mrz.issuing_state == "VNM" and mrz.document_code.startswith("I")


def consistency_problems(mrz: Mrz, details: Dg13 | None) -> tuple[str, ...]:
    """Problem codes, in a fixed order; empty when the data agrees or the document is not a CCCD."""
    if not applies_to(mrz):
        return ()
    details = details if details is not None else Dg13(fields={})
    problems: list[str] = []
    mrz_sex = mrz.sex if mrz.sex in ("M", "F") else ""
    dg13_birth = details.date_of_birth
    if details.id_number:
        if mrz.document_number != details.id_number[-9:]:
            problems.append(DOCUMENT_NUMBER_MISMATCH)
        head = mrz.optional_data_1[:12]
        if len(head) == 12 and head.isdigit() and head != details.id_number:
            problems.append(MRZ_ID_NUMBER_MISMATCH)
    if dg13_birth is not None and len(mrz.date_of_birth) == 6:
        printed = yymmdd(dg13_birth)
        # "<" marks a part of the birth date the issuer did not know (ICAO 9303-3): only digits compare.
        if any(m != p for m, p in zip(mrz.date_of_birth, printed, strict=True) if m != "<"):
            problems.append(BIRTH_DATE_MISMATCH)
    if details.sex and mrz_sex and details.sex != mrz_sex:
        problems.append(SEX_MISMATCH)
    id_number = details.id_number or mrz.vietnamese_id_number
    if len(id_number) == 12 or details.id_number:
        mrz_year = mrz.date_of_birth[:2] if dg13_birth is None else ""
        problems.extend(id_number_problem_codes(id_number, dg13_birth, details.sex or mrz_sex, mrz_year))
    return tuple(problems)


def describe(problems: tuple[str, ...]) -> str:
    """Non-personal phrases for a technician's log, joined with '; '."""
    return "; ".join(PROBLEM_TEXT.get(code, code) for code in problems)
