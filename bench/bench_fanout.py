"""Call -> every display: a real `ptsa serve` (eventlet, SQLite) against the bare Flask-SocketIO server
(bench/baselines/bare_socketio.py) emitting one event of the same size, to the same number of screens.

For each size (default 100 and 1,000 screens): connect the screens (websocket, spread over load
processes, in chunks), time the connecting and read the server's memory (RSS); then make `--calls`
calls one after another (PTSA: call-next, the tickets having been issued by a kiosk before the screens
connect; bare: POST /emit, both over a kept-alive HTTP connection) and stamp when each screen receives
it. PTSA and bare take turns `--rounds` times per size, on fresh servers each round. Figures: per-screen
delivery latency p50/p90/p99 from the moment the call was sent, over every round's deliveries,
delivered/expected, messages each display gets per call, each round's p50/p99, and the ratios PTSA / bare.

    python bench/bench_fanout.py [--screens 100,1000] [--calls 20] [--rounds 3] [--load-processes 4]
                                 [--chunk 50] [--ping 25s/20s]
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))] if values else None


def screens_process(url, n, chunk, connected, go_home, out):
    """`n` display screens; reports (connect seconds, [(call id, received at)], messages) per screen."""
    import socketio
    received, lock, clients = [], threading.Lock(), []

    def make():
        client = socketio.Client(reconnection=False)
        mine = {"calls": [], "messages": 0}

        def on_any(event, data):
            now = time.time()
            with lock:
                mine["messages"] += 1
                if event == "call" and isinstance(data, dict):
                    key = data["call"]["id"] if isinstance(data.get("call"), dict) else data.get("id")
                    mine["calls"].append((key, now, len(json.dumps(data))))
        client.on("*", on_any)
        received.append(mine)
        return client

    started = time.time()
    for start in range(0, n, chunk):
        batch = [make() for _ in range(min(chunk, n - start))]
        # as the display board connects: it asks for the `display` room only (the bare server ignores it)
        threads = [threading.Thread(target=c.connect, args=(url,), kwargs={
            "transports": ["websocket"], "wait_timeout": 60, "auth": {"rooms": ["display"]}}) for c in batch]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        clients.extend(batch)
    connected.put((time.time() - started, sum(c.connected for c in clients)))
    go_home.wait()
    for client, mine in zip(clients, received, strict=True):
        mine["dropped"] = not client.connected     # ping timeouts on an overloaded machine
    out.put(received)
    for c in clients:
        try:
            c.disconnect()
        except Exception:   # noqa: BLE001
            pass


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def measure(url, pid, n, args, call):
    """Connect n screens to `url`, make args.calls calls with `call(k)` -> sent-at, collect."""
    connected, out, go_home = mp.Queue(), mp.Queue(), mp.Event()
    per = [n // args.load_processes + (i < n % args.load_processes) for i in range(args.load_processes)]
    procs = [mp.Process(target=screens_process, args=(url, k, args.chunk, connected, go_home, out))
             for k in per if k]
    t0 = time.time()
    for p in procs:
        p.start()
    results = [connected.get(timeout=600) for _ in procs]
    connect_s = time.time() - t0
    up = sum(r[1] for r in results)
    memory = rss_mb(pid)
    time.sleep(1)
    sent = {}
    for k in range(args.calls):
        key, at = call(k)
        sent[key] = at
        time.sleep(args.spacing)
    time.sleep(args.settle)      # the last deliveries of a slow fan-out
    go_home.set()
    screens = [s for _ in procs for s in out.get(timeout=120)]
    for p in procs:
        p.join(60)
    latencies, sizes, messages = [], [], []
    for s in screens:
        for key, at, size in s["calls"]:
            if key in sent:
                latencies.append((at - sent[key]) * 1000)
                sizes.append(size)
        messages.append(s["messages"])
    dropped = sum(s["dropped"] for s in screens)
    return {"latencies": latencies, "screens": n, "connected": up, "connect_all_s": round(connect_s, 2),
            "server_rss_mb": memory,
            "calls": args.calls, "delivered": len(latencies), "expected": up * args.calls,
            "screens_dropped_by_the_end": dropped,
            "latency_ms": {q: round(percentile(latencies, v), 1) for q, v in (("p50", 50), ("p90", 90), ("p99", 99))}
            if latencies else None,
            "call_event_bytes": round(sum(sizes) / len(sizes)) if sizes else None,
            "messages_per_display_per_call": round(sum(messages) / max(1, len(messages)) / args.calls, 2)}


def run_ptsa(n, args, tmp, name=None):
    import requests

    from tests.support.live import LiveServer
    # as in production: the test suite's contract checks of every answer and event stay off
    env = {"PTSA_VALIDATE_EVENTS": "0"}
    if args.ping:
        env["PTSA_SERVER_PING_INTERVAL"], env["PTSA_SERVER_PING_TIMEOUT"] = args.ping.split("/")
    server = LiveServer(tmp / (name or f"ptsa{n}"), env=env)
    server.init()
    token = server.kiosk_token("bench")
    server.start(timeout=60)
    try:
        officer = server.login("p0-03")
        # The visitors arrive first: a ticket issued between calls would send its own lobby summary
        # (coalesced, 0.3 s later) into the middle of the next call's fan-out, and the figure is the call's.
        for _ in range(args.calls):
            requests.post(server.url + "/api/v1/tickets", json={"service": "PP"}, timeout=30,
                          headers={"Authorization": f"Bearer {token}"}).raise_for_status()
        time.sleep(1)

        def call(k):
            at = time.time()
            r = officer.post(server.url + "/api/v1/queue/call-next", timeout=30)
            return r.json()["id"], at
        return measure(server.url, server.proc.pid, n, args, call)
    finally:
        server.stop()


def run_bare(n, args, size):
    import requests

    from tests.support.live import free_port
    port = free_port()
    proc = subprocess.Popen([sys.executable, str(Path(__file__).parent / "baselines" / "bare_socketio.py"),
                             "--port", str(port)])
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                requests.get(url + "/healthz", timeout=1)
                break
            except requests.RequestException:
                time.sleep(0.1)

        client = requests.Session()   # kept alive, as PTSA's officer's

        def call(k):
            at = time.time()
            client.post(url + "/emit", json={"id": k, "size": size}, timeout=30)
            return k, at
        return measure(url, proc.pid, n, args, call)
    finally:
        proc.terminate()
        proc.wait(10)


def pooled(runs: list[dict]) -> dict:
    """Several rounds of one side as one: latency percentiles over every delivery of every round, the
    median round's connecting time and memory, the sums of the counts."""
    def median(key):
        return sorted(r[key] for r in runs)[len(runs) // 2]
    latencies = [x for r in runs for x in r["latencies"]]
    return {"screens": runs[0]["screens"], "rounds": len(runs), "connected": sum(r["connected"] for r in runs),
            "connect_all_s": median("connect_all_s"), "server_rss_mb": median("server_rss_mb"),
            "calls": sum(r["calls"] for r in runs), "delivered": sum(r["delivered"] for r in runs),
            "expected": sum(r["expected"] for r in runs),
            "screens_dropped_by_the_end": sum(r["screens_dropped_by_the_end"] for r in runs),
            "latency_ms": {q: round(percentile(latencies, v), 1) for q, v in (("p50", 50), ("p90", 90), ("p99", 99))}
            if latencies else None,
            "call_event_bytes": runs[0]["call_event_bytes"],
            "messages_per_display_per_call": median("messages_per_display_per_call")}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--screens", default="100,1000")
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--spacing", type=float, default=0.5, help="seconds between calls")
    parser.add_argument("--settle", type=float, default=10, help="seconds to wait for the last deliveries")
    parser.add_argument("--load-processes", type=int, default=4)
    parser.add_argument("--chunk", type=int, default=50, help="screens connecting at once per load process")
    parser.add_argument("--rounds", type=int, default=3, help="PTSA and bare take turns this many times per size")
    parser.add_argument("--ping", default="", help='PTSA\'s ping interval/timeout, e.g. "25s/20s" (default: '
                        "the server's setting, 10s/10s; the bare server keeps python-socketio's 25/20)")
    args = parser.parse_args()
    report = {"benchmark": "call -> every display", "async_mode": "eventlet", "database": "sqlite",
              "load_processes": args.load_processes, "runs": []}
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(x) for x in args.screens.split(",")):
            # PTSA and bare take turns, each round on fresh servers: the load generators share the machine
            # with the server, and one run each drifts by ±20% from the next; the figures pool every round
            rounds = []
            for r in range(args.rounds):
                ptsa = run_ptsa(n, args, Path(tmp), name=f"ptsa{n}-{r}")
                bare = run_bare(n, args, ptsa["call_event_bytes"] or 1000)
                rounds.append((ptsa, bare))
            ptsa, bare = pooled([p for p, _ in rounds]), pooled([b for _, b in rounds])
            ratio = {}
            if ptsa["latency_ms"] and bare["latency_ms"]:
                ratio = {q: round(ptsa["latency_ms"][q] / max(bare["latency_ms"][q], 0.1), 2) for q in ("p50", "p99")}
            ratio["connect_all"] = round(ptsa["connect_all_s"] / max(bare["connect_all_s"], 0.01), 2)
            ratio["server_rss"] = round(ptsa["server_rss_mb"] / max(bare["server_rss_mb"], 0.1), 2)
            report["runs"].append({"ptsa": ptsa, "bare": bare, "ratios_ptsa_over_bare": ratio, "rounds": [
                {side: {"p50": run["latency_ms"]["p50"] if run["latency_ms"] else None,
                        "p99": run["latency_ms"]["p99"] if run["latency_ms"] else None,
                        "connect_all_s": run["connect_all_s"], "server_rss_mb": run["server_rss_mb"]}
                 for side, run in (("ptsa", p), ("bare", b))} for p, b in rounds]})
    report["targets"] = {"latency_p50_p99_vs_bare": "<= 1.2", "connect_1000_vs_bare": "<= 2",
                         "rss_1000_vs_bare": "<= 1.2"}
    report["load_average"] = os.getloadavg()
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
