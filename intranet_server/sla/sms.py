"""SMS through a gateway ([sms]). One kind today:

- `http_json` (default): `POST <url>` with the JSON body `{"to": "+62…", "message": "…"}`
  (and `Authorization: Bearer <token>` when a token is set); any 2xx answer means accepted.

Another gateway is one more function in `SENDERS`, chosen by `[sms] kind`. A natural next one is
Gammu's SMS daemon on a USB modem in the server room (`gammu_inject`: run
`gammu-smsd-inject TEXT <number> -text <message>`), which needs no internet at all.
"""
from __future__ import annotations

import re

import requests

from intranet_server.rules.durations import parse_duration


def normalize_number(number: str) -> str:
    """Indonesian mobile numbers in international form: 0812… / 62812… / +62 812-… -> +62812…"""
    digits = re.sub(r"[\s\-().]", "", number or "")
    if digits.startswith("+"):
        return digits
    if digits.startswith("0"):
        return "+62" + digits[1:]
    if digits.startswith("62"):
        return "+" + digits
    return digits


def send_http_json(to: str, message: str, sms: dict) -> None:
    headers = {"Authorization": f"Bearer {sms['token']}"} if sms.get("token") else {}
    timeout = parse_duration(sms["timeout"]).total_seconds()
    response = requests.post(sms["url"], json={"to": normalize_number(to), "message": message},
                             headers=headers, timeout=timeout)
    if not 200 <= response.status_code < 300:
        raise RuntimeError(f"SMS gateway answered {response.status_code}: {response.text[:200]}")


SENDERS = {"http_json": send_http_json}


def send(to: str, message: str, sms: dict) -> None:
    if not sms["url"]:
        raise RuntimeError("no SMS gateway configured ([sms] url)")
    SENDERS[sms["kind"]](to, message, sms)
