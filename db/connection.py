"""Choosing and opening the database.

SQLite (the default) runs in WAL mode with IMMEDIATE transactions and a busy timeout:
a write transaction takes the write lock at BEGIN, so a read-then-write never fails
half way with "database is locked". PostgreSQL goes through psycopg2, which cooperates
with eventlet (psycopg 3 does not).
"""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

from peewee import PostgresqlDatabase, SqliteDatabase
from playhouse.migrations import Runner
from db.models import database
from db.postgres import PostgresDatabase
from db.sqlite import GreenSqliteDatabase

MIGRATIONS_DIR = Path(__file__).with_name("migrations")

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": "normal",  # safe with WAL; a power cut loses at most the last commits
    "foreign_keys": 1,
    "busy_timeout": 10000,
    # Checkpoints are run every few seconds by the server (checkpoint()); the automatic one, inside
    # whichever commit crosses the threshold, stalled every request behind it. This is a safety net.
    "wal_autocheckpoint": 10000,
}


def connect(url: str):
    """Bind the models to the database named by `url` and return that database.

    `sqlite:///path/to/file.db` or `postgresql://user@host:5432/name`.
    """
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = url[len("sqlite:///"):] if url.startswith("sqlite:///") else parsed.path
        if not path:
            raise ValueError(f"DATABASE_URL {url!r} names no SQLite file (use sqlite:///path/to/ptsa.db)")
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # Pooled: closing the last connection to a WAL database checkpoints it, which cost more
        # than the whole request when every request opened and closed its own connection.
        # BEGIN waits for the write lock without stopping the other greenthreads (db/sqlite.py)
        db = GreenSqliteDatabase(path, pragmas=SQLITE_PRAGMAS, lock_type="IMMEDIATE",
                                 busy_timeout_ms=SQLITE_PRAGMAS["busy_timeout"],
                                 check_same_thread=False, timeout=10,
                                 max_connections=int(os.environ.get("PTSA_DB_POOL", "20")),
                                 stale_timeout=600)
    elif parsed.scheme in ("postgres", "postgresql"):
        kwargs = dict(
            database=(parsed.path or "/").lstrip("/") or None,
            user=parsed.username, password=parsed.password,
            host=parsed.hostname, port=parsed.port or 5432,
        )
        pool_size = int(os.environ.get("PTSA_DB_POOL", "20"))
        # timeout: wait for a free connection instead of failing at once when the pool is busy.
        db = PostgresDatabase(max_connections=pool_size, stale_timeout=300, timeout=30, **kwargs)
    else:
        raise ValueError(f"DATABASE_URL {url!r}: use sqlite:///FILE or postgresql://USER@HOST/DB")
    database.initialize(db)
    return db


def is_postgres() -> bool:
    return isinstance(database.obj, PostgresqlDatabase)


def locked(model, row_id):
    """The row with this id, locked until the transaction ends, or None: FOR UPDATE on PostgreSQL;
    SQLite's IMMEDIATE write transaction already keeps every other writer out."""
    from db.prepared import by_id   # (db.prepared imports db.models, as this module does)
    rows = by_id(model, lock=True).rows(model, id=row_id)
    return rows[0] if rows else None


def _runner() -> Runner:
    return Runner(database.obj, directory=str(MIGRATIONS_DIR))


def pending_migrations() -> list[str]:
    with database.connection_context():
        return [m.name for m in _runner().status() if not m.applied and m.path]


def migrate() -> list[str]:
    """Apply every pending migration in order; returns their names."""
    with database.connection_context():
        return _runner().up()


def checkpoint() -> None:
    """Copy the SQLite write-ahead log back into the database file (no-op on PostgreSQL)."""
    if isinstance(database.obj, SqliteDatabase):
        with database.connection_context():
            database.execute_sql("PRAGMA wal_checkpoint(PASSIVE)")
