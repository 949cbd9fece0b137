"""A machine that cannot start the browser says why in one line, never a pytest INTERNALERROR."""
from __future__ import annotations

import os
import subprocess
import sys

from tests.support.live import ROOT

LOADER_ERROR = ("node: error while loading shared libraries: libatomic.so.1: "
                "cannot open shared object file: No such file or directory")


def test_a_driver_missing_a_library_is_named_in_one_line(tmp_path):
    node = tmp_path / "node"   # fails the way Playwright's driver does on a Debian without libatomic1
    node.write_text(f"#!/bin/sh\necho '{LOADER_ERROR}' >&2\nexit 127\n")
    node.chmod(0o755)
    env = dict(os.environ, PLAYWRIGHT_NODEJS_PATH=str(node), PTSA_REQUIRE_BROWSER="1")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q",
         "tests/test_voice_assets.py::test_voice_js_plays_in_chromium"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    out = result.stdout + result.stderr
    assert "INTERNALERROR" not in out
    first = out.splitlines()[0]
    assert first.startswith("PTSA: 1 browser test will fail") and "libatomic.so.1" in first, out
    assert result.returncode == 1 and "1 failed" in out, out
