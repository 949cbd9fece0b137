"""An Idempotency-Key holds when the server dies half way, for real: a `ptsa serve` process on PostgreSQL,
a unit's system calling it, and the test holding the task's row lock so that the request stops inside its
transaction exactly where the test wants it — then the process is killed with -9, or a twin request with
the same key comes. The work, its answer and the key commit together, or none of them does."""
from __future__ import annotations

import threading
import time

import pytest
import requests

from tests.scale.topology import kill_hard
from tests.support.live import LiveServer
from tests.support.services import fresh_postgres_database

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]


@pytest.fixture
def office(tmp_path):
    """A live server on a fresh PostgreSQL database, a client of PHIJSK, and a task waiting in its inbox."""
    import psycopg2
    url, drop = fresh_postgres_database()
    server = LiveServer(tmp_path / "office", env={"PTSA_DATABASE_URL": url})
    try:
        server.init()
        token = server.kiosk_token("lobby-1")
        server.start()
        _, task = server.task_for_a_visitor(token, "Cek draf PP")
        assert task["unit"]["code"] == "PHIJSK"
        admin = server.login("admin")
        made = admin.post(server.url + "/api/v1/admin/clients", timeout=10,
                          json={"name": "phijsk-app", "unit": "PHIJSK", "scopes": ["tasks:read", "tasks:work"]})
        assert made.status_code == 201, made.text
        conn = psycopg2.connect(url)
        yield server, made.json()["secret"], task["id"], conn
        conn.close()
    finally:
        server.stop()
        drop()


def call(server, secret, path, key, **kwargs):
    return requests.post(server.url + path, timeout=30, **kwargs,
                         headers={"Authorization": f"Bearer {secret}", "Idempotency-Key": key})


def in_background(fn):
    """Run fn in a thread; the returned list gets its answer, or the exception it raised."""
    out = []

    def run():
        try:
            out.append(fn())
        except Exception as exc:   # noqa: BLE001 - the caller looks at what came back
            out.append(exc)
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, out


def waiting_for_locks(conn, count, timeout=20):
    """Until `count` transactions of the server wait for a lock (the test's row lock, or a twin's key)."""
    deadline = time.monotonic() + timeout
    with conn.cursor() as cur:
        while time.monotonic() < deadline:
            cur.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            if cur.fetchone()[0] >= count:
                return
            time.sleep(0.02)
    raise AssertionError(f"{count} requests never reached the lock")


def audited(conn, action, task_id):
    with conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM audit_event WHERE action = %s AND subject_id = %s", (action, task_id))
        return cur.fetchone()[0]


def test_a_request_killed_inside_its_transaction_is_done_once_by_its_retry(office):
    server, secret, task_id, conn = office
    holder = conn.cursor()
    holder.execute("SELECT id FROM task WHERE id = %s FOR UPDATE", (task_id,))   # the claim stops here
    thread, out = in_background(lambda: call(server, secret, f"/api/v1/tasks/{task_id}/claim", "claim-0001"))
    waiting_for_locks(conn, 1)
    kill_hard(server)                                  # dies with the key reserved and the claim half done
    thread.join(30)
    assert isinstance(out[0], requests.RequestException)
    conn.rollback()                                    # the row lock goes
    server.stop()
    server.start()

    retry = call(server, secret, f"/api/v1/tasks/{task_id}/claim", "claim-0001")
    assert retry.status_code == 200, retry.text        # not "the first request is still running"
    assert "Idempotent-Replayed" not in retry.headers
    assert retry.json()["assignee"]["username"] == "api:phijsk-app"
    again = call(server, secret, f"/api/v1/tasks/{task_id}/claim", "claim-0001")
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.content == retry.content
    conn.rollback()
    assert audited(conn, "task.claim", task_id) == 1


def test_twin_requests_with_one_key_act_once_and_answer_alike(office):
    """A retry sent while the first request still runs waits for it and gets its answer, replayed."""
    server, secret, task_id, conn = office
    assert call(server, secret, f"/api/v1/tasks/{task_id}/claim", "claim-0002").status_code == 200
    conn.rollback()
    holder = conn.cursor()
    holder.execute("SELECT id FROM task WHERE id = %s FOR UPDATE", (task_id,))
    comment = {"json": {"body": "Draf diterima sistem unit"}}
    first_thread, first = in_background(
        lambda: call(server, secret, f"/api/v1/tasks/{task_id}/comment", "comment-0001", **comment))
    waiting_for_locks(conn, 1)                         # the first holds the key, waits for the task
    twin_thread, twin = in_background(
        lambda: call(server, secret, f"/api/v1/tasks/{task_id}/comment", "comment-0001", **comment))
    waiting_for_locks(conn, 2)                         # the twin waits for the first's key
    conn.rollback()
    first_thread.join(30)
    twin_thread.join(30)
    assert first[0].status_code == twin[0].status_code == 200, (first[0].text, twin[0].text)
    assert "Idempotent-Replayed" not in first[0].headers and twin[0].headers["Idempotent-Replayed"] == "true"
    assert twin[0].content == first[0].content
    conn.rollback()
    assert audited(conn, "task.comment", task_id) == 1
