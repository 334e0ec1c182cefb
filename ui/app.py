"""The Qt application: style, the kiosk window, and the last-resort error handler.

Any exception that reaches the event loop (Anki's `show_exception` idea, kiosk-shaped) wipes the session and
returns to the welcome screen with a kind sentence — never a traceback on a public screen. The log gets the error
type and where it happened, never the exception's text (it might hold a citizen's data).
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from kiosk.bootstrap import Kiosk
from kiosk.session_events import WipeReason
from ui.context import UiContext
from ui.tasks import TaskRunner
from ui.theme import SIZES, font, stylesheet
from ui.window import KioskWindow, install_activity_filter

log = logging.getLogger(__name__)


def shield_none_refcount() -> None:
    """Work around a reference-counting bug of PySide6 6.12 on CPython 3.11.

    Some QPainter calls (setRenderHint, setPen, setBrush, drawRoundedRect, …) release one reference to `None` they
    never took; measured here: 20 000 calls lower `sys.getrefcount(None)` by 20 000. On 3.11 `None` is an ordinary
    object, so after enough repaints its count reaches zero and the interpreter aborts ("deallocating None").
    CPython 3.12 makes `None` immortal (PEP 683); on 3.11 we give it a count no kiosk lifetime can use up.
    """
    if sys.version_info >= (3, 12):
        return
    import ctypes

    counter = ctypes.c_ssize_t.from_address(id(None))  # ob_refcnt is the first field of every PyObject
    if counter.value < 1 << 40:
        counter.value += 1 << 50


def application(argv: list[str] | None = None) -> QApplication:
    shield_none_refcount()
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
        self.window.show_page("welcome")
        self.window.message.show_message(ctx.t("common.unexpected_error"), "", ctx.t("key_done"))


def start_window(kiosk: Kiosk, show: bool = True) -> tuple[QApplication, KioskWindow, ErrorHandler]:
    """Build the window on an existing or new QApplication; the caller runs the event loop."""
    app = application()
    ctx = UiContext(kiosk=kiosk, tasks=TaskRunner())
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


def run(kiosk: Kiosk) -> int:
    app, window, handler = start_window(kiosk)
    try:
        return int(app.exec())
    finally:
        handler.uninstall()
        window.ctx.tasks.shutdown()
        kiosk.close()
