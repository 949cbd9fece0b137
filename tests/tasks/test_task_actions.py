"""The task chain through its actions, on the demo database with a controlled clock (24/7 calendar)."""
from __future__ import annotations

import datetime as dt

import pytest

from db.task_models import TaskHop, TaskMessage
from intranet_server.actions import Conflict, Forbidden, Invalid, NotFound
from intranet_server.actions import tasks as actions
from intranet_server.sla import engine
from tests.tasks.helpers import audit_actions, db_state, new_task, receiver, staff, visitor_at_booth

M = dt.timedelta(minutes=1)


@pytest.fixture
def chain(tasks_db, frozen_clock):
    return tasks_db


def hops(task) -> list[TaskHop]:
    return list(TaskHop.select().where(TaskHop.task == task.id).order_by(TaskHop.seq))


def test_the_whole_journey_dimas_rina_andi(chain, frozen_clock):
    dimas, rina, andi = staff("p0-03"), receiver("PHIJSK"), receiver("PHIJSK-PK")
    start = frozen_clock.now()
    task = new_task("p0-03", "PP", "Pengesahan PP PT Sinar: draf terlampir", contact="+62 812 555 0101",
                    notes="Pemohon menunggu di lobi")
    assert (task.status, task.position, task.unit.code, task.assignee) == ("open", "p1", "PHIJSK", None)
    first = hops(task)[0]
    assert (first.kind, first.from_position, first.to_position, first.to_unit.code) == ("send", "p0", "p1", "PHIJSK")
    assert first.target_s == 900
    assert (first.warn_at, first.due_at, first.escalate_at) == (start + 12 * M, start + 15 * M, start + 30 * M)
    assert (first.next_alert_level, first.next_alert_at) == ("warning", start + 12 * M)

    frozen_clock.advance(4 * M)
    task = actions.claim(rina, task.id)
    first = hops(task)[0]
    assert task.assignee.username == rina.username
    assert first.picked_by.username == rina.username and first.working_s == 240
    assert first.next_alert_at is None                        # picked: nothing left to raise

    frozen_clock.advance(2 * M)
    task = actions.forward(rina, task.id, "PHIJSK-PK", "Mohon diperiksa")
    second = hops(task)[1]
    assert (task.position, task.unit.code, task.assignee) == ("p2", "PHIJSK-PK", None)
    assert (second.kind, second.from_unit.code, second.to_unit.code, second.target_s) == \
        ("forward", "PHIJSK", "PHIJSK-PK", 1800)
    assert second.due_at == start + 36 * M

    frozen_clock.advance(10 * M)
    task = actions.claim(andi, task.id)
    assert hops(task)[1].working_s == 600

    frozen_clock.advance(5 * M)
    task = actions.request_document(andi, task.id, "Lampiran struktur upah belum ada")
    assert task.status == "waiting" and task.paused_at == frozen_clock.now()
    due_before = task.completion_due_at

    frozen_clock.advance(60 * M)                             # the applicant brings it to the booth
    task = actions.resume(dimas, task.id, "Lampiran sudah diterima di booth 3")
    assert task.status == "open" and task.paused_s == 3600 and task.paused_at is None
    assert task.completion_due_at == due_before + 60 * M    # 24/7 calendar: an hour is an hour

    frozen_clock.advance(30 * M)
    task = actions.complete(andi, task.id, "PP disahkan, SK nomor 12/2026 dapat diambil besok")
    assert (task.status, task.position, task.completed_by.username) == ("done", "p0", andi.username)
    assert task.completed_at == frozen_clock.now()
    assert task.working_s == (111 - 60) * 60                   # created to completed minus the pause
    answer = hops(task)[-1]
    assert (answer.kind, answer.to_position, answer.to_booth.number, answer.due_at) == ("result", "p0", 3, None)

    task = actions.acknowledge(dimas, task.id)
    assert hops(task)[-1].picked_by.username == "p0-03"
    assert audit_actions(task.id) == ["task.create", "task.claim", "task.forward", "task.claim",
                                      "task.request_document", "task.resume", "task.complete", "task.ack"]
    kinds = [m.kind for m in TaskMessage.select().where(TaskMessage.task == task.id).order_by(TaskMessage.id)]
    assert kinds == ["note", "comment", "document_request", "document_received", "result"]


def test_events_reach_the_booth_and_every_unit_the_task_reached(chain):
    sent = chain
    task = new_task()
    rooms = {room for event, _, room in sent if event == "task"}
    assert rooms == {"unit:PHIJSK", "booth:3"}
    created = [m for e, m, r in sent if e == "task" and r == "unit:PHIJSK"][-1]
    assert created["change"] == "create" and created["task"]["due_at"] and created["now"]
    sent.clear()
    actions.claim(receiver("PHIJSK"), task.id)
    actions.forward(receiver("PHIJSK"), task.id, "PHIJSK-PK")
    assert {room for _, _, room in sent} == {"unit:PHIJSK", "unit:PHIJSK-PK", "booth:3"}


def test_p2_returns_to_p1_who_returns_to_the_booth_which_resends(chain, frozen_clock):
    rina, andi, dimas = receiver("PHIJSK"), receiver("PHIJSK-PK"), staff("p0-03")
    task = new_task()
    actions.claim(rina, task.id)
    actions.forward(rina, task.id, "PHIJSK-PK")
    task = actions.return_task(andi, task.id, "Bukan wewenang kami: ini soal upah")   # unclaimed: any P2 of it
    back = hops(task)[-1]
    assert (task.position, task.unit.code, task.status) == ("p1", "PHIJSK", "open")
    assert (back.kind, back.to_staff.username, back.target_s) == ("return", rina.username, 900)
    assert hops(task)[-2].closed_at is not None                 # the unpicked hop to P2 ended
    actions.claim(rina, task.id)
    task = actions.return_task(rina, task.id, "Salah unit, mohon ke Binwasnaker")
    assert (task.status, task.position, task.unit) == ("returned", "p0", None)
    task = actions.resend(dimas, task.id, "BINWASNAKER", "Dikirim ulang")
    assert (task.status, task.unit.code, hops(task)[-1].kind) == ("open", "BINWASNAKER", "send")


def test_unclaim_restarts_the_pickup_clock_and_reassign_names_a_colleague(chain, frozen_clock):
    rina, rina2 = receiver("PHIJSK"), receiver("PHIJSK", nth=1)
    task = new_task()
    actions.claim(rina, task.id)
    frozen_clock.advance(20 * M)
    task = actions.unclaim(rina, task.id)
    release = hops(task)[-1]
    assert release.kind == "release" and release.due_at == frozen_clock.now() + 15 * M
    assert task.assignee is None
    actions.claim(rina, task.id)
    task = actions.reassign(rina, task.id, rina2.username, "Kamu lebih paham PP")
    assert hops(task)[-1].to_staff.username == rina2.username and task.assignee is None
    with pytest.raises(Invalid, match="not a P1 receiver"):
        actions.reassign(rina2, task.id, receiver("PHIJSK-PK").username)
    # the unit's supervisor may reassign too, an outsider may not
    task = actions.reassign(staff("sup-phijsk"), task.id, rina.username)
    with pytest.raises(Forbidden):
        actions.reassign(staff("sup-binwasnaker"), task.id, rina2.username)


def test_cancel_stops_the_clock_and_nothing_is_raised(chain, frozen_clock):
    task = new_task()
    task = actions.cancel(staff("p0-03"), task.id, "Pemohon membatalkan")
    assert task.status == "cancelled" and hops(task)[0].next_alert_at is None
    frozen_clock.advance(60 * M)
    assert engine.sweep() == []


def test_comments_go_both_ways_and_only_between_participants(chain):
    task = new_task()
    actions.comment(receiver("PHIJSK"), task.id, "Apakah pemohon membawa akta?")
    actions.comment(staff("p0-03"), task.id, "Ya, akta terlampir di map")
    actions.comment(staff("sup-phijsk"), task.id, "Mohon segera")
    bodies = [m.body for m in TaskMessage.select().where(TaskMessage.task == task.id).order_by(TaskMessage.id)]
    assert bodies[-2:] == ["Ya, akta terlampir di map", "Mohon segera"]
    for outsider in ("p0-04", receiver("PHIJSK-PK").username, receiver("BARENBANG").username, "sup-barenbang"):
        with pytest.raises(Forbidden):
            actions.comment(staff(outsider), task.id, "halo")


def test_refusals_write_nothing(chain):
    task = new_task()
    rina, andi = receiver("PHIJSK"), receiver("PHIJSK-PK")
    before = db_state()
    refusals = [
        (Forbidden, lambda: actions.claim(andi, task.id)),                       # not at his unit yet
        (Forbidden, lambda: actions.claim(staff("p0-03"), task.id)),
        (Forbidden, lambda: actions.claim(receiver("BARENBANG"), task.id)),
        (Forbidden, lambda: actions.claim(staff("sup-phijsk"), task.id)),
        (Forbidden, lambda: actions.forward(receiver("BARENBANG"), task.id, "PHIJSK-PK")),
        (Conflict, lambda: actions.forward(rina, task.id, "PHIJSK-PK")),         # not claimed
        (Conflict, lambda: actions.complete(rina, task.id, "x")),
        (Forbidden, lambda: actions.cancel(staff("p0-04"), task.id, "x")),
        (Forbidden, lambda: actions.cancel(rina, task.id, "x")),
        (NotFound, lambda: actions.claim(rina, 9999)),
        (Invalid, lambda: actions.claim(rina, "1")),
        (Forbidden, lambda: actions.acknowledge(staff("p0-04"), task.id)),
        (Conflict, lambda: actions.acknowledge(staff("p0-03"), task.id)),        # nothing to acknowledge
    ]
    for error, call in refusals:
        with pytest.raises(error):
            call()
    assert db_state() == before
    actions.claim(rina, task.id)
    before = db_state()
    for error, call in [
        (Conflict, lambda: actions.claim(receiver("PHIJSK", nth=1), task.id)),   # already claimed
        (Forbidden, lambda: actions.complete(receiver("PHIJSK", nth=1), task.id, "x")),
        (Invalid, lambda: actions.forward(rina, task.id, "BINWASNAKER-NORMA")),   # not her echelon-2 unit
        (NotFound, lambda: actions.forward(rina, task.id, "NOPE")),
        (Invalid, lambda: actions.forward(rina, task.id, None)),
        (Invalid, lambda: actions.complete(rina, task.id, "   ")),
        (Invalid, lambda: actions.request_document(rina, task.id, 42)),
        (Invalid, lambda: actions.comment(rina, task.id, "x" * 5001)),
    ]:
        with pytest.raises(error):
            call()
    assert db_state() == before


def test_create_task_checks_the_booth_the_ticket_and_the_unit(chain):
    ticket = visitor_at_booth(3, "PP")
    dimas = staff("p0-03")
    before = db_state()
    for error, call in [
        (Forbidden, lambda: actions.create_task(staff("p0-04"), ticket.id, "x")),        # another booth's visitor
        (Forbidden, lambda: actions.create_task(receiver("PHIJSK"), ticket.id, "x")),
        (NotFound, lambda: actions.create_task(dimas, 999, "x")),
        (Invalid, lambda: actions.create_task(dimas, ticket.id, "")),
        (Invalid, lambda: actions.create_task(dimas, ticket.id, "x" * 501)),
        (Invalid, lambda: actions.create_task(dimas, True, "x")),
        (Invalid, lambda: actions.create_task(dimas, ticket.id, "x", contact=["no"])),
        (Invalid, lambda: actions.create_task(dimas, ticket.id, "x", unit_code="PHIJSK-PK")),   # echelon 2
        (NotFound, lambda: actions.create_task(dimas, ticket.id, "x", unit_code="NOPE")),
    ]:
        with pytest.raises(error):
            call()
    assert db_state() == before
    task, _ = actions.create_task(dimas, ticket.id, "Pertanyaan upah minimum", unit_code="BARENBANG")
    assert task.unit.code == "BARENBANG" and task.service.code == "PP"


def test_the_owner_of_the_service_is_the_default_unit(chain):
    assert new_task(p0="p0-01", service="DATA").unit.code == "BARENBANG"


def test_completing_while_waiting_ends_the_pause(chain, frozen_clock):
    andi = receiver("PHIJSK-PK")
    task = new_task()
    actions.claim(receiver("PHIJSK"), task.id)
    actions.forward(receiver("PHIJSK"), task.id, "PHIJSK-PK")
    actions.claim(andi, task.id)
    actions.request_document(andi, task.id, "Kurang tanda tangan")
    frozen_clock.advance(30 * M)
    task = actions.complete(andi, task.id, "Selesai dengan catatan")
    assert task.paused_s == 1800 and task.paused_at is None and task.working_s == 0
