"""Telling systemd the kiosk is alive (sd_notify), and what the kiosk's main loop does on each heartbeat.

systemd's notification protocol (sd_notify(3)) is one datagram of `KEY=VALUE` lines sent to the unix socket named
in `$NOTIFY_SOCKET` (a leading `@` names an abstract socket). `READY=1` ends start-up of a `Type=notify` service;
`WATCHDOG=1` must then arrive at least every `WatchdogSec=` or systemd kills and restarts the service, so it is
sent from the UI's own event loop: a hung loop stops the heartbeat and the kiosk is restarted. Nothing here
needs libsystemd; outside systemd (no `$NOTIFY_SOCKET`) every call is a no-op.

Each heartbeat also refreshes the visit flag the scheduled updater reads (kiosk/updates/visit.py) and answers
whether the kiosk should restart now: an update was applied by the updater since start-up and no visit is in
progress (systemd's `Restart=always` brings it back on the new release).
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kiosk.logs import configure_logging
from kiosk.updates.applied import store_for
from kiosk.updates.visit import FLAG_NAME, VisitFlag, session_busy

if TYPE_CHECKING:
    from kiosk.config import KioskConfig

log = logging.getLogger(__name__)
DEFAULT_INTERVAL_MS = 10_000


def sd_notify(message: str, environ: Mapping[str, str] | None = None) -> bool:
    """Send `message` to systemd; False (and nothing sent) when not run by systemd or the socket is gone."""
    address = (os.environ if environ is None else environ).get("NOTIFY_SOCKET", "")
    if not address or address[0] not in ("/", "@"):
        return False
    target = "\0" + address[1:] if address[0] == "@" else address
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.sendto(message.encode("utf-8"), target)
    except OSError as exc:
        log.warning("sd_notify failed (%s)", type(exc).__name__)
        return False
    return True


def watchdog_interval_ms(environ: Mapping[str, str] | None = None) -> int:
    """Half of systemd's `WatchdogSec=` (`$WATCHDOG_USEC`), as sd_watchdog_enabled(3) advises; else 10 s."""
    env = os.environ if environ is None else environ
    try:
        usec = int(env.get("WATCHDOG_USEC", "0"))
    except ValueError:
        usec = 0
    pid = env.get("WATCHDOG_PID", "")
    if usec <= 0 or (pid and pid != str(os.getpid())):
        return DEFAULT_INTERVAL_MS
    return max(100, usec // 2000)


@dataclass
class Heartbeat:
    busy: Callable[[], bool]
    visit_flag: VisitFlag | None = None
    generation: Callable[[], int] | None = None  # the update store's swap counter
    notify: Callable[[str], bool] = field(default=sd_notify)
    _start_generation: int | None = field(default=None, init=False)

    def ready(self) -> None:
        self._start_generation = self.generation() if self.generation is not None else None
        self.notify("READY=1")

    def beat(self) -> bool:
        """Called from the main loop; True when the kiosk should quit now to start on a newly applied update."""
        self.notify("WATCHDOG=1")
        busy = self.busy()
        if self.visit_flag is not None:
            try:
                self.visit_flag.set(busy)
            except OSError as exc:  # a full disk must not stop the heartbeat itself
                log.warning("visit flag not written (%s)", type(exc).__name__)
        if busy or self.generation is None or self._start_generation is None:
            return False
        if self.generation() != self._start_generation:
            log.info("an update was applied; restarting between visits")
            self.notify("STOPPING=1")
            return True
        return False


def service_heartbeat(config: KioskConfig, session: object) -> Heartbeat:
    """The heartbeat of a kiosk run as a service: logging as configured, the visit flag, the update counter."""
    configure_logging(config.logging)
    store = store_for(config)
    return Heartbeat(busy=session_busy(session), visit_flag=VisitFlag(store.root / FLAG_NAME),
                     generation=store.generation if config.updates.enabled else None)
