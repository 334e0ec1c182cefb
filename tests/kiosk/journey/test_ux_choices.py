"""Fewer, clearer choices: services in this kiosk's order of use with a one-line hint, at most six a page, a way
back, and no technician words on any citizen screen in either language."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

import pytest

from kiosk.journey import ScreenView, Tap
from kiosk.journey.speech_queue import Utterance
from tests.kiosk.journey.conftest import Stand
from tests.kiosk.journey.ux_support import play_every_journey, texts, to_services

# Words that belong to technicians and logs, never to a citizen's screen or voice.
TECHNICIAN = ("mã mở thẻ", "MRZ", "APDU", "BAC", "PACE", "Traceback", "Exception", "None", "null", "timeout",
              "{", "}")
MESSAGE_KEY = re.compile(r"\b(journey|queue|card|help|session|forms|ui|printer|hospital|services)\.[a-z_]+\b")


def test_services_have_hints_six_a_page_and_a_way_back(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand()
    view = to_services(stand)
    for language in ("vi", "en"):
        view = stand.visit.handle(Tap(f"lang_{language}"))
        tiles = [c for c in view.choices if c.id.startswith("service:")]
        assert 0 < len(tiles) <= 6
        assert all(c.help.strip() for c in tiles), [c.id for c in tiles if not c.help]
        assert "back" in view.choice_ids()
    assert view.choices[0].id == "service:hospital_checkin"    # a hospital kiosk: check-in first


def test_the_kiosk_orders_its_services_by_use(make_stand: Callable[..., Stand]) -> None:
    stand = make_stand(hospital=False)
    config = stand.visit.parts.config
    stand.visit.parts.config = dataclasses.replace(
        config, catalogue=dataclasses.replace(config.catalogue, service_order=("traffic_fine", "judicial_record")))
    view = to_services(stand)
    assert [c.id for c in view.choices[:2]] == ["service:traffic_fine", "service:judicial_record"]
    assert "service:hospital_checkin" not in view.choice_ids()
    assert "service:id_confirmation" in view.choice_ids()       # the rest follow in the catalogue's order


@pytest.mark.parametrize("language", ["vi", "en"])
def test_no_technician_words_reach_a_citizen(make_stand: Callable[..., Stand], language: str) -> None:
    stand = make_stand()
    found: list[tuple[str, str]] = []
    checked = [0]

    def watch(view: ScreenView, said: list[Utterance]) -> None:
        if view.language != language:
            return
        checked[0] += 1
        for text in texts(view):
            found.extend((view.screen, text) for word in TECHNICIAN if word in text)
            if MESSAGE_KEY.search(text):
                found.append((view.screen, text))

    play_every_journey(stand, language, watch)
    assert checked[0] > 50          # every screen of every journey, in that language
    assert found == []


def _subclasses(cls: type) -> list[type]:
    return [cls, *(sub for direct in cls.__subclasses__() for sub in _subclasses(direct))]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_card_errors_shown_to_a_citizen_speak_plainly(language: str) -> None:
    """The card error screen shows the error's own message: none may send a citizen to "the MRZ"."""
    import devices.card.access_keys  # noqa: F401  (its errors subclass CardError)
    from devices.card.errors import CardError
    from kiosk.i18n import Translator

    tr = Translator(language)
    keys = {str(getattr(cls, "message_key", "")) for cls in _subclasses(CardError)} - {""}
    assert len(keys) > 5
    for key in sorted(keys):
        text = tr.text(key)
        assert not [word for word in TECHNICIAN if word in text], (key, text)
