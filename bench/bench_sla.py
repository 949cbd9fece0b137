"""SLA sweeper benchmark: 100,000 open hops in a temporary SQLite database, the real sweeper loop in a
thread (threading mode: the same Loop code the server runs under eventlet/gevent with a green event).

Prints JSON:
- `window`: deadlines spread over a short window (N alerts over W seconds): alert delay after deadline
  (time the alert's event left the server minus the deadline), p50/p90/p99/max.
- `burst`: N deadlines at the same instant: how long until the last one is out.
- `woken`: deadlines created by actions while the loop sleeps its longest (notify after commit).
- `idle`: process CPU while the sweeper waits (nothing due for hours), over some seconds.
- `query`: the cost of the sweeper's one question (the earliest pending deadline) with 100k rows.

Targets (issue 3): p99 <= 1 s, idle CPU <= 2 %.

    .venv/bin/python bench/bench_sla.py [--hops 100000] [--window 20] [--alerts 1000] [--idle 10]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import db  # noqa: E402
from db.catalog import load_catalog, load_demo_staff, read_catalog  # noqa: E402
from db.models import Service, Staff, Ticket, Unit  # noqa: E402
from db.task_models import Alert, Task, TaskHop  # noqa: E402
from intranet_server import actions, clock, sla  # noqa: E402
from intranet_server.realtime import events
from intranet_server.actions import tasks as task_actions  # noqa: E402
from intranet_server.app import office_from_settings  # noqa: E402
from intranet_server.config import load_settings  # noqa: E402
from intranet_server.rules.queue import business_day  # noqa: E402
from intranet_server.sla import alerts, engine  # noqa: E402

UTC = dt.timezone.utc


def percentiles(values: list[float]) -> dict:
    if not values:
        return {"n": 0}
    ordered = sorted(values)

    def pick(q):
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 4)
    return {"n": len(values), "p50_s": pick(0.50), "p90_s": pick(0.90), "p99_s": pick(0.99),
            "max_s": round(ordered[-1], 4), "mean_s": round(statistics.fmean(values), 4)}


class Emits:
    """When each alert's event left the server (after its commit), wall time."""

    def __init__(self):
        self.times: dict[int, float] = {}
        self.lock = threading.Lock()

    def __call__(self, event, message, room):
        if event == "alert" and message.get("change") == "raise":
            with self.lock:
                self.times.setdefault(message["alert"]["id"], time.time())


def setup(data_dir: Path) -> dict:
    settings = load_settings(environ={"PTSA_SERVER_DATA_DIR": str(data_dir), "PTSA_CALENDAR_MODE": "always"})
    db.connect(settings["database"]["url"])
    db.migrate()
    with db.database.connection_context():
        load_catalog(read_catalog())
        load_demo_staff("bench12345")
    actions.configure(office_from_settings(settings))
    sla.configure(settings)
    return settings


def load_hops(count: int) -> None:
    """Open hops straight into the tables, every deadline hours from now (the background load)."""
    with db.database.connection_context():
        service = Service.get(Service.code == "PP")
        unit = Unit.get(Unit.code == "PHIJSK")
        officer = Staff.get(Staff.username == "p0-03")
        now = dt.datetime.now(UTC)
        rng = random.Random(7)
        chunk = 2000
        for start in range(0, count, chunk):
            n = min(chunk, count - start)
            with db.database.atomic():
                first_id = (Task.select(Task.id).order_by(Task.id.desc()).scalar() or 0) + 1
                Task.insert_many([dict(service=service, created_by=officer, origin_booth=officer.booth_id,
                                       summary=f"bench {start + i}", status="open", position="p1", unit=unit,
                                       created_at=now, updated_at=now, sop_days=7) for i in range(n)]).execute()
                rows = []
                for i in range(n):
                    warn = now + dt.timedelta(hours=6, seconds=rng.random() * 3600)
                    rows.append(dict(task=first_id + i, seq=1, kind="send", from_position="p0", to_position="p1",
                                     to_unit=unit, sent_by=officer, sent_at=now, target_s=900, warn_at=warn,
                                     due_at=warn + dt.timedelta(hours=2), escalate_at=warn + dt.timedelta(hours=4),
                                     next_alert_at=warn, next_alert_level="warning"))
                TaskHop.insert_many(rows).execute()


def due_soon(first: int, count: int, start: float, spread: float) -> None:
    """Give hops first..first+count-1 warning deadlines in [start, start + spread] (epoch seconds)."""
    rng = random.Random(first)
    with db.database.connection_context(), db.database.atomic():
        for hop_id in range(first, first + count):
            warn = dt.datetime.fromtimestamp(start + rng.random() * spread, UTC)
            TaskHop.update(warn_at=warn, next_alert_at=warn).where(TaskHop.id == hop_id).execute()


def delays(emits: Emits, since_id: int, level: str = "warning") -> list[float]:
    with db.database.connection_context():
        rows = list(Alert.select().where((Alert.id > since_id) & (Alert.level == level)))
    return [emits.times[a.id] - a.deadline.timestamp() for a in rows if a.id in emits.times]


def quiet_for(seconds: float, timeout: float = 60) -> None:
    """Wait until nothing is due within `seconds`: what follows is truly idle."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with db.database.connection_context():
            upcoming = alerts.next_deadline()
        if upcoming is None or upcoming > dt.datetime.now(UTC) + dt.timedelta(seconds=seconds):
            return
        time.sleep(0.5)


def wait_for_alerts(count: int, since_id: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with db.database.connection_context():
            if Alert.select().where(Alert.id > since_id).count() >= count:
                return
        time.sleep(0.25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hops", type=int, default=100_000)
    parser.add_argument("--alerts", type=int, default=1000, help="deadlines inside the window")
    parser.add_argument("--window", type=float, default=20.0, help="seconds the deadlines are spread over")
    parser.add_argument("--burst", type=int, default=1000, help="deadlines at one instant")
    parser.add_argument("--woken", type=int, default=30, help="tasks created by actions while the loop sleeps")
    parser.add_argument("--idle", type=float, default=10.0, help="seconds of idle measurement")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="ptsa-bench-sla-") as tmp:
        setup(Path(tmp))
        emits = Emits()
        events.set_emitter(emits)
        started = time.perf_counter()
        load_hops(args.hops)
        load_s = time.perf_counter() - started

        with db.database.connection_context():
            t0 = time.perf_counter()
            for _ in range(200):
                alerts.next_deadline()
            query_ms = (time.perf_counter() - t0) / 200 * 1000
            plan = db.database.execute_sql(
                "EXPLAIN QUERY PLAN SELECT next_alert_at FROM task_hop WHERE next_alert_at IS NOT NULL "
                "ORDER BY next_alert_at LIMIT 1").fetchall()

        # some of the 100k become due soon: spread over a window, then a burst at one instant
        window_start = time.time() + 3
        burst_at = window_start + args.window + 3
        due_soon(1, args.alerts, window_start, args.window)
        due_soon(args.alerts + 1, args.burst, burst_at, 0)

        # the real loop, with the production cap (max_sleep 30 s; 15-minute targets)
        sweeper = engine.Sweeper(threading.Event)
        engine._sweeper = sweeper
        thread = threading.Thread(target=sweeper.run, daemon=True)
        thread.start()

        wait_for_alerts(args.alerts, 0, timeout=args.window + 15)
        window = delays(emits, 0)
        wait_for_alerts(args.alerts + args.burst, 0, timeout=burst_at - time.time() + 30)
        burst_delays = delays(emits, args.alerts)

        # deadlines made by actions while the loop sleeps its longest: notify() must wake it
        with db.database.connection_context():
            last_id = Alert.select(Alert.id).order_by(Alert.id.desc()).scalar() or 0
        fast = sla.settings()
        fast["sla"]["services"] = {"PP": {"pickup_p0_p1": "3s"}}
        fast["sla"]["escalate_ratio"] = 0
        sla.configure(fast)                                   # PP tasks: warning 2.4 s after sending
        with db.database.connection_context():
            officer = Staff.get(Staff.username == "p0-03")
            pp = Service.get(Service.code == "PP")
            for i in range(args.woken):
                now = clock.now()
                ticket = Ticket.create(issued_for=pp, service=pp, business_day=business_day(now, "Asia/Jakarta"),
                                       seq=900 + i, number=f"P{900 + i}", status="serving", issued_at=now,
                                       arrived_at=now, booth=officer.booth_id)
                task_actions.create_task(officer, ticket.id, f"woken {i}")   # notifies the sweeper on commit
                time.sleep(random.Random(i).uniform(0.05, 0.3))
        wait_for_alerts(2 * args.woken, last_id, timeout=15)    # their warnings and breaches
        woken = delays(emits, last_id)

        # idle: everything left is hours away
        quiet_for(60)
        turns_before = sweeper.turns
        cpu0, wall0 = time.process_time(), time.perf_counter()
        time.sleep(args.idle)
        cpu1, wall1 = time.process_time(), time.perf_counter()
        sweeper.stop()
        thread.join(5)

        result = {
            "hops": args.hops,
            "load_s": round(load_s, 1),
            "query": {"earliest_deadline_ms": round(query_ms, 3), "plan": [row[-1] for row in plan]},
            "window": {"alerts": args.alerts, "spread_s": args.window, **percentiles(window)},
            "burst": {"alerts": args.burst, **percentiles(burst_delays)},
            "woken": {"tasks": args.woken, "note": "deadlines created by actions while the sweeper slept "
                                                   f"(cap {sweeper.max_sleep:.0f} s)", **percentiles(woken)},
            "idle": {"seconds": args.idle, "cpu_percent": round((cpu1 - cpu0) / (wall1 - wall0) * 100, 3),
                     "sweeper_turns": sweeper.turns - turns_before},
            "targets": {"p99_s": 1.0, "idle_cpu_percent": 2.0},
        }
        result["ok"] = bool(window) and result["window"]["p99_s"] <= 1.0 and result["woken"].get("p99_s", 9) <= 1.0 \
            and result["idle"]["cpu_percent"] <= 2.0
        events.set_emitter(None)
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
