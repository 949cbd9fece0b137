"""The operator's command line and the catalog file."""
from __future__ import annotations

import sqlite3

import pytest

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
    assert con.execute("select count(*) from staff").fetchone()[0] == 9 + 14 + 33 + 40 + 1
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
