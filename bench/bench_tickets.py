"""Ticket issuing under load against real `ptsa serve` processes, beside a bare baseline server.

Two phases, figures printed as JSON:
- capacity: kiosk clients in a closed loop (each sends its next request when the last is
  answered): the most tickets per second the server(s) give.
- latency: the same clients, open loop at a fixed total rate (default 300 tickets/s): latency
  percentiles measured from each request's scheduled time, so a stalled server cannot hide
  its queueing (no coordinated omission).
The same phases then run against bench/baselines/bare_tickets.py (the same transaction on raw
sqlite3/psycopg2 in a minimal Flask on eventlet) on the same kind of database, and the ratios are printed.
Load generators run in separate processes (one process of 50 threads would measure itself).

    python bench/bench_tickets.py [--database-url postgresql://postgres@127.0.0.1/test] [--processes 3]
        [--clients 50] [--rate 300] [--seconds 10] [--load-processes 2] [--no-nginx] [--no-baseline]

`--database-url` (or DATABASE_URL) names a PostgreSQL server: the bench creates a database of its own
there and drops it afterwards; without it the bench uses a temporary SQLite file. `--processes N`
starts N servers on that database and a Redis message queue (PTSA_MESSAGE_QUEUE, default
redis://127.0.0.1:6379/0), behind Debian's nginx with the README's configuration
(tests/scale/topology.py); `--no-nginx` spreads the kiosks over the servers directly instead.
The capacity phase also reports the cores each part used (the servers, PostgreSQL, nginx, Redis, the
load generators), read from /proc: on a 2-core machine they add up to about 2.0 when the machine is the bound.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))] if values else None


def load_process(urls, token, services, threads, mode, interval, duration, start_at, out):
    """One load-generating process with `threads` kiosk clients; puts (latencies, failures)."""
    import requests
    latencies, failures, lock = [], [], threading.Lock()

    def kiosk(i):
        url = urls[i % len(urls)]
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


def run_phase(urls, token, services, clients, processes, mode, rate, duration):
    per_process = clients // processes
    interval = clients / rate if mode == "open" else 0
    queue = mp.Queue()
    start_at = time.time() + 1.5
    procs = [mp.Process(target=load_process, args=(urls, token, services, per_process, mode, interval,
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


def fresh_database(server_url: str | None, tmp: Path, name: str) -> tuple[str, callable]:
    """A new empty database: a SQLite file in `tmp`, or a database of our own on the PostgreSQL server."""
    if not server_url or server_url.startswith("sqlite"):
        return f"sqlite:///{tmp / (name + '.db')}", lambda: None
    import uuid
    from urllib.parse import urlparse
    import psycopg2
    admin = psycopg2.connect(server_url)
    admin.autocommit = True
    dbname = f"ptsa_bench_{name}_{uuid.uuid4().hex[:8]}"
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{dbname}"')

    def drop():
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        admin.close()
    return urlparse(server_url)._replace(path=f"/{dbname}").geturl(), drop


def _kind(pid: str) -> str | None:
    """Which part of the set-up a process is, by its command line."""
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return None
    if "intranet_server.cli serve" in cmd:
        return "ptsa servers"
    if "bare_tickets.py" in cmd:
        return "bare server"
    for name in ("postgres", "nginx", "redis-server"):
        if cmd.startswith(name) or f"/{name}" in cmd.split(" ")[0]:
            return name
    return None


def cpu_ticks() -> dict[str, tuple[str, int]]:
    """CPU ticks (user + system) so far of every process of a known kind, by pid."""
    ticks = {}
    for pid in os.listdir("/proc"):
        if pid.isdigit() and (kind := _kind(pid)):
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            ticks[pid] = (kind, int(fields[11]) + int(fields[12]))
    return ticks


def cpu_use(before: dict, after: dict, children_s: float, seconds: float) -> dict:
    """Cores used on average by each part during a phase (a 2-core machine has 2.0 to give): what
    bounds the throughput, measured rather than guessed. The load generators are this bench's own
    child processes, counted from their resource usage once they have ended."""
    hz = os.sysconf("SC_CLK_TCK")
    use: dict[str, float] = {}
    for pid, (kind, ticks) in after.items():
        spent = ticks - before.get(pid, (kind, 0))[1]
        use[kind] = use.get(kind, 0) + spent / hz
    use["load generators"] = children_s
    return {kind: round(spent / seconds, 2) for kind, spent in sorted(use.items())}


def phases(urls, token, services, args) -> dict:
    # a short warm-up (pooled connections, caches) that is not measured; then latency on a
    # nearly fresh business day; then capacity on top of the queues they left
    run_phase(urls, token, services, args.clients, args.load_processes, "open", args.rate, 2)
    latency = run_phase(urls, token, services, args.clients, args.load_processes, "open", args.rate, args.seconds)
    before, children = cpu_ticks(), resource.getrusage(resource.RUSAGE_CHILDREN)
    capacity = run_phase(urls, token, services, args.clients, args.load_processes, "closed", None,
                         args.seconds / 2)
    # shares of the loaded window (the parts are all but idle in the phase's start delay and join)
    elapsed = args.seconds / 2
    done = resource.getrusage(resource.RUSAGE_CHILDREN)
    children_s = done.ru_utime + done.ru_stime - children.ru_utime - children.ru_stime
    capacity["cores_used"] = cpu_use(before, cpu_ticks(), children_s, elapsed)
    return {"capacity": capacity, "latency_at_rate": latency}


def run_ptsa(args, tmp: Path) -> dict:
    from tests.support.live import LiveServer
    import db
    from db.models import Service, Ticket
    url, drop = fresh_database(args.database_url, tmp, "ptsa")
    # as in production: the test suite's contract checks of every answer and event stay off
    env = {"PTSA_DATABASE_URL": url, "PTSA_SERVER_SECRET_KEY": "bench", "PTSA_VALIDATE_EVENTS": "0"}
    if args.processes > 1:
        env["PTSA_MESSAGE_QUEUE"] = os.environ.get("PTSA_MESSAGE_QUEUE", "redis://127.0.0.1:6379/0")
    servers, proxy = [], None
    try:
        servers = [LiveServer(tmp / f"server{i}", env=env, async_mode=args.async_mode) for i in range(args.processes)]
        servers[0].init()
        db.connect(url)
        with db.database.connection_context():
            Service.update(daily_cap=None).execute()   # the bench measures speed, not quotas
            services = [s.code for s in Service.select()]
        token = servers[0].kiosk_token("bench")
        for server in servers:
            server.start(timeout=60)
        urls = [s.url for s in servers]
        if args.processes > 1 and not args.no_nginx:
            from tests.scale.topology import Nginx
            proxy = Nginx([u.removeprefix("http://") for u in urls]).start()
            urls = [proxy.url]
        result = phases(urls, token, services, args)
        with db.database.connection_context():
            result["tickets_in_db"] = Ticket.select().count()
            result["unique_numbers"] = Ticket.select(Ticket.issued_for, Ticket.business_day,
                                                     Ticket.seq).distinct().count()
        db.database.close()
        if hasattr(db.database, "close_all"):
            db.database.close_all()
        return result
    finally:
        if proxy:
            proxy.stop()
        for server in servers:
            server.stop()
        drop()


def run_bare(args, tmp: Path) -> dict:
    import subprocess

    import requests
    from tests.support.live import free_port
    url, drop = fresh_database(args.database_url, tmp, "bare")
    port = free_port()
    proc = subprocess.Popen([sys.executable, str(Path(__file__).parent / "baselines" / "bare_tickets.py"),
                             "--port", str(port), "--database-url", url])
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                requests.get(base + "/healthz", timeout=1)
                break
            except requests.RequestException:
                time.sleep(0.1)
        return phases([base], None, ["PP", "PKB", "K3", "TKA"], args)
    finally:
        proc.terminate()
        proc.wait(10)
        drop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--processes", type=int, default=1, help="ptsa serve processes")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--rate", type=float, default=300)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--load-processes", type=int, default=2)
    parser.add_argument("--async-mode", default="eventlet")
    parser.add_argument("--no-nginx", action="store_true")
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()
    database = "postgresql" if args.database_url and not args.database_url.startswith("sqlite") else "sqlite"
    with tempfile.TemporaryDirectory() as tmp:
        ptsa = run_ptsa(args, Path(tmp))
        bare = None if args.no_baseline else run_bare(args, Path(tmp))
    report = {
        "benchmark": "ticket issuing", "async_mode": args.async_mode, "database": database,
        "server_processes": args.processes, "behind_nginx": args.processes > 1 and not args.no_nginx,
        "clients": args.clients, "load_processes": args.load_processes, "ptsa": ptsa,
    }
    if bare:
        report["bare_baseline"] = bare
        report["ratios_ptsa_over_bare"] = {
            "capacity": round(ptsa["capacity"]["tickets_per_s"] / bare["capacity"]["tickets_per_s"], 2),
            "p99_at_rate": round(ptsa["latency_at_rate"]["latency_ms"]["p99"]
                                 / max(bare["latency_at_rate"]["latency_ms"]["p99"], 0.1), 2),
        }
    report["targets"] = {"sqlite_capacity_vs_bare": ">= 0.6", "p99_ms_at_300_per_s": "<= 50",
                         "postgres_one_process_vs_sqlite": ">= 0.8"}
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
