"""SMS with no internet: `[sms] kind = "gammu"` hands alerts to a REAL gammu-smsd (files backend,
dummy phone driver), which sends them and moves them to its sent folder. Injection failures keep the
outbox's retry semantics."""
from __future__ import annotations

import copy
import datetime as dt

import pytest

from db.models import Staff
from db.task_models import Outbox
from intranet_server import clock, sla
from intranet_server.config import ConfigError, load_settings
from intranet_server.sla import engine, outbox
from intranet_server.sla.sms import normalize_number
from intranet_server.sla.notify_test import send_test
from tests.ops.conftest import sms_env
from tests.support.live import LiveServer
from tests.tasks.helpers import new_task


def gammu_settings(settings, gammu, **extra):
    changed = copy.deepcopy(settings)
    changed["sms"].update(kind="gammu", url="", gammu_config=str(gammu.config), timeout="10s", **extra)
    changed["outbox"].update(retry_base="10s", retry_max="1m", max_attempts=3)
    sla.configure(changed)
    return changed


def queue_sms(to: str, body: str) -> Outbox:
    now = clock.now()
    return Outbox.create(channel="sms", address=to, body=body, created_at=now, next_attempt_at=now)


def test_the_setting_accepts_gammu_under_kind_or_gateway(tmp_path):
    assert load_settings(environ={"PTSA_SMS_KIND": "gammu"})["sms"]["kind"] == "gammu"
    path = tmp_path / "ptsa.toml"
    path.write_text('[sms]\ngateway = "gammu"\ngammu_config = "/etc/gammu-smsdrc"\n')
    settings = load_settings(str(path), environ={})
    assert settings["sms"]["kind"] == "gammu"
    path.write_text('[sms]\ngateway = "carrier-pigeon"\n')
    with pytest.raises(ConfigError, match="sms.kind must be one of http_json, gammu"):
        load_settings(str(path), environ={})


def test_an_alert_sms_goes_through_the_daemon_to_its_sent_folder(ops_settings, gammu, frozen_clock):
    settings = gammu_settings(ops_settings, gammu)
    settings["smtp"]["host"] = ""                # SMS only
    assert sla.channel_enabled("sms")            # no [sms] url needed for gammu
    new_task()                                   # nobody picks it up: a breach after 15 minutes
    clock.advance(dt.timedelta(minutes=16))
    engine.sweep()
    [row] = Outbox.select().where(Outbox.channel == "sms")
    phone = normalize_number(Staff.get(Staff.username == "sup-phijsk").phone)
    assert normalize_number(row.address) == phone
    outbox.deliver_due(clock.now())
    row = Outbox.get_by_id(row.id)
    assert (row.status, row.last_error) == ("sent", "")
    [sent] = gammu.wait_sent(1)
    assert phone in sent.name
    assert gammu.files("error") == []
    assert f"to {phone}" in gammu.log.read_text()   # "Transmitted OUTC… (total: 1) to +62…"


def test_notify_test_reports_the_daemons_message_id(ops_settings, gammu_stopped):
    gammu_settings(ops_settings, gammu_stopped)
    [result] = send_test(sms="+6281234567890")
    assert result["ok"], result
    [waiting] = gammu_stopped.files("outbox")
    assert result["answer"] == f"Written message with ID {waiting}"
    gammu_stopped.start()
    try:
        [sent] = gammu_stopped.wait_sent(1)
    finally:
        gammu_stopped.stop()
    assert sent.name == waiting.name


def test_a_failed_injection_is_retried_with_backoff_and_reported(ops_settings, gammu_stopped, tmp_path):
    settings = gammu_settings(ops_settings, gammu_stopped)
    # the daemon's outbox folder is gone (a wrong path in its config): the injector refuses
    broken = tmp_path / "broken-smsdrc"
    broken.write_text(gammu_stopped.config.read_text().replace(str(gammu_stopped.folders["outbox"]),
                                                               str(tmp_path / "no-such-folder")))
    settings["sms"]["gammu_config"] = str(broken)
    row = queue_sms("+6281234567890", "PTSA: uji")
    outbox.deliver_due(clock.now())
    row = Outbox.get_by_id(row.id)
    assert row.status == "pending" and row.attempts == 1
    assert row.last_error.startswith("RuntimeError: gammu-smsd-inject failed (exit 2): ")
    assert "no-such-folder" in row.last_error and "Failed to read config" in row.last_error
    assert row.next_attempt_at >= clock.now() + dt.timedelta(seconds=9)
    [result] = send_test(sms="+6281234567890")
    assert not result["ok"] and "(outboxpath)" in result["answer"]
    settings["sms"]["gammu_config"] = str(tmp_path / "missing-smsdrc")
    [result] = send_test(sms="+6281234567890")
    assert result["answer"] == (f"cannot read the gammu-smsd config {tmp_path / 'missing-smsdrc'}: "
                                "No such file or directory ([sms] gammu_config)")
    settings["sms"]["gammu_inject"] = "no-such-gammu-smsd-inject"
    [result] = send_test(sms="+6281234567890")
    assert result["answer"] == "no-such-gammu-smsd-inject not found (apt-get install gammu-smsd)"
    # the daemon's config is fixed: the retry goes out
    settings["sms"].update(gammu_config=str(gammu_stopped.config), gammu_inject="gammu-smsd-inject")
    outbox.deliver_due(row.next_attempt_at)
    assert Outbox.get_by_id(row.id).status == "sent"
    assert len(gammu_stopped.files("outbox")) == 1


def test_notify_test_command_with_gammu(tmp_path, gammu):
    server = LiveServer(tmp_path / "d", env=sms_env(gammu))
    done = server.ptsa("notify-test", "--sms", "081234567890", check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("OK   sms   +6281234567890: Written message with ID ")
    gammu.wait_sent(1)
