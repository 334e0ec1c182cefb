"""The one place the UI runs slow work (card reads, face frames, printing, portal sync) off the GUI thread.

Work runs on a small thread pool; its result or error comes back on the GUI thread through a queued Qt signal, so
screens only ever touch widgets from the GUI thread. Callbacks that arrive on foreign threads (pyscard's card
monitor, a simulated reader's insert/remove) go through `on_main` the same way. Every wipe of the session calls
`forget()`: results of work started before it are dropped, so a late chip read can never reappear on screen after
the citizen has left.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal

T = TypeVar("T")
log = logging.getLogger(__name__)


class _Relay(QObject):
    deliver = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.deliver.connect(self._run, Qt.ConnectionType.QueuedConnection)

    def _run(self, fn: Callable[[], None]) -> None:
        fn()


class TaskRunner:
    """Runs callables in the background and hands their outcome back on the GUI thread."""

    def __init__(self, max_workers: int = 3) -> None:
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="kiosk-task")
        self._relay = _Relay()
        self._generation = 0
        self._pending = 0
        self._closed = False
        self._lock = threading.Lock()

    def run(self, work: Callable[[], T], on_done: Callable[[T], None],
            on_error: Callable[[BaseException], None] | None = None) -> Future[T]:
        if self._closed:
            # The window is closing: a timer that fires after the shutdown gets nothing done, not an exception.
            dropped: Future[T] = Future()
            dropped.cancel()
            return dropped
        generation = self._generation
        with self._lock:
            self._pending += 1

        def finished(fut: Future[T]) -> None:
            def deliver() -> None:
                with self._lock:
                    self._pending -= 1
                if generation != self._generation:
                    return  # the session was wiped meanwhile: drop the result unseen
                error = fut.exception()
                if error is None:
                    on_done(fut.result())
                elif on_error is not None:
                    on_error(error)
                else:
                    raise error
            self.on_main(deliver)

        future = self._pool.submit(work)
        future.add_done_callback(finished)
        return future

    def on_main(self, fn: Callable[[], None]) -> None:
        """Run `fn` on the GUI thread (safe to call from any thread)."""
        self._relay.deliver.emit(fn)

    def relay(self, fn: Callable[..., None]) -> Callable[..., None]:
        """Wrap a callback that may fire on a foreign thread so it runs on the GUI thread."""
        def wrapped(*args: Any, **kwargs: Any) -> None:
            self.on_main(lambda: fn(*args, **kwargs))
        return wrapped

    def forget(self) -> None:
        """Drop the results of everything started so far (called on every session wipe)."""
        self._generation += 1

    @property
    def busy(self) -> bool:
        with self._lock:
            return self._pending > 0

    def drain(self, timeout_s: float = 10.0) -> None:
        """Process events until no work is pending (used by the scripted demo and tests)."""
        import time
        end = time.monotonic() + timeout_s
        while self.busy and time.monotonic() < end:
            QCoreApplication.processEvents()
            time.sleep(0.005)
        QCoreApplication.processEvents()

    def shutdown(self) -> None:
        self._closed = True
        self._pool.shutdown(wait=False, cancel_futures=True)
