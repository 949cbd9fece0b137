"""The lobby kiosk: `ptsa kiosk --server URL --token TOKEN --printer SPEC [--windowed]`.

KioskWindow owns the screens and the flow: Home -> (Priority ->) Home -> Issuing -> Ticket, or Error.
Network and printer work runs on a QThreadPool and on the Socket.IO thread; their results come back
to the UI thread through the Bridge's signals, so the screen never freezes on a slow server or printer.
"""
from __future__ import annotations

import logging
import signal
import sys
import threading
import time

from PySide6.QtCore import QEvent, QObject, QRect, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QApplication, QStackedWidget, QVBoxLayout, QWidget

from printer import PrinterSpecError, TicketPrinter

from . import style
from .client import Cancelled, LobbyFeed, Reporter, ServerClient, ServerRefused, ServerUnreachable, new_idempotency_key
from .config import KioskConfigError, KioskSettings, load_settings
from .printing import PrintOutcome, check_printer, print_and_report
from .screens import AdminScreen, ErrorScreen, HomeScreen, IssuingScreen, PriorityScreen, TicketScreen
from .booking import attach as attach_booking
from .survey import attach as attach_survey

log = logging.getLogger(__name__)

PRINTER_CHECK_MS = 60_000
ADMIN_TAPS, ADMIN_WINDOW_S, ADMIN_CORNER_PX = 5, 3.0, 110
PRINTER_PROBLEMS = ("paper_out", "offline", "error")


class Bridge(QObject):
    """Results from worker and socket threads; Qt queues them to the UI thread."""

    services_loaded = Signal(object)  # list of service summaries (HTTP, at start)
    office = Signal(str)  # the office name the server uses
    snapshot = Signal(object)  # list of service summaries (Socket.IO sync)
    service = Signal(object)  # one service summary (Socket.IO event)
    reprint = Signal(object)  # ticket dict
    connection = Signal(bool)
    unreachable = Signal(int, int)  # job, attempt
    refused = Signal(int, int, str, str)  # job, HTTP status, error code, message
    issued = Signal(int, object)  # job, ticket
    printed = Signal(int, object)  # job, PrintOutcome
    reprinted = Signal(object)  # PrintOutcome
    printer_checked = Signal(str, str)  # state, detail


class ActivityFilter(QObject):
    """Sees every touch and key in the application: restarts the idle timer, counts corner taps."""

    def __init__(self, window: KioskWindow):
        super().__init__(window)
        self.window = window
        self._last_event: tuple | None = None

    def eventFilter(self, obj, event) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin, QEvent.Type.KeyPress) \
                and isinstance(obj, QWidget):
            self.window.user_activity()
            if kind == QEvent.Type.MouseButtonPress:
                # One press is offered to each widget it propagates through: count it once.
                where = event.globalPosition().toPoint()
                stamp = (event.timestamp(), where.x(), where.y())
                if stamp != self._last_event:
                    self._last_event = stamp
                    self.window.press_at(self.window.mapFromGlobal(where))
        return False


class KioskWindow(QWidget):
    homeReady = Signal()  # the first time Home shows services (cold-start measurement)

    def __init__(self, settings: KioskSettings, printer: TicketPrinter, client: ServerClient | None = None):
        super().__init__()
        self.setObjectName("kiosk")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setWindowTitle("PTSA Kiosk")
        self.settings = settings
        self.printer = printer
        self.client = client or ServerClient(settings.server, settings.token)
        self.reporter = Reporter(self.client)
        self.bridge = Bridge(self)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(4)  # an issue retry, a print, a reprint and a status check at once
        self.language = settings.language
        self.priority: str | None = None
        self.job_id = 0
        self.job: tuple[int, threading.Event] | None = None  # the visitor's tap in progress
        self.printer_state = "unknown"
        self.have_snapshot = False
        self.ready_sent = False
        self.scale = 0.0
        self._stopping = threading.Event()
        self._corner_taps: list[float] = []
        self.locked = bool(settings.admin_pin)

        self.stack = QStackedWidget()
        self.home = HomeScreen()
        self.priority_screen = PriorityScreen()
        self.issuing = IssuingScreen()
        self.ticket = TicketScreen()
        self.error = ErrorScreen()
        self.admin = AdminScreen(settings.admin_pin)
        for screen in (self.home, self.priority_screen, self.issuing, self.ticket, self.error, self.admin):
            self.stack.addWidget(screen)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.survey = attach_survey(self)   # the "Survei" entry on Home and its screens
        self.booking = attach_booking(self)   # "Sudah daftar online?": a booking code for a ticket
        if settings.office:
            self.home.set_office(settings.office)

        self.home.serviceChosen.connect(self.choose_service)
        self.home.priorityRequested.connect(lambda: self.show_screen(self.priority_screen))
        self.home.priorityCancelled.connect(lambda: self.set_priority(None))
        self.home.languageToggled.connect(self.toggle_language)
        self.priority_screen.groupChosen.connect(self.set_priority)
        self.priority_screen.back.connect(self.go_home)
        self.ticket.done.connect(lambda: self.reset())
        self.error.cancel.connect(self.cancel_job)
        self.admin.back.connect(lambda: self.reset())
        self.admin.exitRequested.connect(self.close)

        b = self.bridge
        b.services_loaded.connect(self._services_loaded)
        b.office.connect(self.home.set_office)
        b.snapshot.connect(self._snapshot)
        b.service.connect(self.home.update_service)
        b.reprint.connect(self.reprint)
        b.connection.connect(lambda up: log.info("live updates %s", "connected" if up else "disconnected"))
        b.unreachable.connect(self._unreachable)
        b.refused.connect(self._refused)
        b.issued.connect(self._issued)
        b.printed.connect(self._printed)
        b.reprinted.connect(lambda outcome: self._printer_state(outcome.printer_state))
        b.printer_checked.connect(lambda state, _detail: self._printer_state(state))

        self.feed = LobbyFeed(settings.server, settings.token,
                              on_snapshot=b.snapshot.emit, on_service=b.service.emit,
                              on_reprint=b.reprint.emit, on_connection=b.connection.emit)
        self.idle_timer = QTimer(self)
        self.idle_timer.setSingleShot(True)
        self.idle_timer.setInterval(int(settings.idle_reset_s * 1000))
        self.idle_timer.timeout.connect(self.reset)
        self.printer_timer = QTimer(self)
        self.printer_timer.setInterval(PRINTER_CHECK_MS)
        self.printer_timer.timeout.connect(self.check_printer)
        self.activity = ActivityFilter(self)
        self.retranslate()
        self._apply_scale()

    # ------------------------------------------------------------------ life cycle

    def start(self) -> None:
        """Connect to the server and the printer (all in the background)."""
        QApplication.instance().installEventFilter(self.activity)
        self.pool.start(self._load_services)
        self.feed.start()
        self.check_printer()
        self.printer_timer.start()

    def shutdown(self) -> None:
        if self._stopping.is_set():
            return
        self._stopping.set()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.activity)
        self.idle_timer.stop()
        self.printer_timer.stop()
        if self.job:
            self.job[1].set()
        self.feed.stop()
        self.pool.waitForDone(5000)
        self.reporter.flush(3.0)  # the last print outcome should reach the booth
        self.reporter.stop()

    def closeEvent(self, event) -> None:
        # A visitor must not be able to close the kiosk: only the admin gesture + PIN unlocks it.
        if self.locked and not self.admin.unlocked:
            event.ignore()
            return
        self.shutdown()
        event.accept()

    def _load_services(self) -> None:
        """Services over HTTP at start (the socket snapshot replaces them as soon as it comes)."""
        attempt = 0
        while not self._stopping.is_set():
            try:
                if not self.have_snapshot:
                    self.bridge.services_loaded.emit(self.client.services())
                if not self.settings.office:
                    self.bridge.office.emit(self.client.office_name())
                return
            except (ServerUnreachable, ServerRefused) as exc:
                log.info("loading services: %s", exc)
                self._stopping.wait(min(2.0, 0.3 * 2 ** attempt))
                attempt += 1

    # ------------------------------------------------------------------ screens and state

    def show_screen(self, screen: QWidget) -> None:
        self.stack.setCurrentWidget(screen)

    def current_screen(self) -> QWidget:
        return self.stack.currentWidget()

    def retranslate(self) -> None:
        for screen in (self.home, self.priority_screen, self.issuing, self.ticket, self.error, self.admin,
                       self.survey, self.booking):
            screen.retranslate(self.language)

    def toggle_language(self) -> None:
        self.language = "en" if self.language == "id" else "id"
        self.retranslate()

    def set_priority(self, group: str | None) -> None:
        self.priority = group
        self.home.set_priority(group)
        self.show_screen(self.home)

    def go_home(self) -> None:
        self.show_screen(self.home)

    def reset(self) -> None:
        """Back to Home in the default language, nothing chosen (idle timeout, Done, Back)."""
        self.cancel_job()
        self.admin.reset()
        self.survey.reset()   # an unfinished survey is abandoned: nothing is sent
        self.booking.reset()
        self.set_priority(None)
        if self.language != self.settings.language:
            self.language = self.settings.language
            self.retranslate()
        self.home.scroll.verticalScrollBar().setValue(0)
        self.show_screen(self.home)

    def user_activity(self) -> None:
        self.idle_timer.start()

    def press_at(self, point) -> None:
        """Administrator gesture: ADMIN_TAPS taps in the top-left corner within ADMIN_WINDOW_S."""
        if not QRect(0, 0, ADMIN_CORNER_PX, ADMIN_CORNER_PX).contains(point):
            self._corner_taps.clear()
            return
        now = time.monotonic()
        self._corner_taps = [t for t in self._corner_taps if now - t <= ADMIN_WINDOW_S] + [now]
        if len(self._corner_taps) >= ADMIN_TAPS:
            self._corner_taps.clear()
            self.cancel_job()
            self.admin.reset()
            self.show_screen(self.admin)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._apply_scale()

    def _apply_scale(self) -> None:
        scale = style.scale_for(self.width(), self.height())
        landscape = self.width() >= self.height()
        if abs(scale - self.scale) > 0.01:
            self.scale = scale
            self.setStyleSheet(style.stylesheet(scale))
        self.home.set_scale(scale, landscape)
        self.priority_screen.set_scale(scale, landscape)
        self.ticket.set_scale(scale, landscape)

    # ------------------------------------------------------------------ services

    def _services_loaded(self, services: list) -> None:
        if not self.have_snapshot:  # a socket snapshot is newer than any HTTP answer
            self._show_services(services)

    def _snapshot(self, services: list) -> None:
        self.have_snapshot = True
        self._show_services(services)

    def _show_services(self, services: list) -> None:
        self.home.set_services(services)
        if services and not self.ready_sent:
            self.ready_sent = True
            QTimer.singleShot(0, self.homeReady.emit)  # after this layout pass is painted

    # ------------------------------------------------------------------ issuing a ticket

    def choose_service(self, code: str) -> None:
        if self.job is not None:
            return  # one tap at a time: a double tap must not issue two tickets
        self.job_id += 1
        job, cancel = self.job_id, threading.Event()
        self.job = (job, cancel)
        key, language, priority = new_idempotency_key(), self.language, self.priority
        self.show_screen(self.issuing)
        bridge, client = self.bridge, self.client

        def work() -> None:
            try:
                ticket = client.issue_ticket(code, priority, language, key, cancel=cancel,
                                             on_unreachable=lambda n, _err: bridge.unreachable.emit(job, n))
            except Cancelled:
                return
            except ServerRefused as exc:
                bridge.refused.emit(job, exc.status, exc.code, exc.message)
                return
            except Exception as exc:  # a bug must not leave the visitor on a spinner forever
                log.exception("issuing a ticket failed")
                bridge.refused.emit(job, 0, "error", str(exc))
                return
            bridge.issued.emit(job, ticket)
            outcome = print_and_report(self.printer, self.reporter, ticket, language,
                                       self.settings.timezone, self.settings.office)
            bridge.printed.emit(job, outcome)

        self.pool.start(work)

    def redeem_booking(self, code: str) -> None:
        """A visit booked online: retried with one idempotency key while the server cannot be reached,
        like a walk-in's tap (the server answers a repeated key with the ticket it already issued)."""
        if self.job is not None:
            return
        self.job_id += 1
        job, cancel = self.job_id, threading.Event()
        self.job = (job, cancel)
        key, language = new_idempotency_key(), self.language
        self.show_screen(self.issuing)
        bridge, client = self.bridge, self.client

        def work() -> None:
            try:
                ticket = client.redeem_booking(code, language, key, cancel=cancel,
                                               on_unreachable=lambda n, _err: bridge.unreachable.emit(job, n))
            except Cancelled:
                return
            except ServerRefused as exc:
                bridge.refused.emit(job, exc.status, exc.code, exc.message)
                return
            except Exception as exc:   # a bug must not leave the visitor on a spinner forever
                log.exception("redeeming a booking failed")
                bridge.refused.emit(job, 0, "error", str(exc))
                return
            bridge.issued.emit(job, ticket)
            outcome = print_and_report(self.printer, self.reporter, ticket, language,
                                       self.settings.timezone, self.settings.office)
            bridge.printed.emit(job, outcome)

        self.pool.start(work)

    def _current(self, job: int) -> bool:
        return self.job is not None and self.job[0] == job

    def cancel_job(self) -> None:
        if self.job is not None:
            self.job[1].set()  # stops a retry loop; a print already under way still finishes
            self.job = None
        if self.current_screen() is self.error:
            self.show_screen(self.home)

    def _unreachable(self, job: int, attempt: int) -> None:
        if self._current(job):
            self.error.show_unreachable(attempt, self.language)
            self.show_screen(self.error)

    def _refused(self, job: int, status: int, code: str, message: str) -> None:
        if self._current(job):
            self.job = None
            log.info("ticket refused: %s %s %s", status, code, message)
            self.error.show_refused(status, message, self.language)
            self.show_screen(self.error)

    def _issued(self, job: int, ticket: dict) -> None:
        if self._current(job):
            log.info("ticket %s issued (id %s)", ticket.get("number"), ticket.get("id"))
            self.show_screen(self.issuing)  # leave the error screen if a retry got through

    def _printed(self, job: int, outcome: PrintOutcome) -> None:
        self._printer_state(outcome.printer_state)
        if self._current(job):
            self.job = None
            self.ticket.show_outcome(outcome, self.language)
            self.show_screen(self.ticket)

    # ------------------------------------------------------------------ printer

    def _printer_state(self, state: str) -> None:
        self.printer_state = state
        self.home.set_printer_problem(state in PRINTER_PROBLEMS)

    def check_printer(self) -> None:
        def work() -> None:
            state, detail = check_printer(self.printer, self.reporter)
            self.bridge.printer_checked.emit(state, detail)
        self.pool.start(work)

    def reprint(self, ticket: dict) -> None:
        """A booth officer asked for this ticket again: print it without disturbing the visitor on screen."""
        log.info("reprint of ticket %s requested", ticket.get("number"))
        language = ticket.get("language") if ticket.get("language") in ("id", "en") else "id"

        def work() -> None:
            outcome = print_and_report(self.printer, self.reporter, ticket, language,
                                       self.settings.timezone, self.settings.office)
            self.bridge.reprinted.emit(outcome)
        self.pool.start(work)


def settings_from_args(args) -> KioskSettings:
    overrides = {key: getattr(args, key, None) for key in ("server", "token", "printer", "pair")}
    if getattr(args, "windowed", False):
        overrides["fullscreen"] = False
    return load_settings(overrides=overrides)


def build_window(settings: KioskSettings) -> KioskWindow:
    printer = TicketPrinter(settings.printer, paper_mm=settings.paper_mm, profile=settings.profile)
    window = KioskWindow(settings, printer)
    if settings.fullscreen:
        window.setWindowFlags(Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint)
    else:
        window.resize(1280, 800)
    return window


def main(args=None) -> int:
    """Entry point of `ptsa kiosk`. `args` attributes that are None come from the config file."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = settings_from_args(args)
    except KioskConfigError as exc:
        print(f"ptsa kiosk: {exc}", file=sys.stderr)
        return 2
    app = QApplication.instance() or QApplication(sys.argv[:1])
    try:
        window = build_window(settings)
    except PrinterSpecError as exc:
        print(f"ptsa kiosk: {exc}", file=sys.stderr)
        return 2
    if settings.fullscreen:
        app.setOverrideCursor(Qt.CursorShape.BlankCursor)  # touch only: no mouse pointer on screen
        window.showFullScreen()
    else:
        window.show()
    window.start()
    # systemd stops the kiosk with SIGTERM: quit the event loop so the last reports are flushed. Python
    # runs signal handlers only between bytecodes, so a timer lets the interpreter look once a second.
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: app.quit())
    wake = QTimer()
    wake.timeout.connect(lambda: None)
    wake.start(1000)
    code = app.exec()
    window.shutdown()
    return code
