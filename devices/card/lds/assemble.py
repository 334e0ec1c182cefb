"""Assemble the one `Identity` value from the data groups read (ICAO 9303-10 DG1/DG2, Vietnamese DG13).

DG13 (the state's full personal data, with diacritics) wins over the MRZ wherever both say something; the MRZ fills
what DG13 lacks or when a card has no DG13.
"""

from __future__ import annotations

from datetime import date

from devices.card.identity import FacePhoto, Identity, SecurityReport
from devices.card.lds.dg1 import parse_dg1
from devices.card.lds.dg2 import parse_dg2
from devices.card.lds.dg13 import Dg13, parse_dg13
from devices.card.lds.mrz import NO_EXPIRY_MRZ_DATE, birth_date, expiry_date


def identity_from_groups(
    dg1: bytes, dg13: bytes | None, dg2: bytes | None, security: SecurityReport, today: date | None = None,
) -> Identity:
    """Raises `LdsError` when a group is malformed."""
    mrz = parse_dg1(dg1)
    details = parse_dg13(dg13) if dg13 else Dg13(fields={})
    photo: FacePhoto | None = parse_dg2(dg2) if dg2 else None
    mrz_name = " ".join(p for p in (mrz.primary_identifier, mrz.secondary_identifier) if p)
    sex = details.sex or {"M": "M", "F": "F"}.get(mrz.sex, "X")
    if details.fields.get(12):
        expiry = None if details.has_no_expiry else details.date_of_expiry
    else:
        expiry = None if mrz.date_of_expiry == NO_EXPIRY_MRZ_DATE else expiry_date(mrz.date_of_expiry)
    return Identity(
        id_number=details.id_number or mrz.vietnamese_id_number,
        document_number=mrz.document_number,
        full_name=details.full_name or mrz_name,
        date_of_birth=details.date_of_birth or birth_date(mrz.date_of_birth, today or date.today()),
        sex="M" if sex == "M" else "F" if sex == "F" else "X",
        nationality=details.text(5) or mrz.nationality,
        ethnicity=details.text(6),
        religion=details.text(7),
        place_of_origin=details.text(8),
        place_of_residence=details.text(9),
        identifying_marks=details.text(10),
        date_of_issue=details.date_of_issue,
        date_of_expiry=expiry,
        father_name=details.father_name,
        mother_name=details.mother_name,
        spouse_name=details.spouse_name,
        old_id_number=details.old_id_number,
        mrz_lines=mrz.lines,
        photo=photo,
        security=security,
    )
