"""A unit's system as an API client: it works its unit's tasks through the officers' endpoints,
audited under its name, counted like an officer, and refused outside its unit and scopes."""
from __future__ import annotations

from db.models import AuditEvent
from db.task_models import TaskHop
from tests.integrations.conftest import bearer, register
from tests.tasks.helpers import new_task, receiver, staff


def test_a_client_works_a_task_from_arrival_to_completion_through_the_api(app, admin):
    secret = register(admin)["secret"]
    api = app.test_client()            # no session: the secret alone
    task = new_task()                  # PP: PHIJSK, forwarded below to PHIJSK-PK
    from intranet_server.actions import tasks as actions
    p1 = receiver("PHIJSK")
    actions.claim(p1, task.id)
    actions.forward(p1, task.id, "PHIJSK-PK")

    inbox = api.get("/api/v1/tasks", headers=bearer(secret))
    assert inbox.status_code == 200
    assert [t["id"] for t in inbox.get_json()["tasks"]] == [task.id]
    assert api.post(f"/api/v1/tasks/{task.id}/claim", headers=bearer(secret)).status_code == 200
    assert api.post(f"/api/v1/tasks/{task.id}/comment", headers=bearer(secret),
                    json={"body": "Draf diterima sistem unit"}).status_code == 200
    done = api.post(f"/api/v1/tasks/{task.id}/complete", headers=bearer(secret),
                    json={"result": "PP disahkan, nomor 123/2026"})
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["status"] == "done"

    hop = TaskHop.get((TaskHop.task == task.id) & (TaskHop.to_unit.is_null(False)) & (TaskHop.kind == "forward"))
    assert hop.picked_by.username == "api:persyaratan-app"      # counts like an officer's pickup
    actors = [a.actor for a in AuditEvent.select().where((AuditEvent.subject_type == "task")
                                                          & (AuditEvent.subject_id == task.id))]
    assert actors.count("api:persyaratan-app") == 3              # claim, comment, complete


def test_a_client_sees_and_touches_nothing_outside_its_unit(app, admin):
    secret = register(admin)["secret"]
    api = app.test_client()
    elsewhere = new_task(service="DATA")        # Barenbang's task
    assert api.get("/api/v1/tasks", headers=bearer(secret)).get_json()["tasks"] == []
    assert api.get(f"/api/v1/tasks/{elsewhere.id}", headers=bearer(secret)).status_code in (403, 404)
    assert api.post(f"/api/v1/tasks/{elsewhere.id}/claim", headers=bearer(secret)).status_code == 403


def test_scopes_and_routes_a_client_may_not_use_are_refused(app, admin):
    reader = register(admin, name="reader", scopes=("tasks:read",))["secret"]
    api = app.test_client()
    task = new_task()
    claim = api.post(f"/api/v1/tasks/{task.id}/claim", headers=bearer(reader))
    assert claim.status_code == 403 and claim.get_json()["error"] == "missing_scope"
    for method, path in (("POST", "/api/v1/queue/call-next"), ("GET", "/api/v1/supervisor"),
                         ("GET", "/api/v1/admin/clients"), ("POST", "/api/v1/tasks")):
        answer = api.open(path, method=method, headers=bearer(reader), json={})
        assert answer.status_code == 403 and answer.get_json()["error"] == "client_not_allowed", path
    assert api.post("/api/v1/bookings", headers=bearer(reader), json={}).get_json()["error"] == "missing_scope"


def test_rotate_and_revoke_end_the_old_secret_at_once(app, admin):
    made = register(admin)
    api = app.test_client()
    assert api.get("/api/v1/auth/me", headers=bearer(made["secret"])).status_code == 200
    rotated = admin.post(f"/api/v1/admin/clients/{made['id']}/rotate").get_json()
    assert api.get("/api/v1/auth/me", headers=bearer(made["secret"])).status_code == 401
    assert api.get("/api/v1/auth/me", headers=bearer(rotated["secret"])).get_json()["username"] == \
        "api:persyaratan-app"
    admin.post(f"/api/v1/admin/clients/{made['id']}/revoke")
    assert api.get("/api/v1/auth/me", headers=bearer(rotated["secret"])).status_code == 401
    assert staff("api:persyaratan-app").active is False


def test_only_an_admin_registers_clients_and_bad_input_writes_nothing(app, admin):
    officer = app.test_client()
    officer.post("/api/v1/auth/login", json={"username": "sup-phijsk-pk", "password": "demo12345"})
    assert officer.post("/api/v1/admin/clients", json={"name": "x1", "unit": "PHIJSK-PK",
                                                       "scopes": ["tasks:read"]}).status_code == 403
    before = AuditEvent.select().count()
    for bad in ({"name": "Bad Name", "unit": "PHIJSK-PK", "scopes": ["tasks:read"]},
                {"name": "ok-name", "unit": "NOPE", "scopes": ["tasks:read"]},
                {"name": "ok-name", "unit": "PHIJSK-PK", "scopes": ["root"]},
                {"name": "ok-name", "unit": "PHIJSK-PK", "scopes": []},
                {"name": "ok-name", "unit": "PHIJSK-PK", "scopes": ["tasks:read"], "extra": 1}):
        answer = admin.post("/api/v1/admin/clients", json=bad)
        assert 400 <= answer.status_code < 500 and answer.get_json()["message"], bad
    assert AuditEvent.select().count() == before
    register(admin, name="dup")
    assert admin.post("/api/v1/admin/clients", json={"name": "dup", "unit": "PHIJSK-PK",
                                                     "scopes": ["tasks:read"]}).status_code == 409


def test_an_idempotency_key_replays_the_first_answer_instead_of_acting_twice(app, admin):
    secret = register(admin)["secret"]
    api = app.test_client()
    task = new_task()
    from intranet_server.actions import tasks as actions
    p1 = receiver("PHIJSK")
    actions.claim(p1, task.id)
    actions.forward(p1, task.id, "PHIJSK-PK")
    assert api.post(f"/api/v1/tasks/{task.id}/claim", headers=bearer(secret)).status_code == 200
    headers = {**bearer(secret), "Idempotency-Key": "comment-0001"}
    first = api.post(f"/api/v1/tasks/{task.id}/comment", headers=headers, json={"body": "sekali saja"})
    again = api.post(f"/api/v1/tasks/{task.id}/comment", headers=headers, json={"body": "sekali saja"})
    assert first.status_code == again.status_code == 200
    assert again.get_data() == first.get_data() and again.headers.get("Idempotent-Replayed") == "true"
    comments = AuditEvent.select().where((AuditEvent.action == "task.comment") & (AuditEvent.subject_id == task.id))
    assert comments.count() == 1
    other = api.post(f"/api/v1/tasks/{task.id}/complete", headers=headers, json={"result": "x"})
    assert other.status_code == 409 and other.get_json()["error"] == "idempotency_mismatch"
