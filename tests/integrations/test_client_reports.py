"""A unit's system that works a task through the API alone is counted in the unit's KPI report exactly
as an officer's work is (received, picked in time, completed, within SOP, document requests, pauses),
and the drill-downs list it; the same client is refused reports outside its unit and scopes."""
from __future__ import annotations

import datetime as dt

from intranet_server import clock
from intranet_server.actions import tasks as actions
from tests.integrations.conftest import bearer, register
from tests.tasks.helpers import new_task, receiver

DAY = "from=2026-11-24&to=2026-11-24"     # the frozen clock's office-local day (Tue 24 Nov 2026)
COUNTED = ("received", "picked_in_time", "picked_late", "not_picked", "pickup_minutes_p50", "completed",
           "completed_in_sop", "completed_late", "completion_days_p50", "document_requests", "paused",
           "paused_hours", "backlog")


def forwarded_task():
    task = new_task()                                    # PP: Ditjen PHIJSK, forwarded to PHIJSK-PK
    p1 = receiver("PHIJSK")
    actions.claim(p1, task.id)
    actions.forward(p1, task.id, "PHIJSK-PK")
    return task


def test_a_clients_work_counts_in_its_units_report_exactly_as_an_officers(app, admin):
    andi = receiver("PHIJSK-PK")                         # before the client's account joins the unit
    secret = register(admin, scopes=("tasks:read", "tasks:work", "reports:read"))["secret"]
    api = app.test_client()                              # the secret alone, no session
    start = clock.now()

    def work(task, by_client: bool):
        """The same day for both: picked 10 min after it arrived, a document asked for and resumed an
        hour later, completed at noon."""
        clock.freeze(start + dt.timedelta(minutes=10))
        if by_client:
            def post(verb, **body):
                answer = api.post(f"/api/v1/tasks/{task.id}/{verb}", json=body or None,
                                  headers={**bearer(secret), "Idempotency-Key": f"{task.id}-{verb}"})
                assert answer.status_code == 200, answer.get_json()
            post("claim")
            post("comment", body="Draf diterima sistem unit")
            post("request-document", reason="Draf PP halaman 3")
            clock.advance(dt.timedelta(hours=1))
            post("resume", note="Halaman 3 diterima")
            clock.freeze(start + dt.timedelta(hours=3))
            post("complete", result="PP disahkan, nomor 123/2026")
        else:
            actions.claim(andi, task.id)
            actions.comment(andi, task.id, "Draf diterima")
            actions.request_document(andi, task.id, "Draf PP halaman 3")
            clock.advance(dt.timedelta(hours=1))
            actions.resume(andi, task.id, "Halaman 3 diterima")
            clock.freeze(start + dt.timedelta(hours=3))
            actions.complete(andi, task.id, "PP disahkan, nomor 124/2026")

    by_client, by_officer = forwarded_task(), forwarded_task()
    work(by_client, True)
    clock.freeze(start)
    work(by_officer, False)

    report = api.get(f"/api/v1/reports/tasks?{DAY}&unit=PHIJSK-PK", headers=bearer(secret))
    assert report.status_code == 200, report.get_json()
    [row] = report.get_json()["units"]
    assert row["code"] == "PHIJSK-PK"
    assert (row["received"], row["picked_in_time"], row["completed"], row["completed_in_sop"],
            row["document_requests"], row["paused"]) == (2, 2, 2, 2, 2, 2)
    # The unit's figures the client reads are its supervisor's: its own work and its officers' alike.
    supervisor = app.test_client()
    supervisor.post("/api/v1/auth/login", json={"username": "sup-phijsk-pk", "password": "demo12345"})
    assert supervisor.get(f"/api/v1/reports/tasks?{DAY}&unit=PHIJSK-PK").get_json()["units"] == [row]

    client_row, officer_row = (
        supervisor.get(f"/api/v1/reports/tasks?{DAY}&unit=PHIJSK-PK&officer={who}").get_json()["units"][0]
        for who in ("api:persyaratan-app", andi.username))
    assert {k: client_row[k] for k in COUNTED if k in client_row} == \
        {k: officer_row[k] for k in COUNTED if k in officer_row}        # counted exactly as an officer
    assert client_row["completed_in_sop"] == 1

    for figure in ("received", "picked_in_time", "completed", "completed_in_sop", "document_requests"):
        drill = api.get(f"/api/v1/reports/drill?figure={figure}&{DAY}&unit=PHIJSK-PK", headers=bearer(secret))
        assert drill.status_code == 200, drill.get_json()
        assert sorted(r["task_id"] for r in drill.get_json()["rows"]) == sorted([by_client.id, by_officer.id]), figure


def test_a_client_reads_no_report_outside_its_unit_or_scopes(app, admin):
    reader = register(admin, name="pk-reports", scopes=("tasks:read", "reports:read"))["secret"]
    worker = register(admin, name="pk-worker", scopes=("tasks:read", "tasks:work"))["secret"]
    api = app.test_client()
    for path in (f"/api/v1/reports/tasks?{DAY}&unit=BARENBANG", f"/api/v1/reports/tasks?{DAY}&unit=PHIJSK",
                 f"/api/v1/reports/drill?figure=received&{DAY}&unit=BARENBANG",
                 "/api/v1/reports/trend?month=2026-11&unit=BARENBANG",
                 f"/api/v1/reports/tasks?{DAY}&unit=PHIJSK-PK&officer=p2-data-1"):
        answer = api.get(path, headers=bearer(reader))
        assert answer.status_code in (403, 404), (path, answer.status_code, answer.get_json())
    answer = api.get(f"/api/v1/reports/tasks?{DAY}", headers=bearer(reader))
    assert [r["code"] for r in answer.get_json()["units"]] == ["PHIJSK-PK"]     # no unit asked: its own
    refused = api.get(f"/api/v1/reports/tasks?{DAY}&unit=PHIJSK-PK", headers=bearer(worker))
    assert refused.status_code == 403 and refused.get_json()["error"] == "missing_scope"
    today = api.get("/api/v1/reports/today", headers=bearer(reader))
    assert today.status_code == 403


def test_the_per_officer_table_keeps_the_contract_and_names_the_client(app, admin):
    """`by=officer` answers its documented shape (it broke the declared TaskReport model: a 500 under
    the contract checks), and the client's row stands beside the officers'."""
    secret = register(admin, scopes=("tasks:read", "tasks:work", "reports:read"))["secret"]
    api = app.test_client()
    task = forwarded_task()
    for verb, body in (("claim", None), ("complete", {"result": "selesai"})):
        assert api.post(f"/api/v1/tasks/{task.id}/{verb}", json=body, headers=bearer(secret)).status_code == 200
    answer = api.get(f"/api/v1/reports/tasks?{DAY}&unit=PHIJSK-PK&by=officer", headers=bearer(secret))
    assert answer.status_code == 200, answer.get_json()
    rows = {r["code"]: r for r in answer.get_json()["rows"]}
    assert answer.get_json()["by"] == "officer" and rows["api:persyaratan-app"]["completed"] == 1
    schema = app.test_client().get("/api/v1/openapi.json").get_json()
    assert "TaskBreakdown" in schema["components"]["schemas"]          # documented for integrators
