"""`SimulatedCardReader`: the `CardReader` port over the in-process emulated CCCD, for demos and UI tests.

A technician (or a test) calls `insert(image)` and `remove()`; reads run the full protocol stack (BAC/PACE,
secure messaging, CA/AA, Passive Authentication) against the emulated chip, so the demo behaves like a real
card, including removal in the middle of a read.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import date

from devices.card.access_keys import AccessKey
from devices.card.emulator.chip import ChipContents, EmulatedChip
from devices.card.emulator.inprocess import InProcessChannel
from devices.card.errors import NoCardError
from devices.card.identity import Identity
from devices.card.interface import CardEvent, CardInserted, CardRemoved, ReaderStatus, Unsubscribe
from devices.card.protocol.transport import ApduTransport
from devices.card.reader import Progress, read_card, require_trustworthy
from devices.card.trust.trust_store import TrustStore

READER_NAME = "Simulated CCCD reader"


class SimulatedCardReader:
    def __init__(self, trust_store: TrustStore | None = None, *, prefer_pace: bool = True,
                 today: Callable[[], date] = date.today) -> None:
        self.trust_store = trust_store
        self.prefer_pace = prefer_pace
        # Validity (document expiry, certificate dates) is judged on the kiosk's own calendar day, so a demo with
        # a fixed clock sees the same card as valid on every run.
        self._today = today
        self._channel: InProcessChannel | None = None
        self._subscribers: list[Callable[[CardEvent], None]] = []
        self._present = threading.Condition()

    # --- technician / test controls -------------------------------------------------------------------------

    def insert(self, image: ChipContents) -> None:
        with self._present:
            if self._channel is not None:
                self._channel.remove()
            self._channel = InProcessChannel(EmulatedChip(image))
            self._present.notify_all()
        self._emit(CardInserted(READER_NAME))

    def remove(self) -> None:
        with self._present:
            channel, self._channel = self._channel, None
        if channel is not None:
            channel.remove()  # a read in progress fails with CardRemovedError
            self._emit(CardRemoved(READER_NAME))

    # --- CardReader ------------------------------------------------------------------------------------------

    def readers(self) -> list[ReaderStatus]:
        return [ReaderStatus(READER_NAME, self.card_present())]

    def card_present(self) -> bool:
        return self._channel is not None

    def wait_for_card(self, timeout: float) -> bool:
        with self._present:
            return self._present.wait_for(lambda: self._channel is not None, timeout)

    def read_identity(self, keys: Sequence[AccessKey], progress: Progress | None = None) -> Identity:
        channel = self._channel
        if channel is None:
            raise NoCardError("no card in the simulated reader")
        channel.chip.reset()
        channel.exchanged = 0
        identity = read_card(ApduTransport(channel), keys, self.trust_store, progress, today=self._today(),
                             prefer_pace=self.prefer_pace)
        return require_trustworthy(identity)

    def subscribe(self, callback: Callable[[CardEvent], None]) -> Unsubscribe:
        self._subscribers.append(callback)

        def unsubscribe() -> None:
            if callback in self._subscribers:
                self._subscribers.remove(callback)

        return unsubscribe

    def close(self) -> None:
        self._subscribers.clear()

    def _emit(self, event: CardEvent) -> None:
        for callback in list(self._subscribers):
            callback(event)
