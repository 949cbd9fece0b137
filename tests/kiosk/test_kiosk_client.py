"""The kiosk's HTTP client against a real server: the idempotency key survives a lost answer,
refusals are not retried, reports wait for a restarted server."""
from __future__ import annotations

import socket
import threading
import time
import uuid

import pytest

from kiosk.client import Cancelled, Reporter, ServerClient, ServerRefused, ServerUnreachable
from tests.kiosk.helpers import staff_get

pytestmark = pytest.mark.e2e


class AnswerDroppingProxy:
    """TCP proxy that forwards requests but throws away the server's answer on the first
    `drop` connections: the server did the work, the kiosk never heard back."""

    def __init__(self, target_port: int, drop: int = 1):
        self.target_port, self.drops_left = target_port, drop
        self.lock = threading.Lock()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        with self.lock:
            drop = self.drops_left > 0
            self.drops_left -= 1
        upstream = socket.create_connection(("127.0.0.1", self.target_port))
        threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()
        try:
            while data := upstream.recv(65536):
                if drop:
                    break  # the answer is lost on the way back
                client.sendall(data)
        except OSError:
            pass
        finally:
            client.close()
            upstream.close()

    @staticmethod
    def _pipe(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass

    def close(self) -> None:
        self.listener.close()


def test_a_lost_answer_is_retried_with_the_same_key_and_issues_one_ticket(live_server):
    token = live_server.kiosk_token("proxy-kiosk")
    proxy = AnswerDroppingProxy(live_server.port, drop=2)
    try:
        client = ServerClient(proxy.url, token)
        failures = []
        ticket = client.issue_ticket("PP", None, "id", uuid.uuid4().hex,
                                     on_unreachable=lambda n, err: failures.append(n))
    finally:
        proxy.close()
    assert failures == [1, 2]  # two answers lost, the third attempt got through
    assert ticket["number"] == "P001"
    waiting = staff_get(live_server, "p0-03", "/api/v1/booth")["waiting"]
    assert [t["number"] for t in waiting] == ["P001"]  # the server issued exactly one ticket


def test_refusals_are_not_retried(live_server):
    client = ServerClient(live_server.url, live_server.kiosk_token("k"))
    with pytest.raises(ServerRefused) as unknown:
        client.issue_ticket("NOPE", None, "id", uuid.uuid4().hex)
    assert unknown.value.status == 404
    with pytest.raises(ServerRefused) as invalid:
        client.issue_ticket("PP", "vip", "id", uuid.uuid4().hex)
    assert invalid.value.status == 422
    with pytest.raises(ServerRefused) as bad_token:
        ServerClient(live_server.url, "not-a-token").issue_ticket("PP", None, "id", uuid.uuid4().hex)
    assert bad_token.value.status == 401


def test_cancel_stops_the_retry_loop(live_server):
    client = ServerClient(live_server.url, "irrelevant")
    live_server.stop()
    cancel = threading.Event()
    attempts = []

    def on_unreachable(n, _err):
        attempts.append(n)
        if n == 2:
            cancel.set()
    with pytest.raises(Cancelled):
        client.issue_ticket("PP", None, "id", uuid.uuid4().hex, cancel=cancel, on_unreachable=on_unreachable)
    assert attempts == [1, 2]
    with pytest.raises(ServerUnreachable):
        client.services()


def test_reports_wait_for_a_restarted_server(live_server):
    token = live_server.kiosk_token("reporting-kiosk")
    reporter = Reporter(ServerClient(live_server.url, token))
    try:
        live_server.stop()
        reporter.printer_state("near_end", "first")
        reporter.printer_state("paper_out", "latest")  # replaces the older health report
        deadline = time.monotonic() + 10
        while reporter.failed_attempts < 1 and time.monotonic() < deadline:
            reporter.flush(timeout=0.05)  # waits on the reporter's own condition, not a sleep
        assert reporter.failed_attempts >= 1 and not reporter.flush(timeout=0.1)
        live_server.start()
        assert reporter.flush(timeout=15)
    finally:
        reporter.stop()
    kiosks = {k["name"]: k for k in staff_get(live_server, "p0-03", "/api/v1/kiosks")}
    assert kiosks["reporting-kiosk"]["printer_status"] == "paper_out"
    assert kiosks["reporting-kiosk"]["printer_detail"] == "latest"
