"""Waiting for SQLite's write lock without stopping the server (db/sqlite.py).

sqlite3 waits for a busy lock in a C sleep; under eventlet that stopped every greenthread — the lock's
holder too when it was one of them — until the busy timeout ended in "database is locked"."""
from __future__ import annotations

import sqlite3
import threading
import time

import pytest
import requests
from peewee import OperationalError

from db.sqlite import GreenSqliteDatabase
from tests.support.live import LiveServer


def test_begin_waits_for_the_lock_then_takes_it_and_keeps_the_busy_timeout(tmp_path):
    path = tmp_path / "wait.db"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)   # released by a timer
    holder.execute("PRAGMA journal_mode = wal")
    holder.execute("CREATE TABLE t (x)")
    db = GreenSqliteDatabase(str(path), lock_type="IMMEDIATE", busy_timeout_ms=5000, timeout=5,
                             check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    released = threading.Timer(0.2, lambda: holder.execute("COMMIT"))
    released.start()
    with db.atomic():                          # waits the 0.2 s, then holds the lock itself
        db.execute_sql("INSERT INTO t VALUES (1)")
    released.join()
    assert db.execute_sql("PRAGMA busy_timeout").fetchone()[0] == 5000
    db.close()


def test_begin_gives_up_after_the_busy_timeout(tmp_path):
    path = tmp_path / "wait.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA journal_mode = wal")
    holder.execute("CREATE TABLE t (x)")
    db = GreenSqliteDatabase(str(path), lock_type="IMMEDIATE", busy_timeout_ms=150, timeout=1,
                             check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    with pytest.raises(OperationalError, match="locked"):
        with db.atomic():
            db.execute_sql("INSERT INTO t VALUES (1)")
    holder.execute("COMMIT")
    assert db.execute_sql("PRAGMA busy_timeout").fetchone()[0] == 150
    with db.atomic():                          # the connection is fine afterwards
        db.execute_sql("INSERT INTO t VALUES (2)")
    assert db.execute_sql("SELECT x FROM t").fetchall() == [(2,)]
    db.close()


def test_the_server_answers_while_a_request_waits_for_the_write_lock(tmp_path):
    """Another process (a `ptsa` command, a backup) holds the write lock: a kiosk's ticket waits for it,
    and meanwhile the eventlet server still answers everyone else. Before, the waiting request's C sleep
    stopped the whole process until the lock came free or ten seconds passed."""
    server = LiveServer(tmp_path / "office")
    server.init()
    token = server.kiosk_token("lobby-1")
    server.start()
    holder = sqlite3.connect(server.data_dir / "ptsa.db", isolation_level=None, timeout=10)
    try:
        holder.execute("BEGIN IMMEDIATE")
        answers = []
        kiosk = threading.Thread(target=lambda: answers.append(requests.post(
            server.url + "/api/v1/tickets", json={"service": "PP"},
            headers={"Authorization": f"Bearer {token}"}, timeout=30)), daemon=True)
        kiosk.start()
        time.sleep(0.5)                        # not a measurement: the ticket's request reaches its BEGIN first
        board = requests.get(server.url + "/api/v1/display", timeout=5)
        assert board.status_code == 200 and answers == []   # answered while the ticket still waits
        holder.execute("COMMIT")
        kiosk.join(30)
        assert answers[0].status_code == 201, answers[0].text
    finally:
        holder.close()
        server.stop()
