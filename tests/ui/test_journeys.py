"""Whole citizen journeys, tapped through the real window on simulated devices and the portal simulator.

Each ends with a printed PDF whose QR code is read back (pdftoppm → zxing-cpp) and checked against what the
portal or the hospital queue actually recorded.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from kiosk.session_events import SessionState
from printing.qr_payload import decode
from ui.demo import citizen_journey

pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) is not installed")


BIRTH_ANSWERS = {
    "applicant.phone": "0912345678",
    "applicant.address": ("ha noi", "ngoc ha", "So 12 ngo 34"),
    "child.full_name": "nguyeenx minh an",
    "child.date_of_birth": date(2026, 2, 20),
    "child.birth_place": "Beenhj vieenj Phuj sarn Haf Nooij",
    "birth_certificate.number": "CS2026000123",
    "other_parent.full_name": "le minh quaan",
    "other_parent.date_of_birth": date(1988, 5, 10),
    "other_parent.id_number": "001088123456",
    "head.full_name": "nguyeenx thij thanh huwowng",
}


def read_qr(pdf: Path, tmp_path: Path) -> str:
    import cv2
    import zxingcpp

    subprocess.run(["pdftoppm", "-r", "200", "-png", "-singlefile", str(pdf), str(tmp_path / "page")], check=True)
    image = cv2.imread(str(tmp_path / "page.png"))
    found = [r for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]
    assert found, "no QR code on the printed page"
    return str(found[0].text)


def test_id_confirmation_journey_prints_a_receipt_whose_qr_names_the_portal_file(make_kiosk: Any,
                                                                                  tmp_path: Path) -> None:
    driver = make_kiosk()
    receipt = citizen_journey(driver, "id_confirmation", {"purpose": "bank", "applicant.phone": "0912345678"})
    assert receipt is not None and receipt.exists()
    applications = driver.kiosk.portal_simulator.applications()
    assert len(applications) == 1
    payload = decode(read_qr(receipt, tmp_path))
    assert payload.kind == "receipt"
    assert payload.file_code == applications[0]["dossier_code"]
    assert payload.masked_id.endswith("2345")  # the demo card's ID, masked to its last four digits
    assert driver.kiosk.session.state is SessionState.IDLE
    assert not driver.kiosk.session.holds_citizen_data()


def test_hospital_checkin_journey_prints_a_numbered_exam_slip(make_kiosk: Any, tmp_path: Path) -> None:
    driver = make_kiosk()
    clinic = driver.kiosk.hospital.specialties.clinics[0]
    slip = citizen_journey(driver, "hospital_checkin", {"specialty": clinic.code})
    assert slip is not None and slip.exists()
    payload = decode(read_qr(slip, tmp_path))
    assert payload.kind == "ticket"
    assert payload.file_code.endswith("0001")  # the first number of the day for that clinic


def test_combined_birth_service_journey_types_the_baby_name_in_telex_and_sends_it(make_kiosk: Any,
                                                                                   tmp_path: Path) -> None:
    driver = make_kiosk()
    receipt = citizen_journey(driver, "birth_combined", BIRTH_ANSWERS, telex=True)
    assert receipt is not None
    applications = driver.kiosk.portal_simulator.applications()
    assert len(applications) == 1
    body = str(applications[0])
    assert "Nguyễn Minh An" in body  # typed as Telex letters on the on-screen keyboard
    assert "Bệnh viện Phụ sản Hà Nội" in body
    payload = decode(read_qr(receipt, tmp_path))
    assert payload.file_code == applications[0]["dossier_code"]


def test_judicial_record_journey_fills_a_residence_history_of_two_periods(make_kiosk: Any, tmp_path: Path) -> None:
    driver = make_kiosk()
    answers = {
        "applicant.phone": "0912345678",
        "applicant.address": ("ha noi", "ngoc ha", "So 12 ngo 34"),
        "birth_place": "Ha Noi",
        "residence_history": [
            {"from": "03/2008", "to": "06/2012", "place": "Ky tuc xa, Thu Duc", "job": "Sinh vien"},
            {"from": "07/2012", "to": "02/2026", "place": "Ba Dinh, Ha Noi", "job": "Ke toan"},
        ],
    }
    receipt = citizen_journey(driver, "judicial_record", answers)
    assert receipt is not None
    body = driver.kiosk.portal_simulator.applications()[0]["body"]
    history = body["form"]["data"]["qua_trinh_cu_tru"]
    assert [(h["from"], h["to"], h["job"]) for h in history] == [("03/2008", "06/2012", "Sinh vien"),
                                                                ("07/2012", "02/2026", "Ke toan")]
    assert body["applicant"]["address"]["street"] == "So 12 ngo 34"


def test_a_kiosk_without_a_hospital_desk_never_offers_check_in(make_kiosk: Any) -> None:
    from ui.demo import DEMO_BIRTH, DEMO_EXPIRY, DEMO_ID_NUMBER, open_card

    driver = make_kiosk(hospital={"enabled": False})
    driver.wait_page("welcome")
    driver.tap("start")
    driver.wait_page("language")
    driver.tap("lang_vi")
    open_card(driver, DEMO_ID_NUMBER, DEMO_BIRTH, DEMO_EXPIRY)
    driver.wait_state(SessionState.CHOOSE_SERVICE, 30)
    seen: set[str] = set()
    for _ in range(4):  # every page of the service list, wrapping round to the first
        seen |= {code for code in driver.kiosk.catalogue.codes() if driver.has(f"service_{code}")}
        if not driver.has("services_more"):
            break
        driver.tap("services_more")
    assert "hospital_checkin" not in seen
    assert {"id_confirmation", "temporary_residence", "judicial_record"} <= seen
