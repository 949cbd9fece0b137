"""`ptsa check`: one verdict line per item, against real peers; non-zero exit on any FAIL."""
from __future__ import annotations

from tests.ops.conftest import sms_env
from tests.support.live import LiveServer, free_port


def lines(done) -> dict[str, str]:
    """{"database": "OK    database  ..."} from the command's output."""
    return {line.split()[1]: line for line in done.stdout.splitlines()}


def test_everything_ok(tmp_path, mailbox, gateway):
    config = tmp_path / "ptsa.toml"
    config.write_text(f'[smtp]\nhost = "127.0.0.1"\nport = {mailbox.port}\n\n[sms]\nurl = "{gateway.url}"\n')
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
    server = LiveServer(tmp_path / "d", env={"PTSA_CONFIG": str(config)})   # no `ptsa init`
    done = server.ptsa("check", "--printer", f"network:127.0.0.1:{free_port()}", check=False)
    assert done.returncode == 1
    got = lines(done)
    assert got["settings"] == (f"WARN  settings  {config}: unknown setting(s) server.max_clinets "
                               "(a typo? they are ignored)")
    assert got["database"].startswith("FAIL  database  sqlite:///") and "3 migration(s) pending" in got["database"]
    assert got["database"].endswith("run `ptsa init`")
    assert got["smtp"] == (f"FAIL  smtp      connection refused by 127.0.0.1:{smtp_port} "
                           "(is the relay running? check [smtp] host and port)")
    assert got["sms"] == f"FAIL  sms       timeout: http://127.0.0.1:{silent.port}/sms did not answer within 1s"
    assert got["printer"].startswith("FAIL  printer   network:127.0.0.1:") and "Connection refused" in got["printer"]


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
    assert lines(done)["sms"] == (f"OK    sms       gammu via {gammu_stopped.config}: 0 waiting in "
                                  f"{gammu_stopped.folders['outbox']}")
    (gammu_stopped.folders["error"] / "OUTC20261201_000000_00_+62812_sms0.smsbackup").write_text("x")
    assert "1 message(s) the modem could not send" in lines(server.ptsa("check", check=False))["sms"]
    server.env["PTSA_SMS_GAMMU_CONFIG"] = str(tmp_path / "nope")
    done = server.ptsa("check", check=False)
    assert done.returncode == 1
    assert lines(done)["sms"] == f"FAIL  sms       gammu: cannot read {tmp_path / 'nope'} ([sms] gammu_config)"
