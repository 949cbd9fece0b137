"""Calendar edits from /admin: a dry run tells how many open task deadlines move and by how much,
writing nothing; the save moves them and tells the task screens."""
from __future__ import annotations

import datetime as dt

import pytest

from db.models import AuditEvent
from db.task_models import CalendarOverride, Task
from intranet_server import clock, sla
from intranet_server.reads import calendars
from tests.tasks.helpers import new_task, wib


@pytest.fixture
def office_calendar(settings, database):
    settings["calendar"]["mode"] = "office"
    sla.configure(settings)
    clock.freeze(wib(2026, 12, 14, 9, 0).astimezone(dt.timezone.utc))    # Monday
    yield database
    clock.reset()
    settings["calendar"]["mode"] = "always"
    sla.configure(settings)


def test_cuti_bersama_preview_then_save_moves_the_deadline(office_calendar, client):
    task = new_task()
    due = Task.get_by_id(task.id).completion_due_at
    client.post("/api/v1/auth/login", json={"username": "admin", "password": "demo12345"})
    day = {"kind": "closed", "first": "2026-12-16", "note": "Cuti bersama tambahan"}
    before_audit = AuditEvent.select().count()
    preview = client.post("/api/v1/admin/calendar/preview", json=day)
    assert preview.status_code == 200, preview.get_json()
    effect = preview.get_json()
    assert effect["tasks"] == 1 and effect["deadlines"] >= 1 and effect["latest_s"] >= 86400 - 3600
    assert effect["examples"][0]["task"] == task.id
    # nothing written by the preview, and the calendar it built is not kept
    assert CalendarOverride.select().count() == 0 and AuditEvent.select().count() == before_audit
    assert Task.get_by_id(task.id).completion_due_at == due
    assert calendars.book(clock.now()).for_unit(None).is_working_day(dt.date(2026, 12, 16))
    saved = client.post("/api/v1/admin/calendar/overrides", json=day)
    assert saved.status_code == 201, saved.get_json()
    moved = Task.get_by_id(task.id).completion_due_at
    assert moved > due and int((moved - due).total_seconds()) == effect["latest_s"]
    assert any(e == "task" for e, _m, _r in office_calendar)       # the screens are told
    assert not calendars.book(clock.now()).for_unit(None).is_working_day(dt.date(2026, 12, 16))
    removing = client.post("/api/v1/admin/calendar/preview", json={"remove": saved.get_json()["id"]}).get_json()
    assert removing["tasks"] == 1 and removing["earliest_s"] == -effect["latest_s"]
    assert client.delete(f"/api/v1/admin/calendar/overrides/{saved.get_json()['id']}").status_code == 204
    assert Task.get_by_id(task.id).completion_due_at == due
    bad = client.post("/api/v1/admin/calendar/preview", json={"kind": "closed", "first": "16-12-2026"})
    assert bad.status_code == 422 and bad.get_json()["detail"].startswith("'first'")


def test_unit_hours_recompute_that_units_deadlines(office_calendar, client):
    task = new_task()
    hop_unit = "PHIJSK"
    client.post("/api/v1/auth/login", json={"username": "admin", "password": "demo12345"})
    from db.task_models import TaskHop
    due = TaskHop.get(TaskHop.task == task.id).due_at
    r = client.patch(f"/api/v1/admin/units/{hop_unit}", json={"hours": {"tue": ["08:00-12:00"]}})
    assert r.status_code == 200, r.get_json()
    assert TaskHop.get(TaskHop.task == task.id).due_at > due      # Monday is no longer a working day


def test_a_units_own_week_is_its_calendar(office_calendar, client):
    client.post("/api/v1/auth/login", json={"username": "admin", "password": "demo12345"})
    r = client.patch("/api/v1/admin/units/PHIJSK-PK", json={"hours": {"mon": ["08:00-12:00"], "sat": ["08:00-11:00"]},
                                                            "timezone": "Asia/Makassar"})
    assert r.status_code == 200, r.get_json()
    week = client.get("/api/v1/calendar?unit=PHIJSK-PK&from=2026-11-23&days=7").get_json()
    by_day = {d["weekday"]: d for d in week["days"]}
    assert week["timezone"] == "Asia/Makassar"
    assert by_day["mon"]["hours"] == ["08:00-12:00"] and by_day["sat"]["hours"] == ["08:00-11:00"]
    assert by_day["wed"]["working"] is False
    office = {d["weekday"]: d for d in client.get("/api/v1/calendar?unit=PHIJSK&from=2026-11-23&days=7")
              .get_json()["days"]}
    assert office["wed"]["working"] is True and office["sat"]["working"] is False    # others keep the office's
    back = client.patch("/api/v1/admin/units/PHIJSK-PK", json={"hours": None})
    assert back.status_code == 200 and back.get_json()["hours"] is None     # the office's hours
