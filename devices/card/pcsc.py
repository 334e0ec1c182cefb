"""PC/SC card access through pyscard and pcscd (PC/SC Workgroup spec, part 5 API): readers, presence, APDUs, events.

The adapter edge of the card stack: pyscard's exceptions become `CardError`s here, and nothing above knows about
pyscard. Presence and insert/remove events come from SCardGetStatusChange on a background thread that wakes
at least every `poll_interval` seconds, so a removal reaches subscribers well within a second.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from devices.card.access_keys import AccessKey
from devices.card.errors import CardRemovedError, NoCardError, NoReaderError
from devices.card.identity import Identity
from devices.card.interface import CardEvent, CardInserted, CardRemoved, ReaderStatus, Unsubscribe
from devices.card.protocol.transport import ApduTransport
from devices.card.reader import Progress, read_card, require_trustworthy
from devices.card.trust.trust_store import TrustStore

log = logging.getLogger(__name__)


def _scard() -> Any:
    try:
        from smartcard import scard
    except ImportError as exc:  # pragma: no cover - pyscard is a declared dependency
        raise NoReaderError("pyscard is not installed") from exc
    return scard


def _context() -> tuple[Any, int]:
    scard = _scard()
    hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if hresult != scard.SCARD_S_SUCCESS:
        raise NoReaderError("PC/SC service (pcscd) is not available")
    return scard, context


def reader_states(timeout_ms: int = 0, previous: dict[str, int] | None = None) -> dict[str, int]:
    """Reader name → SCARD_STATE flags; waits up to `timeout_ms` for a change from `previous`."""
    scard, context = _context()
    try:
        hresult, names = scard.SCardListReaders(context, [])
        if hresult != scard.SCARD_S_SUCCESS or not names:
            return {}
        states = [(name, (previous or {}).get(name, scard.SCARD_STATE_UNAWARE)) for name in names]
        hresult, answer = scard.SCardGetStatusChange(context, timeout_ms, states)
        if hresult not in (scard.SCARD_S_SUCCESS, scard.SCARD_E_TIMEOUT):
            return {name: 0 for name in names}
        return {name: state & ~scard.SCARD_STATE_CHANGED for name, state, _atr in answer}
    finally:
        scard.SCardReleaseContext(context)


def list_readers() -> list[ReaderStatus]:
    scard = _scard()
    return [ReaderStatus(name, bool(state & scard.SCARD_STATE_PRESENT)) for name, state in reader_states().items()]


def choose_reader(substring: str = "", *, need_card: bool = True) -> str:
    """The reader whose name contains `substring` (the first one with a card when no substring is given)."""
    readers = list_readers()
    matching = [r for r in readers if substring.lower() in r.name.lower()]
    if not matching:
        raise NoReaderError("no PC/SC reader" + (" matches the configured name" if substring else " is connected"))
    with_card = [r for r in matching if r.card_present]
    if need_card and not with_card:
        raise NoCardError("no card on the reader")
    return (with_card or matching)[0].name


class PcscChannel:
    """A `RawChannel` to the card in one PC/SC reader (T=1 preferred)."""

    def __init__(self, reader_name: str) -> None:
        from smartcard.CardConnection import CardConnection
        from smartcard.Exceptions import CardConnectionException, NoCardException
        from smartcard.System import readers

        self._connection_error = CardConnectionException
        match = [r for r in readers() if str(r) == reader_name]
        if not match:
            raise NoReaderError("reader disappeared")
        self.reader_name = reader_name
        self._connection = match[0].createConnection()
        try:
            try:
                self._connection.connect(CardConnection.T1_protocol)
            except CardConnectionException:
                self._connection.connect()
        except NoCardException as exc:
            raise NoCardError("no card on the reader") from exc
        except CardConnectionException as exc:
            raise NoCardError(f"card does not answer: {exc.__class__.__name__}") from exc
        self._atr = bytes(self._connection.getATR())

    @property
    def atr(self) -> bytes:
        return self._atr

    def exchange(self, command: bytes) -> bytes:
        try:
            data, sw1, sw2 = self._connection.transmit(list(command))
        except self._connection_error as exc:
            raise CardRemovedError(f"PC/SC transmit failed: {exc.__class__.__name__}") from exc
        return bytes(data) + bytes([sw1, sw2])

    def close(self) -> None:
        try:
            self._connection.disconnect()
        except self._connection_error:
            log.debug("disconnect after removal")


class PcscCardReader:
    """`CardReader` over pcscd."""

    def __init__(self, reader_name: str = "", trust_store: TrustStore | None = None, *, prefer_pace: bool = True,
                 poll_interval: float = 0.25) -> None:
        self.reader_name = reader_name
        self.trust_store = trust_store
        self.prefer_pace = prefer_pace
        self.poll_interval = poll_interval
        self._subscribers: list[Callable[[CardEvent], None]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def readers(self) -> list[ReaderStatus]:
        return list_readers()

    def card_present(self) -> bool:
        try:
            choose_reader(self.reader_name, need_card=True)
        except (NoCardError, NoReaderError):
            return False
        return True

    def wait_for_card(self, timeout: float) -> bool:
        ready = threading.Event()
        unsubscribe = self.subscribe(lambda e: ready.set() if isinstance(e, CardInserted) else None)
        try:
            return self.card_present() or ready.wait(timeout) or self.card_present()
        finally:
            unsubscribe()

    def read_identity(self, keys: Sequence[AccessKey], progress: Progress | None = None) -> Identity:
        channel = PcscChannel(choose_reader(self.reader_name))
        try:
            identity = read_card(ApduTransport(channel), keys, self.trust_store, progress,
                                 today=date.today(), prefer_pace=self.prefer_pace)
        finally:
            channel.close()
        return require_trustworthy(identity)

    def subscribe(self, callback: Callable[[CardEvent], None]) -> Unsubscribe:
        with self._lock:
            self._subscribers.append(callback)
            if self._thread is None:
                self._stop.clear()
                self._thread = threading.Thread(target=self._monitor, name="pcsc-monitor", daemon=True)
                self._thread.start()

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._subscribers:
                    self._subscribers.remove(callback)

        return unsubscribe

    def close(self) -> None:
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout=2)

    def _emit(self, event: CardEvent) -> None:
        with self._lock:
            subscribers = list(self._subscribers)
        for callback in subscribers:
            try:
                callback(event)
            except Exception:  # a subscriber's bug must not stop removal detection
                log.exception("card event subscriber failed")

    def _monitor(self) -> None:
        scard = _scard()
        states: dict[str, int] = {}
        present: dict[str, bool] = {}
        while not self._stop.is_set():
            try:
                states = reader_states(int(self.poll_interval * 1000), states)
            except NoReaderError:
                states = {}
                self._stop.wait(self.poll_interval)
            now = {name: bool(state & scard.SCARD_STATE_PRESENT) for name, state in states.items()
                   if self.reader_name.lower() in name.lower()}
            for name in set(now) | set(present):
                before, after = present.get(name, False), now.get(name, False)
                if after and not before:
                    self._emit(CardInserted(name))
                elif before and not after:
                    self._emit(CardRemoved(name))
            present = now
            if not states:
                self._stop.wait(self.poll_interval)
