"""`send_test` / `ptsa notify-test` against real peers: what the relay or gateway answered, and a
readable line for every way it can fail."""
from __future__ import annotations

import copy

import pytest

from intranet_server import sla
from intranet_server.sla.notify_test import send_test
from tests.support.live import LiveServer, free_port

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")


def configure(settings, **sections):
    changed = copy.deepcopy(settings)
    for section, values in sections.items():
        changed[section].update(values)
    sla.configure(changed)
    return changed


def test_email_reaches_the_relay_and_reports_its_reply(ops_settings, mailbox):
    configure(ops_settings, smtp={"port": mailbox.port})
    [result] = send_test(email="hendra@kemnaker.go.id")
    assert result == {"channel": "email", "to": "hendra@kemnaker.go.id", "ok": True,
                      "answer": "250 Message accepted for delivery"}
    [message] = mailbox.received("pesan uji")
    assert message["X-Envelope-To"] == "hendra@kemnaker.go.id"
    assert "Test message from the PTSA server" in message.get_content()


def test_email_with_login(ops_settings, auth_mailbox):
    configure(ops_settings, smtp={"port": auth_mailbox.port, "username": "ptsa", "password": "rahasia"})
    [result] = send_test(email="a@kemnaker.go.id")
    assert result["ok"] and result["answer"].startswith("250")
    assert len(auth_mailbox.received()) == 1


def test_email_wrong_password_says_authentication_failed(ops_settings, auth_mailbox):
    configure(ops_settings, smtp={"port": auth_mailbox.port, "username": "ptsa", "password": "salah"})
    [result] = send_test(email="a@kemnaker.go.id")
    assert not result["ok"]
    assert result["answer"].startswith(f"authentication failed at 127.0.0.1:{auth_mailbox.port}: 535")
    assert auth_mailbox.received() == []


def test_email_without_login_where_one_is_required_reports_the_refusal(ops_settings, auth_mailbox):
    configure(ops_settings, smtp={"port": auth_mailbox.port})
    [result] = send_test(email="a@kemnaker.go.id")
    assert not result["ok"] and "530" in result["answer"], result


def test_email_connection_refused(ops_settings):
    port = free_port()
    configure(ops_settings, smtp={"port": port})
    [result] = send_test(email="a@kemnaker.go.id")
    assert result["ok"] is False
    assert result["answer"] == (f"connection refused by 127.0.0.1:{port} "
                                "(is the relay running? check [smtp] host and port)")


def test_email_timeout(ops_settings, silent):
    configure(ops_settings, smtp={"port": silent.port, "timeout": "1s"})
    [result] = send_test(email="a@kemnaker.go.id")
    assert result["answer"] == f"timeout: 127.0.0.1:{silent.port} did not answer within 1s"


def test_email_tls_mismatches(ops_settings, mailbox):
    configure(ops_settings, smtp={"port": mailbox.port, "ssl": True})
    [result] = send_test(email="a@kemnaker.go.id")
    assert not result["ok"] and result["answer"].startswith(f"TLS failed with 127.0.0.1:{mailbox.port}")
    configure(ops_settings, smtp={"port": mailbox.port, "starttls": True})
    [result] = send_test(email="a@kemnaker.go.id")
    assert not result["ok"] and "does not offer STARTTLS" in result["answer"], result
    assert mailbox.received() == []


def test_not_configured(ops_settings):
    configure(ops_settings, smtp={"host": ""}, sms={"url": ""})
    assert send_test(email="a@kemnaker.go.id", sms="0812") == [
        {"channel": "email", "to": "a@kemnaker.go.id", "ok": False, "answer": "not configured: [smtp] host is empty"},
        {"channel": "sms", "to": "+62812", "ok": False,
         "answer": 'not configured: [sms] url is empty (or set kind = "gammu")'}]


def test_sms_reports_the_gateways_status_and_body(ops_settings, gateway):
    configure(ops_settings, sms={"url": gateway.url})
    [result] = send_test(sms="0812-3456-7890")
    assert result == {"channel": "sms", "to": "+6281234567890", "ok": True, "answer": 'HTTP 200: {"ok": true}'}
    [post] = gateway.received("pesan uji")
    assert post["to"] == "+6281234567890"
    gateway.status = 503
    [result] = send_test(sms="+6281234567890")
    assert result["ok"] is False and result["answer"] == 'HTTP 503: {"ok": true}'


def test_sms_connection_refused_and_timeout(ops_settings, silent):
    port = free_port()
    configure(ops_settings, sms={"url": f"http://127.0.0.1:{port}/sms"})
    [result] = send_test(sms="+6281234567890")
    assert result["answer"] == (f"connection refused by http://127.0.0.1:{port}/sms "
                                "(is the gateway running? check [sms] url)")
    configure(ops_settings, sms={"url": f"http://127.0.0.1:{silent.port}/sms", "timeout": "1s"})
    [result] = send_test(sms="+6281234567890")
    assert result["answer"] == f"timeout: http://127.0.0.1:{silent.port}/sms did not answer within 1s"


def test_the_command_prints_each_answer_and_fails_when_one_fails(tmp_path, mailbox):
    port = free_port()
    server = LiveServer(tmp_path / "d", env={"PTSA_SMTP_HOST": "127.0.0.1", "PTSA_SMTP_PORT": str(mailbox.port),
                                             "PTSA_SMS_URL": f"http://127.0.0.1:{port}/sms"})
    done = server.ptsa("notify-test", "--email", "it@kemnaker.go.id", "--sms", "081234567890", check=False)
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        "OK   email it@kemnaker.go.id: 250 Message accepted for delivery",
        f"FAIL sms   +6281234567890: connection refused by http://127.0.0.1:{port}/sms "
        "(is the gateway running? check [sms] url)"]
    done = server.ptsa("notify-test", "--email", "it@kemnaker.go.id", check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(mailbox.received()) == 2
    done = server.ptsa("notify-test", check=False)
    assert done.returncode == 2 and "--email" in done.stderr
