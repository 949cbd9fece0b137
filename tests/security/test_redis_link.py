"""Redis: a channel per deployment (two offices on one Redis do not see each other's events), an outage
that is reported (/healthz degraded, a `link` notice to the screens, then `ok` and a resync), and
session revocations that reach the sockets of another server process."""
from __future__ import annotations

import shutil
import subprocess
import time

import pytest
import requests

from intranet_server.config import load_settings
from intranet_server.realtime.link import channel_for
from tests.e2e.realtime_client import Recorder, cookie_of
from tests.support.live import LiveServer, free_port
from tests.support.services import redis_url, unavailable


def issue(server, token, service="PP"):
    r = requests.post(server.url + "/api/v1/tickets", json={"service": service},
                      headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert r.status_code == 201, r.text
    return r.json()


def test_the_channel_is_per_deployment():
    def channel(**env):
        return channel_for(load_settings(environ={"PTSA_SERVER_DATA_DIR": "/tmp/x", **env}))
    a = channel(PTSA_DATABASE_URL="postgresql://ptsa@db/office_a")
    assert a == channel(PTSA_DATABASE_URL="postgresql://ptsa@db/office_a")     # every process of one office
    assert a != channel(PTSA_DATABASE_URL="postgresql://ptsa@db/office_b")
    assert channel(PTSA_SERVER_MESSAGE_QUEUE_CHANNEL="ptsa-jakarta") == "ptsa-jakarta"


@pytest.mark.redis
def test_two_deployments_on_one_redis_do_not_see_each_other(tmp_path):
    queue = redis_url()
    office_a = LiveServer(tmp_path / "a", env={"PTSA_MESSAGE_QUEUE": queue})
    office_b = LiveServer(tmp_path / "b", env={"PTSA_MESSAGE_QUEUE": queue})
    try:
        for office in (office_a, office_b):
            office.init()
            office.start()
        board_a, board_b = Recorder(office_a.url).connect(), Recorder(office_b.url).connect()
        token_a, token_b = office_a.kiosk_token("a"), office_b.kiosk_token("b")
        issue(office_a, token_a)
        office_a.login("p0-03").post(office_a.url + "/api/v1/queue/call-next", timeout=10)
        board_a.wait_for(lambda e, d: e == "call" and d["booth"]["number"] == 3)
        issue(office_b, token_b)
        office_b.login("p0-04").post(office_b.url + "/api/v1/queue/call-next", timeout=10)
        board_b.wait_for(lambda e, d: e == "call" and d["booth"]["number"] == 4)
        # office A's call went out first on the same Redis: had B listened to A's channel, it would be here
        assert not [d for e, d in board_b.events if e == "call" and d["booth"]["number"] == 3]
        board_a.close()
        board_b.close()
    finally:
        office_b.stop()
        office_a.stop()


class PrivateRedis:
    def __init__(self):
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            unavailable("redis-server is not installed: cannot stop and restart a private Redis")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc = None

    def start(self):
        import redis
        self.proc = subprocess.Popen([self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                      "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                redis.Redis(port=self.port, socket_connect_timeout=0.5).ping()
                return self
            except redis.RedisError:
                time.sleep(0.05)
        raise AssertionError("private redis-server did not start")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


@pytest.mark.redis
def test_a_redis_outage_is_reported_and_screens_resync_after_it(tmp_path):
    private = PrivateRedis().start()
    server = LiveServer(tmp_path / "s", env={"PTSA_MESSAGE_QUEUE": private.url})
    try:
        server.init()
        server.start()
        assert requests.get(server.url + "/healthz", timeout=5).json()["status"] == "ok"
        board = Recorder(server.url).connect()
        assert board.sync({"display": None})["ok"]
        private.stop()
        health = requests.get(server.url + "/healthz", timeout=5)
        assert health.status_code == 200 and health.json()["status"] == "degraded"
        assert health.json()["message_queue"].startswith("unreachable")
        board.wait_for(lambda e, d: e == "link" and d["ok"] is False, timeout=20)
        private.start()
        board.wait_for(lambda e, d: e == "link" and d["ok"] is True, timeout=30)
        assert requests.get(server.url + "/healthz", timeout=5).json()["status"] == "ok"
        board.close()
    finally:
        server.stop()
        private.stop()


@pytest.mark.redis
def test_logout_on_one_process_disconnects_the_socket_on_another(tmp_path):
    queue = redis_url()
    env = {"PTSA_DATABASE_URL": f"sqlite:///{tmp_path / 'shared.db'}", "PTSA_MESSAGE_QUEUE": queue,
           "PTSA_SERVER_SECRET_KEY": "shared-secret"}
    first, second = LiveServer(tmp_path / "a", env=env), LiveServer(tmp_path / "b", env=env)
    try:
        first.init()
        first.start()
        second.start()
        officer = first.login("p0-03")
        booth_on_b = Recorder(second.url, cookie=cookie_of(officer))
        booth_on_b.client.reconnection = False
        booth_on_b.connect()
        assert booth_on_b.sync({"booth:3": None})["rooms"]["booth:3"].get("snapshot") is not None
        assert officer.post(first.url + "/api/v1/auth/logout", timeout=10).status_code == 200
        booth_on_b.wait_for(lambda e, d: e == "session_ended")
        deadline = time.monotonic() + 10
        while booth_on_b.client.connected and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not booth_on_b.client.connected
    finally:
        second.stop()
        first.stop()
