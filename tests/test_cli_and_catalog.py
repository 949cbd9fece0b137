"""The operator's command line and the catalog file."""
from __future__ import annotations

import sqlite3

import pytest
import requests

from db.catalog import CatalogError, read_catalog
from tests.support.live import LiveServer


@pytest.fixture
def cli(tmp_path):
    return LiveServer(tmp_path / "cli")


def test_default_catalog_matches_the_launch_plan():
    catalog = read_catalog()
    echelon1 = [u for u in catalog.units if u["echelon"] == 1]
    echelon2 = [u for u in catalog.units if u["echelon"] == 2]
    assert len(echelon1) == 7 and len(echelon2) == 33
    assert len(catalog.booths) == 9
    codes = {s["code"]: s for s in catalog.services}
    for code in ("DATA", "RTK", "MAGANG-IZIN", "MAGANG-REK", "SIPPTKI-REK", "SIPPTKI-PJG", "SIPPTKI-UBAH",
                 "DEPOSITO", "PKB", "PP", "K3", "WLKP", "TKA"):
        assert code in codes
    assert codes["DATA"]["sop_days"] == 3 and codes["RTK"]["sop_days"] == 3
    assert codes["PP"]["prefix"] == "P"


@pytest.mark.parametrize("text,message", [
    ("[[units]]\ncode='A'\nname='A'\necheloon=1\n", "missing 'echelon'"),
    ("[[units]]\ncode='A'\nname='A'\nechelon=2\n", "needs an echelon-1 'parent'"),
    ("[[units]]\ncode='A'\nname='A'\nechelon=1\n[[services]]\ncode='S'\nprefix='a'\nname_id='x'\n"
     "name_en='x'\nunit='A'\n", "prefix must be one or two capital letters"),
    ("[[units]]\ncode='A'\nname='A'\nechelon=1\n[[services]]\ncode='S'\nprefix='A'\nname_id='x'\n"
     "name_en='x'\nunit='B'\n", "unknown unit 'B'"),
    ("[[units]]\ncode='A'\nname='A'\nechelon=1\n[[services]]\ncode='S'\nprefix='A'\nname_id='x'\n"
     "name_en='x'\nunit='A'\nopens_at='7:30'\n", "opens_at must be HH:MM"),
    ("[[booths]]\nnumber=1\nservices=['NOPE']\n", "unknown service 'NOPE'"),
    ("this is not toml", "not valid TOML"),
])
def test_bad_catalogs_are_explained(tmp_path, text, message):
    path = tmp_path / "catalog.toml"
    path.write_text(text)
    with pytest.raises(CatalogError) as err:
        read_catalog(path)
    assert message in str(err.value)


def test_init_demo_then_kiosk_token_then_revoke(cli):
    result = cli.ptsa("init", "--demo")
    assert "40 units, 13 services, 9 booths" in result.stdout
    assert "demo logins" in result.stdout
    again = cli.ptsa("init")
    assert "already up to date" in again.stdout
    token = cli.kiosk_token("lobby-1")
    assert len(token) >= 40
    duplicate = cli.ptsa("kiosk-token", "lobby-1", check=False)
    assert duplicate.returncode == 2 and "exists" in duplicate.stderr
    bad = cli.ptsa("kiosk-token", "bad name!", check=False)
    assert bad.returncode == 2 and "kiosk name" in bad.stderr
    assert "revoked" in cli.ptsa("kiosk-token", "lobby-1", "--revoke").stdout
    con = sqlite3.connect(cli.data_dir / "ptsa.db")
    assert con.execute("select count(*) from staff").fetchone()[0] == 9 + 14 + 33 + 40 + 1 + 1   # + pimpinan
    assert con.execute("select revoked_at is not null from kiosk").fetchone()[0] == 1


def test_init_with_a_bad_catalog_writes_nothing(cli, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[[booths]]\nnumber=0\n")
    result = cli.ptsa("init", "--catalog", str(bad), check=False)
    assert result.returncode == 2 and "number must be a positive whole number" in result.stderr
    assert not (cli.data_dir / "ptsa.db").exists()


def test_bad_settings_are_explained(cli):
    cli.env["PTSA_QUEUE_POLICY"] = "random"
    result = cli.ptsa("init", check=False)
    assert result.returncode != 0 and "queue.policy must be one of" in result.stderr
    cli.env["PTSA_QUEUE_POLICY"] = "ratio"
    cli.env["PTSA_SERVER_PORT"] = "eighty"
    result = cli.ptsa("init", check=False)
    assert "PTSA_SERVER_PORT" in result.stderr and "whole number" in result.stderr
    cli.env.pop("PTSA_SERVER_PORT")
    for name, value, message in (("PTSA_QUEUE_RECALL_WINDOW", "soon", "queue.recall_window"),
                                 ("PTSA_QUEUE_MAX_WAIT", "-5m", "queue.max_wait"),
                                 ("PTSA_QUEUE_WAIT_HISTORY", "0", "queue.wait_history")):
        cli.env[name] = value
        result = cli.ptsa("init", check=False)
        assert result.returncode != 0 and message in result.stderr and "Traceback" not in result.stderr
        cli.env.pop(name)
    cli.env["PTSA_CONFIG"] = str(cli.data_dir / "missing.toml")
    result = cli.ptsa("init", check=False)
    assert "does not exist" in result.stderr


def test_serve_refuses_an_unmigrated_database(cli):
    cli.data_dir.mkdir(parents=True)
    result = cli.ptsa("serve", "--port", "1", check=False)
    assert result.returncode == 2 and "ptsa init" in result.stderr


def test_config_file_and_environment_override(tmp_path):
    from intranet_server.config import load_settings
    path = tmp_path / "ptsa.toml"
    path.write_text('[office]\nname = "PTSA Makassar"\ntimezone = "Asia/Makassar"\n[server]\nport = 9000\n')
    settings = load_settings(environ={"PTSA_CONFIG": str(path), "PTSA_SERVER_PORT": "9100",
                                      "PTSA_SERVER_DATA_DIR": str(tmp_path)})
    assert settings["office"]["timezone"] == "Asia/Makassar"
    assert settings["server"]["port"] == 9100
    assert settings["database"]["url"].startswith("sqlite:///") and str(tmp_path) in settings["database"]["url"]


def test_print_test_on_the_virtual_printer(cli, tmp_path):
    out = tmp_path / "printer"
    preview = tmp_path / "preview.png"
    result = cli.ptsa("print-test", "--printer", f"virtual:{out}", "--preview", str(preview))
    assert preview.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert list(out.glob("*.bin"))
    bad = cli.ptsa("print-test", "--printer", "carrier-pigeon", check=False)
    assert bad.returncode == 2 and "usb:" in (bad.stdout + bad.stderr)
    assert result.returncode == 0


def test_serve_on_a_taken_port_says_so(cli):
    import socket
    cli.init()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = cli.ptsa("serve", "--host", "127.0.0.1", "--port", str(port), check=False)
    assert result.returncode == 2 and f"cannot listen on 127.0.0.1:{port}" in result.stderr


def test_staff_accounts_from_the_command_line(cli, tmp_path):
    cli.init()
    ok = cli.ptsa("staff", "add", "dimas", "--name", "Dimas Pratama", "--role", "p0", "--booth", "3",
                  "--email", "dimas@kemnaker.example", "--phone", "+6281234567890", "--password", "rahasia123")
    assert "dimas: saved" in ok.stdout
    refused = [
        (("staff", "add", "dimas", "--name", "X", "--role", "p0", "--booth", "3", "--password", "rahasia123"),
         "exists"),
        (("staff", "add", "rina", "--name", "Rina", "--role", "p1", "--unit", "PHIJSK-PK", "--password", "x" * 9),
         "echelon-1 unit"),
        (("staff", "add", "andi", "--name", "Andi", "--role", "p0", "--password", "rahasia123"), "needs a booth"),
        (("staff", "add", "eko", "--name", "Eko", "--role", "p2", "--unit", "PHIJSK-PK", "--phone", "0812",
          "--password", "rahasia123"), "+6281234567890"),
        (("staff", "add", "eko", "--name", "Eko", "--role", "p2", "--unit", "PHIJSK-PK", "--password", "short"),
         "at least 10"),
        (("staff", "set", "nobody", "--name", "X"), "no staff account"),
        (("staff", "add", "Bad Name", "--name", "X", "--role", "admin", "--password", "rahasia123"), "username"),
    ]
    for args, message in refused:
        result = cli.ptsa(*args, check=False)
        assert result.returncode == 2 and message in result.stderr, (args, result.stderr)
    cli.ptsa("staff", "set", "dimas", "--booth", "4", "--disable")
    cli.ptsa("staff", "password", "dimas", "--password", "baru-rahasia-456")
    listing = cli.ptsa("staff", "list").stdout
    assert "dimas" in listing and "Booth 4" in listing and "(disabled)" in listing

    good = tmp_path / "staff.csv"
    good.write_text("username,full_name,role,unit,booth,email,phone,password\n"
                    "rina,Rina Wulandari,p1,PHIJSK,,rina@kemnaker.example,+6281300000001,rahasia123\n"
                    "dimas,,,,,,,\n"
                    "sup-hendra,Hendra,supervisor,PHIJSK-PK,,hendra@kemnaker.example,+6281300000002,rahasia123\n")
    assert "2 accounts added, 1 changed" in cli.ptsa("staff", "import", str(good)).stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("username,full_name,role,unit,password\n"
                   "andi,Andi,p2,PHIJSK-PK,rahasia123\n"
                   "eka,Eka,p2,NOPE,rahasia123\n")
    result = cli.ptsa("staff", "import", str(bad), check=False)
    assert result.returncode == 2 and "line 3 (eka)" in result.stderr and "unknown unit" in result.stderr
    assert "andi" not in cli.ptsa("staff", "list").stdout        # all or nothing


def test_a_disabled_account_cannot_sign_in(live_server):
    live_server.ptsa("staff", "set", "p0-05", "--disable")
    r = requests.post(live_server.url + "/api/v1/auth/login",
                      json={"username": "p0-05", "password": "demo12345"}, timeout=10)
    assert r.status_code == 401
