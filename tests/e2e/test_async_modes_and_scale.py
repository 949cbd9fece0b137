"""The server under gevent (the supported alternative to eventlet), and two server processes
sharing PostgreSQL and a Redis message queue (how an office scales out)."""
from __future__ import annotations

import pytest
import requests

from tests.e2e.realtime_client import Recorder, cookie_of
from tests.support.live import LiveServer
from tests.support.services import fresh_postgres_database, redis_url


def issue(server, token, service="PP"):
    r = requests.post(server.url + "/api/v1/tickets", json={"service": service},
                      headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert r.status_code == 201, r.text
    return r.json()


def test_gevent_smoke(tmp_path):
    server = LiveServer(tmp_path / "gevent", async_mode="gevent")
    server.init()
    server.start()
    try:
        assert requests.get(server.url + "/healthz", timeout=5).json()["async_mode"] == "gevent"
        token = server.kiosk_token("gevent-kiosk")
        display = Recorder(server.url).connect()
        ticket = issue(server, token)
        officer = server.login("p0-03")
        assert officer.post(server.url + "/api/v1/queue/call-next", timeout=10).json()["id"] == ticket["id"]
        display.wait_for(lambda e, d: e == "call" and d["call"]["id"] == ticket["id"])
        display.close()
    finally:
        server.stop()


@pytest.mark.postgres
@pytest.mark.redis
def test_two_processes_share_postgres_and_redis(tmp_path):
    url, drop = fresh_postgres_database()
    queue_url = redis_url()
    env = {"PTSA_DATABASE_URL": url, "PTSA_MESSAGE_QUEUE": queue_url}
    first = LiveServer(tmp_path / "a", env=env)
    second = LiveServer(tmp_path / "b", env={**env, "PTSA_SERVER_SECRET_KEY": "shared-secret"})
    first.env["PTSA_SERVER_SECRET_KEY"] = "shared-secret"   # one login works on every process
    try:
        first.init()
        first.start()
        second.start()
        token = first.kiosk_token("scale-kiosk")
        officer_on_b = second.login("p0-03")
        display_on_b = Recorder(second.url).connect()
        booth_on_a = Recorder(first.url, cookie=cookie_of(officer_on_b)).connect()
        # the ticket is issued through process A; the officer on process B calls it
        ticket = issue(first, token)
        booth_on_a.wait_for(lambda e, d: e == "ticket" and d["ticket"]["id"] == ticket["id"])
        called = officer_on_b.post(second.url + "/api/v1/queue/call-next", timeout=10).json()
        assert called["id"] == ticket["id"]
        display_on_b.wait_for(lambda e, d: e == "call" and d["call"]["id"] == ticket["id"])
        # numbers stay unique across processes: the counter row lives in PostgreSQL
        numbers = {issue(first, token)["number"], issue(second, token)["number"], issue(first, token)["number"]}
        assert numbers == {"P002", "P003", "P004"}
        display_on_b.close()
        booth_on_a.close()
    finally:
        second.stop()
        first.stop()
        drop()


@pytest.mark.redis
def test_events_cross_processes_again_after_redis_restarts(tmp_path):
    """python-socketio's Redis listener must recover when Redis goes away and comes back."""
    import shutil
    import subprocess
    import time

    from tests.support.live import free_port
    from tests.support.services import unavailable
    binary = shutil.which("redis-server")
    if binary is None:
        unavailable("redis-server is not installed: cannot restart a private Redis")
    port = free_port()

    def start_redis():
        proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                 "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import redis
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                redis.Redis(port=port, socket_connect_timeout=0.5).ping()
                return proc
            except redis.RedisError:
                time.sleep(0.05)
        proc.kill()
        raise AssertionError("private redis-server did not start")

    redis_proc = start_redis()
    env = {"PTSA_DATABASE_URL": f"sqlite:///{tmp_path / 'shared.db'}",
           "PTSA_MESSAGE_QUEUE": f"redis://127.0.0.1:{port}/0", "PTSA_SERVER_SECRET_KEY": "shared"}
    first, second = LiveServer(tmp_path / "a", env=env), LiveServer(tmp_path / "b", env=env)
    try:
        first.init()
        first.start()
        second.start()
        token = first.kiosk_token("redis-restart")
        display = Recorder(second.url).connect()
        ticket = issue(first, token)
        officer = first.login("p0-03")
        officer.post(first.url + "/api/v1/queue/call-next", timeout=10)
        display.wait_for(lambda e, d: e == "call" and d["call"]["id"] == ticket["id"])
        redis_proc.terminate()
        redis_proc.wait(10)
        time.sleep(1)
        redis_proc = start_redis()
        # once the listeners have reconnected, a recall made on process A is announced on B again
        deadline, delivered = time.monotonic() + 30, False
        while not delivered and time.monotonic() < deadline:
            officer.post(first.url + f"/api/v1/tickets/{ticket['id']}/recall", timeout=10)
            try:
                display.wait_for(lambda e, d: e == "call" and d["recall"] and d["call"]["id"] == ticket["id"],
                                 timeout=2)
                delivered = True
            except AssertionError:
                pass
        assert delivered, "no call reached the other process after Redis came back"
        display.close()
    finally:
        second.stop()
        first.stop()
        redis_proc.kill()
