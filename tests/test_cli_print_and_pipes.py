"""`ptsa print-test` prints what the office would print; every `ptsa` listing ends quietly on a
closed pipe (`ptsa staff list | head`)."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.support.live import ROOT, LiveServer


@pytest.fixture
def cli(tmp_path):
    return LiveServer(tmp_path / "cli")


def test_print_test_uses_the_services_letter_the_office_zone_and_name(cli, tmp_path):
    cli.init()
    out_dir = tmp_path / "printed"
    cli.env.update({"PTSA_OFFICE_NAME": "PTSA Kantor Makassar", "PTSA_OFFICE_TIMEZONE": "Asia/Makassar",
                    "TZ": "UTC"})
    result = cli.ptsa("print-test", "--printer", f"virtual:{out_dir}")
    assert "P001" in result.stdout and "A001" not in result.stdout, result.stdout
    assert "WITA" in result.stdout and "PTSA Kantor Makassar" in result.stdout
    data = next(out_dir.glob("*.bin")).read_bytes()
    assert b"P001" in data and b"PTSA Kantor Makassar" in data and b"WITA" in data
    assert b"Pengesahan Peraturan Perusahaan" in data


def test_print_test_without_a_database_takes_the_catalogs_sample(cli, tmp_path):
    out_dir = tmp_path / "printed"   # a kiosk machine: no database file at all
    result = cli.ptsa("print-test", "--printer", f"virtual:{out_dir}")
    assert "P001" in result.stdout and "WIB" in result.stdout
    assert not (cli.data_dir / "ptsa.db").exists()


@pytest.mark.parametrize("args", [("staff", "list"), ("calendar", "list"), ("outbox",)])
def test_a_listing_into_a_closed_pipe_ends_without_a_traceback(cli, args):
    cli.init()
    reader, writer = os.pipe()
    os.close(reader)  # the reader has gone before the first line, as `| head` may have
    try:
        result = subprocess.run([sys.executable, "-m", "intranet_server.cli", *args], env=cli.env, cwd=ROOT,
                                stdout=writer, stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(writer)
    assert "Traceback" not in result.stderr and "BrokenPipeError" not in result.stderr, result.stderr
    assert result.returncode == 141
