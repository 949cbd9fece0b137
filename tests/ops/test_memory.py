"""Large blocks go back to the system once freed (intranet_server/ops/memory.py)."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

SIGN_INS = textwrap.dedent("""
    import sys
    from db.passwords import hash_password, verify_password
    if sys.argv[1] == "serve":
        from intranet_server.ops.memory import return_large_blocks
        assert return_large_blocks()
    def anon_kb():
        return next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("RssAnon"))
    stored = hash_password("a password")           # the first scrypt buffer: mapped, then unmapped
    before = anon_kb()
    for _ in range(3):
        assert verify_password("a password", stored)
    print(anon_kb() - before)
""")


def _growth_kb(mode: str) -> int:
    done = subprocess.run([sys.executable, "-c", SIGN_INS, mode], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return int(done.stdout)


def test_a_sign_in_leaves_no_scrypt_buffer_behind():
    """Each password check allocates 16 MB (scrypt n=2**14, r=8). glibc's default raised its mapping
    threshold after the first one, so the next buffers came from the heap and stayed: 16 MB more in every
    server process. `ptsa serve` sets the threshold, and the buffer is unmapped after each check."""
    if not sys.platform.startswith("linux") or "glibc" not in " ".join(__import__("platform").libc_ver()):
        pytest.skip("glibc's malloc only")
    assert _growth_kb("plain") > 12_000, "control: without the setting the buffer stays (glibc's default)"
    assert _growth_kb("serve") < 4_000


STARTS_SERVING = textwrap.dedent("""
    import os, sys
    sys.argv = ["ptsa", "serve"]
    import intranet_server.cli   # what `ptsa serve` does before anything else: patch, then its driver choice
    import db
    db.connect(os.environ["PTSA_DATABASE_URL"])
    print(sys.modules.get("psycopg2") is not None)
""")


def _loads_psycopg2(url: str, mode: str) -> bool:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PTSA_") and k != "DATABASE_URL"}
    env.update(PTSA_DATABASE_URL=url, PTSA_ASYNC_MODE=mode)
    done = subprocess.run([sys.executable, "-c", STARTS_SERVING], capture_output=True, text=True, timeout=60,
                          env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip() == "True"


@pytest.mark.parametrize("mode", ["eventlet", "threading"])
def test_a_server_on_sqlite_does_not_load_the_postgresql_driver(tmp_path, mode):
    """eventlet's monkey patch and peewee import psycopg2 whenever it is installed: libpq and the libraries
    it links held ≈ 5 MB of every SQLite server's memory. `ptsa serve` on SQLite leaves it out; on
    PostgreSQL it is there."""
    pytest.importorskip("psycopg2")
    assert not _loads_psycopg2(f"sqlite:///{tmp_path / 'ptsa.db'}", mode)
    assert _loads_psycopg2("postgresql://postgres@127.0.0.1:5432/test", mode)   # the control; connecting is lazy
