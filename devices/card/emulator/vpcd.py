"""Connect the emulated chip to a real pcscd through the vsmartcard `vpcd` reader driver.

The driver listens on TCP (port 35963 in Debian's /etc/reader.conf.d/vpcd) and speaks a tiny framing: every message
is a 2-byte big-endian length and a payload. A 1-byte payload is a control code (0 power off, 1 power on, 2 reset,
4 "send your ATR"); anything longer is a command APDU, answered with the response APDU in the same framing.
Closing the socket is a card removal. pcscd then offers the chip to any PC/SC client as a contactless card.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time

from devices.card.emulator.chip import EmulatedChip

log = logging.getLogger(__name__)

DEFAULT_PORT = 35963
POWER_OFF, POWER_ON, RESET, GET_ATR = 0, 1, 2, 4


class VpcdLinkError(OSError):
    """The vpcd driver cannot be reached (pcscd not running, or the port is wrong)."""


_QUICKACK = getattr(socket, "TCP_QUICKACK", None)


def _recv_exactly(sock: socket.socket, size: int) -> bytes | None:
    data = bytearray()
    while len(data) < size:
        if _QUICKACK is not None:
            # vpcd writes the length and the APDU in two segments; a delayed ACK of the first would hold the
            # second back by Nagle's algorithm for ~40 ms per APDU. Linux resets QUICKACK, so set it each time.
            sock.setsockopt(socket.IPPROTO_TCP, _QUICKACK, 1)
        chunk = sock.recv(size - len(data))
        if not chunk:
            return None
        data += chunk
    return bytes(data)


class VpcdCard:
    """One emulated card on the vpcd reader: `insert()` connects, `remove()` closes the link."""

    def __init__(self, chip: EmulatedChip, host: str = "127.0.0.1", port: int = DEFAULT_PORT,
                 remove_after: int | None = None) -> None:
        self.chip = chip
        self.host = host
        self.port = port
        self.remove_after = remove_after
        self.apdus = 0
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None

    def connect(self, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                self._sock = socket.create_connection((self.host, self.port), timeout=2)
                self._sock.settimeout(None)
                self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                return
            except OSError as exc:
                if time.monotonic() > deadline:
                    raise VpcdLinkError(f"vpcd on {self.host}:{self.port} is not reachable") from exc
                time.sleep(0.1)

    def serve(self) -> None:
        """Answer vpcd until the link closes or `remove()` is called."""
        sock = self._sock
        if sock is None:
            raise VpcdLinkError("not connected")
        try:
            while True:
                header = _recv_exactly(sock, 2)
                if header is None:
                    break
                payload = _recv_exactly(sock, int.from_bytes(header, "big"))
                if payload is None:
                    break
                if len(payload) == 1:
                    if payload[0] == GET_ATR:
                        self._send(sock, self.chip.atr)
                    elif payload[0] in (POWER_OFF, POWER_ON, RESET):
                        self.chip.reset()
                    continue
                if self.remove_after is not None and self.apdus >= self.remove_after:
                    log.info("simulating removal after %d APDUs", self.apdus)
                    break
                self.apdus += 1
                self._send(sock, self.chip.process(payload))
        except OSError:
            log.info("vpcd link closed")
        finally:
            self.remove()

    @staticmethod
    def _send(sock: socket.socket, payload: bytes) -> None:
        sock.sendall(len(payload).to_bytes(2, "big") + payload)

    def insert(self, timeout: float = 10.0) -> None:
        """Connect and serve on a background thread."""
        self.chip.reset()
        self.connect(timeout)
        self._thread = threading.Thread(target=self.serve, name="vpcd-card", daemon=True)
        self._thread.start()

    def remove(self) -> None:
        sock, self._sock = self._sock, None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
