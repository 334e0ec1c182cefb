"""A sample citizen (as the chip yields it) and full answers for every shipped service, shared by the tests."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from devices.card.identity import Identity
from kiosk.catalogue.holidays import HolidayCalendar, load_holidays
from kiosk.catalogue.loader import load_catalogue
from kiosk.catalogue.model import Catalogue, ServiceSpec
from kiosk.forms.address import wards
from kiosk.forms.engine import FormSession, FormSettings
from kiosk.forms.fields import ScannedPage
from kiosk.i18n import Translator

NOW = datetime(2026, 11, 24, 9, 30)  # a Tuesday
PAGE = ScannedPage(b"\xff\xd8 scanned page \xff\xd9")

IDENTITY = Identity(
    id_number="001090012345", document_number="090012345", full_name="NGUYỄN VĂN AN",
    date_of_birth=date(1990, 3, 5), sex="M", nationality="Việt Nam", ethnicity="Kinh", religion="Không",
    place_of_origin="Xã Đông Anh, Thành phố Hà Nội",
    place_of_residence="Số 1 Hàng Bạc, Phường Hoàn Kiếm, Thành phố Hà Nội",
    date_of_issue=date(2021, 6, 1), father_name="Nguyễn Văn Bình", mother_name="Trần Thị Cúc",
    old_id_number="012345678",
)


def hcmc_address(street: str = "12 Lê Lợi") -> dict[str, object]:
    ward = wards(79)[0]
    return {"province_code": 79, "ward_code": ward.code, "street": street}


ANSWERS: dict[str, dict[str, object]] = {
    "id_confirmation": {"purpose": "bank", "applicant.phone": "0912 345 678"},
    "temporary_residence": {
        "applicant.phone": "0912345678", "stay.address": hcmc_address(), "is_head": False,
        "head.full_name": "trần văn chủ", "head.id_number": "079085001234", "head.relation": "tenant",
        "members": [{"full_name": "Nguyễn Thị Bé", "date_of_birth": "01/02/2015", "sex": "F", "relation": "child"}],
        "proof.kind": "rental", "proof.scan": [PAGE],
    },
    "temporary_absence": {
        "applicant.phone": "0912345678", "reason": "work", "absence.from": "01/12/2026",
        "absence.to": "01/06/2027", "absence.destination": hcmc_address("5 Nguyễn Huệ"),
    },
    "birth_combined": {
        "applicant.phone": "0912345678", "applicant.relation": "father", "child.full_name": "nguyễn minh khôi",
        "child.sex": "M", "child.date_of_birth": "20/11/2026", "child.birth_place": "Bệnh viện Phụ sản Hà Nội",
        "birth_certificate.number": "GCS-2026-000123", "other_parent.full_name": "Lê Thị Hoa",
        "other_parent.date_of_birth": "10/10/1992", "other_parent.id_number": "001192012345",
        "head.full_name": "Nguyễn Văn An", "head.relation": "child", "insurance.facility": "ward_health_station",
        "insurance.delivery": "vneid",
    },
    "birth_registration": {
        "applicant.phone": "0912345678", "applicant.relation": "father", "child.full_name": "Nguyễn Minh Khôi",
        "child.sex": "M", "child.date_of_birth": "01/10/2026", "child.birth_place": "Trạm y tế phường",
        "birth_certificate.scan": [PAGE], "mother.full_name": "Lê Thị Hoa", "mother.birth_year": 1992,
    },
    "judicial_record": {
        "birth_place": "Hà Nội", "applicant.phone": "0912345678",
        "residence_history": [{"from": "03/2004", "to": "11/2026", "place": "Hà Nội", "job": "Kỹ sư"}],
        "certificate_type": "1", "record_status": "none", "purpose": "job",
    },
    "traffic_fine": {"vehicle.plate": "30a-123.45", "vehicle.kind": "car"},
    "household_insurance": {
        "applicant.phone": "0912345678",
        "members": [{"full_name": "Lê Thị Hoa", "date_of_birth": "10/10/1992", "id_number": "001192012345"},
                    {"full_name": "Nguyễn Minh Khôi", "date_of_birth": "20/11/2020", "id_number": "001220012345"}],
    },
    "file_status": {"file_code": "000.00.01.H26-260930-0012"},
    "hospital_checkin": {},
    "death_combined": {
        "scope": "4", "applicant.phone": "0912345678", "applicant.relation": "child",
        "deceased.full_name": "nguyễn văn bình", "deceased.sex": "M", "deceased.date_of_birth": "01/01/1950",
        "deceased.id_number": "001050012345", "deceased.date_of_death": "20/11/2026",
        "deceased.place_of_death": "Bệnh viện Bạch Mai", "deceased.residence": hcmc_address("3 Hàng Bạc"),
        "death_notice.scan": [PAGE], "deceased.insurance_number": "0123456789", "allowance.payout": "bank",
        "allowance.bank_account": "0011001234567", "allowance.bank_name": "Vietcombank", "survivor.kind": "monthly",
        "survivor.relatives": [{"full_name": "Trần Thị Cúc", "date_of_birth": "02/02/1955", "relation": "spouse"}],
        "survivor.papers": [PAGE],
    },
    "permanent_residence": {
        "applicant.phone": "0912345678", "case": "rented", "residence.address": hcmc_address("7 Pasteur"),
        "is_head": True, "proof.rental_scan": [PAGE], "rental.people": 2, "rental.floor_area": 30,
        "consent.method": "paper", "proof.consent_scan": [PAGE],
    },
}


@lru_cache(maxsize=1)
def shipped() -> Catalogue:
    return load_catalogue()


@lru_cache(maxsize=1)
def holidays() -> HolidayCalendar:
    return load_holidays()


@lru_cache(maxsize=1)
def translator() -> Translator:
    return Translator()


def service(code: str) -> ServiceSpec:
    return shipped().get(code)


def new_form(code: str, identity: Identity | None = IDENTITY) -> FormSession:
    settings = FormSettings(agency_code="000.00.01.H26", holidays=holidays())
    return FormSession(service(code), identity, lambda: NOW, settings, translator=translator())


def fill(form: FormSession, answers: dict[str, object]) -> list[str]:
    """Walk every step answering from `answers`; return the keys asked (in order). Fails loudly on any error."""
    asked: list[str] = []
    for _ in range(50):
        if form.at_review:
            return asked
        done: set[str] = set()
        while True:  # an answer can reveal more fields on the same step
            fresh = [f for f in form.current_step().fields if f.key not in done]
            if not fresh:
                break
            for f in fresh:
                done.add(f.key)
                asked.append(f.key)
                if f.key in answers and not f.readonly:
                    error = form.set_value(f.key, answers[f.key])
                    assert error is None, (f.key, error)
        errors = form.next()
        assert errors == [], errors
    raise AssertionError("the form never reached the review")
