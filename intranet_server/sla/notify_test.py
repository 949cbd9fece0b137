"""`ptsa notify-test` (and the admin screen's "send me a test message"): send one real message
through the configured SMTP relay and SMS gateway and say exactly what each answered.

`send_test(email=..., sms=...)` returns one dict per channel tried:
`{"channel": "email"|"sms", "to": ..., "ok": bool, "answer": "<what the peer said, or why not>"}`.
It never raises for a delivery problem: a refused connection, a failed login, a TLS mismatch, a
timeout or a missing setting is an `ok: False` answer in one readable line.
"""
from __future__ import annotations

import smtplib
import socket
import ssl
from email.utils import parseaddr

import requests

from intranet_server import clock, sla
from intranet_server.rules.durations import parse_duration
from intranet_server.sla import mail
from intranet_server.sla import sms as sms_gateway

SUBJECT = "PTSA: pesan uji / test message"


def _text(now) -> str:
    stamp = now.strftime("%Y-%m-%d %H:%M UTC")
    return (f"Pesan uji dari server PTSA ({stamp}). Jika Anda menerimanya, saluran ini berfungsi.\n"
            f"Test message from the PTSA server ({stamp}). If you received it, this channel works.")


def _reply(code: int, text: bytes | str) -> str:
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return f"{code} {' '.join(text.split())}"


def smtp_error(exc: BaseException, smtp: dict, stage: str = "") -> str:
    """One readable line for an SMTP failure (also used by `ptsa check`)."""
    where = f"{smtp['host']}:{smtp['port']}"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return f"authentication failed at {where}: {_reply(exc.smtp_code, exc.smtp_error)} ([smtp] username/password)"
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        what = "STARTTLS" if stage == "starttls" else "AUTH (login)" if stage == "login" else "this command"
        return f"TLS/auth: {where} does not offer {what} ({exc})"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{where} refused{(' ' + stage) if stage else ''}: {_reply(exc.smtp_code, exc.smtp_error)}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return f"{where} refused the recipient: " + "; ".join(
            _reply(code, text) for code, text in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPServerDisconnected) and "timed out" in str(exc):
        exc = TimeoutError(str(exc))   # smtplib reports a silent peer as a disconnection
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return f"{where} closed the connection{(' during ' + stage) if stage else ''}: {exc}"
    if isinstance(exc, ssl.SSLError):
        hint = "ssl = true expects TLS from the start (port 465); starttls = true upgrades a plain connection (587)"
        return f"TLS failed with {where}: {exc.reason or exc} ({hint})"
    if isinstance(exc, ConnectionRefusedError):
        return f"connection refused by {where} (is the relay running? check [smtp] host and port)"
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return f"timeout: {where} did not answer within {smtp['timeout']}"
    if isinstance(exc, socket.gaierror):
        return f"unknown host {smtp['host']!r}: {exc.strerror or exc}"
    if isinstance(exc, OSError):
        return f"cannot reach {where}: {exc.strerror or exc}"
    return f"{type(exc).__name__}: {exc}"


def smtp_session(smtp: dict, work) -> str:
    """Open the relay as the outbox does (TLS, STARTTLS, login), call `work(client)` and return its
    answer; failures raise `NotifyError` with a readable line."""
    timeout = parse_duration(smtp["timeout"]).total_seconds()
    stage = "connect"
    try:
        if smtp["ssl"]:
            client = smtplib.SMTP_SSL(smtp["host"], smtp["port"], timeout=timeout,
                                      context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(smtp["host"], smtp["port"], timeout=timeout)
        with client:
            stage = "ehlo"
            client.ehlo_or_helo_if_needed()
            if smtp["starttls"]:
                stage = "starttls"
                client.starttls(context=ssl.create_default_context())
                client.ehlo()
            if smtp["username"]:
                stage = "login"
                client.login(smtp["username"], smtp["password"])
            stage = "sending"
            return work(client)
    except NotifyError:
        raise
    except Exception as exc:   # noqa: BLE001 - every failure becomes one line
        raise NotifyError(smtp_error(exc, smtp, stage)) from exc


class NotifyError(Exception):
    pass


def _send_email(to: str, smtp: dict) -> str:
    message = mail.build(to, SUBJECT, _text(clock.now()), smtp["from"])
    sender = parseaddr(smtp["from"])[1] or smtp["from"]

    def conversation(client) -> str:
        code, text = client.mail(sender)
        if code != 250:
            raise NotifyError(f"sender {sender} refused: {_reply(code, text)}")
        code, text = client.rcpt(to)
        if code not in (250, 251):
            raise NotifyError(f"recipient {to} refused: {_reply(code, text)}")
        code, text = client.data(message.as_bytes())
        if code != 250:
            raise NotifyError(f"message refused: {_reply(code, text)}")
        return _reply(code, text)
    return smtp_session(smtp, conversation)


def sms_error(exc: BaseException, sms: dict) -> str:
    """One readable line for an SMS gateway failure (also used by `ptsa check`)."""
    if isinstance(exc, sms_gateway.GatewayRefused):
        return f"HTTP {exc.status}: {exc.text}"
    if isinstance(exc, requests.exceptions.SSLError):
        return f"TLS failed with {sms['url']}: {exc}"
    if isinstance(exc, requests.exceptions.Timeout):
        return f"timeout: {sms['url']} did not answer within {sms['timeout']}"
    if isinstance(exc, requests.exceptions.ConnectionError):
        refused = "refused" in str(exc).lower()
        return (f"connection refused by {sms['url']} (is the gateway running? check [sms] url)" if refused
                else f"cannot reach {sms['url']}: {exc}")
    return str(exc) if isinstance(exc, RuntimeError) else f"{type(exc).__name__}: {exc}"


def _result(channel: str, to: str, ok: bool, answer: str) -> dict:
    return {"channel": channel, "to": to, "ok": ok, "answer": answer}


def send_test(email: str | None = None, sms: str | None = None) -> list[dict]:
    """Send a test e-mail to `email` and a test SMS to `sms` with the current settings."""
    settings = sla.settings()
    results = []
    if email:
        smtp = settings["smtp"]
        if not smtp["host"]:
            results.append(_result("email", email, False, "not configured: [smtp] host is empty"))
        else:
            try:
                results.append(_result("email", email, True, _send_email(email, smtp)))
            except NotifyError as exc:
                results.append(_result("email", email, False, str(exc)))
    if sms:
        config = settings["sms"]
        to = sms_gateway.normalize_number(sms)
        if not sms_gateway.configured(config):
            results.append(_result("sms", to, False, 'not configured: [sms] url is empty (or set kind = "gammu")'))
        else:
            try:
                stamp = clock.now().strftime("%Y-%m-%d %H:%M UTC")
                answer = sms_gateway.send(to, f"PTSA: pesan uji / test message ({stamp})", config)
                results.append(_result("sms", to, True, answer))
            except Exception as exc:   # noqa: BLE001 - reported, not raised
                results.append(_result("sms", to, False, sms_error(exc, config)))
    return results
