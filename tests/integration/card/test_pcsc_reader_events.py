"""PcscCardReader over pcscd + vpcd: insertion and removal events, and removal noticed within one second."""

from __future__ import annotations

import threading
import time

import pytest

from devices.card.access_keys import from_details
from devices.card.interface import CardEvent, CardInserted, CardRemoved
from devices.card.pcsc import PcscCardReader
from devices.card.trust.trust_store import TrustStore
from tests.integration.card.conftest import CardRig

pytestmark = pytest.mark.integration


def test_insert_read_and_removal_within_one_second(card: CardRig, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PCSCLITE_CSOCK_NAME", str(card.pcscd.socket_path))
    reader = PcscCardReader("00 00", None, poll_interval=0.25)
    events: list[tuple[float, CardEvent]] = []
    changed = threading.Event()

    def record(event: CardEvent) -> None:
        events.append((time.monotonic(), event))
        changed.set()

    reader.subscribe(record)
    try:
        emulator = card.insert("demo")
        assert changed.wait(10)
        assert isinstance(events[-1][1], CardInserted)
        assert reader.card_present()
        card.trust_store.mkdir(exist_ok=True)
        reader.trust_store = TrustStore.from_folder(card.trust_store)
        identity = reader.read_identity([from_details("001190012345", "900314", "300314")])
        assert identity.id_last4 == "2345"

        changed.clear()
        lifted = time.monotonic()
        emulator.stop()
        assert changed.wait(5)
        when, event = events[-1]
        assert isinstance(event, CardRemoved)
        assert when - lifted < 1.0
        assert not reader.card_present()
    finally:
        reader.close()
