"""The verbs a payload offers are exactly the verbs the actions accept.

Every screen draws its buttons from `verbs` (rules.queue.ticket_verbs, rules.tasks.task_verbs);
these tests try every verb as every kind of viewer against the real actions, inside a transaction
that is rolled back, and compare what succeeded with what the payload offered."""
from __future__ import annotations

import datetime as dt

import db
from db.models import Booth, Service, Ticket
from intranet_server import clock
from intranet_server.actions import ActionError
from intranet_server.actions import queue as queue_actions
from intranet_server.actions import tasks as task_actions
from intranet_server.reads import queue as queue_reads
from intranet_server.reads import tasks as task_reads
from intranet_server.rules.queue import business_day
from db.task_models import Task
from tests.tasks.helpers import new_task, receiver, staff


def accepted(call, person) -> bool:
    """Whether the action accepts `person` doing it now (rolled back either way)."""
    with db.database.atomic() as txn:
        try:
            call(person)
            ok = True
        except ActionError:
            ok = False
        txn.rollback()
    return ok


# ---- tasks ------------------------------------------------------------------------------

def task_attempts(task_id: int, colleague: str):
    a = task_actions
    return {
        "claim": lambda s: a.claim(s, task_id),
        "unclaim": lambda s: a.unclaim(s, task_id),
        "reassign": lambda s: a.reassign(s, task_id, colleague),
        "forward": lambda s: a.forward(s, task_id, "PHIJSK-PK"),
        "request_document": lambda s: a.request_document(s, task_id, "lampiran"),
        "resume": lambda s: a.resume(s, task_id),
        "complete": lambda s: a.complete(s, task_id, "selesai"),
        "return": lambda s: a.return_task(s, task_id, "salah layanan"),
        "comment": lambda s: a.comment(s, task_id, "catatan"),
        "cancel": lambda s: a.cancel(s, task_id, "batal"),
        "resend": lambda s: a.resend(s, task_id),
        "ack": lambda s: a.acknowledge(s, task_id),
    }


def check_task(task_id: int, viewers: dict):
    from db.models import Staff
    task = Task.get_by_id(task_id)
    offered = task_reads.task_dict(task)["verbs"]
    for kind, person in viewers.items():
        colleagues = [c.username for c in Staff.select().where(
            (Staff.unit == task.unit_id) & (Staff.role == task.position) & (Staff.active == True)  # noqa: E712
            & (Staff.id != person.id) & (Staff.id != (task.assignee_id or 0)))]
        tries = task_attempts(task_id, colleagues[0] if colleagues else "nobody")
        works = {v for v, call in tries.items() if accepted(call, person)}
        expected = set(offered[kind])
        if not colleagues:   # reassigning needs a colleague to hand it to: the screen lists them
            expected.discard("reassign")
        assert works == expected, (task.status, kind, person.username)


def test_task_verbs_match_the_actions(tasks_db):
    rina, other = staff("p1-09"), staff("p1-10")
    dimas = staff("p0-03")
    supervisor = staff("sup-phijsk")
    unheld = new_task(unit="PHIJSK")
    check_task(unheld.id, {"receiver": rina, "origin": dimas, "supervisor": supervisor})
    task_actions.claim(rina, unheld.id)
    check_task(unheld.id, {"holder": rina, "receiver": other, "origin": dimas, "supervisor": supervisor})
    task_actions.request_document(rina, unheld.id, "lampiran")
    check_task(unheld.id, {"holder": rina, "receiver": other, "origin": dimas, "supervisor": supervisor})
    task_actions.resume(rina, unheld.id)
    task_actions.complete(rina, unheld.id, "disahkan")
    check_task(unheld.id, {"origin": dimas, "supervisor": supervisor})
    forwarded = new_task(unit="PHIJSK")
    task_actions.claim(rina, forwarded.id)
    task_actions.forward(rina, forwarded.id, "PHIJSK-PK")
    andi = staff("p2-21")
    check_task(forwarded.id, {"receiver": andi, "reader": rina, "origin": dimas, "supervisor": staff("sup-phijsk-pk")})
    task_actions.claim(andi, forwarded.id)
    check_task(forwarded.id, {"holder": andi, "reader": rina, "origin": dimas})
    returned = new_task(unit="PHIJSK")
    task_actions.return_task(receiver("PHIJSK"), returned.id, "salah layanan")
    check_task(returned.id, {"origin": dimas, "supervisor": supervisor})


# ---- tickets ----------------------------------------------------------------------------

_n = {"seq": 500}


def ticket(status: str, booth: int | None, service: str = "PP", no_show_ago: dt.timedelta | None = None) -> Ticket:
    _n["seq"] += 1
    svc = Service.get(Service.code == service)
    now = clock.now()
    fields = dict(issued_for=svc, service=svc, business_day=business_day(now, "Asia/Jakarta"), seq=_n["seq"],
                  number=f"{svc.prefix}{_n['seq']:03d}", status=status, issued_at=now, arrived_at=now,
                  booth=Booth.get(Booth.number == booth) if booth else None)
    if status in ("called", "serving", "parked"):
        fields.update(called_at=now, first_called_at=now)
    if status == "serving":
        fields["started_at"] = now
    if status == "parked":
        fields["parked_at"] = now
    if status == "no_show":
        fields.update(no_show_at=now - no_show_ago, outcome="no_show", called_at=now - no_show_ago)
    return Ticket.create(**fields)


def ticket_attempts(ticket_id: int):
    q = queue_actions
    return {"call": lambda s: q.call_ticket(s, ticket_id), "recall": lambda s: q.recall(s, ticket_id),
            "start": lambda s: q.start(s, ticket_id), "finish": lambda s: q.finish(s, ticket_id),
            "no_show": lambda s: q.no_show(s, ticket_id), "park": lambda s: q.park(s, ticket_id),
            "resume": lambda s: q.resume(s, ticket_id), "transfer": lambda s: q.transfer(s, ticket_id, "K3")}


def test_ticket_verbs_match_the_actions(database):
    dimas = staff("p0-03")
    booth = dimas.booth
    served = {s.id for s in queue_reads.booth_services(booth)}
    cases = [ticket("waiting", None), ticket("waiting", None, "DATA"), ticket("called", 3), ticket("serving", 3),
             ticket("parked", 3), ticket("called", 4), ticket("parked", 4),
             ticket("no_show", 3, no_show_ago=dt.timedelta(minutes=5)),
             ticket("no_show", 3, no_show_ago=dt.timedelta(hours=2))]
    for t in cases:
        Ticket.update(status="done").where((Ticket.booth == booth) & (Ticket.id != t.id)
                                           & Ticket.status.in_(("called", "serving"))).execute()
        offered = queue_reads.viewed_from(Ticket.get_by_id(t.id), booth, served)["verbs"]
        works = [v for v, call in ticket_attempts(t.id).items() if accepted(call, dimas)]
        assert sorted(works) == sorted(offered), (t.status, t.booth_id, t.service.code)
