"""Large blocks go back to the system once freed (intranet_server/ops/memory.py)."""
from __future__ import annotations

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
