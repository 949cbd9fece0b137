"""[sla], [calendar], [smtp], [sms] and [outbox] settings: defaults, TOML, environment, clear errors."""
from __future__ import annotations

import pytest

from intranet_server.config import ConfigError, load_settings


def test_defaults_follow_the_launch_plan():
    s = load_settings(environ={})
    assert (s["sla"]["pickup_p0_p1"], s["sla"]["pickup_p1_p2"], s["sla"]["warn_ratio"]) == ("15m", "30m", 0.8)
    assert s["sla"]["off_hours"] == "hold" and s["sla"]["warning_channels"] == ["screen"]
    assert s["calendar"] == {"mode": "office", "hours": "perpres-21-2023", "holidays": "package"}
    assert s["smtp"]["host"] == "" and s["sms"]["url"] == "" and s["sms"]["kind"] == "http_json"


def test_toml_file_and_environment(tmp_path):
    path = tmp_path / "ptsa.toml"
    path.write_text('''
[calendar]
mode = "office"
hours = { mon = ["08:00-12:00", "13:00-16:00"], fri = ["08:00-11:00"] }

[sla]
pickup_p0_p1 = "10m"
breach_channels = ["screen", "email"]

[sla.units.PHIJSK-PK]
pickup = "20m"

[sla.services.PP]
pickup_p0_p1 = "5m"

[smtp]
host = "smtp.kemnaker.go.id"
port = 587
starttls = true
''')
    s = load_settings(str(path), environ={"PTSA_SLA_WARNING_CHANNELS": "screen, email",
                                          "PTSA_SMS_URL": "http://10.0.0.5/sms", "PTSA_SLA_WARN_RATIO": "0.75"})
    assert s["sla"]["pickup_p0_p1"] == "10m" and s["sla"]["warning_channels"] == ["screen", "email"]
    assert s["sla"]["units"] == {"PHIJSK-PK": {"pickup": "20m"}} and s["sla"]["warn_ratio"] == 0.75
    assert s["smtp"]["starttls"] is True and s["sms"]["url"] == "http://10.0.0.5/sms"
    from intranet_server.reads.calendars import CalendarSettings
    hours = CalendarSettings(s["calendar"]).weekly_hours
    assert len(hours.on(0)) == 2 and len(hours.on(4)) == 1 and hours.on(1) == ()


@pytest.mark.parametrize("env,words", [
    ({"PTSA_SLA_PICKUP_P0_P1": "15"}, "sla.pickup_p0_p1: duration '15' has no unit"),
    ({"PTSA_SLA_PICKUP_P1_P2": "-5m"}, "sla.pickup_p1_p2"),
    ({"PTSA_SLA_WARN_RATIO": "1.5"}, "sla.warn_ratio must be a number between 0 and 1"),
    ({"PTSA_SLA_WARN_RATIO": "lots"}, "PTSA_SLA_WARN_RATIO: expected a number"),
    ({"PTSA_SLA_ESCALATE_RATIO": "0.5"}, "sla.escalate_ratio must be above 1"),
    ({"PTSA_SLA_OFF_HOURS": "later"}, 'sla.off_hours must be "hold"'),
    ({"PTSA_SLA_BREACH_CHANNELS": "email,pigeon"}, "sla.breach_channels must be a list"),
    ({"PTSA_SLA_UNITS": "PHIJSK=5m"}, "sla.units must be a table of tables"),
    ({"PTSA_SMTP_PORT": "smtp"}, "PTSA_SMTP_PORT: expected a whole number"),
    ({"PTSA_SMTP_PORT": "70000"}, "smtp.port must be a port number"),
    ({"PTSA_SMTP_STARTTLS": "true", "PTSA_SMTP_SSL": "true"}, "exclude each other"),
    ({"PTSA_SMS_URL": "ftp://x"}, "sms.url must be an http"),
    ({"PTSA_SMS_KIND": "pigeon"}, "sms.kind must be one of http_json"),
    ({"PTSA_OUTBOX_MAX_ATTEMPTS": "0"}, "outbox.max_attempts"),
    ({"PTSA_OUTBOX_RETRY_BASE": "soon"}, "outbox.retry_base"),
    ({"PTSA_CALENDAR_HOLIDAYS": "bali"}, 'calendar.holidays must be "package"'),
    ({"PTSA_CALENDAR_HOURS": "9-5"}, "calendar.hours must be"),
])
def test_bad_settings_are_refused_with_the_setting_named(env, words):
    with pytest.raises(ConfigError) as info:
        load_settings(environ=env)
    assert words in str(info.value)


def test_bad_tables_in_toml(tmp_path):
    cases = [
        ('[sla.units.PHIJSK]\npickup = "soon"\n', "sla.units.PHIJSK.pickup"),
        ('[sla.services.PP]\npickup = "5m"\n', "sla.services.PP: unknown key 'pickup'"),
        ('[calendar]\nhours = { mon = ["12:00-08:00"] }\n', "calendar.hours"),
        ('[calendar]\nhours = { monday = ["08:00-12:00"] }\n', "days mon..sun"),
    ]
    for text, words in cases:
        path = tmp_path / "bad.toml"
        path.write_text(text)
        with pytest.raises(ConfigError, match=words.replace(".", r"\.").replace("(", r"\(")):
            load_settings(str(path), environ={})
