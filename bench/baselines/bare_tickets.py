"""A bare ticket server: the transaction of issuing a ticket (bump the day's counter, insert the
ticket, answer its number) on raw sqlite3 or psycopg2 in a minimal Flask app, served the way `ptsa
serve` is (eventlet, monkey-patched). No auth, no validation, no events: what PTSA is measured against.

    python bench/baselines/bare_tickets.py --port 8099 --database-url sqlite:///tmp/bare.db
"""
from __future__ import annotations

import argparse
import datetime as dt
import queue
import threading
from urllib.parse import urlparse

SCHEMA = [
    "CREATE TABLE IF NOT EXISTS bare_counter (service VARCHAR(20), day VARCHAR(10), value INTEGER NOT NULL, "
    "PRIMARY KEY (service, day))",
    "CREATE TABLE IF NOT EXISTS bare_ticket (id {serial} PRIMARY KEY, service VARCHAR(20) NOT NULL, "
    "day VARCHAR(10) NOT NULL, seq INTEGER NOT NULL, number VARCHAR(20) NOT NULL, issued_at VARCHAR(40) NOT NULL, "
    "UNIQUE (service, day, seq))",
]


def make_app(url: str):
    from flask import Flask, jsonify, request
    parsed = urlparse(url)
    postgres = parsed.scheme in ("postgres", "postgresql")
    mark = "%s" if postgres else "?"
    if postgres:
        import psycopg2

        def connect():
            return psycopg2.connect(url)
    else:
        import sqlite3
        path = url[len("sqlite:///"):]

        def connect():
            conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            return conn
    conn = connect()
    cur = conn.cursor()
    for statement in SCHEMA:
        cur.execute(statement.format(serial="SERIAL" if postgres else "INTEGER"))
    if postgres:
        conn.commit()
    conn.close()
    pool: queue.LifoQueue = queue.LifoQueue()
    lock = threading.Lock()

    def issue(service: str):
        try:
            conn = pool.get_nowait()
        except queue.Empty:
            conn = connect()
        try:
            cur = conn.cursor()
            day, now = dt.date.today().isoformat(), dt.datetime.now(dt.timezone.utc).isoformat()
            if not postgres:
                cur.execute("BEGIN IMMEDIATE")
            cur.execute(f"INSERT INTO bare_counter (service, day, value) VALUES ({mark}, {mark}, 1) "
                        f"ON CONFLICT (service, day) DO UPDATE SET value = bare_counter.value + 1 RETURNING value",
                        (service, day))
            seq = cur.fetchone()[0]
            number = f"{service[:1]}{seq:03d}"
            cur.execute(f"INSERT INTO bare_ticket (service, day, seq, number, issued_at) "
                        f"VALUES ({mark}, {mark}, {mark}, {mark}, {mark}) RETURNING id",
                        (service, day, seq, number, now))
            ticket_id = cur.fetchone()[0]
            conn.commit() if postgres else cur.execute("COMMIT")
            return {"id": ticket_id, "number": number, "service": service, "issued_at": now}
        except Exception:
            conn.rollback() if postgres else conn.execute("ROLLBACK")
            raise
        finally:
            with lock:
                pool.put(conn)

    app = Flask(__name__)

    @app.post("/api/v1/tickets")
    def tickets():
        return jsonify(issue((request.get_json(silent=True) or {}).get("service", "PP"))), 201

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}
    return app


def main() -> None:
    import eventlet
    eventlet.monkey_patch()
    import eventlet.wsgi
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--database-url", required=True)
    args = parser.parse_args()
    app = make_app(args.database_url)
    eventlet.wsgi.server(eventlet.listen(("127.0.0.1", args.port)), app, log_output=False)


if __name__ == "__main__":
    main()
