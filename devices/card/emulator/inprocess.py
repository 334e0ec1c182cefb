"""An in-process `RawChannel` to the emulated chip: the whole protocol stack without pcscd, for tests and demos.

`remove()` (or `remove_after`, a count of APDUs) makes the next exchange fail exactly as a card lifted off a
real reader does, with `CardRemovedError`.
"""

from __future__ import annotations

from devices.card.emulator.chip import ChipContents, EmulatedChip
from devices.card.errors import CardRemovedError
from devices.card.protocol.transport import ApduTransport


class InProcessChannel:
    def __init__(self, chip: EmulatedChip, remove_after: int | None = None) -> None:
        self.chip = chip
        self.remove_after = remove_after
        self.exchanged = 0
        self.removed = False

    @property
    def atr(self) -> bytes:
        return self.chip.atr

    def remove(self) -> None:
        self.removed = True

    def exchange(self, command: bytes) -> bytes:
        if self.remove_after is not None and self.exchanged >= self.remove_after:
            self.removed = True
        if self.removed:
            raise CardRemovedError("card left the (in-process) reader")
        self.exchanged += 1
        return self.chip.process(command)


def inprocess_transport(image: ChipContents, remove_after: int | None = None) -> ApduTransport:
    """An `ApduTransport` to a freshly powered chip holding `image`."""
    return ApduTransport(InProcessChannel(EmulatedChip(image), remove_after))
