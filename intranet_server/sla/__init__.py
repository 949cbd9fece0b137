"""The SLA engine of the task chain: unit calendars (`calendars`), the deadline sweeper (`engine`),
alerts and their recipients (`alerts`), and the outbox that delivers e-mail (`mail`) and SMS (`sms`).

`configure(settings)` is called once at start (and by tests); everything else reads from here.
"""
from __future__ import annotations

import copy

from intranet_server.config import DEFAULTS
from intranet_server.rules.tasks import SlaPolicy

_settings: dict = copy.deepcopy(DEFAULTS)
_policy = SlaPolicy.from_settings(DEFAULTS["sla"])


def configure(settings: dict) -> None:
    global _settings, _policy
    from intranet_server.reads import calendars
    _settings = settings
    _policy = SlaPolicy.from_settings(settings["sla"])
    calendars.configure(settings["calendar"])


def policy() -> SlaPolicy:
    return _policy


def settings() -> dict:
    return _settings


def channel_enabled(channel: str) -> bool:
    """E-mail needs [smtp] host, SMS needs [sms] url (or kind = "gammu"); an unconfigured channel is simply not used."""
    if channel == "email":
        return bool(_settings["smtp"]["host"])
    if channel == "sms":
        from intranet_server.sla.sms import configured
        return configured(_settings["sms"])
    return channel == "screen"
