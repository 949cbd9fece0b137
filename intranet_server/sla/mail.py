"""E-mail through the office's SMTP relay ([smtp]): plain, STARTTLS (port 587) or TLS (port 465),
with an optional login. Raises on any failure; the outbox retries."""
from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from intranet_server.rules.durations import parse_duration


def build(to: str, subject: str, body: str, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="ptsa.local")
    message.set_content(body)
    return message


def send(to: str, subject: str, body: str, smtp: dict) -> None:
    if not smtp["host"]:
        raise RuntimeError("no SMTP host configured ([smtp] host)")
    timeout = parse_duration(smtp["timeout"]).total_seconds()
    message = build(to, subject, body, smtp["from"])
    if smtp["ssl"]:
        client = smtplib.SMTP_SSL(smtp["host"], smtp["port"], timeout=timeout,
                                  context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(smtp["host"], smtp["port"], timeout=timeout)
    with client:
        if smtp["starttls"]:
            client.starttls(context=ssl.create_default_context())
        if smtp["username"]:
            client.login(smtp["username"], smtp["password"])
        client.send_message(message)
