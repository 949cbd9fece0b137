"""`ptsa check`: one verdict line per item, against real peers; non-zero exit on any FAIL."""
from __future__ import annotations

import time

from tests.ops.conftest import sms_env
from tests.support.live import LiveServer, free_port


def lines(done) -> dict[str, str]:
    """{"database": "OK    database  ..."} from the command's output."""
    return {line.split()[1]: line for line in done.stdout.splitlines()}


def test_everything_ok(tmp_path, mailbox, gateway):
    config = tmp_path / "ptsa.toml"
    config.write_text(f'[smtp]\nhost = "127.0.0.1"\nport = {mailbox.port}\n\n[sms]\nurl = "{gateway.url}"\n\n'
                      '[kiosk]\noffice = "PTSA Kemnaker"\n')   # a kiosk-only key: not "unknown"
    server = LiveServer(tmp_path / "d", env={"PTSA_CONFIG": str(config)})
    server.init()
    done = server.ptsa("check", "--printer", f"virtual:{tmp_path / 'printer'}", check=False)
    assert done.returncode == 0, done.stdout
    got = lines(done)
    assert got["settings"] == f"OK    settings  {config}"
    assert got["catalog"].startswith("OK    catalog   ") and "40 units, 13 services, 9 booths" in got["catalog"]
    assert got["database"].endswith("schema up to date") and got["database"].startswith("OK")
    assert got["smtp"].startswith(f"OK    smtp      127.0.0.1:{mailbox.port} (plain) answers: 250")
    assert got["sms"] == (f"OK    sms       http_json gateway {gateway.url} answers (HTTP 501 to HEAD; "
                          "no message sent)")
    assert got["printer"] == f"OK    printer   virtual:{tmp_path / 'printer'}: online, paper ok"
    assert mailbox.received() == [] and gateway.received() == []   # reach only: nothing was sent


def test_failures_each_say_why(tmp_path, silent):
    smtp_port = free_port()
    config = tmp_path / "ptsa.toml"
    config.write_text(f'[smtp]\nhost = "127.0.0.1"\nport = {smtp_port}\n\n'
                      f'[sms]\nurl = "http://127.0.0.1:{silent.port}/sms"\ntimeout = "1s"\n\n'
                      '[server]\nmax_clinets = 10\n')
    server = LiveServer(tmp_path / "d", env={"PTSA_CONFIG": str(config)})
    server.ptsa("init")
    (tmp_path / "d" / "ptsa.db").unlink()
    import sqlite3
    sqlite3.connect(tmp_path / "d" / "ptsa.db").close()   # a database file with no schema yet
    done = server.ptsa("check", "--printer", f"network:127.0.0.1:{free_port()}", check=False)
    assert done.returncode == 1
    got = lines(done)
    assert got["settings"] == (f"WARN  settings  {config}: unknown setting(s) server.max_clinets "
                               "(a typo? they are ignored)")
    from db.connection import MIGRATIONS_DIR
    every = len(list(MIGRATIONS_DIR.glob("0*.py")))
    assert got["database"].startswith("FAIL  database  sqlite:///")
    assert f"{every} migration(s) pending" in got["database"]
    assert got["database"].endswith("run `ptsa init`")
    assert got["smtp"] == (f"FAIL  smtp      connection refused by 127.0.0.1:{smtp_port} "
                           "(is the relay running? check [smtp] host and port)")
    assert got["sms"] == f"FAIL  sms       timeout: http://127.0.0.1:{silent.port}/sms did not answer within 1s"
    assert got["printer"].startswith("FAIL  printer   network:127.0.0.1:") and "Connection refused" in got["printer"]


def test_the_working_calendars_holidays_are_checked(tmp_path):
    """The holiday list comes from the holidays package in a child process; an install where it does not
    load fails here, with the child's reason, and not at the first request that needs a deadline."""
    server = LiveServer(tmp_path / "d", env={"PTSA_CALENDAR_MODE": "office"})
    server.init()
    done = server.ptsa("check", check=False)
    assert done.returncode == 0, done.stdout
    calendar = lines(done)["calendar"]
    assert calendar.startswith("OK    calendar  holidays ") and " public holidays and " in calendar, calendar
    broken = tmp_path / "broken" / "holidays"
    broken.mkdir(parents=True)
    (broken / "__init__.py").write_text('raise ImportError("the holidays package is damaged")\n')
    server.env["PYTHONPATH"] = str(broken.parent)   # found before the installed one, by the child too
    done = server.ptsa("check", check=False)
    assert done.returncode == 1
    assert lines(done)["calendar"].startswith("FAIL  calendar  the holiday list for [")
    assert "ImportError: the holidays package is damaged" in lines(done)["calendar"]
    server.env["PTSA_CALENDAR_HOLIDAYS"] = "none"   # the way out the message names
    assert lines(server.ptsa("check", check=False))["calendar"].startswith("WARN  calendar  public holidays off")


def test_a_settings_file_with_a_password_readable_by_everyone(tmp_path):
    config = tmp_path / "ptsa.toml"
    config.write_text('[smtp]\nhost = ""\npassword = "rahasia"\n')
    config.chmod(0o644)
    server = LiveServer(tmp_path / "d", env={"PTSA_CONFIG": str(config)})
    assert lines(server.ptsa("check", check=False))["settings"] == (
        f"WARN  settings  {config} holds smtp.password and every user of this machine can read it: "
        f"chmod o-r {config}")
    config.chmod(0o640)
    assert lines(server.ptsa("check", check=False))["settings"] == f"OK    settings  {config}"


def test_bad_settings_and_catalog(tmp_path):
    config = tmp_path / "ptsa.toml"
    config.write_text('[queue]\npolicy = "lottery"\n')
    catalog = tmp_path / "catalog.toml"
    catalog.write_text("[[services]]\ncode = 'X'\n")
    server = LiveServer(tmp_path / "d", env={"PTSA_CONFIG": str(config)})
    done = server.ptsa("check", "--catalog", str(catalog), check=False)
    assert done.returncode == 1
    got = lines(done)
    assert got["settings"] == "FAIL  settings  queue.policy must be one of strict, ratio, fifo"
    assert got["catalog"] == f"FAIL  catalog   {catalog}: services[0]: missing 'prefix'"
    assert got["database"] == "FAIL  database  not checked: the settings do not load"


def test_unconfigured_channels_that_alerts_use_are_warnings(tmp_path):
    server = LiveServer(tmp_path / "d")
    server.init()
    done = server.ptsa("check", check=False)
    assert done.returncode == 0, done.stdout
    got = lines(done)
    assert got["settings"].startswith("WARN  settings  no settings file")
    assert got["smtp"] == "WARN  smtp      not configured ([smtp] host is empty): alerts by e-mail are off"
    assert got["sms"] == "WARN  sms       not configured ([sms] url is empty): alerts by SMS are off"
    assert "printer" not in got


def test_gammu_gateway(tmp_path, gammu_stopped):
    server = LiveServer(tmp_path / "d", env=sms_env(gammu_stopped))
    server.init()
    done = server.ptsa("check", check=False)
    assert done.returncode == 1
    assert lines(done)["sms"] == ("FAIL  sms       gammu: gammu-smsd does not run (Failed to map shared memory "
                                  "segment!, Error 2: No such file or directory); SMS wait in its outbox until "
                                  "it does (systemctl start gammu-smsd)")
    gammu_stopped.start()
    try:
        expected = (f"OK    sms       gammu via {gammu_stopped.config}: gammu-smsd runs (signal 42%, sent 0, "
                    f"failed 0), 0 waiting in {gammu_stopped.folders['outbox']}")
        # The daemon maps its status memory first and reads the (dummy) phone's signal a moment later:
        # until then it answers FAIL, then "signal 0%". Wait for the phone's figures, not just the memory.
        deadline = time.monotonic() + 20
        while (sms := lines(server.ptsa("check", check=False))["sms"]) != expected and time.monotonic() < deadline:
            time.sleep(0.2)
        assert sms == expected
        (gammu_stopped.folders["error"] / "OUTC20261201_000000_00_+62812_sms0.smsbackup").write_text("x")
        assert "1 message(s) the modem could not send" in lines(server.ptsa("check", check=False))["sms"]
    finally:
        gammu_stopped.stop()
    server.env["PTSA_SMS_GAMMU_CONFIG"] = str(tmp_path / "nope")
    done = server.ptsa("check", check=False)
    assert done.returncode == 1
    assert lines(done)["sms"] == f"FAIL  sms       gammu: cannot read {tmp_path / 'nope'} ([sms] gammu_config)"


def test_an_unreachable_postgres_database(tmp_path):
    port = free_port()
    server = LiveServer(tmp_path / "d", env={"PTSA_DATABASE_URL": f"postgresql://ptsa:geheim@127.0.0.1:{port}/ptsa"})
    done = server.ptsa("check", check=False)
    assert done.returncode == 1
    line = lines(done)["database"]
    assert line.startswith(f"FAIL  database  postgresql://ptsa:***@127.0.0.1:{port}/ptsa: ")   # no password shown
    assert "Connection refused" in line and "geheim" not in done.stdout


def test_on_a_kiosk_machine(tmp_path):
    server = LiveServer(tmp_path / "server")
    server.init()
    token = server.kiosk_token("lobby-1")
    server.start()
    printer = f"virtual:{tmp_path / 'tickets'}"
    kiosk = LiveServer(tmp_path / "kiosk", env={"PTSA_KIOSK_SERVER": server.url, "PTSA_KIOSK_TOKEN": token,
                                                "PTSA_KIOSK_PRINTER": printer, "PTSA_KIOSK_ADMIN_PIN": "2468"})
    try:
        done = kiosk.ptsa("check", "--kiosk", check=False)
        assert done.returncode == 0, done.stdout
        got = lines(done)
        assert got["kiosk"] == f"OK    kiosk     settings of the kiosk (server {server.url})"
        assert got["server"] == f"OK    server    {server.url}: /healthz answered 200 ok"
        assert got["token"] == "OK    token     the server accepts this kiosk's token"
        assert got["printer"] == f"OK    printer   {printer}: online, paper ok"
        assert "database" not in got   # a kiosk has none
        assert not (tmp_path / "kiosk" / "ptsa.db").exists()
        kiosk.env["PTSA_KIOSK_TOKEN"] = "not-the-token"
        done = kiosk.ptsa("check", "--kiosk", check=False)
        assert done.returncode == 1
        assert lines(done)["token"].startswith("FAIL  token     the server refused this kiosk's token")
    finally:
        server.stop()
    done = kiosk.ptsa("check", "--kiosk", check=False)
    assert done.returncode == 1
    assert lines(done)["server"].startswith(f"FAIL  server    cannot reach {server.url}: ")
    assert lines(done)["printer"].startswith("OK")
