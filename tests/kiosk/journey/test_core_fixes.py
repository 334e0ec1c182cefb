"""Help from the welcome screen, the language kept into the status look-up, list answers by the persona, and the
face check's assisted path after repeated failures, all driven through the journey core."""

from __future__ import annotations

from collections.abc import Callable

from kiosk.journey import CardPlaced, ChangeLanguage, Help, Tap, Tick, Typed
from kiosk.journey.persona import Item, Persona
from kiosk.journey.views import ScreenView
from kiosk.staff.statistics import face_path_counts
from tests.kiosk.journey.conftest import VOLUNTEER_PIN, Stand


def test_help_opens_from_the_welcome_screen_and_reaches_the_desk(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand()
    visit = stand.visit
    assert visit.view().screen == "welcome"
    view = visit.handle(Tap("help"))
    assert view.screen == "help"
    assert len(stand.printed()) == 1                      # the slip desk printed the help slip
    assert "print_help_slip" not in view.choice_ids()
    assert visit.handle(Tap("close_help")).screen == "welcome"
    stand2 = make_stand()
    assert stand2.visit.handle(Help()).screen == "help" and len(stand2.printed()) == 1


def test_the_status_look_up_keeps_the_language_picked_on_welcome(make_stand: Callable[..., Stand]) -> None:
    visit = make_stand().visit
    assert visit.handle(ChangeLanguage("en")).language == "en"
    view = visit.handle(Tap("status"))
    assert view.screen == "status_find" and view.language == "en"
    assert visit.session.language == "en"


def test_the_persona_answers_each_item_of_a_two_item_list(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand(hospital=False)
    visit = stand.visit
    places = [Item({"from": "031990", "to": "032000", "place": "Hà Nội", "job": "Kế toán"}),
              Item({"from": "042000", "to": "032026", "place": "Huế", "job": "Giáo viên"})]
    persona = Persona("judicial_record", {"residence_history": places})
    view: ScreenView = visit.view()
    for _ in range(600):
        if view.screen == "review":
            break
        command = persona.next_command(view)
        assert command is not None
        if isinstance(command, CardPlaced):
            stand.place()
        view = visit.handle(command)
    assert view.screen == "review"
    assert visit.form is not None
    items = visit.form.value("residence_history")
    assert isinstance(items, list) and len(items) == 2
    assert [i.get("place") for i in items] == ["Hà Nội", "Huế"]
    assert [i.get("job") for i in items] == ["Kế toán", "Giáo viên"]


def _fail_face(stand: Stand) -> ScreenView:
    view = stand.visit.view()
    for _ in range(400):
        if view.screen != "face":
            break
        view = stand.visit.handle(Tick())
    return view


def test_three_failed_face_checks_offer_the_assisted_path_and_are_counted(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand(face="impostor", hospital=False)
    visit = stand.visit
    stand.place()
    visit.handle(CardPlaced())
    assisted = {"volunteer_sign_in", "staff_vouch"}
    for failure in (1, 2):
        view = _fail_face(stand)
        assert view.screen == "face_failed" and not assisted & set(view.choice_ids()), failure
        visit.handle(Tap("try_again"))
    view = _fail_face(stand)
    assert view.screen == "face_failed" and "volunteer_sign_in" in view.choice_ids()
    assert face_path_counts(stand.kiosk.audit.records())["checks_failed"] == 3
    assert visit.handle(Tap("volunteer_sign_in")).screen == "volunteer_pin"
    visit.handle(Typed("pin", VOLUNTEER_PIN))
    view = visit.handle(Tap("next"))
    assert view.screen == "face_failed" and "staff_vouch" in view.choice_ids()
    assert visit.handle(Tap("staff_vouch")).screen == "services"
    counts = face_path_counts(stand.kiosk.audit.records())
    assert counts == {"camera": 0, "staff_vouched": 1, "checks_failed": 3}
