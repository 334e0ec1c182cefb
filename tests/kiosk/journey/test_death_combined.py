"""The combined death procedure through the journey core: offered with a volunteer, the scope chosen by the family,
the deceased declared once, the death notice scanned, one file code and status per part on the printed receipt."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kiosk.journey import Tap, Typed
from kiosk.journey.persona import Persona, play
from tests.kiosk.journey.conftest import VOLUNTEER_PIN, Stand
from tests.kiosk.journey.ux_support import pdf_text, to_services


def test_a_family_registers_a_death_with_the_funeral_allowance(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand()
    counts = play(stand.visit, Persona("death_combined"), place_card=stand.place, take_card=stand.take)
    assert counts.path[:4] == ["welcome", "face", "services", "assisted_offer"]
    assert "question:scope" in counts.path and "question:death_notice.scan" in counts.path
    # Declared once: every fact about the deceased is asked on one screen only, whatever the parts reusing it.
    asked = [p for p in counts.path if p.startswith("question:deceased.")]
    assert len(asked) == len(set(asked)) == 8
    sent = stand.kiosk.portal_simulator.applications()[-1]
    body = sent["body"]
    assert body["procedure_code"] == "1.000656"
    assert [p["procedure_code"] for p in body["linked_procedures"]] == ["1.004206", "1.001753"]
    assert [a["component_code"] for a in body["attachments"]] == ["GIAY_BAO_TU"]
    assert body["form"]["data"]["nguoi_mat_ho_ten"] == "Nguyễn Văn Đức"
    assert body["linked_procedures"][1]["form"]["data"]["nguoi_mat_ma_so_bhxh"] == "0158001234"
    # One file code per part, each printed with its status on the receipt.
    codes = [sent["dossier_code"], *(f"{sent['dossier_code'][:-4]}{n:04d}" for n in (2, 3))]
    printed = stand.printed()
    assert len(printed) == 1
    text = pdf_text(printed[0])
    assert "Các thủ tục liên thông" in text
    for name, code in zip(("Đăng ký khai tử", "Xóa đăng ký thường trú", "Trợ cấp mai táng"), codes, strict=True):
        assert f"{name} (" in text and code in text
    assert text.count("Mới đăng ký") >= 3


def test_the_outcome_carries_each_parts_file_code(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand()
    witnessed: list[tuple[tuple[str, str, int], ...]] = []

    class Witness(Persona):
        def next_command(self, view):  # type: ignore[no-untyped-def]
            outcome = stand.visit.outcome
            if outcome is not None and not witnessed:   # the file was sent: its receipt is out
                witnessed.append(getattr(outcome, "parts", ()))
            return super().next_command(view)

    play(stand.visit, Witness("death_combined", {"scope": "4", "survivor.kind": "lump_sum"}), place_card=stand.place,
         take_card=stand.take)
    parts = witnessed[0]
    assert [p[0] for p in parts] == ["1.000656", "1.004206", "1.001753", "1.001766"]
    assert len({p[1] for p in parts}) == 4 and all(p[2] == 1 for p in parts)


def test_a_volunteer_is_offered_before_the_questions_and_the_file_says_assisted(
        make_stand: Callable[..., Stand]) -> None:
    stand = make_stand()
    visit = stand.visit
    to_services(stand, alone=False)
    view = visit.handle(Tap("service:death_combined"))
    assert view.screen == "assisted_offer"
    assert {"volunteer_sign_in", "continue_alone"} <= set(view.choice_ids())
    assert [p.key for p in view.prompts] == ["assisted.offer_say"]
    assert "chia buồn" in view.prompts[0].text and "Khai tử" in view.lines[0].value
    view = visit.handle(Tap("volunteer_sign_in"))
    assert view.screen == "volunteer_pin"
    visit.handle(Typed("pin", VOLUNTEER_PIN))
    view = visit.handle(Tap("next"))
    assert view.screen == "assisted_offer" and view.helper == "TNV-07"
    assert "start_assisted" in view.choice_ids()
    view = visit.handle(Tap("start_assisted"))
    assert view.screen == "question" and view.field == "scope"
    assert visit.form is not None and visit.form.settings.auth_method == "assisted"


def test_back_from_the_offer_returns_to_the_services_and_other_services_start_at_once(
        make_stand: Callable[..., Stand]) -> None:
    stand = make_stand()
    visit = stand.visit
    to_services(stand, alone=False)
    visit.handle(Tap("service:death_combined"))
    assert visit.handle(Tap("back")).screen == "services"
    assert visit.handle(Tap("service:permanent_residence")).screen == "question"


def test_the_scope_changes_what_is_asked(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand()
    two = play(stand.visit, Persona("death_combined", {"scope": "2"}), place_card=stand.place, take_card=stand.take)
    assert not any(p.startswith(("question:allowance.", "question:deceased.insurance_number")) for p in two.path)
    sent = stand.kiosk.portal_simulator.applications()[-1]["body"]
    assert [p["procedure_code"] for p in sent["linked_procedures"]] == ["1.004206"]


def test_a_kiosk_without_volunteers_offers_to_call_the_staff(make_stand: Callable[..., Stand],
                                                             tmp_path: Path) -> None:
    import dataclasses

    from kiosk.staff import StaffAuthenticator

    stand = make_stand()
    staff = dataclasses.replace(stand.kiosk.config.staff, volunteers=())
    stand.visit.parts.staff = StaffAuthenticator(staff, state_dir=tmp_path)
    to_services(stand, alone=False)
    view = stand.visit.handle(Tap("service:death_combined"))
    assert view.screen == "assisted_offer" and "volunteer_sign_in" not in view.choice_ids()
    assert [p.key for p in view.prompts] == ["assisted.offer_staff_say"] and "help" in view.choice_ids()
    assert stand.visit.handle(Tap("volunteer_sign_in")).screen == "assisted_offer"
    view = stand.visit.handle(Tap("continue_alone"))
    assert view.screen == "question" and view.field == "scope"
