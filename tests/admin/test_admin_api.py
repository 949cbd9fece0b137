"""The administration API through the Flask test client: every verb, its refusals, and the role matrix."""
from __future__ import annotations

import datetime as dt

import pytest

from db.models import AuditEvent, Service, Staff, Ticket

PASSWORD = "demo12345"
NEW_SERVICE = {"code": "AK1", "prefix": "Q", "name_id": "Kartu Kuning (AK1)", "name_en": "Job-seeker card (AK1)",
               "owner": "PHIJSK-PK", "sop_days": 3, "daily_cap": 50,
               "hours": {"opens_at": "08:00", "closes_at": "14:00", "days": ["mon", "tue", "wed"]}}


def login(client, username="admin", password=PASSWORD):
    r = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert r.status_code == 200, r.get_json()
    return r.get_json()


@pytest.fixture
def admin(client):
    login(client)
    return client


def test_add_service_with_hours_reaches_the_kiosk_home(admin, database):
    r = admin.post("/api/v1/admin/services", json=NEW_SERVICE)
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["code"] == "AK1" and body["owner"] == "PHIJSK-PK" and body["version"]
    services = {s["code"]: s for s in admin.get("/api/v1/services").get_json()}
    assert services["AK1"]["hours"] == {"opens_at": "08:00", "closes_at": "14:00", "days": ["mon", "tue", "wed"]}
    assert services["AK1"]["daily_cap"] == 50
    lobby = [m for e, m, room in database if room == "lobby" and e == "service"]
    assert any(m["service"]["code"] == "AK1" for m in lobby)
    assert AuditEvent.get(AuditEvent.action == "service.add").actor == "admin"


@pytest.mark.parametrize("change, field", [
    ({"prefix": "P"}, "prefix"),            # PP already uses P: the loader's own check
    ({"owner": "NOPE"}, "unit"),
    ({"prefix": "kk"}, "prefix"),           # shape: the schema
    ({"daily_cap": 5000}, "daily_cap"),
    ({"hours": {"opens_at": "15:00", "closes_at": "09:00", "days": ["mon"]}}, "closes_at"),
    ({"surprise": 1}, "surprise"),
    ({"sop_days": "three"}, "sop_days"),
])
def test_bad_service_is_refused_naming_the_field_and_writes_nothing(admin, change, field):
    before = Service.select().count(), AuditEvent.select().count()
    r = admin.post("/api/v1/admin/services", json={**NEW_SERVICE, **change})
    assert r.status_code == 422, r.get_json()
    assert r.get_json()["detail"].startswith(f"'{field}")
    assert (Service.select().count(), AuditEvent.select().count()) == before


def test_a_service_without_its_sop_days_key_is_refused(admin):
    body = {k: v for k, v in NEW_SERVICE.items() if k != "sop_days"}
    r = admin.post("/api/v1/admin/services", json=body)
    assert r.status_code == 422 and r.get_json()["detail"].startswith("'sop_days'")
    assert admin.post("/api/v1/admin/services", json={**body, "sop_days": None}).status_code == 201


def test_patch_service_and_the_stale_version_is_refused(admin):
    row = next(s for s in admin.get("/api/v1/admin/catalog").get_json()["services"] if s["code"] == "PP")
    r = admin.patch("/api/v1/admin/services/PP", json={"daily_cap": 120, "version": row["version"]})
    assert r.status_code == 200 and r.get_json()["daily_cap"] == 120
    again = admin.patch("/api/v1/admin/services/PP", json={"daily_cap": 130, "version": row["version"]})
    assert again.status_code == 409 and again.get_json()["error"] == "stale"
    assert Service.get(Service.code == "PP").daily_cap == 120
    off = admin.patch("/api/v1/admin/services/PP", json={"active": False})
    assert off.status_code == 200 and Service.get(Service.code == "PP").active is False   # kept, not deleted
    assert admin.patch("/api/v1/admin/services/NOPE", json={"daily_cap": 1}).status_code == 404


def test_booth_services_and_the_last_booth_of_a_waiting_queue(admin, kiosk_token, database):
    r = admin.patch("/api/v1/admin/booths/4", json={"services": ["PP", "DATA"]})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["services"] == ["PP", "DATA"] or set(r.get_json()["services"]) == {"PP", "DATA"}
    assert any(room == "booth:4" and e == "catalog" for e, _m, room in database)
    assert any(room == "display" and e == "catalog" for e, _m, room in database)     # the board reloads
    # DATA is served by booth 4 and its own booth; make booth 4 the only one, then a visitor waits
    catalog = admin.get("/api/v1/admin/catalog").get_json()
    for booth in catalog["booths"]:
        if booth["number"] != 4 and "DATA" in booth["services"]:
            assert admin.patch(f"/api/v1/admin/booths/{booth['number']}",
                               json={"services": [c for c in booth["services"] if c != "DATA"]}).status_code == 200
    assert admin.post("/api/v1/tickets", json={"service": "DATA"},
                      headers={"Authorization": f"Bearer {kiosk_token}"}).status_code == 201
    refused = admin.patch("/api/v1/admin/booths/4", json={"services": ["PP"]})
    assert refused.status_code == 409 and refused.get_json()["error"] == "last_service"
    assert "DATA" in admin.get("/api/v1/admin/catalog").get_json()["booths"][3]["services"]
    assert admin.patch("/api/v1/admin/booths/4", json={"services": ["PP", "DATA", "NOPE"]}).status_code == 422


def test_a_priority_booth_calls_the_priority_visitor_first(admin, kiosk_token):
    """Booths 3 and 4 serve PP; with the office's ratio policy and no history an ordinary booth calls
    the earlier ordinary visitor, the priority booth the later lansia visitor."""
    row = next(b for b in admin.get("/api/v1/admin/catalog").get_json()["booths"] if b["number"] == 3)
    assert row["priority"] is False
    r = admin.patch("/api/v1/admin/booths/3", json={"priority": True, "version": row["version"]})
    assert r.status_code == 200 and r.get_json()["priority"] is True
    assert AuditEvent.select().where(AuditEvent.action == "booth.change").order_by(AuditEvent.id.desc()) \
        .first().data["fields"] == ["priority"]
    assert admin.patch("/api/v1/admin/booths/3", json={"priority": "ya"}).status_code == 422
    kiosk = {"Authorization": f"Bearer {kiosk_token}"}
    normal = admin.post("/api/v1/tickets", json={"service": "PP"}, headers=kiosk).get_json()
    lansia = admin.post("/api/v1/tickets", json={"service": "PP", "priority": "lansia"}, headers=kiosk).get_json()
    # her ticket counts the line of the booth that reaches her first: the priority booth's, nobody ahead
    assert normal["ahead"] == 0 and lansia["ahead"] == 0
    # an ordinary booth follows the office's policy: the earlier ordinary visitor first
    login(admin, "p0-04")
    state = admin.get("/api/v1/booth").get_json()
    assert state["priority_booth"] is False
    assert [t["number"] for t in state["waiting"]] == [normal["number"], lansia["number"]]
    login(admin, "p0-03")
    state = admin.get("/api/v1/booth").get_json()
    assert state["priority_booth"] is True
    assert [t["number"] for t in state["waiting"]] == [lansia["number"], normal["number"]]
    called = admin.post("/api/v1/queue/call-next")
    assert called.status_code == 200 and called.get_json()["number"] == lansia["number"]


def test_units_with_their_own_hours(admin):
    r = admin.post("/api/v1/admin/units", json={"code": "PHIJSK-X", "name": "Direktorat Baru", "echelon": 2,
                                                 "parent": "PHIJSK", "timezone": "Asia/Makassar",
                                                 "hours": {"mon": ["08:00-12:00"], "tue": ["08:00-12:00"]}})
    assert r.status_code == 201, r.get_json()
    week = admin.get("/api/v1/calendar?unit=PHIJSK-X&from=2026-11-23&days=7").get_json()
    assert week["timezone"] == "Asia/Makassar"
    bad = admin.post("/api/v1/admin/units", json={"code": "Y", "name": "Y", "echelon": 2, "parent": "PHIJSK",
                                                   "hours": {"mon": ["12:00-08:00"]}})
    assert bad.status_code == 422 and bad.get_json()["detail"].startswith("'hours'")
    orphan = admin.post("/api/v1/admin/units", json={"code": "Z", "name": "Z", "echelon": 2})
    assert orphan.status_code == 422 and orphan.get_json()["detail"].startswith("'parent'")
    zone = admin.patch("/api/v1/admin/units/PHIJSK-X", json={"timezone": "Mars/Olympus"})
    assert zone.status_code == 422 and zone.get_json()["detail"].startswith("'timezone'")
    busy = admin.patch("/api/v1/admin/units/PHIJSK-PK", json={"active": False})
    assert busy.status_code == 409 and busy.get_json()["error"] == "in_use"


def test_staff_one_time_password_then_forced_change(admin, client):
    r = admin.post("/api/v1/admin/staff", json={"username": "dewi", "full_name": "Dewi Lestari", "role": "p0",
                                                 "booth": 4, "email": "dewi@ptsa.example"})
    assert r.status_code == 201, r.get_json()
    otp = r.get_json()["one_time_password"]
    assert r.get_json()["must_change_password"] is True
    client.post("/api/v1/auth/logout")
    me = login(client, "dewi", otp)
    assert me["must_change_password"] is True and me["booth"]["number"] == 4
    first = client.get("/api/v1/booth")       # the API, not only the pages, wants the change first
    assert first.status_code == 403 and first.get_json()["error"] == "password_change_required"
    assert client.get("/api/v1/auth/me").status_code == 200
    weak = client.post("/api/v1/auth/password", json={"current": otp, "new": "short"})
    assert weak.status_code == 422 and weak.get_json()["detail"].startswith("'new'")
    wrong = client.post("/api/v1/auth/password", json={"current": "nope", "new": "a-good-long-one"})
    assert wrong.status_code == 401
    ok = client.post("/api/v1/auth/password", json={"current": otp, "new": "a-good-long-one"})
    assert ok.status_code == 200
    assert client.get("/api/v1/booth").status_code == 200
    client.post("/api/v1/auth/logout")
    assert client.post("/api/v1/auth/login", json={"username": "dewi", "password": otp}).status_code == 401
    assert login(client, "dewi", "a-good-long-one")["must_change_password"] is False


def test_staff_refusals(admin):
    assert admin.post("/api/v1/admin/staff", json={"username": "x1", "full_name": "X", "role": "p0"}
                      ).get_json()["detail"].startswith("'booth': a front officer")
    assert admin.post("/api/v1/admin/staff", json={"username": "p0-01", "full_name": "X", "role": "p0",
                                                    "booth": 1}).status_code == 409
    assert admin.post("/api/v1/admin/staff", json={"username": "x2", "full_name": "X", "role": "boss"}
                      ).status_code == 422
    last = admin.patch("/api/v1/admin/staff/admin", json={"active": False})
    assert last.status_code == 409 and last.get_json()["error"] == "last_admin"
    demote = admin.patch("/api/v1/admin/staff/admin", json={"role": "supervisor", "unit": "PHIJSK"})
    assert demote.status_code == 409
    assert Staff.get(Staff.username == "admin").active


def test_staff_placement_disable_reset_and_stale(admin, client):
    row = next(s for s in admin.get("/api/v1/admin/staff?q=p0-03").get_json()["staff"] if s["username"] == "p0-03")
    moved = admin.patch("/api/v1/admin/staff/p0-03", json={"booth": 5, "version": row["version"]})
    assert moved.status_code == 200 and moved.get_json()["booth"] == 5
    assert admin.patch("/api/v1/admin/staff/p0-03", json={"booth": 6, "version": row["version"]}).status_code == 409
    assert admin.patch("/api/v1/admin/staff/p0-03", json={"active": False}).status_code == 200
    reset = admin.post("/api/v1/admin/staff/p1-01/password")
    assert reset.status_code == 200 and reset.get_json()["one_time_password"]
    client.post("/api/v1/auth/logout")
    assert client.post("/api/v1/auth/login", json={"username": "p0-03", "password": PASSWORD}).status_code == 401
    assert client.post("/api/v1/auth/login", json={"username": "p1-01", "password": PASSWORD}).status_code == 401
    assert login(client, "p1-01", reset.get_json()["one_time_password"])["must_change_password"] is True


def test_csv_preview_import_and_export(admin):
    text = ("username,full_name,role,unit,booth,password\n"
            "budi,Budi Santoso,p0,,2,Kuat-Sandi-2026\n"
            "rina2,Rina,p1,NOPE,,Kuat-Sandi-2026\n"
            "p2-01,Andi Baru,p2,PHIJSK-PK,,\n")
    preview = admin.post("/api/v1/admin/staff/import/preview", json={"csv": text}).get_json()
    assert [(line["line"], line["action"], bool(line["error"])) for line in preview["lines"]] == [
        (2, "add", False), (3, "add", True), (4, "change", False)]
    assert preview["lines"][1]["error"].startswith("line 3 (rina2)")
    assert Staff.get_or_none(Staff.username == "budi") is None          # a preview writes nothing
    refused = admin.post("/api/v1/admin/staff/import", json={"csv": text})
    assert refused.status_code == 404 and "line 3" in refused.get_json()["detail"]
    assert Staff.get_or_none(Staff.username == "budi") is None          # all or nothing
    good = text.replace("rina2,Rina,p1,NOPE", "rina2,Rina,p1,PHIJSK")
    assert admin.post("/api/v1/admin/staff/import", json={"csv": good}).get_json() == {
        "added": 2, "changed": 1, "one_time_passwords": []}
    exported = admin.get("/api/v1/admin/staff.csv").get_data(as_text=True)
    assert exported.startswith("username,full_name,role,unit,booth,email,phone,language,active\n")
    assert "budi,Budi Santoso,p0,,2,,,id,yes" in exported


def test_csv_import_without_passwords_gives_one_time_passwords(admin, client):
    text = "username,full_name,role,booth\nsiti,Siti Aminah,p0,7\np0-01,Petugas Satu,p0,1\n"
    preview = admin.post("/api/v1/admin/staff/import/preview", json={"csv": text}).get_json()
    assert preview["ok"] and [line["action"] for line in preview["lines"]] == ["add", "change"]
    done = admin.post("/api/v1/admin/staff/import", json={"csv": text}).get_json()
    assert [o["username"] for o in done["one_time_passwords"]] == ["siti"]      # only the new account
    client.post("/api/v1/auth/logout")
    me = client.post("/api/v1/auth/login", json={"username": "siti",
                                                  "password": done["one_time_passwords"][0]["one_time_password"]})
    assert me.status_code == 200 and me.get_json()["must_change_password"] is True
    assert client.post("/api/v1/auth/login", json={"username": "p0-01", "password": PASSWORD}).status_code == 200


def test_kiosk_register_pair_and_revoke(admin):
    r = admin.post("/api/v1/admin/kiosks", json={"name": "lobby-2"})
    assert r.status_code == 201
    body = r.get_json()
    assert body["pairing"].startswith("PTSA-KIOSK:") and body["token"] in body["pairing"]
    assert body["qr_svg"].startswith("data:image/svg+xml;base64,")
    headers = {"Authorization": f"Bearer {body['token']}"}
    assert admin.post("/api/v1/tickets", json={"service": "PP"}, headers=headers).status_code == 201
    listed = {k["name"]: k for k in admin.get("/api/v1/admin/kiosks").get_json()["kiosks"]}
    assert "token" not in listed["lobby-2"] and listed["lobby-2"]["revoked"] is False
    assert admin.post("/api/v1/admin/kiosks/lobby-2/revoke").status_code == 200
    from intranet_server import cache
    cache.kiosks.clear()
    assert admin.post("/api/v1/tickets", json={"service": "PP"}, headers=headers).status_code == 401
    assert admin.post("/api/v1/admin/kiosks", json={"name": "lobby-2"}).status_code == 409
    assert admin.post("/api/v1/admin/kiosks", json={"name": "bad name!"}).status_code == 422


def test_audit_log_filters_and_paging(admin, client):
    client.post("/api/v1/auth/login", json={"username": "admin", "password": "wrong"})
    login(client)
    admin.post("/api/v1/admin/services", json=NEW_SERVICE)
    events = admin.get("/api/v1/admin/audit").get_json()["events"]
    assert set(events[0]) == {"id", "at", "actor", "action", "subject_type", "subject_id", "data"}
    assert events[0]["action"] == "service.add"
    assert [e["at"] for e in events] == sorted((e["at"] for e in events), reverse=True)
    failed = admin.get("/api/v1/admin/audit?action=auth.login_failed").get_json()["events"]
    assert failed and failed[0]["actor"] == "admin"
    assert all(e["actor"] == "admin" for e in admin.get("/api/v1/admin/audit?actor=admin").get_json()["events"])
    assert admin.get("/api/v1/admin/audit?action=auth").get_json()["events"]
    today = dt.datetime.now(dt.timezone.utc).date()
    assert admin.get(f"/api/v1/admin/audit?from={today}&to={today}").get_json()["events"]
    assert admin.get("/api/v1/admin/audit?to=2000-01-01").get_json()["events"] == []
    page = admin.get("/api/v1/admin/audit?limit=1").get_json()
    older = admin.get(f"/api/v1/admin/audit?limit=1&before={page['next_before']}").get_json()
    assert older["events"][0]["id"] < page["events"][0]["id"]
    assert admin.get("/api/v1/admin/audit?from=yesterday").status_code == 422
    csv_text = admin.get("/api/v1/admin/audit.csv?action=service").get_data(as_text=True)
    assert csv_text.splitlines()[0] == "at,actor,action,subject_type,subject_id,data" and "service.add" in csv_text


def test_service_levels_saved_in_the_database_move_deadlines(admin):
    levels = admin.get("/api/v1/admin/service-levels").get_json()
    assert levels["pickup_p0_p1"] == "15m" and levels["stored"] is False
    new = {k: levels[k] for k in ("pickup_p0_p1", "pickup_p1_p2", "warn_ratio", "escalate_ratio", "off_hours",
                                  "channels", "units")}
    new.update(pickup_p0_p1="20m", units={"PHIJSK": "25m"}, version=levels["version"])
    assert admin.post("/api/v1/admin/service-levels/preview", json=new).status_code == 200
    saved = admin.put("/api/v1/admin/service-levels", json=new)
    assert saved.status_code == 200, saved.get_json()
    assert saved.get_json()["pickup_p0_p1"] == "20m" and saved.get_json()["stored"] is True
    from intranet_server import sla
    assert sla.policy().pickup_target("p1", "PHIJSK", "PP") == dt.timedelta(minutes=25)
    assert sla.policy().pickup_target("p1", "BARENBANG", "DATA") == dt.timedelta(minutes=20)
    assert admin.put("/api/v1/admin/service-levels", json=new).status_code == 409       # stale version
    bad = {**new, "version": None, "units": {"NOPE": "5m"}}
    assert admin.put("/api/v1/admin/service-levels", json=bad).status_code == 422
    assert admin.put("/api/v1/admin/service-levels", json={**bad, "units": {}, "escalate_ratio": 0.5}
                     ).get_json()["detail"].startswith("'escalate_ratio'")


def test_notifications_status_without_configuration(admin):
    status = admin.get("/api/v1/admin/notifications").get_json()
    assert status["email"]["configured"] is False and status["sms"]["configured"] is False
    r = admin.post("/api/v1/admin/notifications/test", json={"email": "me@ptsa.example"})
    [result] = r.get_json()["results"]
    assert result["channel"] == "email" and result["to"] == "me@ptsa.example" and result["ok"] is False
    assert result["answer"].startswith("not configured")


def _closed_port() -> int:
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_notifications_status_has_the_same_keys_configured_or_not(admin, monkeypatch):
    from intranet_server import sla
    keys = {"email": {"configured", "host", "port", "from", "reachable", "detail"},
            "sms": {"configured", "kind", "url", "reachable", "detail"}}
    quiet = admin.get("/api/v1/admin/notifications").get_json()
    assert {k: set(v) for k, v in quiet.items()} == keys
    assert quiet["email"]["reachable"] is None and quiet["sms"]["detail"] is None      # not tried
    port = _closed_port()
    monkeypatch.setitem(sla.settings()["smtp"], "host", "127.0.0.1")
    monkeypatch.setitem(sla.settings()["smtp"], "port", port)
    monkeypatch.setitem(sla.settings()["sms"], "url", f"http://127.0.0.1:{port}/send")
    tried = admin.get("/api/v1/admin/notifications").get_json()
    assert {k: set(v) for k, v in tried.items()} == keys
    assert tried["email"]["configured"] is True and tried["email"]["reachable"] is False
    assert tried["sms"]["reachable"] is False and str(port) in tried["sms"]["detail"]


def test_catalog_rows_carry_every_key_null_for_none(admin):
    booth = admin.post("/api/v1/admin/booths", json={"number": 42, "services": ["PP"]})
    assert booth.status_code == 201, booth.get_json()
    assert booth.get_json()["label"] == "Booth 42" and booth.get_json()["services"] == ["PP"]
    unit = admin.post("/api/v1/admin/units", json={"code": "BARU", "name": "Badan Baru", "echelon": 1})
    assert unit.status_code == 201, unit.get_json()
    assert unit.get_json()["parent"] is None and unit.get_json()["hours"] is None
    service = admin.post("/api/v1/admin/services", json={**NEW_SERVICE, "sop_days": None, "daily_cap": None})
    assert service.get_json()["sop_days"] is None and service.get_json()["daily_cap"] is None
    catalog = admin.get("/api/v1/admin/catalog").get_json()
    row = next(u for u in catalog["units"] if u["code"] == "BARU")
    changed = admin.patch("/api/v1/admin/units/BARU", json={"name_en": "New Agency", "version": row["version"]})
    assert changed.status_code == 200 and changed.get_json()["parent"] is None    # the version is the entry's
    svc = next(s for s in catalog["services"] if s["code"] == "AK1")
    assert svc["sop_days"] is None and svc["waiting"] == 0
    assert admin.patch("/api/v1/admin/services/AK1", json={"daily_cap": 9, "version": svc["version"]}
                       ).status_code == 200


ADMIN_ROUTES = None


def _admin_routes(app):
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/admin"):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                path = rule.rule.replace("<code>", "PP").replace("<int:number>", "4").replace(
                    "<username>", "p0-01").replace("<name>", "test-kiosk").replace("<int:override_id>", "1").replace(
                    "<int:client_id>", "1")
                routes.append((method, path, rule.rule))
    return routes


READ_FOR_SUPERVISOR = {("GET", "/api/v1/admin/catalog"), ("GET", "/api/v1/admin/staff"),
                       ("GET", "/api/v1/admin/service-levels")}


@pytest.mark.parametrize("username", ["p0-01", "p1-01", "p2-01", "sup-phijsk-pk", "kepala", None])
def test_every_admin_endpoint_is_refused_to_other_roles_and_documented(app, client, username):
    if username == "kepala":    # pimpinan: the read-only office head
        from intranet_server.actions.staff import save_staff
        save_staff("test", "kepala", create=True, full_name="Kepala PTSA", role="pimpinan",
                   password="Kuat-Sandi-Baru-9")
    if username:
        login(client, username, "Kuat-Sandi-Baru-9" if username == "kepala" else PASSWORD)
    documented = client.get("/api/v1/openapi.json").get_json()["paths"]
    routes = _admin_routes(app)
    assert len(routes) >= 25
    for method, path, rule in routes:
        assert _openapi(rule) in documented, rule
        if username == "sup-phijsk-pk" and (method, path) in READ_FOR_SUPERVISOR:
            continue
        r = client.open(path, method=method, json={})
        assert r.status_code == (403 if username else 401), (method, path, r.status_code)
    assert Ticket.select().count() == 0


def _openapi(rule: str) -> str:
    import re
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule).replace("/api/v1", "", 1)


def test_a_supervisor_sees_only_their_units(client):
    login(client, "sup-phijsk-pk")
    catalog = client.get("/api/v1/admin/catalog").get_json()
    assert [u["code"] for u in catalog["units"]] == ["PHIJSK-PK"]
    assert {s["owner"] for s in catalog["services"]} == {"PHIJSK-PK"}
    people = client.get("/api/v1/admin/staff").get_json()["staff"]
    assert people and {p["unit"] for p in people} == {"PHIJSK-PK"}
