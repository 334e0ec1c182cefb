"""The kiosk window: header, banners, one page at a time, fixed footer, and the inactivity overlay.

A citizen's screens are views of the visit (kiosk.journey.Visit): every touch, key, card event and timer tick
becomes a command, the visit answers with the `ScreenView` to draw, and the window draws it on its one journey
page (ui.screens.journey) and says its prompts. Commands the visit calls slow (`pending_view` gives a progress view:
reading the card, sending) run on the task runner's threads with the progress view shown; so do ticks on screens
that look through the camera, where the visit judges a frame each time. The card reader's events arrive on its own
thread and are relayed to the GUI thread. Technician and manager modes are no part of a visit: their pages follow
the session's staff states.

On a camera screen two more timers run (and only there): every PREVIEW_MS the preview paints the camera's newest
frame, if it is new; JUDGE_GAP_MS after a judgement is back, the visit is handed the next frame to judge. The camera
is read on a thread of its own (kiosk.journey.shell.FrameTap), so the preview keeps the camera's pace however long a
judgement takes, and the visit judges frames back to back on the task runner's thread, never on the GUI thread.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import Future
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication, QStackedWidget, QVBoxLayout, QWidget

from kiosk.journey import Back, CardPlaced, CardRemoved, ChangeLanguage, Command, Help, Restart, ScreenView, Tap, Tick
from kiosk.journey.display import DisplayPrefs
from kiosk.journey.shell import (
    STAFF_STATES,
    AssistanceEnded,
    AssistanceStarted,
    SessionEvent,
    SessionState,
    StateChanged,
    ViewVoice,
    watch_card,
)
from ui import theme
from ui.context import UiContext
from ui.screens import STAFF_PAGES
from ui.screens.base import Screen
from ui.screens.journey import JourneyScreen
from ui.widgets.chrome import BannerWidget, FooterWidget, HeaderWidget, StepIndicatorWidget
from ui.widgets.overlay import InactivityOverlay, MessageOverlay

log = logging.getLogger(__name__)
SECRET_TAPS = 5
TICK_MS = 250
PREVIEW_MS = 33  # a 30 fps camera's pace; a frame already painted is not painted again
JUDGE_GAP_MS = 15  # a quiet moment between two judgements: a key or a tap waiting goes first, the window is seen idle
RECOVERY_POLL_TICKS = 40  # 40 ticks of 250 ms: the printer is asked every ten seconds while slips are pending


class KioskWindow(QWidget):
    recovery_poll_ticks = RECOVERY_POLL_TICKS

    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.visit = ctx.visit
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
        self.journey = JourneyScreen(self.send, ctx.t, ctx.camera.last_frame)
        self.stack.addWidget(self.journey)
        self.pages: dict[str, Screen] = {}
        for name, cls in STAFF_PAGES.items():
            page = cls(ctx)
            self.pages[name] = page
            self.stack.addWidget(page)
        self.current: JourneyScreen | Screen = self.journey
        self.view: ScreenView = self.visit.view()
        self.voice = ViewVoice(ctx.kiosk, self.visit)
        self.overlay = InactivityOverlay(self, ctx.t)
        self.message = MessageOverlay(self, ctx.t)
        self._busy: Future[ScreenView] | None = None
        self._queued: list[Command] = []      # commands that came while a slow one ran, in order
        self.card_events = 0                  # card placed/removed events heard from the reader
        self._secret_taps = 0
        self._secret_timer = QTimer(self)
        self._secret_timer.setSingleShot(True)
        self._secret_timer.timeout.connect(self._reset_secret)
        self._gui_thread = threading.current_thread()

        self.header.language_clicked.connect(self._toggle_language)
        self.header.repeat_clicked.connect(self._repeat)
        self.header.secret_tapped.connect(self._secret_tap)
        self.header.text_scale_chosen.connect(lambda scale: self._show_display(self.visit.set_text_scale(scale)))
        self.header.high_contrast_toggled.connect(lambda on: self._show_display(self.visit.toggle_contrast(on)))
        self.header.volume_down_clicked.connect(lambda: self._volume_changed(self.visit.quieter()))
        self.header.volume_up_clicked.connect(lambda: self._volume_changed(self.visit.louder()))
        self.footer.back_clicked.connect(lambda: self.send(Back()))
        self.footer.start_over_clicked.connect(self._start_over)
        self.footer.call_staff_clicked.connect(lambda: self.send(Help()))
        self.overlay.extend_clicked.connect(lambda: self.send(Tap("more_time")))

        self._unsubscribe = ctx.kiosk.session.subscribe(self._on_session_event)
        watch_card(ctx.kiosk, ctx.tasks.relay(self._card_event))
        self._ticks = 0
        self._recovery_poll: Future[Any] | None = None
        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self._on_tick)
        self._tick.start()
        self._preview = QTimer(self)
        self._preview.setInterval(PREVIEW_MS)
        self._preview.timeout.connect(self._on_preview)
        self._judge = QTimer(self)
        self._judge.setSingleShot(True)
        self._judge.setInterval(JUDGE_GAP_MS)
        self._judge.timeout.connect(self._judge_next)
        self.installEventFilter(self)
        self.dpi = ctx.kiosk.config.ui.screen_dpi
        self.display: DisplayPrefs = self.visit.display
        # The panel's dpi sizes every text and target; the visit's defaults put back 100 % and the normal theme.
        theme.apply(QApplication.instance(), scale=self.display.text_scale,
                    high_contrast=self.display.high_contrast, dpi=self.dpi)
        self._show_display(self.display)
        self.voice.follow_display(self.display)
        self.show_view(self.view)

    # ---- commands ----------------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        """A slow command is running: its progress view is on screen."""
        return self._busy is not None and not self._busy.done()

    def send(self, command: Command) -> None:
        """Hand `command` to the visit and draw the view it answers with (slow commands off the GUI thread)."""
        if self.busy:
            if isinstance(command, CardRemoved):
                # The wipe cannot wait: it runs as soon as the visit is free, and what the slow command would have
                # shown is dropped unseen.
                self._queued.clear()
                self.ctx.tasks.forget()
                self._run(command)
            elif not isinstance(command, Tick):
                self._queued.append(command)  # a key or a tap while a camera frame is judged: handed on next
            return
        if self.ctx.kiosk.session.state in STAFF_STATES and not isinstance(command, Tick | ChangeLanguage):
            return  # technician or manager mode: no visit is under way
        pending = self.visit.pending_view(command)
        if pending is not None:
            self.show_view(pending)
            self._run(command)
        elif isinstance(command, Tick) and self.view.camera:
            self._run(command)  # the visit reads and judges a camera frame: not on the GUI thread
        else:
            self.show_view(self.visit.handle(command))

    def _run(self, command: Command) -> None:
        frames_read = self.ctx.camera.frames

        def failed(exc: BaseException) -> None:
            self._busy = None
            raise exc

        def done(view: ScreenView) -> None:
            self._busy = None
            self.show_view(view)
            while self._queued and not self.busy:
                self.send(self._queued.pop(0))
            if isinstance(command, Tick) and self.ctx.camera.frames != frames_read:
                self._judge_soon()  # the visit judged a frame and may want the next: no waiting for the tick

        self._busy = self.ctx.tasks.run(lambda: self.visit.handle(command), done, failed)

    def _card_event(self, command: Command) -> None:
        if not isinstance(command, CardPlaced | CardRemoved):
            return
        self.card_events += 1
        self.send(command)

    # ---- drawing -----------------------------------------------------------------------------------------
    def show_view(self, view: ScreenView, *, force: bool = False) -> None:
        """Draw `view` on the journey page (not while a staff mode is on; a view unchanged since the last is not
        drawn again, so a timer tick neither resets a scrolled list nor takes a staff page away)."""
        unchanged = view == self.view and not force
        self.view = view
        if self.visit.display != self.display:   # wiped: the next citizen starts from the defaults
            self._show_display(self.visit.display)
            self.voice.follow_display(self.display)
        if self.ctx.kiosk.session.state in STAFF_STATES:
            return  # the staff page stays; the visit's welcome comes back when the mode is left
        if unchanged and (self.current is not self.journey or self.journey.view == view):
            if self.current is self.journey and not view.pending:
                self.voice.say_pending()  # "Nghe lại" on the same screen
            return
        if self.current is not self.journey:
            self.current.leave()
            self.current = self.journey
            self.stack.setCurrentWidget(self.journey)
        if view.warning:
            self.overlay.warn(True)
        else:
            self.overlay.dismiss()
        self.journey.show_view(view)
        self._follow_camera()
        self._refresh_chrome()
        if not view.pending:
            self.voice.say_pending()

    def show_page(self, name: str) -> None:
        """A staff page by name; any other name shows the visit's current screen."""
        page = self.pages.get(name)
        if page is None:
            self.show_view(self.visit.view(), force=True)
            return
        if self.current is not page:
            self.current.leave()
        if self.current is self.journey:
            self.journey.leave()
        self.current = page
        self.stack.setCurrentWidget(page)
        self._follow_camera()
        self.overlay.dismiss()
        self._refresh_chrome()
        page.enter()

    def _refresh_chrome(self) -> None:
        ctx = self.ctx
        self.header.set_texts(ctx.t("header_place", place=ctx.kiosk.place_name), ctx.t("repeat"),
                              ctx.t("language_switch"), labels=ctx.t)
        self.footer.set_texts(ctx.t("common.back"), ctx.t("common.start_over"), ctx.t("common.call_staff"))
        if self.current is self.journey:
            ids = self.view.choice_ids()
            self.footer.configure(back="back" in ids, start_over="restart" in ids)
            self.footer.call_staff.setVisible(self.view.screen not in ("help", "volunteer_pin"))
            n, of = self.view.step
            self.steps.set_step(ctx.t("step", index=n, count=of) if n else "", n, of)
        else:
            self.footer.configure(back=False, start_over=self.current.name == "technician_pin")
            self.footer.call_staff.setVisible(False)
            self.steps.set_step("", 0, 0)
        helper = ctx.kiosk.session.helper
        if helper is not None:
            self.banner.show_text(ctx.t("assisted_banner", name=helper.display_name))
        else:
            self.banner.hide()
        if ctx.kiosk.portal_offline():
            self.offline.show_text(ctx.t("offline_banner"))
        else:
            self.offline.hide()

    # ---- session events (staff modes; wipes from elsewhere) -------------------------------------------------
    def _on_session_event(self, event: SessionEvent) -> None:
        if threading.current_thread() is not self._gui_thread:
            self.ctx.tasks.on_main(lambda: self._on_session_event(event))
            return
        if isinstance(event, StateChanged):
            if event.new is SessionState.TECHNICIAN:
                self.show_page("technician")
            elif event.new is SessionState.MANAGER:
                self.show_page("manager")
            elif event.old in STAFF_STATES:
                self.show_view(self.visit.view(), force=True)
        elif isinstance(event, AssistanceStarted | AssistanceEnded):
            self._refresh_chrome()

    # ---- the timers ------------------------------------------------------------------------------------
    def _follow_camera(self) -> None:
        """The preview and judging timers run while, and only while, the page on show has a camera preview."""
        showing = self.current is self.journey and self.journey.preview is not None
        if showing and not self._preview.isActive():
            self._preview.start()
        elif not showing:
            self._preview.stop()
            self._judge.stop()

    def _on_preview(self) -> None:
        if self.current is not self.journey or self.journey.preview is None:
            self._follow_camera()
            return
        self.journey.show_frame()

    def _judge_soon(self) -> None:
        if self._preview.isActive() and not self.busy:
            self._judge.start()

    def _judge_next(self) -> None:
        if self._preview.isActive() and self.view.camera and not self.busy:
            self.send(Tick(time.monotonic()))  # the visit reads and judges the next frame on the task runner

    def _on_tick(self) -> None:
        self._ticks += 1
        if not self.busy:
            self.send(Tick(time.monotonic()))
        if self._ticks % 20 == 0:  # every five seconds: is the portal reachable? (the queue's breaker knows)
            offline = self.ctx.kiosk.portal_offline()
            if offline != self.offline.isVisible():
                self._refresh_chrome()
        if self._ticks % self.recovery_poll_ticks == 0:
            self._poll_printer_recovery()
        session = self.ctx.kiosk.session
        if session.warned:
            self.overlay.set_seconds(session.seconds_until_wipe() or 0.0)

    def _poll_printer_recovery(self) -> None:
        """Every ~10 s: if a receipt failed earlier and the printer is back, print the counter's help slip. The
        printer is asked off the GUI thread; nothing is started while nothing is pending or a poll still runs."""
        recovery = self.ctx.printer_recovery
        busy = self._recovery_poll is not None and not self._recovery_poll.done()
        if recovery is None or busy or not recovery.enabled or not recovery.pending():
            return
        self._recovery_poll = self.ctx.tasks.run(recovery.poll, _ignore, _log_poll_error)

    # ---- chrome actions ----------------------------------------------------------------------------------
    def _toggle_language(self) -> None:
        language = "en" if self.ctx.kiosk.session.language == "vi" else "vi"
        if self.current is self.journey:
            self.send(ChangeLanguage(language))
            return
        self.ctx.kiosk.session.set_language(language)
        self._refresh_chrome()
        if isinstance(self.current, Screen):
            self.current.rebuild()

    def _show_display(self, prefs: DisplayPrefs) -> None:
        """The whole window at the visit's text size and theme, and the header's controls showing them."""
        now = theme.current()
        if (now.scale, now.high_contrast, now.dpi) != (prefs.text_scale, prefs.high_contrast, self.dpi):
            theme.apply_prefs(prefs, self.dpi)
        self.display = prefs
        self.header.show_display(prefs)

    def _volume_changed(self, prefs: DisplayPrefs) -> None:
        self._show_display(prefs)
        self.voice.volume_changed(prefs)

    def _repeat(self) -> None:
        if self.current is self.journey:
            self.send(Tap("repeat"))

    def _start_over(self) -> None:
        if self.current is not self.journey:
            self.show_view(self.visit.view(), force=True)
            return
        self.send(Restart())

    def _secret_tap(self) -> None:
        """Five taps on the place name within three seconds, on the welcome screen only, open the PIN pad."""
        if self.current is not self.journey or self.view.screen != "welcome":
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
        self._preview.stop()
        self._judge.stop()
        self._unsubscribe()
        self.current.leave()  # drops the page's texts and frames
        try:
            self.ctx.camera.stop()  # the camera's reading thread ends with the window, and the device is released
        except Exception:
            log.warning("the camera could not be stopped cleanly", exc_info=True)
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
