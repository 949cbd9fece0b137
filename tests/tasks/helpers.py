"""Shared helpers of the task and SLA tests: people, a visitor at a booth, a task on its way."""
from __future__ import annotations

import datetime as dt

from db.models import Booth, Service, Staff, Ticket
from intranet_server import clock
from intranet_server.rules.queue import business_day

WIB = dt.timezone(dt.timedelta(hours=7))


def wib(*args) -> dt.datetime:
    """A Jakarta wall-clock instant: wib(2026, 11, 24, 9, 0)."""
    return dt.datetime(*args, tzinfo=WIB)


def staff(username: str) -> Staff:
    return Staff.get(Staff.username == username)


_seq = {"n": 0}


def visitor_at_booth(booth: int = 3, service: str = "PP") -> Ticket:
    """A visitor being served at the booth (made directly: issuing hours are not under test here)."""
    _seq["n"] += 1
    svc = Service.get(Service.code == service)
    now = clock.now()
    return Ticket.create(issued_for=svc, service=svc, business_day=business_day(now, "Asia/Jakarta"),
                         seq=_seq["n"], number=f"{svc.prefix}{_seq['n']:03d}", status="serving",
                         issued_at=now, arrived_at=now, called_at=now, started_at=now,
                         booth=Booth.get(Booth.number == booth), served_by=None)


def new_task(p0: str = "p0-03", service: str = "PP", summary: str = "Pengesahan PP PT Maju: cek draf", **kw):
    from intranet_server.actions import tasks as actions
    officer = staff(p0)
    ticket = visitor_at_booth(officer.booth.number, service)
    return actions.create_task(officer, ticket.id, summary, kw.get("contact"), kw.get("notes"), kw.get("unit"))[0]


def receiver(unit_code: str, role: str | None = None, nth: int = 0) -> Staff:
    """The nth P1/P2 (or supervisor) of a unit: receiver("PHIJSK-PK") is Andi's account."""
    from db.models import Unit
    unit = Unit.get(Unit.code == unit_code)
    role = role or ("p1" if unit.echelon == 1 else "p2")
    return list(Staff.select().where((Staff.unit == unit) & (Staff.role == role)).order_by(Staff.username))[nth]


def audit_actions(task_id: int) -> list[str]:
    from db.models import AuditEvent
    return [a.action for a in AuditEvent.select().where((AuditEvent.subject_type == "task")
                                                         & (AuditEvent.subject_id == task_id)).order_by(AuditEvent.id)]


def db_state() -> dict:
    """Every row the task chain writes (plus audit and room events): a refused request must leave
    all of it unchanged."""
    from db.models import AuditEvent, RoomEvent, Unit
    from db.task_models import TASK_MODELS
    state = {m.__name__: sorted(map(repr, m.select().tuples())) for m in TASK_MODELS}
    state["Unit"] = sorted(map(repr, Unit.select().tuples()))
    # sign-ins and sign-outs are audited too (auth.*); they are not the task chain's writes
    state.update(AuditEvent=AuditEvent.select().where(~AuditEvent.action.startswith("auth.")).count(),
                 RoomEvent=RoomEvent.select().count())
    return state
