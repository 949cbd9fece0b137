"""E-mail through the office's SMTP relay ([smtp]): plain, STARTTLS (port 587) or TLS (port 465),
with an optional login. Raises on any failure; the outbox retries.

A slow relay must not get the same message twice. So: `timeout` bounds connecting and the commands,
but the wait for the relay's answer to the message itself (after the final "."), where a busy relay
spends its time, is `data_timeout` (RFC 5321 §4.5.3.2 suggests 10 minutes; default 2). If even that
runs out, the message has left us and may well have been accepted: `Unconfirmed` is raised, which the
outbox keeps apart from a failure (tried again much later, not at once). Every attempt of one outbox
row carries the same Message-ID, so a relay or mailbox that deduplicates drops a repeat."""
from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from intranet_server.rules.durations import parse_duration


class Unconfirmed(Exception):
    """The whole message was sent but the relay's answer never came: delivered or not, we can't tell."""


class _SMTP(smtplib.SMTP):
    """smtplib's client, with a longer wait for the answer to the message body and a flag telling
    whether the body was sent when something went wrong."""
    data_timeout: float = 120.0
    body_sent = False

    def data(self, msg):
        # smtplib.SMTP.data, with the flag and the longer timeout between sending and the answer
        code, answer = self.docmd("data")
        if code != 354:
            raise smtplib.SMTPDataError(code, answer)
        if isinstance(msg, str):
            msg = smtplib._fix_eols(msg).encode("ascii")
        data = smtplib._quote_periods(msg)
        if data[-2:] != smtplib.bCRLF:
            data += smtplib.bCRLF
        self.send(data + b"." + smtplib.bCRLF)
        self.body_sent = True
        self.sock.settimeout(self.data_timeout)
        return self.getreply()


class _SMTP_SSL(smtplib.SMTP_SSL, _SMTP):   # noqa: N801 - the stdlib's naming
    pass


def message_id(row_id: int | None, domain: str = "ptsa.local") -> str:
    """One Message-ID per outbox row, the same on every attempt."""
    return f"<ptsa-outbox-{row_id}@{domain}>" if row_id is not None else make_msgid(domain=domain)


def build(to: str, subject: str, body: str, sender: str, msg_id: str | None = None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = msg_id or make_msgid(domain="ptsa.local")
    message.set_content(body)
    return message


def send(to: str, subject: str, body: str, smtp: dict, row_id: int | None = None) -> None:
    if not smtp["host"]:
        raise RuntimeError("no SMTP host configured ([smtp] host)")
    timeout = parse_duration(smtp["timeout"]).total_seconds()
    message = build(to, subject, body, smtp["from"], message_id(row_id))
    if smtp["ssl"]:
        client = _SMTP_SSL(smtp["host"], smtp["port"], timeout=timeout, context=ssl.create_default_context())
    else:
        client = _SMTP(smtp["host"], smtp["port"], timeout=timeout)
    client.data_timeout = parse_duration(smtp.get("data_timeout", "2m")).total_seconds()
    try:
        with client:
            if smtp["starttls"]:
                client.starttls(context=ssl.create_default_context())
            if smtp["username"]:
                client.login(smtp["username"], smtp["password"])
            client.send_message(message)
    except (OSError, smtplib.SMTPServerDisconnected) as exc:
        if client.body_sent and not isinstance(exc, smtplib.SMTPResponseException):
            raise Unconfirmed(f"the relay took the message but did not answer within "
                              f"{client.data_timeout:.0f}s ({type(exc).__name__})") from exc
        raise
