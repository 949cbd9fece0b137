"""SLA across processes on PostgreSQL, with real `ptsa serve` processes (eventlet) and Redis:

- alert delay: tasks are created through a process that does NOT lead the sweeper, with a short
  pickup target; delay = the alert's `created_at` minus its deadline, p50/p99/max over every level.
  The leader hears of each new deadline by LISTEN/NOTIFY.
- leader failover: tasks whose deadlines fall 1-6 s later are stored, then the leader is killed
  with -9 and nothing else is stored (no notification to wake anyone): the time until another
  process holds the sweeper's lock, and how late the alerts due after the kill came. Repeated
  while more than one process is left.

    python bench/bench_failover.py [--database-url postgresql://postgres@127.0.0.1/test] [--processes 3]
        [--tasks 20] [--pickup 2]

Figures are printed as JSON; nothing is asserted (tests/scale/test_topology.py holds a generous bound).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))] if values else None


def figures(values):
    return {"n": len(values), "p50_s": round(percentile(values, 50), 3), "p99_s": round(percentile(values, 99), 3),
            "max_s": round(max(values), 3)} if values else {"n": 0}


def main() -> int:
    import psycopg2
    import requests

    from bench.bench_tickets import fresh_database
    from tests.scale.topology import kill_hard, start_cluster, sweeper_leader
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL",
                                                                 "postgresql://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--processes", type=int, default=3)
    parser.add_argument("--tasks", type=int, default=20, help="tasks per measurement")
    parser.add_argument("--pickup", type=int, default=2, help="pickup target, whole seconds")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url, drop = fresh_database(args.database_url, Path(tmp), "failover")
        env = {"PTSA_DATABASE_URL": url, "PTSA_SLA_PICKUP_P0_P1": f"{args.pickup}s", "PTSA_VALIDATE_EVENTS": "0",
               "PTSA_MESSAGE_QUEUE": os.environ.get("PTSA_MESSAGE_QUEUE", "redis://127.0.0.1:6379/0")}
        servers = []
        try:
            servers = start_cluster(Path(tmp), args.processes, env)
            token = servers[0].kiosk_token("bench")
            conn = psycopg2.connect(url)
            conn.autocommit = True
            cur = conn.cursor()

            def alerts_of(tasks):
                cur.execute("SELECT deadline, created_at FROM alert WHERE task_id = ANY(%s)", (tasks,))
                return cur.fetchall()

            def create_tasks(server, n, spacing):
                officer = server.login("p0-03")
                requests.post(server.url + "/api/v1/tickets", json={"service": "PP"}, timeout=10,
                              headers={"Authorization": f"Bearer {token}"}).raise_for_status()
                r = officer.post(server.url + "/api/v1/queue/call-next", timeout=10)
                assert r.status_code == 200, r.text
                ticket = r.json()["id"]
                ids = []
                for i in range(n):
                    r = officer.post(server.url + "/api/v1/tasks", json={"ticket_id": ticket, "summary": f"b{i}"},
                                     timeout=10)
                    r.raise_for_status()
                    ids.append(r.json()["id"])
                    time.sleep(spacing)
                return ids

            def wait_alerts(tasks, timeout=60):
                deadline = time.monotonic() + timeout
                while time.monotonic() < deadline and len(alerts_of(tasks)) < 3 * len(tasks):
                    time.sleep(0.2)
                return [(c - d).total_seconds() for d, c in alerts_of(tasks)]

            alive = list(servers)
            leader = sweeper_leader(alive, url)
            other = next(s for s in alive if s is not leader)
            delays = wait_alerts(create_tasks(other, args.tasks, 0.1))
            report = {"benchmark": "SLA across processes", "database": "postgresql", "processes": args.processes,
                      "pickup_s": args.pickup,
                      "alert_delay_deadline_set_on_another_process": figures(delays), "failovers": []}
            while len(alive) > 1:
                leader = sweeper_leader(alive, url)
                other = next(s for s in alive if s is not leader)
                tasks = create_tasks(other, args.tasks, 0.05)
                time.sleep(max(0.0, args.pickup * 0.8 - 1.5))   # the first warnings are ~1 s away
                killed = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
                t0 = time.monotonic()
                kill_hard(leader)
                alive.remove(leader)
                new_leader = None
                while new_leader is None and time.monotonic() - t0 < 60:
                    new_leader = sweeper_leader(alive, url)
                    time.sleep(0.02)
                takeover = time.monotonic() - t0
                wait_alerts(tasks)
                late = [(c - d).total_seconds() for d, c in alerts_of(tasks) if d > killed]
                report["failovers"].append({"lock_taken_over_after_s": round(takeover, 3),
                                            "alert_delay_for_deadlines_after_the_kill": figures(late)})
            report["targets"] = {"alert_delay_p99_s": "<= 1", "failover_s": "<= 5"}
            report["load_average"] = os.getloadavg()
            print(json.dumps(report, indent=2))
            conn.close()
        finally:
            for s in servers:
                s.stop()
            drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
