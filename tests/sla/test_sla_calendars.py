"""Unit calendars in the task chain: deadlines in each unit's working time, the office's overrides,
cuti bersama per unit, Ramadan hours, and deadlines recomputed when the calendar is edited."""
from __future__ import annotations

import datetime as dt

import pytest

from db.models import Unit
from db.task_models import SlaState, TaskHop
from intranet_server import sla
from intranet_server.actions import Conflict
from intranet_server.actions import tasks as actions
from intranet_server.sla import engine
from intranet_server.reads import calendars
from tests.tasks.helpers import audit_actions, db_state, new_task, receiver, staff, wib

WITA = dt.timezone(dt.timedelta(hours=8))


def hop(task, seq=1) -> TaskHop:
    return TaskHop.get((TaskHop.task == task.id) & (TaskHop.seq == seq))


def test_friday_1620_plus_15_working_minutes_is_monday_0735(office_db, frozen_clock):
    frozen_clock.freeze(wib(2026, 11, 27, 16, 20))
    first = hop(new_task())
    assert first.due_at == wib(2026, 11, 30, 7, 35)
    assert first.warn_at == wib(2026, 11, 30, 7, 32) and first.escalate_at == wib(2026, 11, 30, 7, 50)


def test_tuesday_17_march_2026_plus_3_working_days_is_friday_27_march_at_closing(office_db, frozen_clock):
    # Nyepi (19th), cuti bersama (18th, 20th, 23rd, 24th), Idul Fitri (21st-22nd) fall between
    frozen_clock.freeze(wib(2026, 3, 17, 10, 0))
    task = new_task(p0="p0-01", service="DATA")          # SOP: 3 working days
    assert task.sop_days == 3
    assert task.completion_due_at == wib(2026, 3, 27, 16, 30)


def test_a_unit_open_on_cuti_bersama_counts_those_days(office_db, frozen_clock):
    Unit.update(open_on_cuti_bersama=True).where(Unit.code == "BARENBANG-PUSDATIN").execute()
    calendars.bump_version()
    frozen_clock.freeze(wib(2026, 3, 17, 10, 0))
    task = new_task(p0="p0-01", service="DATA")
    assert task.service.unit.code == "BARENBANG-PUSDATIN"
    # the cuti bersama days 18, 20 and 23 March are worked; Nyepi (19th) and the weekend are not
    assert task.completion_due_at == wib(2026, 3, 23, 16, 0)


def test_deadlines_count_in_the_receiving_units_time_zone(office_db, frozen_clock):
    Unit.update(timezone="Asia/Makassar").where(Unit.code == "PHIJSK").execute()
    calendars.bump_version()
    frozen_clock.freeze(wib(2026, 11, 24, 7, 0))          # 08:00 WITA: Makassar is already working
    assert hop(new_task()).due_at == dt.datetime(2026, 11, 24, 8, 15, tzinfo=WITA)
    frozen_clock.freeze(wib(2026, 11, 24, 15, 20))        # 16:20 WITA: closed at 16:00 WITA
    assert hop(new_task()).due_at == dt.datetime(2026, 11, 25, 7, 45, tzinfo=WITA)


def test_the_year_rolls_over_into_next_years_holidays(office_db, frozen_clock):
    frozen_clock.freeze(wib(2026, 12, 31, 15, 50))        # Thursday; 1 January 2027 is a holiday
    assert hop(new_task()).due_at == wib(2027, 1, 4, 7, 35)


def test_a_pause_over_the_weekend_counts_working_time_only(office_db, frozen_clock):
    frozen_clock.freeze(wib(2026, 11, 27, 9, 0))          # Friday
    andi = receiver("PHIJSK-PK")
    task = new_task()
    actions.claim(receiver("PHIJSK"), task.id)
    actions.forward(receiver("PHIJSK"), task.id, "PHIJSK-PK")
    actions.claim(andi, task.id)
    due = actions.request_document(andi, task.id, "Lampiran kurang").completion_due_at   # Friday 09:00
    frozen_clock.freeze(wib(2026, 11, 30, 8, 0))          # the document arrives on Monday
    task = actions.resume(andi, task.id)
    # Friday 09:00-11:30 + 13:00-16:30 = 6h, Monday 07:30-08:00 = 30 min
    assert task.paused_s == 6.5 * 3600
    calendar = calendars.book(frozen_clock.now()).for_unit(task.service.unit_id)
    assert task.completion_due_at == calendar.add_working_time(due, dt.timedelta(hours=6.5))


def test_closing_a_day_moves_open_deadlines_in_the_same_transaction(office_db, frozen_clock):
    sent = office_db
    frozen_clock.freeze(wib(2026, 11, 24, 15, 50))        # Tuesday, closes 16:00
    task = new_task()
    picked = new_task(summary="sudah diambil")
    actions.claim(receiver("PHIJSK"), picked.id)
    assert hop(task).due_at == wib(2026, 11, 25, 7, 35)
    sent.clear()
    override = actions.add_calendar_override("admin", "closed", "2026-11-25", note="Banjir: kantor tutup")
    assert hop(task).due_at == wib(2026, 11, 26, 7, 35)
    assert hop(task).next_alert_at == wib(2026, 11, 26, 7, 32)
    assert hop(picked).due_at == wib(2026, 11, 25, 7, 35)  # a picked-up hop keeps its history
    recomputed = {m["task"]["id"]: m["task"] for e, m, r in sent if e == "task" and m["change"] == "recompute"}
    assert recomputed[task.id]["due_at"] == "2026-11-26T00:35:00Z"
    # the picked-up task's completion deadline (working days) moved too, a day later
    assert recomputed[picked.id]["completion"]["due_at"] != picked.completion_due_at.isoformat()
    assert "task.recompute" in audit_actions(task.id)
    actions.remove_calendar_override("admin", override.id)
    assert hop(task).due_at == wib(2026, 11, 25, 7, 35)


def test_a_unit_override_moves_only_that_units_deadlines(office_db, frozen_clock):
    frozen_clock.freeze(wib(2026, 11, 24, 15, 50))
    phijsk, barenbang = new_task(), new_task(p0="p0-01", service="DATA")
    actions.add_calendar_override("admin", "closed", "2026-11-25", unit_code="PHIJSK")
    assert hop(phijsk).due_at == wib(2026, 11, 26, 7, 35)
    assert hop(barenbang).due_at == wib(2026, 11, 25, 7, 35)
    # the unit may also open a day the office closes
    actions.add_calendar_override("admin", "closed", "2026-11-26")
    actions.add_calendar_override("admin", "open", "2026-11-26", unit_code="PHIJSK")
    assert hop(phijsk).due_at == wib(2026, 11, 26, 7, 35)
    assert hop(barenbang).due_at == wib(2026, 11, 25, 7, 35)


def test_opening_a_holiday_and_ramadan_hours(office_db, frozen_clock):
    frozen_clock.freeze(wib(2026, 3, 17, 15, 55))          # Tuesday before the Lebaran block
    task = new_task()
    assert hop(task).due_at == wib(2026, 3, 25, 7, 40)      # 18th-24th closed
    actions.add_calendar_override("admin", "open", "2026-03-18", note="Layanan tetap buka")
    assert hop(task).due_at == wib(2026, 3, 18, 7, 40)
    actions.add_calendar_override("admin", "ramadan", "2026-02-19", "2026-03-18")
    # Ramadan hours: the 17th already closed at 15:00, the 18th opens at 08:00
    assert hop(task).due_at == wib(2026, 3, 18, 8, 15)


def test_a_failed_recompute_rolls_the_edit_back(office_db, frozen_clock, monkeypatch):
    frozen_clock.freeze(wib(2026, 11, 24, 15, 50))
    new_task()
    before = db_state()
    monkeypatch.setattr(actions, "_announce", lambda task, change: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        actions.add_calendar_override("admin", "closed", "2026-11-25")
    assert db_state() == before


def test_another_process_editing_the_calendar_is_seen_through_the_version(office_db, frozen_clock):
    frozen_clock.freeze(wib(2026, 11, 24, 10, 0))
    first = calendars.book(frozen_clock.now())
    assert calendars.book(frozen_clock.now()) is first                # cached
    from db.task_models import CalendarOverride
    CalendarOverride.create(kind="closed", first_date=dt.date(2026, 11, 25), last_date=dt.date(2026, 11, 25),
                            created_by="other-process", created_at=frozen_clock.now())
    SlaState.update(value="99").where(SlaState.key == "calendar_version").execute() or \
        SlaState.create(key="calendar_version", value="99")
    second = calendars.book(frozen_clock.now())
    assert second is not first and not second.for_unit(None).is_working_day(dt.date(2026, 11, 25))


def test_changed_calendar_settings_recompute_open_deadlines_once_at_start(tasks_db, office_settings, frozen_clock):
    frozen_clock.freeze(wib(2026, 11, 27, 16, 20))
    engine.recompute_if_calendar_settings_changed()         # first start: remembers the 24/7 settings
    task = new_task()
    assert hop(task).due_at == wib(2026, 11, 27, 16, 35)   # 24/7
    sla.configure(office_settings)                           # the office switches to its real calendar
    assert engine.recompute_if_calendar_settings_changed() == 1
    assert hop(task).due_at == wib(2026, 11, 30, 7, 35)
    assert engine.recompute_if_calendar_settings_changed() == 0


def test_a_calendar_without_working_hours_refuses_clearly(office_settings, database, frozen_clock):
    from tests.tasks.helpers import visitor_at_booth
    office_settings["calendar"]["hours"] = {}
    sla.configure(office_settings)
    ticket = visitor_at_booth(3, "PP")
    before = db_state()
    with pytest.raises(Conflict, match="no working time"):
        actions.create_task(staff("p0-03"), ticket.id, "Cek draf")
    assert db_state() == before


def test_holiday_override_validation(office_db):
    from intranet_server.actions import Invalid, NotFound
    actions.add_calendar_override("admin", "closed", "2026-12-24", "2026-12-26")
    with pytest.raises(Conflict, match="already"):
        actions.add_calendar_override("admin", "open", "2026-12-26")
    with pytest.raises(Invalid):
        actions.add_calendar_override("admin", "closed", "2026-01-01", "2027-06-01")
    with pytest.raises(NotFound):
        actions.add_calendar_override("admin", "closed", "2026-12-29", unit_code="NOPE")
    assert staff("admin").role == "admin"
