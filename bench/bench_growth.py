"""Growth benchmark: does every hot verb and screen snapshot stay flat as years of history pile up?

Measures, in one process through the Flask test client on a temporary SQLite file (or a new database
of its own on the PostgreSQL server named by --database-url or DATABASE_URL), each operation on an
empty office and again after `--tickets` tickets and `--tasks` tasks (with their hops) of history from
earlier days, and prints the per-operation median latency and the ratio history / empty (target:
≤ 1.2, issue #13).

    .venv/bin/python bench/bench_growth.py [--tickets 1000000] [--tasks 200000] [--repeat 200]
    .venv/bin/python bench/bench_growth.py --database-url postgresql://postgres@127.0.0.1:5432/test
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import db  # noqa: E402
from db.catalog import load_catalog, load_demo_staff, read_catalog  # noqa: E402
from db.models import Booth, Service, Staff, Ticket, Unit  # noqa: E402
from db.task_models import Task, TaskHop  # noqa: E402

UTC = dt.timezone.utc
PASSWORD = "demo12345"


def build_app(url: str, data_dir: Path):
    from intranet_server.app import create_app
    from intranet_server.config import load_settings
    env = {"PTSA_SERVER_DATA_DIR": str(data_dir), "PTSA_CALENDAR_MODE": "always", "PTSA_DATABASE_URL": url}
    settings = load_settings(environ=env)
    db.connect(url)
    db.migrate()
    with db.database.connection_context():
        load_catalog(read_catalog())
        load_demo_staff(PASSWORD)
        Service.update(daily_cap=None).execute()   # both phases issue today: no quota in the way
    from tests.support.csrf import CsrfClient
    app = create_app(settings)
    app.test_client_class = CsrfClient     # sends the session's CSRF token, as the pages' script does
    return app


def fill_history(tickets: range, tasks: range, per_day: int, seed: int = 7) -> None:
    """Bulk rows on days before today (`per_day` tickets a day, the i-th ticket on day 1 + i // per_day
    before today): served, no-show and cancelled tickets at every booth; tasks done long ago with their
    two hops. Ranges, so that history can be added in steps."""
    rnd = random.Random(seed + tickets.start)
    services = list(Service.select())
    booths = list(Booth.select())
    p0 = list(Staff.select().where(Staff.role == "p0"))
    p2 = {s.unit_id: s for s in Staff.select().where(Staff.role == "p2")}
    today = dt.date.today()
    rows = []
    for i in tickets:
        day = today - dt.timedelta(days=1 + i // per_day)
        issued = dt.datetime.combine(day, dt.time(1, 0), UTC) + dt.timedelta(seconds=rnd.randrange(28000))
        service = rnd.choice(services)
        outcome = rnd.choices(("served", "no_show", "cancelled"), (90, 8, 2))[0]
        rows.append({"issued_for": service.id, "service": service.id, "business_day": day,
                     "seq": 10_000_000 + i, "number": f"{service.prefix}{i % 1000:03d}", "status":
                     {"served": "done", "no_show": "no_show", "cancelled": "cancelled"}[outcome],
                     "issued_at": issued, "arrived_at": issued, "called_at": issued + dt.timedelta(minutes=9),
                     "first_called_at": issued + dt.timedelta(minutes=9),
                     "started_at": issued + dt.timedelta(minutes=10),
                     "finished_at": issued + dt.timedelta(minutes=22), "no_show_at": issued + dt.timedelta(minutes=12)
                     if outcome == "no_show" else None, "booth": rnd.choice(booths).id, "outcome": outcome,
                     "print_state": "printed"})
        if len(rows) == 2000:
            with db.database.atomic():
                Ticket.insert_many(rows).execute()
            rows = []
    if rows:
        with db.database.atomic():
            Ticket.insert_many(rows).execute()
    units2 = list(Unit.select().where(Unit.echelon == 2))
    for start in range(tasks.start, tasks.stop, 1000):
        batch = []
        for i in range(start, min(tasks.stop, start + 1000)):
            unit = rnd.choice(units2)
            # older than the screens' "recently closed" window (3 days): history, not today's work
            created = dt.datetime.combine(today - dt.timedelta(days=5 + i // 150), dt.time(2), UTC)
            batch.append({"service": services[i % len(services)].id, "origin_booth": booths[i % 9].id,
                          "created_by": p0[i % len(p0)].id, "summary": f"riwayat {i}", "status": "done",
                          "position": "p0", "unit": None, "created_at": created, "updated_at": created,
                          "sop_days": 3, "completion_due_at": created + dt.timedelta(days=3),
                          "completed_at": created + dt.timedelta(days=1), "working_s": 9000,
                          "completed_by": p2[unit.id].id if unit.id in p2 else None})
        with db.database.atomic():
            first = Task.insert_many(batch).execute()
            ids = [t.id for t in Task.select(Task.id).where(Task.summary.in_([b["summary"] for b in batch]))]
            hops = []
            for task_id, b in zip(ids, batch, strict=True):
                unit = rnd.choice(units2)
                sent = b["created_at"]
                hops.append({"task": task_id, "seq": 1, "kind": "forward", "from_position": "p1", "to_position": "p2",
                             "to_unit": unit.id, "sent_at": sent, "target_s": 1800,
                             "warn_at": sent + dt.timedelta(minutes=24), "due_at": sent + dt.timedelta(minutes=30),
                             "picked_at": sent + dt.timedelta(minutes=12), "working_s": 720})
                hops.append({"task": task_id, "seq": 2, "kind": "result", "from_position": "p2", "to_position": "p0",
                             "sent_at": sent + dt.timedelta(days=1), "picked_at": sent + dt.timedelta(days=1, hours=1)})
            TaskHop.insert_many(hops).execute()
            del first


def measure(app, repeat: int) -> dict:
    """Median (ms) of each operation, `repeat` times, in the same order every time."""
    from intranet_server.actions.kiosks import register_kiosk
    name = f"bench-{time.monotonic_ns()}"
    with db.database.connection_context():
        _, token = register_kiosk(name)
    kiosk = {"Authorization": f"Bearer {token}"}
    booth, p2, sup, board = (app.test_client() for _ in range(4))
    booth.post("/api/v1/auth/login", json={"username": "p0-03", "password": PASSWORD})
    p2.post("/api/v1/auth/login", json={"username": "p2-21", "password": PASSWORD})
    sup.post("/api/v1/auth/login", json={"username": "sup-phijsk", "password": PASSWORD})
    timings: dict[str, list[float]] = {}

    def timed(label, fn):
        started = time.perf_counter()
        answer = fn()
        timings.setdefault(label, []).append((time.perf_counter() - started) * 1000)
        assert answer.status_code < 400, (label, answer.status_code, answer.get_data(as_text=True)[:300])
        return answer
    booth_services = [s["code"] for s in booth.get("/api/v1/booth").get_json()["services"]]
    for i in range(repeat):
        body = {"service": booth_services[i % len(booth_services)]}
        timed("issue_ticket", lambda body=body: board.post("/api/v1/tickets", headers=kiosk, json=body))
        timed("call_next", lambda: booth.post("/api/v1/queue/call-next"))
        timed("booth_snapshot", lambda: booth.get("/api/v1/booth"))
        timed("display_snapshot", lambda: board.get("/api/v1/display"))
        timed("services_summary", lambda: board.get("/api/v1/services"))
        timed("inbox_snapshot", lambda: p2.get("/api/v1/tasks"))
        timed("supervisor_snapshot", lambda: sup.get("/api/v1/supervisor"))
    return {label: round(statistics.median(v), 3) for label, v in timings.items()}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--tasks", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--steps", type=int, default=2,
                        help="add the history in this many equal steps, measuring after each (the last "
                             "against the first shows whether the figures still move once there is history)")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"),
                        help="a PostgreSQL server: the bench creates a database of its own there, and drops it")
    args = parser.parse_args()
    from bench.bench_tickets import fresh_database
    with tempfile.TemporaryDirectory() as tmp:
        url, drop = fresh_database(args.database_url, Path(tmp), "growth")
        try:
            report = run(url, Path(tmp), args)
        finally:
            db.database.close()
            drop()
    print(json.dumps(report, indent=2))
    return 0


def run(url: str, tmp: Path, args) -> dict:
    app = build_app(url, tmp)
    empty = measure(app, args.repeat)   # no outer app context: `g` must be new for every request
    per_day = max(1, args.tickets // 1500)
    steps, started = [], time.monotonic()
    for step in range(1, args.steps + 1):
        tickets = range(args.tickets * (step - 1) // args.steps, args.tickets * step // args.steps)
        tasks = range(args.tasks * (step - 1) // args.steps, args.tasks * step // args.steps)
        with db.database.connection_context():
            fill_history(tickets, tasks, per_day)
            # as a database that has lived with its history: statistics, and on PostgreSQL vacuumed (else
            # autovacuum works through the new rows on the same cores while the figures are taken)
            db.database.execute_sql("VACUUM ANALYZE" if db.is_postgres() else "ANALYZE")
        steps.append({"tickets": tickets.stop, "tasks": tasks.stop, "median_ms": measure(app, args.repeat)})
    first, full = steps[0]["median_ms"], steps[-1]["median_ms"]
    return {"database": url.split(":")[0], "history": {"tickets": args.tickets, "tasks": args.tasks,
                                                       "build_s": round(time.monotonic() - started, 1)},
            "median_ms_empty": empty, "steps": steps,
            "ratio": {k: round(full[k] / empty[k], 2) for k in empty},
            "ratio_last_over_first_step": {k: round(full[k] / first[k], 2) for k in first},
            "load_average": os.getloadavg()}


if __name__ == "__main__":
    sys.exit(main())
