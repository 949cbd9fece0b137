"""SMS through a gateway ([sms]), chosen by `[sms] kind`:

- `http_json` (default): `POST <url>` with the JSON body `{"to": "+62…", "message": "…"}`
  (and `Authorization: Bearer <token>` when a token is set); any 2xx answer means accepted.
- `gammu`: Gammu's SMS daemon on a USB GSM modem in the server room, no internet needed. The
  message is handed to the daemon with `gammu-smsd-inject -c <gammu_config> TEXT <number> -text
  <message>`, which writes it to the daemon's outbox (files backend: a file in its outbox folder);
  gammu-smsd sends it through the modem. A failed injection raises, so the outbox retries.

Each sender returns what the gateway answered (for `ptsa notify-test`) and raises on a refusal.
Another gateway is one more function in `SENDERS`.
"""
from __future__ import annotations

import re
import shutil
import subprocess

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


class GatewayRefused(RuntimeError):
    """The gateway answered, with something other than 2xx."""

    def __init__(self, status: int, text: str):
        super().__init__(f"SMS gateway answered {status}: {text[:200]}")
        self.status, self.text = status, text[:200]


def send_http_json(to: str, message: str, sms: dict) -> str:
    headers = {"Authorization": f"Bearer {sms['token']}"} if sms.get("token") else {}
    timeout = parse_duration(sms["timeout"]).total_seconds()
    response = requests.post(sms["url"], json={"to": normalize_number(to), "message": message},
                             headers=headers, timeout=timeout)
    if not 200 <= response.status_code < 300:
        raise GatewayRefused(response.status_code, response.text)
    return f"HTTP {response.status_code}: {response.text[:200]}"


def send_gammu(to: str, message: str, sms: dict) -> str:
    """Hand the message to gammu-smsd; the answer is the injector's output (the message's ID)."""
    program = shutil.which(sms["gammu_inject"])
    if program is None:
        raise RuntimeError(f"{sms['gammu_inject']} not found (apt-get install gammu-smsd)")
    try:
        open(sms["gammu_config"], "rb").close()
    except OSError as exc:
        raise RuntimeError(f"cannot read the gammu-smsd config {sms['gammu_config']}: {exc.strerror} "
                           "([sms] gammu_config)") from None
    # -len: one long (multipart) message rather than a refusal past 160 characters.
    command = [program, "-c", sms["gammu_config"], "TEXT", normalize_number(to),
               "-len", str(max(160, len(message))), "-text", message]
    if not message.isascii():
        command.append("-unicode")   # the GSM alphabet cannot carry every character
    try:
        done = subprocess.run(command, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                              timeout=parse_duration(sms["timeout"]).total_seconds())
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"gammu-smsd-inject did not finish within {sms['timeout']}") from None
    # the injector's own chatter ("No PIN code", "160 / 0" for -len) is not the answer
    output = " ".join(line.strip() for line in (done.stderr + done.stdout).splitlines()
                      if line.strip() and "No PIN code" not in line and not re.fullmatch(r"\d+ / \d+", line.strip()))
    if done.returncode != 0:
        raise RuntimeError(f"gammu-smsd-inject failed (exit {done.returncode}): {output[:300]}")
    written = [line.strip() for line in done.stdout.splitlines() if line.startswith("Written message")]
    return (written[0] if written else output)[:300]


SENDERS = {"http_json": send_http_json, "gammu": send_gammu}


def configured(sms: dict) -> bool:
    """http_json needs a URL; gammu needs only its config file (checked when sending)."""
    return sms["kind"] == "gammu" or bool(sms["url"])


def send(to: str, message: str, sms: dict) -> str:
    if not configured(sms):
        raise RuntimeError("no SMS gateway configured ([sms] url, or [sms] kind = \"gammu\")")
    return SENDERS[sms["kind"]](to, message, sms)
