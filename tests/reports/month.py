"""March 2026, built by hand through the real actions with a moved clock, on the office calendar.

The calendar of March 2026 (Perpres 21/2023 hours: Mon-Thu 07:30-12:00 and 13:00-16:00, Fri 07:30-11:30
and 13:00-16:30; 7 h 30 a day): Nyepi on Thu 19, Idul Fitri Sat 21 and Sun 22, cuti bersama on Wed 18,
Fri 20, Mon 23 and Tue 24. Pickup targets 15 min (P0 -> P1) and 30 min (P1 -> P2); PP has a 7-day SOP,
PKB 6 days. The figures each task gives are worked out beside it; the test adds them up by hand.
"""
from __future__ import annotations

import datetime as dt

from db.models import Booth, Service, Staff, Ticket, Unit
from intranet_server import clock
from intranet_server.actions import tasks as actions
from intranet_server.sla import engine

WIB = dt.timezone(dt.timedelta(hours=7))
_n = {"seq": 0}


def wib(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=WIB)


def at(*args) -> dt.datetime:
    clock.freeze(wib(*args))
    return clock.now()


def person(username: str) -> Staff:
    return Staff.get(Staff.username == username)


def receiver(unit_code: str, role: str) -> Staff:
    unit = Unit.get(Unit.code == unit_code)
    return Staff.select().where((Staff.unit == unit) & (Staff.role == role)).order_by(Staff.username).first()


def ticket(service: str, issued: dt.datetime, called=None, started=None, finished=None, outcome="served",
           priority=None, issued_for: str | None = None) -> Ticket:
    """A visit at booth 3, every instant given (times as (h, m) on the issue day)."""
    _n["seq"] += 1
    svc = Service.get(Service.code == service)
    numbered = Service.get(Service.code == issued_for) if issued_for else svc

    def on_day(hm):
        return None if hm is None else issued.replace(hour=hm[0], minute=hm[1])
    status = {"served": "done", "no_show": "no_show", "cancelled": "cancelled"}[outcome]
    t = Ticket.create(issued_for=numbered, service=svc, business_day=issued.date(), seq=_n["seq"],
                      number=f"{numbered.prefix}{_n['seq']:03d}", priority=priority, status=status,
                      issued_at=issued, arrived_at=issued, called_at=on_day(called), first_called_at=on_day(called),
                      started_at=on_day(started), finished_at=on_day(finished), outcome=outcome,
                      no_show_at=on_day(called) + dt.timedelta(minutes=5) if outcome == "no_show" else None,
                      booth=Booth.get(Booth.number == 3), served_by=person("p0-03") if called else None)
    return t


def build_march() -> dict:
    p0 = person("p0-03")
    p1 = receiver("PHIJSK", "p1")
    p2 = receiver("PHIJSK-PK", "p2")
    Service.update(daily_cap=1).where(Service.code == "PKB").execute()   # so the cap is reached on two days

    # F (February, the previous period): sent Mon 23 Feb 09:00, claimed 09:30 = 30 min > 15: late.
    # It stays with the P1: backlog at PHIJSK, past its SOP (7th working day after 23 Feb = Wed 4 Mar 16:00).
    tf = ticket("PP", wib(2026, 2, 23, 8, 30), (8, 45), (8, 46), (9, 10))
    at(2026, 2, 23, 9, 0)
    f, _ = actions.create_task(p0, tf.id, "F: pengesahan PP, Februari")
    at(2026, 2, 23, 9, 30)
    actions.claim(p1, f.id)

    # A: Mon 2 Mar 09:00; P1 claims 09:10 (10 min, in time); forwarded 09:20; P2 claims 09:40 (20 min, in time);
    # completed Wed 4 Mar 10:00: 6 h Mon + 7.5 h Tue + 2.5 h Wed = 16 h = 57,600 s = 2.13 days; in SOP.
    ta = ticket("PP", wib(2026, 3, 2, 8, 30), (8, 40), (8, 41), (9, 5))
    at(2026, 3, 2, 9, 0)
    a, _ = actions.create_task(p0, ta.id, "A: pengesahan PP PT Maju")
    at(2026, 3, 2, 9, 10)
    actions.claim(p1, a.id)
    at(2026, 3, 2, 9, 20)
    actions.forward(p1, a.id, "PHIJSK-PK")
    at(2026, 3, 2, 9, 40)
    actions.claim(p2, a.id)

    # D: Mon 2 Mar 10:00; P1 5 min; forwarded 10:10; P2 5 min; completed Fri 13 Mar 10:00: 5 h Mon 2 + 8 days
    # x 7.5 h (3-12 Mar) + 2.5 h = 67.5 h = 243,000 s = 9.00 days; SOP due Wed 11 Mar 16:00: late.
    td = ticket("PP", wib(2026, 3, 2, 9, 30), (9, 50), (9, 51), (10, 5), priority="lansia")
    at(2026, 3, 2, 10, 0)
    d, _ = actions.create_task(p0, td.id, "D: pengesahan PP PT Lambat")
    at(2026, 3, 2, 10, 5)
    actions.claim(p1, d.id)
    at(2026, 3, 2, 10, 10)
    actions.forward(p1, d.id, "PHIJSK-PK")
    at(2026, 3, 2, 10, 15)
    actions.claim(p2, d.id)

    at(2026, 3, 4, 10, 0)
    actions.complete(p2, a.id, "Disahkan")

    # the no-show (Tue 3 Mar, called after 5 min), the transfer (PKB -> PP, Wed 4 Mar, 12 min, priority) and
    # a visitor never called (Thu 5 Mar, cancelled at closing)
    ticket("PP", wib(2026, 3, 3, 10, 0), (10, 5), outcome="no_show")
    ticket("PP", wib(2026, 3, 4, 8, 0), (8, 12), (8, 13), (8, 23), priority="hamil", issued_for="PKB")
    ticket("PP", wib(2026, 3, 5, 15, 0), outcome="cancelled")

    # B: Fri 13 Mar 16:20, the Friday-afternoon send: 10 min left on Friday, so due Mon 16 Mar 07:35 (warning
    # 07:32, escalation at 200% 07:50). The sweep at Mon 08:00 raises all three; P1 claims at 08:00 (10 + 30 =
    # 40 min, late) and completes at 09:00: 10 min + 90 min = 6,000 s = 0.22 days; in SOP.
    tb = ticket("PP", wib(2026, 3, 13, 15, 50), (16, 0), (16, 1), (16, 25))
    at(2026, 3, 13, 10, 0)
    actions.complete(p2, d.id, "Disahkan, terlambat")
    at(2026, 3, 13, 16, 20)
    b, _ = actions.create_task(p0, tb.id, "B: dikirim Jumat sore")
    now = at(2026, 3, 16, 8, 0)
    raised = engine.sweep(now)
    actions.claim(p1, b.id)
    at(2026, 3, 16, 9, 0)
    actions.complete(p1, b.id, "Dijawab langsung oleh Ditjen")

    # C (PKB): Tue 17 Mar 09:00; P1 5 min; forwarded 09:10; P2 10 min; asks for a document at 10:00; it arrives
    # Wed 25 Mar 08:30: paused 5 h on Tue 17 + nothing 18-24 (cuti bersama, Nyepi, weekend, Idul Fitri) + 1 h
    # = 6 h = 21,600 s. Completed 10:30: 6 h + 3 h - 6 h = 3 h = 10,800 s = 0.40 days; in SOP.
    tc = ticket("PKB", wib(2026, 3, 17, 8, 20), (8, 50), (8, 51), (9, 5))
    at(2026, 3, 17, 9, 0)
    c, _ = actions.create_task(p0, tc.id, "C: PKB, menunggu dokumen")
    at(2026, 3, 17, 9, 5)
    actions.claim(p1, c.id)
    at(2026, 3, 17, 9, 10)
    actions.forward(p1, c.id, "PHIJSK-PK")
    at(2026, 3, 17, 9, 20)
    actions.claim(p2, c.id)
    at(2026, 3, 17, 10, 0)
    actions.request_document(p2, c.id, "Akta pendirian belum dilampirkan")
    at(2026, 3, 25, 8, 30)
    actions.resume(p2, c.id, "Akta diterima")
    at(2026, 3, 25, 10, 30)
    actions.complete(p2, c.id, "PKB didaftarkan")

    # E: Tue 31 Mar 15:50, nobody picks it up: not picked, backlog at PHIJSK, 10 + 90 = 100 min old at "now".
    te = ticket("PP", wib(2026, 3, 31, 15, 20), (15, 30), (15, 31), (15, 55))
    at(2026, 3, 31, 15, 50)
    e, _ = actions.create_task(p0, te.id, "E: belum diambil")

    now = at(2026, 4, 1, 9, 0)   # Wed 1 April 2026, the first working day of April
    return {"now": now, "tasks": {"A": a.id, "B": b.id, "C": c.id, "D": d.id, "E": e.id, "F": f.id},
            "raised": [(x.level, x.task_id) for x in raised]}
