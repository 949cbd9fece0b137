"""`ptsa catalog export` writes the live catalog back as TOML; `ptsa init --catalog` of that file into a
new office gives the same catalog, with the changes made in /admin (unit hours, a new service) kept."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import db
from db.catalog import dump_catalog, export_catalog, load_catalog, read_catalog
from intranet_server.actions import catalog as catalog_actions

ROOT = Path(__file__).resolve().parents[2]


def ptsa(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {"PTSA_SERVER_DATA_DIR": str(data_dir), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "intranet_server.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_export_then_init_round_trips_with_nothing_lost(database, tmp_path):
    catalog_actions.update_unit("admin", "PHIJSK-PK", {"hours": {"mon": ["08:00-12:00", "13:00-15:00"],
                                                                 "fri": ["08:00-11:00"]},
                                                       "timezone": "Asia/Makassar"})
    catalog_actions.create_service("admin", {"code": "AK1", "prefix": "Q", "name_id": "Kartu \"Kuning\" AK1",
                                             "name_en": "Job-seeker card", "owner": "PHIJSK-PK", "daily_cap": 40,
                                             "hours": {"opens_at": "08:00", "closes_at": "12:00", "days": ["sat"]}})
    catalog_actions.update_service("admin", "RTK", {"active": False, "sop_days": None})
    catalog_actions.update_booth("admin", 4, {"services": ["AK1", "PP"], "label": "Loket 4", "priority": True})
    live = export_catalog()
    assert next(b for b in live.booths if b["number"] == 4)["priority"] is True

    exported = tmp_path / "catalog.toml"
    exported.write_text(dump_catalog(live), encoding="utf-8")
    again = read_catalog(exported)      # checked like any catalog file
    assert (again.units, again.services, again.booths) == (live.units, live.services, live.booths)

    fresh = tmp_path / "fresh"
    init = ptsa(fresh, "init", "--catalog", str(exported))
    assert init.returncode == 0, init.stderr
    out = ptsa(fresh, "catalog", "export")
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n", 3)[3] == dump_catalog(live).split("\n", 3)[3] or \
        read_catalog_text(out.stdout, tmp_path) == (live.units, live.services, live.booths)


def read_catalog_text(text: str, tmp_path: Path):
    path = tmp_path / "second.toml"
    path.write_text(text, encoding="utf-8")
    c = read_catalog(path)
    return c.units, c.services, c.booths


def test_the_default_catalog_survives_export_and_load(database):
    first = export_catalog()
    with db.database.atomic():
        load_catalog(first)
    second = export_catalog()
    assert (first.units, first.services, first.booths) == (second.units, second.services, second.booths)
    assert {s["code"] for s in second.services} == {s["code"] for s in read_catalog().services}


def test_a_plain_init_keeps_the_catalog_edited_in_admin(tmp_path):
    data = tmp_path / "office"
    assert ptsa(data, "init").returncode == 0
    import sqlite3
    con = sqlite3.connect(data / "ptsa.db")
    con.execute("UPDATE service SET daily_cap = 42 WHERE code = 'PP'")
    con.commit()
    again = ptsa(data, "init")                      # an upgrade
    assert again.returncode == 0 and "kept the database's" in again.stdout
    assert con.execute("SELECT daily_cap FROM service WHERE code = 'PP'").fetchone()[0] == 42
    loaded = ptsa(data, "init", "--catalog", str(ROOT / "db" / "default_catalog.toml"))
    assert loaded.returncode == 0 and "13 services" in loaded.stdout
    assert con.execute("SELECT daily_cap FROM service WHERE code = 'PP'").fetchone()[0] == 200
