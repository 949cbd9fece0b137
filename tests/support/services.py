"""Access to the real PostgreSQL and Redis services used by some tests.

Where a service is absent the test is skipped with the reason, unless
PTSA_REQUIRE_SERVICES=1 (set in .ci/run): then its absence is a failure.
"""
from __future__ import annotations

import os
import uuid

import pytest

POSTGRES_URL = os.environ.get("PTSA_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("PTSA_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
REQUIRED = os.environ.get("PTSA_REQUIRE_SERVICES") == "1"


def unavailable(reason: str):
    if REQUIRED:
        pytest.fail(f"{reason} (PTSA_REQUIRE_SERVICES=1 makes this a failure)")
    pytest.skip(reason)


def fresh_postgres_database() -> tuple[str, callable]:
    """Create an empty database on the test server; returns its URL and a function that drops it."""
    try:
        import psycopg2
        from urllib.parse import urlparse
        base = urlparse(POSTGRES_URL)
        admin = psycopg2.connect(POSTGRES_URL, connect_timeout=3)
    except Exception as exc:   # noqa: BLE001 - any failure means: no PostgreSQL here
        unavailable(f"PostgreSQL not reachable at {POSTGRES_URL}: {exc}")
    admin.autocommit = True
    name = f"ptsa_test_{uuid.uuid4().hex[:10]}"
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    url = base._replace(path=f"/{name}").geturl()

    def drop():
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
    return url, drop


def redis_url() -> str:
    try:
        import redis
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as exc:   # noqa: BLE001
        unavailable(f"Redis not reachable at {REDIS_URL}: {exc}")
    return REDIS_URL
