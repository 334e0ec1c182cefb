"""The kiosk window: header, banners, one page at a time, fixed footer, and the inactivity overlay.

It listens to the session (the Qt-free state machine in `kiosk.session`) and shows the page for its state; screens
forward the citizen's intent back to the session. Card insert/remove callbacks from the reader's own thread are
re-emitted on the GUI thread through the task runner. The inactivity timer is the session's: the window only calls
`tick()` and shows the warning the session raises.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from kiosk.session_events import (
    AssistanceEnded,
    AssistanceStarted,
    InactivityWarned,
    SessionEvent,
    SessionState,
    SessionWiped,
    StateChanged,
    TimeExtended,
)
from ui.context import UiContext
from ui.screens import SCREENS, STATE_SCREENS
from ui.screens.base import Screen
from ui.widgets.chrome import BannerWidget, FooterWidget, HeaderWidget, StepIndicatorWidget
from ui.widgets.overlay import InactivityOverlay, MessageOverlay

log = logging.getLogger(__name__)
JOURNEY_STEPS = 6
SECRET_TAPS = 5
RECOVERY_POLL_TICKS = 40  # 40 ticks of 250 ms: the printer is asked every ten seconds while slips are pending


class KioskWindow(QWidget):
    recovery_poll_ticks = RECOVERY_POLL_TICKS

    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setObjectName("kioskWindow")
        ctx.navigate = self.show_page
        ctx.navigate_message = lambda text: self.message.show_message(text, "", ctx.t("key_done"))
        cfg = ctx.kiosk.config.ui
        w, h = (cfg.width, cfg.height) if cfg.orientation == "portrait" else (max(cfg.width, cfg.height),
                                                                             min(cfg.width, cfg.height))
        self.resize(w, h)
        self.setFixedSize(w, h)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.header = HeaderWidget()
        self.banner = BannerWidget("banner")
        self.offline = BannerWidget("offline")
        self.steps = StepIndicatorWidget()
        self.stack = QStackedWidget()
        self.footer = FooterWidget()
        for part in (self.header, self.banner, self.offline, self.steps):
            outer.addWidget(part)
        outer.addWidget(self.stack, 1)
        outer.addWidget(self.footer)
        self.pages: dict[str, Screen] = {}
        for name, cls in SCREENS.items():
            page = cls(ctx)
            self.pages[name] = page
            self.stack.addWidget(page)
        self.current: Screen | None = None
        self.overlay = InactivityOverlay(self)
        self.message = MessageOverlay(self)
        self._secret_taps = 0
        self._secret_timer = QTimer(self)
        self._secret_timer.setSingleShot(True)
        self._secret_timer.timeout.connect(self._reset_secret)
        self._gui_thread = threading.current_thread()

        self.header.language_clicked.connect(self._toggle_language)
        self.header.repeat_clicked.connect(self._repeat)
        self.header.secret_tapped.connect(self._secret_tap)
        self.footer.back_clicked.connect(self._back)
        self.footer.start_over_clicked.connect(self._start_over)
        self.footer.call_staff_clicked.connect(lambda: self.show_page("call_staff"))
        self.overlay.extend_clicked.connect(self._extend)

        self._unsubscribe = ctx.kiosk.session.subscribe(self._on_session_event)
        ctx.kiosk.watch_card(ctx.tasks.relay(self._on_card_present))
        self._ticks = 0
        self._recovery_poll: Future[Any] | None = None
        self._tick = QTimer(self)
        self._tick.setInterval(250)
        self._tick.timeout.connect(self._on_tick)
        self._tick.start()
        self.installEventFilter(self)
        self.show_page("welcome")

    # ---- pages -------------------------------------------------------------------------------------------
    def show_page(self, name: str) -> None:
        page = self.pages[name]
        if self.current is not None and self.current is not page:
            self.current.leave()
        self.current = page
        self.stack.setCurrentWidget(page)
        self._refresh_chrome()
        page.enter()

    def _refresh_chrome(self) -> None:
        ctx = self.ctx
        page = self.current
        session = ctx.kiosk.session
        self.header.set_texts(ctx.t("header_place", place=ctx.kiosk.place_name), ctx.t("repeat"),
                              ctx.t("language_switch"))
        self.footer.set_texts(ctx.t("common.back"), ctx.t("common.start_over"), ctx.t("common.call_staff"))
        at_home = page is None or page.name == "welcome"
        self.footer.configure(back=bool(page and page.can_go_back()), start_over=not at_home)
        if page is not None and page.step:
            self.steps.set_step(ctx.t("step", index=page.step, count=JOURNEY_STEPS), page.step, JOURNEY_STEPS)
        else:
            self.steps.set_step("", 0, 0)
        helper = session.helper
        if helper is not None:
            self.banner.show_text(ctx.t("assisted_banner", name=helper.display_name))
        else:
            self.banner.hide()
        if ctx.kiosk.portal_offline():
            self.offline.show_text(ctx.t("offline_banner"))
        else:
            self.offline.hide()

    def refresh(self) -> None:
        """Re-render the current page and chrome (after a language switch)."""
        self._refresh_chrome()
        if self.current is not None:
            self.current.rebuild()
        self.overlay.retranslate()

    # ---- session events ----------------------------------------------------------------------------------
    def _on_session_event(self, event: SessionEvent) -> None:
        if threading.current_thread() is not self._gui_thread:
            self.ctx.tasks.on_main(lambda: self._on_session_event(event))
            return
        if isinstance(event, StateChanged):
            self.overlay.dismiss()
            if event.new is SessionState.IDLE:
                self.ctx.forget_visit()
            name = STATE_SCREENS.get(event.new)
            if name:
                self.show_page(name)
        elif isinstance(event, SessionWiped):
            self.overlay.dismiss()
            self.message.dismiss()
            self.ctx.forget_visit()
            if self.current is None or self.current.name != "welcome":
                self.show_page("welcome")
        elif isinstance(event, InactivityWarned):
            self.overlay.warn(event.can_extend)
            self.ctx.say("inactivity_warning")
        elif isinstance(event, TimeExtended):
            self.overlay.dismiss()
        elif isinstance(event, AssistanceStarted | AssistanceEnded):
            self._refresh_chrome()

    def _on_card_present(self, present: bool) -> None:
        session = self.ctx.kiosk.session
        if present:
            session.card_inserted()
            page = self.current
            if page is not None and hasattr(page, "card_inserted"):
                page.card_inserted()
        else:
            session.card_removed()

    def _on_tick(self) -> None:
        session = self.ctx.kiosk.session
        session.tick()
        self._ticks += 1
        if self._ticks % 20 == 0:  # every five seconds: is the portal reachable? (the queue's breaker knows)
            offline = self.ctx.kiosk.portal_offline()
            if offline != self.offline.isVisible():
                self._refresh_chrome()
        if self._ticks % self.recovery_poll_ticks == 0:
            self._poll_printer_recovery()
        if session.warned:
            self.overlay.set_seconds(session.seconds_until_wipe() or 0.0)

    def _poll_printer_recovery(self) -> None:
        """Every ~10 s: if a receipt failed earlier and the printer is back, print the counter's help slip. The
        printer is asked off the GUI thread; nothing is started while nothing is pending or a poll still runs."""
        recovery = self.ctx.printer_recovery
        busy = self._recovery_poll is not None and not self._recovery_poll.done()
        if recovery is None or busy or not recovery.enabled or not recovery.pending():
            return
        # Judged by the future, not by a callback: a session wipe drops callbacks of work started before it.
        self._recovery_poll = self.ctx.tasks.run(recovery.poll, _ignore, _log_poll_error)

    # ---- chrome actions ----------------------------------------------------------------------------------
    def _toggle_language(self) -> None:
        session = self.ctx.kiosk.session
        session.set_language("en" if session.language == "vi" else "vi")
        self.refresh()
        if self.current is not None:
            self.current.speak_intro()

    def _repeat(self) -> None:
        self.ctx.kiosk.session.activity()
        self.ctx.repeat()

    def _back(self) -> None:
        page = self.current
        if page is None:
            return
        self.ctx.kiosk.session.activity()
        if page.back():
            self._refresh_chrome()
            return
        session = self.ctx.kiosk.session
        if page.name in ("call_staff", "volunteer", "service_info"):
            target = self.ctx.scratch.pop("return_to", None)
            self.show_page(target or STATE_SCREENS.get(session.state, "welcome"))
            return
        try:
            session.back()
        except Exception:
            log.info("back is not possible from %s", session.state.value)

    def _start_over(self) -> None:
        self.ctx.kiosk.session.cancel()
        if self.current is None or self.current.name != "welcome":
            self.show_page("welcome")

    def _extend(self) -> None:
        if self.ctx.kiosk.session.extend():
            self.overlay.dismiss()

    def _secret_tap(self) -> None:
        """Five taps on the place name within three seconds, on the welcome screen only, open the PIN pad."""
        if self.current is None or self.current.name != "welcome":
            return
        self._secret_taps += 1
        self._secret_timer.start(3000)
        if self._secret_taps >= SECRET_TAPS:
            self._reset_secret()
            self.show_page("technician_pin")

    def _reset_secret(self) -> None:
        self._secret_taps = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.KeyPress, QEvent.Type.TouchBegin):
            self.ctx.kiosk.session.activity()
        return super().eventFilter(watched, event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._tick.stop()
        self._unsubscribe()
        if self.current is not None:
            self.current.leave()  # stops a running camera preview, drops the page's texts
        from PySide6.QtWidgets import QApplication
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        super().closeEvent(event)


def _ignore(_result: object) -> None:
    """The slips are on paper; nothing changes on screen."""


def _log_poll_error(exc: BaseException) -> None:
    log.warning("printer recovery poll failed: %s", type(exc).__name__)


def install_activity_filter(window: KioskWindow) -> None:
    """Every press anywhere in the app counts as activity for the inactivity timer."""
    from PySide6.QtWidgets import QApplication
    app = QApplication.instance()
    if app is not None:
        app.installEventFilter(window)


__all__ = ["KioskWindow", "Qt", "install_activity_filter"]
