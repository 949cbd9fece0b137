"""Presence: who is connected now, from the connections of every server process (LiveConnection
rows with heartbeats), on the supervisor screen."""
from __future__ import annotations

import datetime as dt

import pytest

from db.models import Staff
from intranet_server.reads import presence as presence_reads
from intranet_server.reads import scope
from intranet_server.reads.tasks import unit_staff
from intranet_server.realtime import presence
from tests.screens.helpers import signed_in
from tests.support.browser import browser  # noqa: F401  (fixture)


def person(username):
    return Staff.get(Staff.username == username)


def people(answer, unit):
    return {p["username"]: p for u in answer["units"] if u["code"] == unit for p in u["people"]}


def test_connections_of_every_process_count_until_their_process_stops_beating(database, frozen_clock, monkeypatch):
    rina, other = person("p1-09"), person("p1-10")
    hendra = person("sup-phijsk")
    units = scope.scope_units(hendra)
    monkeypatch.setattr(presence, "PROCESS", "server-a")
    presence.connected("sid-a", rina, "staff", "inbox")
    monkeypatch.setattr(presence, "PROCESS", "server-b")
    presence.connected("sid-b", other, "staff", "inbox")
    now = people(presence_reads.scope_presence(units), "PHIJSK")
    assert now["p1-09"]["connected"] and now["p1-10"]["connected"] and now["p1-09"]["pages"] == ["inbox"]

    # server-b dies; server-a keeps beating: after three missed beats only Rina is connected
    monkeypatch.setattr(presence, "PROCESS", "server-a")
    for _ in range(4):
        frozen_clock.advance(presence.HEARTBEAT)
        presence.heartbeat()
    later = people(presence_reads.scope_presence(units), "PHIJSK")
    assert later["p1-09"]["connected"] and not later["p1-10"]["connected"]
    assert later["p1-10"]["last_seen_at"] is not None

    presence.disconnected("sid-a")
    gone = people(presence_reads.scope_presence(units), "PHIJSK")
    assert not gone["p1-09"]["connected"]
    # a day later the rows are pruned
    frozen_clock.advance(dt.timedelta(days=2))
    presence.heartbeat()
    assert people(presence_reads.scope_presence(units), "PHIJSK")["p1-09"]["last_seen_at"] is None


def test_an_officer_with_the_inbox_open_is_active_now(database, frozen_clock):
    """Issue 8 item 3: not "aktif terakhir: belum pernah" for someone signed in with the inbox open."""
    rina = person("p1-09")
    presence.connected("sid-rina", rina, "staff", "inbox")
    row = {s["username"]: s for s in unit_staff([rina.unit])}["p1-09"]
    assert row["connected"] is True and row["last_active_at"] is not None


@pytest.mark.browser
def test_supervisor_sees_who_is_connected_now(live_server, browser):  # noqa: F811
    rina = signed_in(browser, live_server, "p1-09", "/inbox")
    dimas = signed_in(browser, live_server, "p0-03", "/booth")
    hendra = signed_in(browser, live_server, "sup-phijsk", "/supervisor")
    hendra.wait_for_selector("#presence [data-key='presence-p1-09']")
    assert "Booth 3" in hendra.inner_text("#presence")
    row = hendra.locator("#staff tr", has_text=person_name(live_server, "p1-09")).first
    row.locator("text=tersambung sekarang").wait_for()
    assert "belum pernah" not in row.inner_text()
    rina.close()
    hendra.reload()
    hendra.wait_for_selector("#presence")
    hendra.wait_for_function("!document.querySelector(\"#presence [data-key='presence-p1-09']\")")
    assert dimas.errors == [] and hendra.errors == []


def person_name(server, username):
    return next(p["full_name"] for u in server.login("sup-phijsk").get(server.url + "/api/v1/presence",
                                                                       timeout=10).json()["units"]
                for p in u["people"] if p["username"] == username)


@pytest.mark.e2e
def test_presence_is_the_same_whichever_process_answers(tmp_path):
    """Two real server processes on one database: Rina's socket is held by process B, Pak Hendra
    asks process A, and sees her connected; when she leaves, A sees that too."""
    import time

    from tests.e2e.realtime_client import Recorder, cookie_of
    from tests.support.live import LiveServer
    a = LiveServer(tmp_path / "shared")
    a.init()
    a.start()
    b = LiveServer(tmp_path / "shared")       # same data dir: same SQLite file and session key
    b.start()
    try:
        rina = Recorder(b.url, cookie=cookie_of(b.login("p1-09"))).connect()
        hendra = a.login("sup-phijsk")

        def rina_on_a():
            answer = hendra.get(a.url + "/api/v1/presence", timeout=10).json()
            return people(answer, "PHIJSK")["p1-09"]["connected"]
        deadline = time.monotonic() + 10
        while not rina_on_a() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert rina_on_a()
        rina.close()
        deadline = time.monotonic() + 10
        while rina_on_a() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not rina_on_a()
    finally:
        b.stop()
        a.stop()
