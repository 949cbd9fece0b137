"""The queue API through the Flask test client on a temporary SQLite file."""
from __future__ import annotations

import datetime as dt

from db.models import AuditEvent, RoomEvent, Ticket


def login(client, username="p0-03"):
    r = client.post("/api/v1/auth/login", json={"username": username, "password": "demo12345"})
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def issue(client, token, service="PP", **extra):
    return client.post("/api/v1/tickets", json={"service": service, **extra},
                       headers={"Authorization": f"Bearer {token}"})


def test_healthz(client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.get_json()["database"] == "ok"


def test_login_sets_session_and_rejects_bad_password(client):
    assert client.post("/api/v1/auth/login", json={"username": "p0-03", "password": "nope"}).status_code == 401
    assert client.get("/api/v1/auth/me").status_code == 401
    me = login(client)
    assert me["role"] == "p0" and me["booth"]["number"] == 3
    assert client.get("/api/v1/auth/me").get_json()["username"] == "p0-03"


def test_services_list_has_names_owner_and_estimate(client):
    services = client.get("/api/v1/services").get_json()
    pp = next(s for s in services if s["code"] == "PP")
    assert pp["name"]["id"] == "Pengesahan Peraturan Perusahaan"
    assert pp["name"]["en"]
    assert pp["unit"]["code"] == "PHIJSK-PK" and pp["echelon1"]["code"] == "PHIJSK"
    assert pp["open"] is True and pp["waiting"] == 0 and pp["estimated_wait_s"] == 0


def test_issue_ticket_numbers_and_ahead(client, kiosk_token):
    first = issue(client, kiosk_token)
    assert first.status_code == 201
    body = first.get_json()
    assert body["number"] == "P001" and body["ahead"] == 0 and body["service"] == "PP"
    for key in ("id", "issued_at", "estimated_wait_s"):
        assert key in body
    second = issue(client, kiosk_token).get_json()
    assert second["number"] == "P002" and second["ahead"] == 1
    assert second["estimated_wait_s"] > 0
    other = issue(client, kiosk_token, service="DATA").get_json()
    assert other["number"] == "A001"


def test_idempotency_key_returns_the_same_ticket(client, kiosk_token):
    a = issue(client, kiosk_token, idempotency_key="tap-0001-abcdef")
    b = issue(client, kiosk_token, idempotency_key="tap-0001-abcdef")
    assert a.status_code == 201 and b.status_code == 200
    assert a.get_json()["id"] == b.get_json()["id"]
    assert Ticket.select().count() == 1


def test_bad_ticket_requests_write_nothing(client, kiosk_token):
    bad = [
        (issue(client, kiosk_token, service="NOPE"), 404),
        (issue(client, kiosk_token, service=""), 422),
        (issue(client, kiosk_token, priority="vip"), 422),
        (client.post("/api/v1/tickets", data="{not json", content_type="application/json",
                     headers={"Authorization": f"Bearer {kiosk_token}"}), 400),
        (client.post("/api/v1/tickets", json=["PP"], headers={"Authorization": f"Bearer {kiosk_token}"}), 400),
        (client.post("/api/v1/tickets", data="x" * 100_000, content_type="application/json",
                     headers={"Authorization": f"Bearer {kiosk_token}"}), 413),
        (client.post("/api/v1/tickets", json={"service": "PP"}), 401),
        (issue(client, "not-a-token"), 401),
    ]
    for response, status in bad:
        assert response.status_code == status, response.get_data(as_text=True)
        assert response.get_json()["message"]
    assert Ticket.select().count() == 0
    assert AuditEvent.select().where(AuditEvent.action == "ticket.issue").count() == 0


def test_revoked_token_is_refused(client, kiosk_token):
    from intranet_server.actions.kiosks import revoke_kiosk
    revoke_kiosk("test-kiosk")
    r = issue(client, kiosk_token)
    assert r.status_code == 401 and "revoked" in r.get_json()["detail"]


def test_daily_cap_refuses_with_a_message(client, kiosk_token):
    from db.models import Service
    from intranet_server import cache
    Service.update(daily_cap=2).where(Service.code == "PP").execute()
    cache.services.clear()   # a catalog change reaches a running server within seconds; at once here
    assert issue(client, kiosk_token).status_code == 201
    assert issue(client, kiosk_token).status_code == 201
    r = issue(client, kiosk_token)
    assert r.status_code == 409 and r.get_json()["error"] == "daily_cap_reached"
    assert Ticket.select().count() == 2
    # the refused attempt did not consume a number: raising the cap continues without a gap
    Service.update(daily_cap=3).where(Service.code == "PP").execute()
    cache.services.clear()
    assert issue(client, kiosk_token).get_json()["number"] == "P003"


def test_opening_hours_refuse_outside_the_window(settings, client, kiosk_token, frozen_clock):
    from intranet_server import actions
    from intranet_server.reads import calendars
    actions.office.always_open = False
    calendars.configure({"mode": "office"})
    frozen_clock.freeze(dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.timezone.utc))   # 19:00 WIB
    r = issue(client, kiosk_token)
    assert r.status_code == 409 and r.get_json()["error"] == "service_closed"
    assert "15:30" in r.get_json()["message"]
    frozen_clock.freeze(dt.datetime(2026, 11, 28, 3, 0, tzinfo=dt.timezone.utc))   # Saturday 10:00 WIB
    assert issue(client, kiosk_token).get_json()["error"] == "service_closed"
    frozen_clock.freeze(dt.datetime(2026, 12, 25, 3, 0, tzinfo=dt.timezone.utc))   # Christmas, a Friday
    r = issue(client, kiosk_token)
    assert r.status_code == 409 and "libur" in r.get_json()["message"]
    frozen_clock.freeze(dt.datetime(2026, 12, 24, 3, 0, tzinfo=dt.timezone.utc))   # cuti bersama, a Thursday
    assert issue(client, kiosk_token).get_json()["error"] == "service_closed"
    frozen_clock.freeze(dt.datetime(2026, 11, 24, 3, 0, tzinfo=dt.timezone.utc))   # Tuesday 10:00 WIB
    assert issue(client, kiosk_token).status_code == 201
    services = client.get("/api/v1/services").get_json()
    assert all(s["open"] for s in services)


def test_numbering_resets_on_the_local_business_day(client, kiosk_token, frozen_clock):
    # 16:59 UTC is 23:59 WIB on the 24th; 17:01 UTC is 00:01 WIB on the 25th: a new day, a new counter
    frozen_clock.freeze(dt.datetime(2026, 11, 24, 16, 59, tzinfo=dt.timezone.utc))
    assert issue(client, kiosk_token).get_json()["number"] == "P001"
    frozen_clock.freeze(dt.datetime(2026, 11, 24, 17, 1, tzinfo=dt.timezone.utc))
    body = issue(client, kiosk_token).get_json()
    assert body["number"] == "P001" and body["business_day"] == "2026-11-25"


def test_call_next_204_then_200_and_booth_scope(client, kiosk_token):
    login(client)
    assert client.post("/api/v1/queue/call-next").status_code == 204
    issue(client, kiosk_token, service="DATA")          # booth 3 does not serve DATA
    assert client.post("/api/v1/queue/call-next").status_code == 204
    issue(client, kiosk_token)
    r = client.post("/api/v1/queue/call-next")
    assert r.status_code == 200
    ticket = r.get_json()
    assert ticket["number"] == "P001" and ticket["status"] == "called" and ticket["booth"]["number"] == 3


def test_call_next_finishes_the_current_visit(client, kiosk_token):
    login(client)
    issue(client, kiosk_token)
    issue(client, kiosk_token)
    first = client.post("/api/v1/queue/call-next").get_json()
    second = client.post("/api/v1/queue/call-next").get_json()
    assert second["number"] == "P002"
    assert Ticket.get_by_id(first["id"]).status == "done"
    assert Ticket.get_by_id(first["id"]).outcome == "served"


def test_call_next_sent_again_with_the_visit_shown_answers_the_visitor_it_called(client, kiosk_token):
    """The booth screen says which visit it shows (`current`). Sent again after its answer was lost, the
    request finds the booth holding another visit and answers it: nobody is finished unseen."""
    login(client)
    for _ in range(3):
        issue(client, kiosk_token)
    first = client.post("/api/v1/queue/call-next", json={"current": None}).get_json()
    again = client.post("/api/v1/queue/call-next", json={"current": None})
    assert again.status_code == 200 and again.get_json()["id"] == first["id"]
    assert Ticket.get_by_id(first["id"]).status == "called"
    second = client.post("/api/v1/queue/call-next", json={"current": first["id"]}).get_json()
    assert second["number"] == "P002" and Ticket.get_by_id(first["id"]).status == "done"
    replay = client.post("/api/v1/queue/call-next", json={"current": first["id"]}).get_json()
    assert replay["id"] == second["id"] and Ticket.get_by_id(second["id"]).status == "called"
    assert Ticket.select().where(Ticket.status == "waiting").count() == 1
    calls = AuditEvent.select().where(AuditEvent.action == "ticket.call").count()
    assert calls == 2                             # the answers sent again are not calls
    # a visit the booth no longer holds (finished on another screen) does not stop the next call
    client.post(f"/api/v1/tickets/{second['id']}/finish")
    third = client.post("/api/v1/queue/call-next", json={"current": second["id"]}).get_json()
    assert third["number"] == "P003"


def test_call_next_refuses_a_body_it_cannot_read(client, kiosk_token):
    login(client)
    issue(client, kiosk_token)
    for bad in ({"current": 0}, {"current": "satu"}, {"currnet": 5}):
        r = client.post("/api/v1/queue/call-next", json=bad)
        assert r.status_code == 422 and r.get_json()["message"], bad
    assert Ticket.select().where(Ticket.status == "waiting").count() == 1


def test_visit_lifecycle_recall_start_park_resume_finish(client, kiosk_token):
    login(client)
    issue(client, kiosk_token)
    t = client.post("/api/v1/queue/call-next").get_json()
    tid = t["id"]
    assert client.post(f"/api/v1/tickets/{tid}/recall").get_json()["recall_count"] == 1
    assert client.post(f"/api/v1/tickets/{tid}/start").get_json()["status"] == "serving"
    r = client.post(f"/api/v1/tickets/{tid}/recall")
    assert r.status_code == 409 and "serving" in r.get_json()["detail"]
    assert client.post(f"/api/v1/tickets/{tid}/park").get_json()["status"] == "parked"
    assert client.post(f"/api/v1/tickets/{tid}/resume").get_json()["status"] == "serving"
    done = client.post(f"/api/v1/tickets/{tid}/finish").get_json()
    assert done["status"] == "done" and done["outcome"] == "served"
    trail = AuditEvent.select().where((AuditEvent.subject_type == "ticket") & (AuditEvent.subject_id == tid))
    actions = [a.action for a in trail.order_by(AuditEvent.id)]
    assert actions == ["ticket.issue", "ticket.call", "ticket.recall", "ticket.start", "ticket.park",
                       "ticket.resume", "ticket.finish"]


def test_no_show_can_return_within_the_window_only(client, kiosk_token, frozen_clock):
    login(client)
    issue(client, kiosk_token)
    tid = client.post("/api/v1/queue/call-next").get_json()["id"]
    assert client.post(f"/api/v1/tickets/{tid}/no-show").get_json()["status"] == "no_show"
    booth = client.get("/api/v1/booth").get_json()
    assert [t["id"] for t in booth["no_show"]] == [tid]
    frozen_clock.advance(dt.timedelta(minutes=10))
    assert client.post(f"/api/v1/tickets/{tid}/call").get_json()["status"] == "called"
    client.post(f"/api/v1/tickets/{tid}/no-show")
    frozen_clock.advance(dt.timedelta(minutes=16))
    r = client.post(f"/api/v1/tickets/{tid}/call")
    assert r.status_code == 409 and r.get_json()["error"] == "recall_window_passed"


def test_transfer_keeps_arrival_time_and_place(client, kiosk_token, frozen_clock):
    early = issue(client, kiosk_token, service="PP").get_json()
    frozen_clock.advance(dt.timedelta(minutes=5))
    issue(client, kiosk_token, service="PKB")
    login(client)
    # booth 3 calls by arrival: PP's P001 first; transfer it to PKB: it keeps its earlier arrival
    called = client.post("/api/v1/queue/call-next").get_json()
    assert called["id"] == early["id"]
    moved = client.post(f"/api/v1/tickets/{early['id']}/transfer", json={"service": "PKB"}).get_json()
    assert moved["service"] == "PKB" and moved["status"] == "waiting" and moved["number"] == "P001"
    assert moved["arrived_at"] == early["arrived_at"]
    again = client.post("/api/v1/queue/call-next").get_json()
    assert again["id"] == early["id"]
    r = client.post(f"/api/v1/tickets/{early['id']}/transfer", json={"service": "NOPE"})
    assert r.status_code == 404


def test_only_p0_of_the_booth_may_act(client, kiosk_token):
    issue(client, kiosk_token)
    login(client, "p1-01")
    r = client.post("/api/v1/queue/call-next")
    assert r.status_code == 403 and r.get_json()["message"]
    login(client, "p0-03")
    tid = client.post("/api/v1/queue/call-next").get_json()["id"]
    login(client, "p0-04")
    r = client.post(f"/api/v1/tickets/{tid}/finish")
    assert r.status_code == 403
    assert Ticket.get_by_id(tid).status == "called"


def test_events_are_published_after_commit_only(client, kiosk_token, database):
    sent = database
    issue(client, kiosk_token)
    rooms = [room for _, _, room in sent]
    assert "service:PP" in rooms and "lobby" in rooms
    sent.clear()
    issue(client, kiosk_token, service="NOPE")
    assert sent == []     # a refused action publishes nothing
    login(client)
    client.post("/api/v1/queue/call-next")
    calls = [msg for event, msg, room in sent if event == "call"]
    assert calls and calls[0]["call"]["number"] == "P001" and calls[0]["clips"]
    seqs = [msg["seq"] for _, msg, room in sent if room == "display"]
    assert seqs == sorted(seqs)


def test_openapi_lists_every_api_route(app, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    documented = {p for p in doc["paths"]}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.rule != "/api/v1/openapi.json":
            path = rule.rule[len("/api/v1"):].replace("<int:", "{").replace("<", "{").replace(">", "}")
            assert path in documented, f"{rule.rule} is not in the OpenAPI document"


def test_unknown_api_path_is_json_404(client):
    r = client.get("/api/v1/nothing")
    assert r.status_code == 404 and r.get_json()["error"] == "not_found"


def test_reprint_goes_to_the_issuing_kiosk(client, kiosk_token, database):
    tid = issue(client, kiosk_token).get_json()["id"]
    r = client.post(f"/api/v1/tickets/{tid}/printed", json={"printed": False, "detail": "paper out"},
                    headers={"Authorization": f"Bearer {kiosk_token}"})
    assert r.get_json()["print_state"] == "failed"
    login(client)
    assert client.get("/api/v1/booth").get_json()["waiting"][0]["print_state"] == "failed"
    database.clear()
    r = client.post(f"/api/v1/tickets/{tid}/reprint")
    assert r.status_code == 202 and r.get_json()["kiosk"] == "test-kiosk"
    reprints = [msg for event, msg, room in database if event == "reprint" and room == "kiosk:test-kiosk"]
    assert reprints[0]["ticket"]["number"] == "P001" and reprints[0]["ticket"]["ahead"] == 0
    login(client, "p0-01")   # booth 1 does not serve PP
    assert client.post(f"/api/v1/tickets/{tid}/reprint").status_code == 403


def test_old_events_are_pruned_and_a_late_client_gets_a_snapshot(client, kiosk_token, frozen_clock):
    import datetime as dt

    from db.models import RoomEvent
    from intranet_server.realtime import events
    issue(client, kiosk_token)
    seen = events.current_seq("service:PP")
    issue(client, kiosk_token)
    assert [e for e, _ in events.events_since("service:PP", seen)] == ["ticket"]
    frozen_clock.advance(dt.timedelta(days=3))
    issue(client, kiosk_token)                     # a fresh event survives the prune
    assert events.prune(frozen_clock.now()) > 0
    assert RoomEvent.select().where(RoomEvent.room == "service:PP").count() == 1
    assert events.events_since("service:PP", seen) is None      # gone: the client needs a snapshot
    assert events.events_since("service:PP", events.current_seq("service:PP") - 1) is not None


def test_a_visit_keeps_its_wait_and_service_seconds_for_the_reports(client, kiosk_token, frozen_clock):
    """Ticket.save keeps wait_s (first call - issue) and visit_s (finish - start) in whole seconds, each instant
    floored to its second: what the report queries read instead of the instants."""
    from intranet_server import clock
    from db.models import whole_seconds
    login(client)
    start = clock.now()
    tid = issue(client, kiosk_token).get_json()["id"]
    clock.freeze(start + dt.timedelta(minutes=7, seconds=30, microseconds=600000))
    assert client.post("/api/v1/queue/call-next").get_json()["id"] == tid
    assert (Ticket.get_by_id(tid).wait_s, Ticket.get_by_id(tid).visit_s) == (450, None)
    clock.freeze(start + dt.timedelta(minutes=8, microseconds=900000))
    client.post(f"/api/v1/tickets/{tid}/start")
    clock.freeze(start + dt.timedelta(minutes=20, seconds=1, microseconds=100000))
    client.post(f"/api/v1/tickets/{tid}/finish")
    t = Ticket.get_by_id(tid)
    assert (t.wait_s, t.visit_s) == (450, 721)
    assert t.visit_s == whole_seconds(t.started_at, t.finished_at)
    assert t.wait_s == whole_seconds(t.issued_at, t.first_called_at)


def test_the_wait_estimate_counts_a_visit_the_moment_it_finishes(client, kiosk_token, frozen_clock):
    """Each queue's recent service times are kept a few seconds (every lobby summary asks for them); a
    finished visit drops them at once, so the next summary — the display's own, in the same action,
    and the services list — counts it."""
    def pp():
        return next(s for s in client.get("/api/v1/services").get_json() if s["code"] == "PP")
    from db.models import Service
    from intranet_server.reads.queue import booths_serving
    service = Service.get(Service.code == "PP")
    booths = len(booths_serving(service))
    issued = [issue(client, kiosk_token).get_json() for _ in range(3)]
    assert pp()["estimated_wait_s"] == round(3 * service.typical_service_s / booths)   # no history yet
    login(client)
    assert client.post("/api/v1/queue/call-next").get_json()["id"] == issued[0]["id"]
    assert client.post(f"/api/v1/tickets/{issued[0]['id']}/start").status_code == 200
    frozen_clock.advance(dt.timedelta(minutes=23))
    assert client.post(f"/api/v1/tickets/{issued[0]['id']}/finish").status_code == 200
    assert pp()["waiting"] == 2 and pp()["estimated_wait_s"] == round(2 * 23 * 60 / booths)
    event = RoomEvent.select().where(RoomEvent.room == "display").order_by(RoomEvent.seq.desc()).first()
    summary = next(s for s in event.payload["services"] if s["code"] == "PP")
    assert summary["estimated_wait_s"] == round(2 * 23 * 60 / booths)
