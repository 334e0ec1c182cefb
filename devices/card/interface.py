"""The kiosk-facing port of the card stack: `CardReader`, its events and the reader status value.

Implementations: `pcsc.PcscCardReader` (a real PC/SC reader through pcscd) and `simulated.SimulatedCardReader`
(the in-process emulated CCCD, for demos and UI tests). Events arrive on the reader's own thread; the UI must
re-emit them on the GUI thread. A CardRemoved event must reach subscribers within a second of the removal so
the session can wipe the citizen's data.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from devices.card.access_keys import AccessKey
from devices.card.identity import Identity
from devices.card.reader import Progress


@dataclass(frozen=True)
class ReaderStatus:
    name: str
    card_present: bool


@dataclass(frozen=True)
class CardInserted:
    reader: str


@dataclass(frozen=True)
class CardRemoved:
    reader: str


CardEvent = CardInserted | CardRemoved
Unsubscribe = Callable[[], None]


class CardReader(Protocol):
    def readers(self) -> list[ReaderStatus]:
        """Every reader this back end sees, with whether a card lies on it."""
        ...

    def card_present(self) -> bool: ...

    def wait_for_card(self, timeout: float) -> bool:
        """Block up to `timeout` seconds for a card; True when one is present."""
        ...

    def read_identity(self, keys: Sequence[AccessKey], progress: Progress | None = None) -> Identity:
        """Read and verify the card. Raises a CardError; AuthenticityError when the chip cannot be trusted."""
        ...

    def subscribe(self, callback: Callable[[CardEvent], None]) -> Unsubscribe:
        """Call `callback` on every insertion and removal (from a background thread)."""
        ...

    def close(self) -> None:
        """Stop background monitoring and release the reader."""
        ...
