"""The kiosk's link to the intranet server: HTTP for tickets and reports, Socket.IO for live queues.

Nothing here touches Qt: callers run these on worker threads and pass results to the UI themselves.
The server numbers every ticket; the kiosk only asks, with an idempotency key per tap, so a retry after
a lost answer returns the same ticket instead of a second one.
"""
from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable

import requests
import socketio

from kiosk import tls

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 2.0
READ_TIMEOUT_S = 5.0
RETRY_DELAYS_S = (0.3, 0.6, 1.0, 2.0)  # then every 2 s: a restarted server is back within seconds


class ServerUnreachable(Exception):
    """No usable answer (connection refused, timeout, 5xx): trying again may work."""


class ServerRefused(Exception):
    """The server answered with a 4xx: trying again will not help."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message = status, code, message


class Cancelled(Exception):
    """The visitor (or the idle reset) gave up waiting."""


def new_idempotency_key() -> str:
    return uuid.uuid4().hex  # one per tap; 32 characters


def retry_delay(attempt: int) -> float:
    return RETRY_DELAYS_S[min(attempt, len(RETRY_DELAYS_S) - 1)]


def _retrying(attempt_once: Callable[[], dict], what: str, cancel: threading.Event | None,
              on_unreachable: Callable[[int, str], None] | None) -> dict:
    """Call `attempt_once` until the server answers; a refusal is raised at once, never retried."""
    cancel = cancel or threading.Event()
    attempt = 0
    while True:
        if cancel.is_set():
            raise Cancelled()
        try:
            return attempt_once()
        except ServerUnreachable as exc:
            log.warning("%s (attempt %d): %s", what, attempt + 1, exc)
            if on_unreachable:
                on_unreachable(attempt + 1, str(exc))
            if cancel.wait(retry_delay(attempt)):
                raise Cancelled() from None
            attempt += 1


class ServerClient:
    """HTTP calls to the server's /api/v1, authenticated with the kiosk token."""

    def __init__(self, base_url: str, token: str, timeout: tuple[float, float] = (CONNECT_TIMEOUT_S, READ_TIMEOUT_S)):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self._local = threading.local()  # requests.Session is not thread-safe: one per thread

    @property
    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
            session.verify = tls.system_ca_file()   # the office CA installed on the machine
            session.headers["Authorization"] = f"Bearer {self.token}"
        return session

    def _request(self, method: str, path: str, **kwargs):
        try:
            response = self._session.request(method, self.base_url + path, timeout=self.timeout, **kwargs)
        except requests.RequestException as exc:
            raise ServerUnreachable(f"{method} {path}: {exc.__class__.__name__}: {exc}") from exc
        if response.status_code >= 500:
            raise ServerUnreachable(f"{method} {path}: server answered {response.status_code}")
        if response.status_code >= 400:
            try:
                data = response.json()
            except ValueError:
                data = {}
            raise ServerRefused(response.status_code, str(data.get("error", "error")),
                                str(data.get("message", response.reason)))
        try:
            return response.json()
        except ValueError as exc:
            raise ServerUnreachable(f"{method} {path}: answer is not JSON") from exc

    # ------------------------------------------------------------------ calls

    def services(self) -> list[dict]:
        return self._request("GET", "/api/v1/services")

    def office_name(self) -> str:
        return str(self._request("GET", "/api/v1/display").get("office") or "")

    def try_issue_ticket(self, service: str, priority: str | None, language: str, idempotency_key: str) -> dict:
        """One attempt. Raises ServerUnreachable or ServerRefused."""
        return self._request("POST", "/api/v1/tickets", json={
            "service": service, "priority": priority, "idempotency_key": idempotency_key,
            "language": language})

    def issue_ticket(self, service: str, priority: str | None, language: str, idempotency_key: str,
                     cancel: threading.Event | None = None,
                     on_unreachable: Callable[[int, str], None] | None = None) -> dict:
        """Issue a ticket, retrying with the SAME key while the server cannot be reached.

        Returns the ticket; raises ServerRefused (closed, quota, bad token) or Cancelled when `cancel`
        is set. `on_unreachable(attempt, error)` is called after each failed attempt."""
        return _retrying(lambda: self.try_issue_ticket(service, priority, language, idempotency_key),
                         "issuing ticket", cancel, on_unreachable)

    def redeem_booking(self, code: str, language: str, idempotency_key: str,
                       cancel: threading.Event | None = None,
                       on_unreachable: Callable[[int, str], None] | None = None) -> dict:
        """A visit booked online: the typed (or scanned) code for a ticket, retried with the SAME key
        while the server cannot be reached, as walk-ins are (the server answers a repeated key with the
        ticket it issued, so a lost answer never turns into "already used"). Raises ServerRefused with
        the server's words in the visitor's language (a used code, another day's, an unknown one)."""
        return _retrying(lambda: self._request(
            "POST", "/api/v1/tickets", headers={"Accept-Language": language},
            json={"booking_code": code, "language": language, "idempotency_key": idempotency_key}),
            "redeeming booking", cancel, on_unreachable)

    def report_printed(self, ticket_id: int, printed: bool, detail: str = "") -> dict:
        return self._request("POST", f"/api/v1/tickets/{ticket_id}/printed",
                             json={"printed": printed, "detail": detail[:255]})

    def report_printer(self, state: str, detail: str = "") -> dict:
        return self._request("POST", "/api/v1/kiosk/printer", json={"state": state, "detail": detail[:255]})


class Reporter:
    """Sends print outcomes and printer health to the server from its own thread, retrying until the
    server takes them: a report written while the server restarts is delivered when it is back.
    Printer health is coalesced (only the latest state matters); print outcomes are all kept."""

    def __init__(self, client: ServerClient):
        self.client = client
        self._printed: deque[tuple[int, bool, str]] = deque()
        self._printer: tuple[str, str] | None = None
        self._busy = False
        self.failed_attempts = 0  # deliveries that found the server unreachable (for health and tests)
        self._wake = threading.Condition()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="kiosk-reporter", daemon=True)
        self._thread.start()

    def printed(self, ticket_id: int, printed: bool, detail: str = "") -> None:
        with self._wake:
            self._printed.append((ticket_id, printed, detail))
            self._wake.notify()

    def printer_state(self, state: str, detail: str = "") -> None:
        with self._wake:
            self._printer = (state, detail)
            self._wake.notify()

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything queued has been delivered (for tests and shutdown)."""
        deadline = time.monotonic() + timeout
        with self._wake:
            while self._printed or self._printer is not None or self._busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._wake.wait(min(left, 0.05))
        return True

    def stop(self) -> None:
        with self._wake:
            self._stopping = True
            self._wake.notify_all()

    def _next(self):
        with self._wake:
            while not self._stopping and not self._printed and self._printer is None:
                self._wake.wait()
            if self._stopping:
                return None
            self._busy = True
            if self._printed:
                return ("printed", self._printed.popleft())
            item, self._printer = self._printer, None
            return ("printer", item)

    def _run(self) -> None:
        while (item := self._next()) is not None:
            kind, args = item
            attempt = 0
            while not self._stopping:
                try:
                    if kind == "printed":
                        self.client.report_printed(*args)
                    else:
                        self.client.report_printer(*args)
                    break
                except ServerRefused as exc:  # retrying cannot help: keep it in the log
                    log.error("server refused the %s report %r: %s", kind, args, exc)
                    break
                except ServerUnreachable as exc:
                    self.failed_attempts += 1
                    log.info("%s report waits for the server: %s", kind, exc)
                    if kind == "printer":
                        with self._wake:  # a newer printer state replaces this one
                            if self._printer is not None:
                                args, self._printer = self._printer, None
                    with self._wake:
                        self._wake.wait(retry_delay(attempt))
                    attempt += 1
            with self._wake:
                self._busy = False
                self._wake.notify_all()


class LobbyFeed:
    """Socket.IO client on a background thread: live service summaries and reprint requests.

    Callbacks run on the socket thread: the UI wraps them in Qt signals.
    - on_snapshot(services): the full list (after connecting or when events were missed)
    - on_service(summary): one service changed
    - on_reprint(ticket): a booth officer asked this kiosk to print `ticket` again
    - on_connection(connected)
    Events carry a per-room seq; after each (re)connect the feed asks `sync` for what it missed.
    """

    def __init__(self, base_url: str, token: str, *,
                 on_snapshot: Callable[[list[dict]], None] = lambda services: None,
                 on_service: Callable[[dict], None] = lambda summary: None,
                 on_reprint: Callable[[dict], None] = lambda ticket: None,
                 on_connection: Callable[[bool], None] = lambda connected: None):
        self.base_url, self.token = base_url.rstrip("/"), token
        self.on_snapshot, self.on_service = on_snapshot, on_service
        self.on_reprint, self.on_connection = on_reprint, on_connection
        self.lobby_seq: int | None = None
        self._lock = threading.Lock()  # guards lobby_seq: events and sync answers race
        self._stop = threading.Event()
        # We reconnect ourselves (below) so a refused or dropped connection is always retried.
        self.sio = socketio.Client(reconnection=False, logger=False, engineio_logger=False,
                                   websocket_extra_options={"sslopt": {"context": tls.socket_context()}})
        self.sio.on("connect", self._connected)
        self.sio.on("disconnect", self._disconnected)
        self.sio.on("service", self._service_event)
        self.sio.on("reprint", self._reprint_event)
        self._thread = threading.Thread(target=self._run, name="kiosk-socket", daemon=True)

    @property
    def connected(self) -> bool:
        return self.sio.connected

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        try:
            self.sio.disconnect()
        except Exception:  # already gone: nothing to close
            log.debug("socket disconnect on stop failed", exc_info=True)
        self._thread.join(timeout)

    def _run(self) -> None:
        attempt = 0
        while not self._stop.is_set():
            try:
                self.sio.connect(self.base_url, transports=["websocket"], auth={"token": self.token},
                                 wait_timeout=5)
            except Exception as exc:  # socketio.exceptions.ConnectionError and friends
                log.info("socket connect failed: %s", exc)
                self._stop.wait(retry_delay(attempt))
                attempt += 1
                continue
            attempt = 0
            self.sio.wait()  # returns when the connection ends
        log.info("socket feed stopped")

    # ------------------------------------------------------------------ handlers (socket thread)

    def _connected(self) -> None:
        self.on_connection(True)
        self.request_sync()

    def _disconnected(self, *_reason) -> None:
        self.on_connection(False)

    def request_sync(self) -> None:
        with self._lock:
            last = self.lobby_seq
        try:
            self.sio.emit("sync", {"rooms": {"lobby": last}}, callback=self._sync_answer)
        except Exception as exc:  # not connected any more: the next connect syncs again
            log.info("sync request failed: %s", exc)

    def _sync_answer(self, answer=None, *_rest) -> None:
        if not isinstance(answer, dict) or not answer.get("ok"):
            log.warning("sync refused: %r", answer)
            return
        lobby = (answer.get("rooms") or {}).get("lobby") or {}
        if "snapshot" in lobby:
            with self._lock:
                self.lobby_seq = lobby.get("seq")
            self.on_snapshot(list((lobby["snapshot"] or {}).get("services", [])))
        elif "events" in lobby:
            with self._lock:
                self.lobby_seq = lobby.get("seq", self.lobby_seq)
            for event, payload in lobby["events"]:
                if event == "service" and isinstance(payload, dict):
                    self.on_service(payload["service"])

    def _service_event(self, payload) -> None:
        if not isinstance(payload, dict) or "service" not in payload:
            return
        seq = payload.get("seq")
        with self._lock:
            last = self.lobby_seq
            if isinstance(seq, int) and last is not None:
                if seq <= last:
                    return  # already applied (it came with a sync answer)
                if seq != last + 1:
                    gap = True
                else:
                    gap, self.lobby_seq = False, seq
            else:
                gap, self.lobby_seq = False, seq if isinstance(seq, int) else last
        if gap:
            self.request_sync()  # we missed something: catch up in order
            return
        self.on_service(payload["service"])

    def _reprint_event(self, payload) -> None:
        # Not replayed on reconnect on purpose: an old reprint request must not print later.
        if isinstance(payload, dict) and isinstance(payload.get("ticket"), dict):
            self.on_reprint(payload["ticket"])
