"""/metrics (Prometheus text format, access rules), /healthz (outbox backlog, sweeper state),
ProxyFix behind a trusted proxy, and JSON logs from a real server."""
from __future__ import annotations

import datetime as dt
import json
import time

import pytest
import requests
import socketio as socketio_client
from flask import request
from prometheus_client.parser import text_string_to_metric_families

from db.task_models import Outbox
from intranet_server import clock
from intranet_server.sla import engine
from tests.ops.conftest import AccessLogServer
from tests.support.live import LiveServer
from tests.tasks.helpers import new_task

M = dt.timedelta(minutes=1)


def samples(text: str) -> dict[tuple, float]:
    """{(name, (("label", "value"), ...)): value} of a /metrics answer."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def make_app(settings, **sections):
    from intranet_server.app import create_app
    for section, values in sections.items():
        settings[section].update(values)
    return create_app(settings)


def issue(client, token, service="PP"):
    import uuid
    r = client.post("/api/v1/tickets", headers={"Authorization": f"Bearer {token}"},
                    json={"service": service, "priority": None, "idempotency_key": uuid.uuid4().hex,
                          "language": "id"})
    assert r.status_code == 201, r.get_json()
    return r


def test_metrics_report_the_office(client, kiosk_token, frozen_clock):
    before = samples(client.get("/metrics").get_data(as_text=True))   # the histogram lives per process
    for _ in range(3):
        issue(client, kiosk_token, "PP")
    issue(client, kiosk_token, "TKA")
    task = new_task(service="PKB")                 # an open task at PHIJSK, the owner of PKB
    clock.advance(16 * M)
    engine.sweep()                                 # its pickup deadline passed: warning and breach
    r = client.get("/metrics")
    assert r.status_code == 200 and r.content_type.startswith("text/plain; version=")
    got = samples(r.get_data(as_text=True))
    assert got[("ptsa_database_up", ())] == 1
    assert got[("ptsa_queue_waiting", (("service", "PP"),))] == 3
    assert got[("ptsa_queue_waiting", (("service", "TKA"),))] == 1
    assert got[("ptsa_queue_waiting", (("service", "PKB"),))] == 0   # the task's visitor is being served
    assert got[("ptsa_tasks_open", (("unit", task.unit.code),))] == 1
    assert got[("ptsa_alerts_raised_total", (("level", "warning"),))] == 1
    assert got[("ptsa_alerts_raised_total", (("level", "breach"),))] == 1
    assert got[("ptsa_alerts_raised_total", (("level", "escalation"),))] == 0
    assert got[("ptsa_alerts_open", (("level", "breach"),))] == 1
    assert got[("ptsa_outbox_messages", (("channel", "email"), ("status", "pending")))] == 0
    assert got[("ptsa_outbox_oldest_pending_age_seconds", ())] == 0
    assert got[("ptsa_sweeper_leader", ())] == 0   # no sweeper runs in the test process
    def grew(name, **labels):
        key = (name, tuple(sorted(labels.items())))
        return got[key] - before.get(key, 0)
    assert grew("ptsa_http_request_duration_seconds_count", endpoint="/api/v1/tickets", method="POST") == 4
    assert grew("ptsa_http_request_duration_seconds_bucket", endpoint="/api/v1/tickets", method="POST",
                le="+Inf") == 4
    assert grew("ptsa_http_requests_total", endpoint="/api/v1/tickets", method="POST", status="201") == 4


def test_metrics_are_closed_to_other_addresses_unless_they_bring_the_token(settings, database):
    app = make_app(settings, metrics={"token": "s3cret-metrics"})
    client = app.test_client()
    outside = {"REMOTE_ADDR": "10.20.30.40"}
    r = client.get("/metrics", environ_base=outside)
    assert r.status_code == 403 and r.get_json()["error"] == "forbidden"
    assert "[metrics] allow" in r.get_json()["message"]
    assert client.get("/metrics", environ_base=outside,
                      headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert client.get("/metrics", environ_base=outside,
                      headers={"Authorization": "Bearer s3cret-metrics"}).status_code == 200
    assert client.get("/metrics").status_code == 200   # this machine (127.0.0.1) is allowed by default


def test_metrics_allow_a_listed_network(settings, database):
    settings["metrics"]["allow"] = ["10.20.0.0/16"]
    client = make_app(settings).test_client()
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.20.30.40"}).status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.21.0.1"}).status_code == 403
    assert client.get("/metrics").status_code == 403   # not even localhost once the list is set


def test_proxyfix_only_with_trusted_proxies(settings, database):
    forwarded = {"X-Forwarded-For": "10.20.30.40", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "ptsa.example"}
    app = make_app(settings)
    app.add_url_rule("/_t/where", "t_where", lambda: {"scheme": request.scheme, "host": request.host,
                                                     "addr": request.remote_addr})
    plain = app.test_client().get("/_t/where", headers=forwarded).get_json()
    assert plain == {"scheme": "http", "host": "localhost", "addr": "127.0.0.1"}   # headers ignored: forgeable
    assert app.test_client().get("/metrics", headers=forwarded).status_code == 200

    proxied = make_app(settings, server={"trusted_proxies": 1})
    proxied.add_url_rule("/_t/where", "t_where", lambda: {"scheme": request.scheme, "host": request.host,
                                                         "addr": request.remote_addr})
    client = proxied.test_client()
    assert client.get("/_t/where", headers=forwarded).get_json() == {
        "scheme": "https", "host": "ptsa.example", "addr": "10.20.30.40"}
    assert client.get("/metrics", headers=forwarded).status_code == 403   # the real client is outside


def test_the_socket_ping_is_the_offices_setting(settings, database):
    """Engine.IO's handshake tells every screen how often it is pinged and how long it has to answer:
    10 s and 10 s by default, wider where thousands of screens share a busy server."""
    def handshake(app) -> dict:
        answer = app.test_client().get("/socket.io/?EIO=4&transport=polling").get_data(as_text=True)
        assert answer.startswith("0"), answer     # Engine.IO's open packet
        return json.loads(answer[1:])
    opened = handshake(make_app(settings))
    assert (opened["pingInterval"], opened["pingTimeout"]) == (10_000, 10_000)
    opened = handshake(make_app(settings, server={"ping_interval": "25s", "ping_timeout": "20s"}))
    assert (opened["pingInterval"], opened["pingTimeout"]) == (25_000, 20_000)


@pytest.mark.parametrize("value, says", [("soon", "server.ping_interval: invalid duration"),
                                         ("0s", "server.ping_interval"), ("10m", "between 1s and 5m")])
def test_a_wrong_socket_ping_is_named(tmp_path, value, says):
    from intranet_server.config import ConfigError, load_settings
    with pytest.raises(ConfigError, match=says):
        load_settings(environ={"PTSA_SERVER_DATA_DIR": str(tmp_path), "PTSA_SERVER_PING_INTERVAL": value})


def test_healthz_reports_the_outbox_backlog_and_the_sweeper(client, frozen_clock):
    now = clock.now()
    for status, age in (("pending", 600), ("pending", 60), ("failed", 3000), ("sent", 9000)):
        Outbox.create(channel="sms", address="+62812", body="x", status=status,
                      created_at=now - dt.timedelta(seconds=age), next_attempt_at=now)
    # raised at night, held for the unit's opening: not a backlog (yet)
    Outbox.create(channel="email", address="a@b.c", body="x", created_at=now - dt.timedelta(hours=9),
                  held_until=now + dt.timedelta(hours=1), next_attempt_at=now + dt.timedelta(hours=1))
    # held until 100 s ago: due since then
    Outbox.create(channel="email", address="a@b.c", body="x", created_at=now - dt.timedelta(hours=12),
                  held_until=now - dt.timedelta(seconds=100), next_attempt_at=now)
    r = client.get("/healthz")
    assert r.status_code == 200
    body = r.get_json()
    assert body["status"] == "ok"
    assert body["outbox"] == {"pending": 3, "held": 1, "failed": 1, "oldest_pending_age_s": 600}
    assert body["sweeper"] == {"running": False, "leader": None}   # no sweeper in this test process


def test_a_running_server_reports_sockets_sweeper_and_json_logs(tmp_path):
    server = AccessLogServer(tmp_path / "d", env={"PTSA_SERVER_LOG_FORMAT": "json"})
    server.init()
    server.start()   # `ptsa serve --access-log`: one JSON line per request too
    display = socketio_client.Client(reconnection=False)
    try:
        display.connect(server.url, transports=["websocket"], wait_timeout=10)
        got = samples(requests.get(server.url + "/metrics", timeout=10).text)
        assert got[("ptsa_screens_connected", (("room", "display"),))] == 1
        assert got[("ptsa_screens_connected", (("room", "lobby"),))] == 1
        assert got[("ptsa_socket_connections", ())] == 1
        health = requests.get(server.url + "/healthz", timeout=10).json()
        assert health["sweeper"]["running"] is True and health["sweeper"]["leader"] is True
        assert health["outbox"] == {"pending": 0, "held": 0, "failed": 0, "oldest_pending_age_s": None}
        requests.get(server.url + "/api/v1/services?x=1", timeout=10)
    finally:
        display.disconnect()
        server.stop()
    lines = [line for line in server.log().splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]   # every line is one JSON object
    assert all({"time", "level", "logger", "message"} <= set(e) for e in entries)
    assert any(e["message"].startswith("PTSA server (eventlet) on http://127.0.0.1:") for e in entries)
    [access] = [e for e in entries if e.get("path") == "/api/v1/services?x=1"]
    assert access["logger"] == "ptsa.access" and access["status"] == 200 and access["method"] == "GET"
    assert access["remote_addr"] == "127.0.0.1" and isinstance(access["duration_ms"], float)


@pytest.mark.parametrize("value, message", [
    ({"server": {"log_format": "xml"}}, 'server.log_format must be "text" or "json"'),
    ({"server": {"trusted_proxies": -1}}, "server.trusted_proxies must be a whole number from 0"),
    ({"metrics": {"allow": ["10.0.0.300"]}}, "metrics.allow: "),
])
def test_bad_settings_are_named(tmp_path, value, message):
    from intranet_server.config import ConfigError, load_settings
    path = tmp_path / "ptsa.toml"
    section, values = next(iter(value.items()))
    path.write_text(f"[{section}]\n" + "\n".join(f"{k} = {json.dumps(v)}" for k, v in values.items()))
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace("[", r"\[")):
        load_settings(str(path), environ={})


@pytest.mark.postgres
def test_on_postgres_exactly_one_process_leads_the_sweep_and_metrics_read_the_same(tmp_path):
    from tests.support.services import fresh_postgres_database
    url, drop = fresh_postgres_database()
    servers = [LiveServer(tmp_path / f"p{i}", env={"PTSA_DATABASE_URL": url}) for i in range(2)]
    try:
        servers[0].init()
        for server in servers:
            server.start()
        deadline = time.monotonic() + 30
        while True:
            states = [requests.get(s.url + "/healthz", timeout=10).json()["sweeper"] for s in servers]
            if all(state["turns"] >= 1 for state in states):
                break
            assert time.monotonic() < deadline, states
            time.sleep(0.2)
        assert sorted(state["leader"] for state in states) == [False, True], states
        assert {state["election"] for state in states} == {"PostgreSQL advisory lock"}
        scraped = [samples(requests.get(s.url + "/metrics", timeout=10).text) for s in servers]
        assert sorted(got[("ptsa_sweeper_leader", ())] for got in scraped) == [0, 1]
        for got in scraped:
            assert got[("ptsa_database_up", ())] == 1
            assert got[("ptsa_queue_waiting", (("service", "PP"),))] == 0
    finally:
        for server in servers:
            server.stop()
        drop()
