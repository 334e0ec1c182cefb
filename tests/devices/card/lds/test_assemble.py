from datetime import date

import pytest

from devices.card.identity import AccessProtocol, PassiveAuthStatus, SecurityReport
from devices.card.lds.assemble import identity_from_groups
from devices.card.lds.dg1 import build_dg1
from devices.card.lds.dg13 import NO_EXPIRY_TEXT, build_dg13
from devices.card.lds.errors import LdsError
from devices.card.lds.mrz import NO_EXPIRY_MRZ_DATE, build_td1

REPORT = SecurityReport(AccessProtocol.BAC, PassiveAuthStatus.UNCHECKED)


def _dg1(expiry: str = "320415", sex: str = "M") -> bytes:
    return build_dg1(build_td1(
        document_number="092004321", optional_data_1="079092004321", date_of_birth="921102", sex=sex,
        date_of_expiry=expiry, primary="Tran", secondary="Van Binh",
    ))


def test_dg13_wins_over_the_mrz() -> None:
    dg13 = build_dg13({
        2: ["Trần Văn Bình"], 3: ["02/11/1992"], 4: ["Nữ"], 5: ["Việt Nam"], 12: ["02/11/2032"],
    })
    identity = identity_from_groups(_dg1(), dg13, None, REPORT)
    assert identity.full_name == "Trần Văn Bình"
    assert identity.sex == "F"  # DG13 says Nữ although the MRZ says M
    assert identity.nationality == "Việt Nam"
    assert identity.date_of_expiry == date(2032, 11, 2)
    assert identity.id_number == "079092004321"  # from the MRZ optional data, DG13 field 1 being absent
    assert identity.security is REPORT


def test_without_dg13_the_mrz_fills_everything() -> None:
    identity = identity_from_groups(_dg1(), None, None, REPORT, today=date(2026, 1, 1))
    assert identity.full_name == "TRAN VAN BINH"
    assert (identity.sex, identity.nationality) == ("M", "VNM")
    assert identity.date_of_birth == date(1992, 11, 2)
    assert identity.date_of_expiry == date(2032, 4, 15)
    assert identity.photo is None
    assert len(identity.mrz_lines) == 3


def test_no_expiry_from_dg13_text_or_mrz_marker() -> None:
    assert identity_from_groups(_dg1(), build_dg13({12: [NO_EXPIRY_TEXT]}), None, REPORT).date_of_expiry is None
    assert identity_from_groups(_dg1(NO_EXPIRY_MRZ_DATE), None, None, REPORT).date_of_expiry is None


def test_unknown_sex_is_x() -> None:
    assert identity_from_groups(_dg1(sex="<"), None, None, REPORT).sex == "X"


def test_malformed_group_raises_lds_error() -> None:
    with pytest.raises(LdsError):
        identity_from_groups(_dg1(), b"\x6d\x05\x30", None, REPORT)
    with pytest.raises(LdsError):
        identity_from_groups(_dg1()[:-3], None, None, REPORT)
