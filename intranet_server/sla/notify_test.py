"""A test message through the configured channels ("send a test message to me").

Minimal version written for the administration screens; the notifications work provides the
full one with the same signature."""
from __future__ import annotations

from intranet_server import sla
from intranet_server.sla import mail
from intranet_server.sla import sms as sms_gateway

SUBJECT = "PTSA: pesan uji / test message"
TEXT = ("Ini pesan uji dari PTSA: saluran ini berfungsi.\n"
        "This is a test message from PTSA: this channel works.")


def send_test(email: str | None = None, sms: str | None = None) -> list[dict]:
    """Send one test message per given address, at once (not through the outbox); each answer says
    whether the relay or gateway accepted it."""
    settings = sla.settings()
    results = []
    for channel, to, enabled, send in (
            ("email", email, bool(settings["smtp"]["host"]),
             lambda: mail.send(email, SUBJECT, TEXT, settings["smtp"])),
            ("sms", sms, bool(settings["sms"]["url"]),
             lambda: sms_gateway.send(sms, TEXT.splitlines()[0], settings["sms"]))):
        if not to:
            continue
        if not enabled:
            results.append({"channel": channel, "to": to, "ok": False, "answer": "not configured"})
            continue
        try:
            send()
            results.append({"channel": channel, "to": to, "ok": True, "answer": "accepted"})
        except Exception as exc:   # the screen shows why the relay refused
            results.append({"channel": channel, "to": to, "ok": False, "answer": f"{type(exc).__name__}: {exc}"})
    return results
