"""End to end: a real `ptsa serve` with a 24/7 calendar and pickup targets of a few seconds, a real SMTP
server (aiosmtpd) and a local HTTP SMS gateway. Warnings and breaches reach the supervisor's socket, the
mailbox and the SMS sink exactly once each — also across a server restart inside the window — and mail
held up by a dead SMTP relay arrives once the relay is back. Here time really passes: targets are a few
seconds and every wait polls with a deadline."""
from __future__ import annotations

import datetime as dt
import time

import pytest
import requests

from tests.e2e.realtime_client import Recorder, cookie_of
from tests.sla.sinks import Mailbox, SmsSink
from tests.support.live import LiveServer, free_port

pytestmark = pytest.mark.e2e
SUP_PHONE = "+6281200000005"      # sup-phijsk: the 5th unit in the demo catalog


def server_with(tmp_path, mailbox_port: int, gateway: SmsSink, async_mode: str = "eventlet", **sla) -> LiveServer:
    env = {
        "PTSA_SMTP_HOST": "127.0.0.1", "PTSA_SMTP_PORT": str(mailbox_port), "PTSA_SMTP_TIMEOUT": "3s",
        "PTSA_SMS_URL": gateway.url, "PTSA_SMS_TIMEOUT": "3s",
        "PTSA_OUTBOX_RETRY_BASE": "1s", "PTSA_OUTBOX_RETRY_MAX": "2s",
        "PTSA_SLA_WARNING_CHANNELS": "screen,email,sms",      # so the warning is proven on every channel too
    }
    env.update({f"PTSA_SLA_{k.upper()}": v for k, v in sla.items()})
    server = LiveServer(tmp_path / "live", env=env, async_mode=async_mode)
    server.init()
    return server.start()


def task_from_booth(server: LiveServer) -> dict:
    token = server.kiosk_token(f"kiosk-{time.monotonic_ns()}")
    ticket = requests.post(server.url + "/api/v1/tickets", json={"service": "PP"},
                           headers={"Authorization": f"Bearer {token}"}, timeout=10).json()
    booth = server.login("p0-03")
    assert booth.post(server.url + f"/api/v1/tickets/{ticket['id']}/call", timeout=10).status_code == 200
    r = booth.post(server.url + "/api/v1/tasks", json={"ticket_id": ticket["id"], "summary": "Cek draf PP"}, timeout=10)
    assert r.status_code == 201, r.text
    return r.json()


def supervisor_socket(server: LiveServer, username: str = "sup-phijsk") -> Recorder:
    return Recorder(server.url, cookie=cookie_of(server.login(username))).connect()


def raised(recorder: Recorder, extra: list | None = None) -> list[tuple[str, int]]:
    """(level, alert id) of every distinct 'raise' the socket delivered, de-duplicated by (room, seq)
    exactly as the screens do, so a repeated *alert* would still show up twice."""
    seen, out = set(), []
    with recorder.lock:
        events = list(recorder.events)
    for event, data in events + (extra or []):
        if event != "alert" or data.get("change") != "raise" or data["room"] != "supervisor:PHIJSK":
            continue
        if (data["room"], data["seq"]) in seen:
            continue
        seen.add((data["room"], data["seq"]))
        out.append((data["alert"]["level"], data["alert"]["id"]))
    return out


def wait_until(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"{what} did not happen within {timeout}s")


def parse(iso: str) -> dt.datetime:
    return dt.datetime.fromisoformat(iso.replace("Z", "+00:00"))


def test_warning_breach_and_escalation_arrive_exactly_once_everywhere(tmp_path, mailbox, gateway):
    server = server_with(tmp_path, mailbox.port, gateway, pickup_p0_p1="3s")
    try:
        socket = supervisor_socket(server)
        task = task_from_booth(server)
        mailbox.wait_for(1, "Pelanggaran SLA", timeout=10)
        mailbox.wait_for(1, "Eskalasi SLA", timeout=10)          # at 200%: to the admin, above echelon 1
        time.sleep(1.5)                                          # anything doubled would show by now
        # the unit's supervisor also sees, on screen, that the task went over their head
        assert sorted(level for level, _ in raised(socket)) == ["breach", "escalation", "warning"]
        assert [str(m["To"]) for m in mailbox.received("Peringatan SLA")] == ["sup-phijsk@ptsa.example"]
        assert [str(m["To"]) for m in mailbox.received("Pelanggaran SLA")] == ["sup-phijsk@ptsa.example"]
        assert [str(m["To"]) for m in mailbox.received("Eskalasi SLA")] == ["admin@ptsa.example"]
        assert len(mailbox.received()) == 3
        assert [p["to"] for p in gateway.received("Peringatan")] == [SUP_PHONE]
        assert [p["to"] for p in gateway.received("Pelanggaran")] == [SUP_PHONE]
        assert len(gateway.received()) == 2                      # the admin has no phone number
        admin = server.login("admin")
        alerts = admin.get(server.url + "/api/v1/alerts", timeout=10).json()["alerts"]
        assert sorted(a["level"] for a in alerts) == ["breach", "escalation", "warning"]
        for alert in alerts:
            # never before its deadline, and long before the sweeper's 30 s safety-net sleep would end:
            # it was woken by the deadline (how fast, exactly, is bench/bench_sla.py's to say, not a test's)
            delay = (parse(alert["created_at"]) - parse(alert["deadline"])).total_seconds()
            assert 0 <= delay < 15, alert
            assert alert["task"]["id"] == task["id"]
        box = admin.get(server.url + "/api/v1/outbox", timeout=10).json()
        assert box["counts"]["sent"] == 5 and box["counts"]["pending"] == 0
        socket.close()
    finally:
        server.stop()


def test_a_restart_inside_the_window_still_gives_exactly_once(tmp_path, mailbox, gateway):
    server = server_with(tmp_path, mailbox.port, gateway, pickup_p0_p1="6s", escalate_ratio="0")
    try:
        socket = supervisor_socket(server)
        task_from_booth(server)
        mailbox.wait_for(1, "Peringatan SLA", timeout=10)        # at 4.8 s
        gateway.wait_for(1, "Peringatan", timeout=10)
        last_seq = socket.last_seq("supervisor:PHIJSK")
        server.restart()                                         # down across the breach at 6 s
        missed = wait_until(lambda: socket.client.connected and socket.sync({"supervisor:PHIJSK": last_seq}),
                            15, "the supervisor's socket reconnecting")
        mailbox.wait_for(1, "Pelanggaran SLA", timeout=10)
        gateway.wait_for(1, "Pelanggaran", timeout=10)
        server.restart()                                         # and once more after everything was sent
        time.sleep(2)
        caught_up = [tuple(pair) for pair in missed["rooms"]["supervisor:PHIJSK"].get("events", [])]
        after = socket.sync({"supervisor:PHIJSK": last_seq})["rooms"]["supervisor:PHIJSK"].get("events", [])
        levels = sorted(level for level, _ in raised(socket, caught_up + [tuple(p) for p in after]))
        assert levels == ["breach", "warning"]
        assert len(mailbox.received("Peringatan SLA")) == 1 and len(mailbox.received("Pelanggaran SLA")) == 1
        assert len(mailbox.received()) == 2
        assert len(gateway.received("Peringatan")) == 1 and len(gateway.received("Pelanggaran")) == 1
        alerts = server.login("admin").get(server.url + "/api/v1/alerts", timeout=10).json()["alerts"]
        assert sorted(a["level"] for a in alerts) == ["breach", "warning"]
        socket.close()
    finally:
        server.stop()


def test_mail_waits_in_the_outbox_while_smtp_is_down_and_arrives_after(tmp_path, gateway):
    port = free_port()                                           # nothing listens here yet
    server = server_with(tmp_path, port, gateway, pickup_p0_p1="2s", escalate_ratio="0",
                         warning_channels="screen")
    mailbox = Mailbox(port)
    try:
        task_from_booth(server)
        admin = server.login("admin")

        def failing_mail():
            rows = admin.get(server.url + "/api/v1/outbox?status=pending", timeout=10).json()["messages"]
            return [r for r in rows if r["channel"] == "email" and r["attempts"] >= 1 and r["last_error"]]
        [row] = wait_until(failing_mail, 15, "a failed e-mail attempt")
        assert "refused" in row["last_error"].lower() or "connect" in row["last_error"].lower()
        gateway.wait_for(1, "Pelanggaran")                       # the SMS did not wait for the mail
        mailbox.start()                                          # the relay comes back
        [mail] = mailbox.wait_for(1, "Pelanggaran SLA", timeout=15)
        assert str(mail["To"]) == "sup-phijsk@ptsa.example"
        sent = wait_until(lambda: admin.get(server.url + "/api/v1/outbox?status=sent", timeout=10).json()
                          ["counts"]["sent"] == 2, 10, "the outbox marking the mail sent")
        assert sent
        time.sleep(1)
        assert len(mailbox.received()) == 1
    finally:
        mailbox.stop()
        server.stop()


@pytest.mark.parametrize("async_mode", ["gevent", "threading"])
def test_the_sweeper_and_outbox_run_in_the_other_async_modes(tmp_path, mailbox, gateway, async_mode):
    server = server_with(tmp_path, mailbox.port, gateway, async_mode=async_mode, pickup_p0_p1="2s",
                         escalate_ratio="0")
    try:
        socket = supervisor_socket(server)
        task_from_booth(server)
        mailbox.wait_for(1, "Pelanggaran SLA", timeout=10)
        gateway.wait_for(1, "Pelanggaran", timeout=10)
        time.sleep(1)
        assert sorted(level for level, _ in raised(socket)) == ["breach", "warning"]
        assert len(mailbox.received()) == 2 and len(gateway.received()) == 2
        alerts = server.login("admin").get(server.url + "/api/v1/alerts", timeout=10).json()["alerts"]
        assert all(0 <= (parse(a["created_at"]) - parse(a["deadline"])).total_seconds() < 15 for a in alerts)
        socket.close()
    finally:
        server.stop()
