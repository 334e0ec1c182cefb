"""SimulatedCardReader: the CardReader port for demos, with insert/remove events and removal mid-read."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from devices.card.access_keys import from_details
from devices.card.emulator.personalise import CardImage, tamper
from devices.card.errors import AuthenticityError, CardRemovedError, NoCardError
from devices.card.interface import CardEvent, CardInserted, CardReader, CardRemoved
from devices.card.simulated import SimulatedCardReader
from devices.card.trust.trust_store import TrustStore

KEY = from_details("001190012345", "900314", "300314")


def test_insert_read_and_remove_send_events(demo_image: CardImage, trust_dir: Path) -> None:
    reader: CardReader = SimulatedCardReader(TrustStore.from_folder(trust_dir))
    assert isinstance(reader, SimulatedCardReader)
    events: list[CardEvent] = []
    reader.subscribe(events.append)
    assert not reader.card_present()
    reader.insert(demo_image)
    assert reader.wait_for_card(0.1)
    steps: list[str] = []
    identity = reader.read_identity([KEY], lambda step, _fraction: steps.append(step))
    assert identity.id_number == "001190012345"
    assert steps[0] == "access" and steps[-1] == "done"
    reader.remove()
    assert [type(e) for e in events] == [CardInserted, CardRemoved]
    with pytest.raises(NoCardError):
        reader.read_identity([KEY])


def test_removal_during_a_read_raises_card_removed(demo_image: CardImage) -> None:
    reader = SimulatedCardReader()
    reader.insert(demo_image)

    def lift_card(step: str, _fraction: float) -> None:
        if step == "dg2":
            reader.remove()

    with pytest.raises(CardRemovedError):
        reader.read_identity([KEY], lift_card)


def test_a_tampered_card_is_refused(demo_image: CardImage, trust_dir: Path) -> None:
    reader = SimulatedCardReader(TrustStore.from_folder(trust_dir))
    reader.insert(tamper(demo_image, 13))
    with pytest.raises(AuthenticityError) as raised:
        reader.read_identity([KEY])
    assert raised.value.groups == (13,)


def test_wait_for_card_wakes_on_insert(demo_image: CardImage) -> None:
    reader = SimulatedCardReader()
    timer = threading.Timer(0.05, reader.insert, args=(demo_image,))
    timer.start()
    assert reader.wait_for_card(5)
    timer.join()


def test_the_reader_judges_the_card_on_the_day_its_clock_gives(demo_image: CardImage, trust_dir: Path) -> None:
    from datetime import date

    store = TrustStore.from_folder(trust_dir)
    on_issue_day = SimulatedCardReader(store, today=date.today)
    on_issue_day.insert(demo_image)
    assert on_issue_day.read_identity([KEY]).id_number == "001190012345"
    # Decades before the test signer existed, its signature cannot count: the injected day is what is checked.
    long_ago = SimulatedCardReader(store, today=lambda: date(2001, 1, 1))
    long_ago.insert(demo_image)
    with pytest.raises(AuthenticityError):
        long_ago.read_identity([KEY])
