"""The Qt application: style, the kiosk window, and the last-resort error handler.

Any exception that reaches the event loop (Anki's `show_exception` idea, kiosk-shaped) wipes the session and
returns to the welcome screen with a kind sentence — never a traceback on a public screen. The log gets the error
type and where it happened, never the exception's text (it might hold a citizen's data).
"""

from __future__ import annotations

import logging
import signal
import sys
import traceback
from collections.abc import Callable
from types import TracebackType

import PySide6
from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtWidgets import QApplication

from kiosk.journey.shell import Kiosk, WipeReason, open_visit, service_heartbeat, watchdog_interval_ms
from ui.context import UiContext
from ui.tasks import TaskRunner
from ui.theme import SIZES, font, stylesheet
from ui.window import KioskWindow, install_activity_filter

log = logging.getLogger(__name__)


def check_none_refcount(calls: int = 256) -> bool:
    """Tell whether the Qt bindings keep `None`'s reference count; log an error if they do not.

    PySide6 6.12.0 releases a reference to `None` it never took on every wrapped method returning void (QPainter
    setters and draw calls, QRectF.moveTop, …). CPython 3.12 made `None` immortal (PEP 683), but on 3.11 the count
    reaches zero after enough repaints and the interpreter aborts ("deallocating None"). pyproject.toml pins a clean
    release; this check costs well under a millisecond and makes a wrong install visible in the log at start-up,
    long before the abort, instead of patching the interpreter's count from Python.
    """
    if sys.version_info >= (3, 12):
        return True
    probe = QRectF(0.0, 0.0, 1.0, 1.0)
    before = sys.getrefcount(None)
    for _ in range(calls):
        probe.moveTop(1.0)
    lost = before - sys.getrefcount(None)
    if lost >= calls // 2:
        log.error("PySide6 %s loses a reference to None on each void call (%d of %d); the kiosk will abort after "
                  "long use. Install the version pinned in pyproject.toml.", PySide6.__version__, lost, calls)
        return False
    return True


def application(argv: list[str] | None = None) -> QApplication:
    check_none_refcount()
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv or [sys.argv[0]])
    app.setApplicationName("cccd-kiosk")
    app.setFont(font(SIZES.text_px))
    app.setStyleSheet(stylesheet())
    app.setDesktopSettingsAware(False)
    return app


class ErrorHandler:
    """Installed as `sys.excepthook` while the kiosk runs."""

    def __init__(self, window: KioskWindow) -> None:
        self.window = window
        self.errors = 0
        self._previous: Callable[[type[BaseException], BaseException, TracebackType | None], object] | None = None

    def install(self) -> None:
        self._previous = sys.excepthook
        sys.excepthook = self.handle

    def uninstall(self) -> None:
        if self._previous is not None:
            sys.excepthook = self._previous
            self._previous = None

    def handle(self, kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        self.errors += 1
        where = traceback.extract_tb(tb)[-3:] if tb is not None else []
        log.error("unexpected %s at %s", kind.__name__,
                  " <- ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno}" for f in reversed(where)))
        ctx = self.window.ctx
        try:
            ctx.kiosk.session.wipe(WipeReason.ERROR)
        except Exception:
            log.exception("wipe after an unexpected error failed")
        ctx.forget_visit()
        self.window.show_page("welcome")  # the visit's welcome: the wipe cleared everything it held
        self.window.message.show_message(ctx.t("common.unexpected_error"), "", ctx.t("key_done"))


def start_window(kiosk: Kiosk, show: bool = True) -> tuple[QApplication, KioskWindow, ErrorHandler]:
    """Build the window on an existing or new QApplication; the caller runs the event loop."""
    app = application()
    visit, camera = open_visit(kiosk)
    ctx = UiContext(kiosk=kiosk, visit=visit, camera=camera, tasks=TaskRunner())
    window = KioskWindow(ctx)
    install_activity_filter(window)
    handler = ErrorHandler(window)
    handler.install()
    if show:
        if kiosk.config.ui.fullscreen:
            window.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
            window.showFullScreen()
        else:
            window.show()
    return app, window, handler


def start_heartbeat(app: QApplication, kiosk: Kiosk) -> QTimer:
    """systemd's watchdog, beaten from this event loop so a hung loop gets the kiosk restarted (kiosk.watchdog)."""
    heartbeat = service_heartbeat(kiosk.config, kiosk.session)
    timer = QTimer(app)
    timer.timeout.connect(lambda: heartbeat.beat() and app.quit())
    timer.start(watchdog_interval_ms())
    heartbeat.ready()
    return timer


def run(kiosk: Kiosk) -> int:
    app, window, handler = start_window(kiosk)
    heartbeat = start_heartbeat(app, kiosk)
    # SIGTERM (the service manager, or `kiosk run` being stopped) closes the window through the normal path below,
    # so the voice and the devices stop with it instead of an utterance outliving the window. Python runs signal
    # handlers only between its own bytecodes, so a short timer gives it the chance while Qt's loop waits.
    previous = signal.signal(signal.SIGTERM, lambda _signum, _frame: app.quit())
    wake = QTimer(app)
    wake.timeout.connect(lambda: None)
    wake.start(200)
    try:
        return int(app.exec())
    finally:
        wake.stop()
        signal.signal(signal.SIGTERM, previous)
        heartbeat.stop()
        handler.uninstall()
        window.ctx.tasks.shutdown()
        kiosk.close()
