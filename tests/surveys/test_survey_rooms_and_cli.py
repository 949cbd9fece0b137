"""The tablet's Socket.IO room, the tablet CLI, concurrent answers, and migration 0006."""
from __future__ import annotations

import threading

import requests

import db
from intranet_server.actions.surveys import register_tablet
from intranet_server.realtime.sockets import socketio
from tests.surveys.conftest import visit


def test_a_tablet_socket_hears_its_booths_offers_and_may_read_nothing_else(app, database, frozen_clock):
    _, token = register_tablet("tablet-3", 3)
    _, other = register_tablet("tablet-1", 1)
    tablet = socketio.test_client(app, auth={"survey_token": token})
    elsewhere = socketio.test_client(app, auth={"survey_token": other})
    assert tablet.is_connected() and elsewhere.is_connected()
    answer = tablet.emit("sync", {"rooms": {"survey:3": None, "booth:3": None, "display": None,
                                            "survey:1": None}}, callback=True)
    rooms = answer["rooms"]
    assert rooms["survey:3"]["snapshot"] == {"offer": None}
    for room in ("booth:3", "display", "survey:1"):   # a visitor's device: no task summaries, no other booth
        assert rooms[room]["error"] == "forbidden"
    tablet.get_received()
    elsewhere.get_received()
    ticket = visit("PP", "p0-03")
    got = [m for m in tablet.get_received() if m["name"] == "offer"]
    assert len(got) == 1 and got[0]["args"][0]["offer"]["ticket_id"] == ticket.id
    assert got[0]["args"][0]["room"] == "survey:3"
    assert [m for m in elsewhere.get_received() if m["name"] == "offer"] == []
    # a reconnecting tablet finds the visit in its snapshot
    again = tablet.emit("sync", {"rooms": {"survey:3": None}}, callback=True)
    assert again["rooms"]["survey:3"]["snapshot"]["offer"]["ticket_id"] == ticket.id
    assert socketio.test_client(app, auth={"survey_token": "nope"}).is_connected() is False


def test_survey_tablet_command_registers_and_revokes(live_server):
    out = live_server.ptsa("survey-tablet", "tablet-9", "--booth", "9").stdout
    token = out.strip().splitlines()[-1]
    assert "/survey" in out and len(token) >= 32
    auth = {"Authorization": f"Bearer {token}"}
    r = requests.get(live_server.url + "/api/v1/surveys/tablet", headers=auth, timeout=10)
    assert r.status_code == 200 and r.json()["booth"]["number"] == 9 and r.json()["offer"] is None
    assert live_server.ptsa("survey-tablet", "tablet-9", "--booth", "9", check=False).returncode == 2
    assert live_server.ptsa("survey-tablet", "tablet-x", "--booth", "99", check=False).returncode == 2
    assert live_server.ptsa("survey-tablet", "tablet-y", check=False).returncode == 2
    live_server.ptsa("survey-tablet", "tablet-9", "--revoke")
    assert requests.get(live_server.url + "/api/v1/surveys/tablet", headers=auth, timeout=10).status_code == 401


def test_twenty_simultaneous_answers_for_one_ticket_store_one(live_server):
    kiosk = live_server.kiosk_token("lobby-race")
    r = requests.post(live_server.url + "/api/v1/tickets", json={"service": "PP"},
                      headers={"Authorization": f"Bearer {kiosk}"}, timeout=10)
    ticket = r.json()
    dimas = live_server.login("p0-03")
    dimas.post(live_server.url + "/api/v1/queue/call-next", timeout=10)
    assert dimas.post(live_server.url + f"/api/v1/tickets/{ticket['id']}/finish", timeout=10).status_code == 200
    codes: list[int] = []
    start = threading.Barrier(20)

    def send(score: int) -> None:
        start.wait()
        codes.append(requests.post(live_server.url + "/api/v1/surveys", timeout=30,
                                   headers={"Authorization": f"Bearer {kiosk}"},
                                   json={"ticket_id": ticket["id"], "scores": [1 + score % 4] * 9}).status_code)
    threads = [threading.Thread(target=send, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [201] + [409] * 19
    report = live_server.login("admin").get(live_server.url + "/api/v1/reports/skm", timeout=10).json()
    assert report["respondents"] == 1


def test_migration_0006_on_an_older_database_gives_the_fresh_schema(empty_database_url):
    database = db.connect(empty_database_url)
    db.migrate()

    def schema():
        return {t: sorted((c.name, c.data_type.lower(), c.null) for c in database.get_columns(t))
                for t in ("survey_tablet", "survey_response")}, \
               sorted(i.name for t in ("survey_tablet", "survey_response", "ticket") for i in database.get_indexes(t))
    with database.connection_context():
        fresh = schema()
        assert "surveyresponse_ticket_id" in fresh[1] or "survey_response_ticket_id" in fresh[1]
        database.execute_sql('DROP TABLE "survey_response"')
        database.execute_sql('DROP TABLE "survey_tablet"')
        assert "ticket_service_id_business_day_outcome" in fresh[1]
        database.execute_sql('DROP INDEX "ticket_service_id_business_day_outcome"')
        database.execute_sql("DELETE FROM schema_migration WHERE name = '0006_surveys'")
    assert db.pending_migrations() == ["0006_surveys"]
    assert db.migrate() == ["0006_surveys"]
    with database.connection_context():
        assert schema() == fresh
    assert db.migrate() == []   # and again: nothing to do
