"""Month-end reports at ten times PTSA's volume: a year of ~250,000 tickets and ~50,000 tasks with their
hops (≈150,000), alerts and document requests, in a temporary SQLite database (or PostgreSQL with --pg URL).

Prints JSON with the wall time of each report and export through the Flask test client (the real routes,
scope checks and JSON/CSV/XLSX/PDF shaping), best of --repeat runs. Targets (issue 10): a report < 1 s,
an export < 5 s, on the 2-core machine.

    .venv/bin/python bench/bench_reports.py [--tickets 250000] [--tasks 50000] [--repeat 3] [--pg URL]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import db  # noqa: E402
from db.catalog import load_catalog, load_demo_staff, read_catalog  # noqa: E402
from db.models import Booth, Service, Staff, Ticket, Unit, epoch_seconds, whole_seconds  # noqa: E402
from db.task_models import Alert, Task, TaskHop, TaskMessage  # noqa: E402
from intranet_server import clock  # noqa: E402
from intranet_server.config import load_settings  # noqa: E402

UTC = dt.timezone.utc
WIB = dt.timezone(dt.timedelta(hours=7))
FIRST, DAYS = dt.date(2025, 12, 1), 365


def working_days():
    return [FIRST + dt.timedelta(days=i) for i in range(DAYS) if (FIRST + dt.timedelta(days=i)).weekday() < 5]


def at(day, minute):   # minute of the working day from 07:30 WIB
    return dt.datetime.combine(day, dt.time(7, 30), WIB).astimezone(UTC) + dt.timedelta(minutes=minute)


def build(n_tickets: int, n_tasks: int, seed: int = 10) -> dict:
    rnd = random.Random(seed)
    days = working_days()
    services = list(Service.select())
    booths = list(Booth.select())
    p0s = list(Staff.select().where(Staff.role == "p0"))
    units = {u.id: u for u in Unit.select()}
    p1_of = {u.id: s.id for s in Staff.select().where(Staff.role == "p1") for u in [units[s.unit_id]]}
    p2_of = {s.unit_id: s.id for s in Staff.select().where(Staff.role == "p2")}
    started = time.perf_counter()
    rows, counters = [], {}
    for _ in range(n_tickets):
        day = rnd.choice(days)
        svc = rnd.choice(services)
        seq = counters[(svc.id, day)] = counters.get((svc.id, day), 0) + 1
        issued = at(day, rnd.randrange(0, 420))
        outcome = rnd.choices(["served", "no_show", "cancelled"], [90, 7, 3])[0]
        called = issued + dt.timedelta(minutes=rnd.expovariate(1 / 12)) if outcome != "cancelled" else None
        rows.append(dict(issued_for=svc.id, service=svc.id, business_day=day, seq=seq,
                         number=f"{svc.prefix}{seq % 1000:03d}", priority=rnd.choice([None] * 9 + ["lansia"]),
                         status={"served": "done"}.get(outcome, outcome), issued_at=issued, arrived_at=issued,
                         called_at=called, first_called_at=called,
                         started_at=called and called + dt.timedelta(minutes=1),
                         finished_at=(called + dt.timedelta(minutes=rnd.randint(3, 30))
                                      if called and outcome == "served" else None),
                         booth=rnd.choice(booths).id, served_by=rnd.choice(p0s).id if called else None,
                         outcome=outcome))
    for r in rows:   # what Ticket.save keeps (insert_many does not call it)
        r["wait_s"] = whole_seconds(r["issued_at"], r["first_called_at"])
        r["visit_s"] = whole_seconds(r["started_at"], r["finished_at"])
        r["issued_s"] = epoch_seconds(r["issued_at"])
    with db.database.atomic():
        for chunk in range(0, len(rows), 2000):
            Ticket.insert_many(rows[chunk:chunk + 2000]).execute()
    ticket_ids = [t for (t,) in Ticket.select(Ticket.id).tuples()]
    tasks, hops, alerts, messages = [], [], [], []
    owner = {s.id: s.unit_id for s in services}
    for i in range(n_tasks):
        svc = rnd.choice(services)
        e2 = owner[svc.id]
        e1 = units[e2].parent_id or e2
        day = rnd.choice(days)
        created = at(day, rnd.randrange(0, 400))
        done = rnd.random() < 0.93
        completed = created + dt.timedelta(days=rnd.uniform(0.1, 12)) if done else None
        tid = i + 1
        tasks.append(dict(id=tid, ticket=rnd.choice(ticket_ids), service=svc.id, origin_booth=booths[0].id,
                          created_by=p0s[0].id, summary=f"task {tid}", status="done" if done else "open",
                          position="p0" if done else "p2", unit=None if done else e2,
                          assignee=None if done else p2_of.get(e2), created_at=created, updated_at=created,
                          sop_days=svc.sop_days, completion_due_at=created + dt.timedelta(days=svc.sop_days or 5),
                          paused_s=rnd.choice([0] * 9 + [7200]), completed_at=completed,
                          working_s=int(rnd.uniform(0.1, 12) * 27000) if done else None,
                          completed_by=p2_of.get(e2) if done else None))
        p1_pick = rnd.expovariate(1 / 10)
        p2_pick = rnd.expovariate(1 / 20)
        sent2 = created + dt.timedelta(minutes=p1_pick + 5)
        for seq, (pos, unit, sent, pick, target) in enumerate(
                [("p1", e1, created, p1_pick, 15), ("p2", e2, sent2, p2_pick, 30)], start=1):
            hop_id = len(hops) + 1
            hops.append(dict(id=hop_id, task=tid, seq=seq, kind="send" if seq == 1 else "forward",
                             from_position="p0" if seq == 1 else "p1", to_position=pos,
                             from_unit=None if seq == 1 else e1,
                             to_unit=unit, sent_at=sent, target_s=target * 60,
                             warn_at=sent + dt.timedelta(minutes=target * 0.8),
                             due_at=sent + dt.timedelta(minutes=target),
                             escalate_at=sent + dt.timedelta(minutes=target * 2),
                             picked_at=sent + dt.timedelta(minutes=pick),
                             picked_by=p1_of.get(e1) if seq == 1 else p2_of.get(e2), working_s=int(pick * 60)))
            if pick > target:
                for level in ("warning", "breach") + (("escalation",) if pick > 2 * target else ()):
                    alerts.append(dict(hop=hop_id, task=tid, level=level, unit=unit, deadline=sent,
                                       created_at=sent + dt.timedelta(minutes=target)))
        if done:
            hops.append(dict(id=len(hops) + 1, task=tid, seq=3, kind="result", from_position="p2", to_position="p0",
                             from_unit=e2, to_unit=None, sent_at=completed))
        if rnd.random() < 0.1:
            messages.append(dict(task=tid, hop=len(hops), kind="document_request", body="dokumen",
                                 created_at=sent2 + dt.timedelta(hours=1)))
    with db.database.atomic():
        for model, data in ((Task, tasks), (TaskHop, hops), (Alert, alerts), (TaskMessage, messages)):
            for chunk in range(0, len(data), 2000):
                model.insert_many(data[chunk:chunk + 2000]).execute()
    return {"tickets": len(rows), "tasks": len(tasks), "hops": len(hops), "alerts": len(alerts),
            "document_requests": len(messages), "build_s": round(time.perf_counter() - started, 1)}


def timed(client, path: str, repeat: int) -> dict:
    best, size = None, 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        r = client.get(path)
        elapsed = time.perf_counter() - t0
        assert r.status_code == 200, (path, r.status_code, r.data[:300])
        size = len(r.data)
        best = elapsed if best is None else min(best, elapsed)
    print(f"{best:8.3f} s  {path}", file=sys.stderr, flush=True)   # progress; the JSON comes at the end
    return {"path": path, "best_s": round(best, 3), "bytes": size}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=250_000)
    parser.add_argument("--tasks", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pg", help="an empty PostgreSQL database URL instead of a temporary SQLite file")
    parser.add_argument("--reuse", help="the data directory (SQLite) of an earlier run, or with --pg the same "
                                        "database again: measure without building the data again")
    args = parser.parse_args()
    tmp = Path(args.reuse) if args.reuse else Path(tempfile.mkdtemp(prefix="ptsa-bench-reports-"))
    env = {"PTSA_SERVER_DATA_DIR": str(tmp), "PTSA_CALENDAR_MODE": "office"}
    if args.pg:
        env["PTSA_DATABASE_URL"] = args.pg
    settings = load_settings(environ=env)
    db.connect(settings["database"]["url"])
    db.migrate()
    with db.database.connection_context():
        if args.reuse and Ticket.select().exists():
            data = {"tickets": Ticket.select().count(), "tasks": Task.select().count(),
                    "hops": TaskHop.select().count(), "alerts": Alert.select().count(), "reused": True}
        else:
            load_catalog(read_catalog())
            load_demo_staff("bench12345")
            data = build(args.tickets, args.tasks)
    from intranet_server.app import create_app
    app = create_app(settings)
    clock.freeze(dt.datetime(2026, 12, 1, 2, 0, tzinfo=UTC))
    client = app.test_client()
    client.post("/api/v1/auth/login", json={"username": "pimpinan", "password": "bench12345"})
    year = "from=2025-12-01&to=2026-11-30"
    results = [
        timed(client, f"/api/v1/reports/tasks?{year}", args.repeat),
        timed(client, f"/api/v1/reports/tasks?{year}&unit=PHIJSK", args.repeat),
        timed(client, "/api/v1/reports/tasks?month=2026-11", args.repeat),
        timed(client, f"/api/v1/reports/visitors?{year}", args.repeat),
        timed(client, f"/api/v1/reports/drill?{year}&figure=breaches", args.repeat),
        timed(client, "/api/v1/reports/trend?month=2026-11", args.repeat),
        timed(client, f"/reports?{year}", args.repeat),
    ]
    exports = [
        timed(client, f"/api/v1/reports/tasks.xlsx?{year}", args.repeat),
        timed(client, f"/api/v1/reports/tasks.csv?{year}", args.repeat),
        timed(client, f"/api/v1/reports/visitors.xlsx?{year}&by=officer", args.repeat),
        timed(client, f"/api/v1/reports/drill.xlsx?{year}&figure=completed", args.repeat),
        timed(client, "/api/v1/reports/monthly.pdf?month=2026-11&unit=PHIJSK", args.repeat),
        timed(client, "/api/v1/reports/monthly.xlsx?month=2026-11&unit=PHIJSK", args.repeat),
    ]
    print(json.dumps({"database": "postgresql" if args.pg else "sqlite", "data": data, "reports": results,
                      "exports": exports}, indent=2))


if __name__ == "__main__":
    main()
