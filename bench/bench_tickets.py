"""Ticket issuing under load against a real `ptsa serve` (eventlet by default, SQLite).

Two phases, figures printed as JSON:
- capacity: 50 kiosk clients, closed loop (each sends its next request when the last is
  answered): the most tickets per second one server process gives.
- latency: 50 kiosk clients, open loop at a fixed total rate (default 300 tickets/s): latency
  percentiles measured from each request's scheduled time, so a stalled server cannot hide
  its queueing (no coordinated omission).
Load generators run in separate processes (one process of 50 threads would measure itself).
Targets on a 2-core machine: >= 300 tickets/s, p99 <= 50 ms at 300/s.

    python bench/bench_tickets.py [--clients 50] [--rate 300] [--seconds 10] [--async-mode eventlet]
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))] if values else None


def load_process(url, token, services, threads, mode, interval, duration, start_at, out):
    """One load-generating process with `threads` kiosk clients; puts (latencies, failures)."""
    import requests
    latencies, failures, lock = [], [], threading.Lock()

    def kiosk(i):
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        mine, bad, n = [], 0, 0
        offset = (i / threads) * interval   # spread the clients over the interval
        while True:
            scheduled = start_at + offset + n * interval if mode == "open" else time.time()
            if scheduled - start_at >= duration:
                break
            delay = scheduled - time.time()
            if delay > 0:
                time.sleep(delay)
            r = session.post(url + "/api/v1/tickets", json={"service": services[(i + n) % len(services)]},
                             timeout=30)
            mine.append(time.time() - scheduled)
            bad += r.status_code != 201
            n += 1
        with lock:
            latencies.extend(mine)
            failures.append(bad)

    while time.time() < start_at:
        time.sleep(0.001)
    workers = [threading.Thread(target=kiosk, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    out.put((latencies, sum(failures)))


def run_phase(url, token, services, clients, processes, mode, rate, duration):
    per_process = clients // processes
    interval = clients / rate if mode == "open" else 0
    queue = mp.Queue()
    start_at = time.time() + 1.5
    procs = [mp.Process(target=load_process, args=(url, token, services, per_process, mode, interval,
                                                   duration, start_at, queue)) for _ in range(processes)]
    for p in procs:
        p.start()
    latencies, failures = [], 0
    for _ in procs:
        lat, bad = queue.get()
        latencies.extend(lat)
        failures += bad
    for p in procs:
        p.join()
    ms = [x * 1000 for x in latencies]
    return {
        "mode": "open loop" if mode == "open" else "closed loop",
        "offered_rate_per_s": rate if mode == "open" else None,
        "requests": len(ms), "failures": failures,
        "tickets_per_s": round(len(ms) / duration, 1),
        "latency_ms": {q: round(percentile(ms, n), 1) for q, n in (("p50", 50), ("p90", 90), ("p99", 99))},
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--rate", type=float, default=300)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--async-mode", default="eventlet")
    args = parser.parse_args()

    from tests.support.live import LiveServer
    import db
    from db.models import Service, Ticket
    with tempfile.TemporaryDirectory() as tmp:
        server = LiveServer(Path(tmp), async_mode=args.async_mode)
        server.init()
        db.connect(f"sqlite:///{Path(tmp) / 'ptsa.db'}")
        with db.database.connection_context():
            Service.update(daily_cap=None).execute()   # the bench measures speed, not quotas
            services = [s.code for s in Service.select()]
        token = server.kiosk_token("bench")
        server.start()
        try:
            # a short warm-up (pooled connections, caches) that is not measured; then latency on a
            # nearly fresh business day; then capacity on top of the queues they left
            run_phase(server.url, token, services, args.clients, args.processes, "open", args.rate, 2)
            latency = run_phase(server.url, token, services, args.clients, args.processes, "open", args.rate,
                                args.seconds)
            capacity = run_phase(server.url, token, services, args.clients, args.processes, "closed", None,
                                 args.seconds / 2)
        finally:
            server.stop()
        with db.database.connection_context():
            issued = Ticket.select().count()
            unique = Ticket.select(Ticket.issued_for, Ticket.business_day, Ticket.seq).distinct().count()
    print(json.dumps({
        "benchmark": "ticket issuing", "async_mode": args.async_mode, "database": "sqlite",
        "clients": args.clients, "load_processes": args.processes,
        "capacity": capacity, "latency_at_rate": latency,
        "tickets_in_db": issued, "unique_numbers": unique,
        "targets": {"tickets_per_s": ">= 300", "p99_ms_at_300_per_s": "<= 50"},
    }, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
