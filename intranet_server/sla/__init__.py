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
    global _settings, _policy, _stored
    from intranet_server.reads import calendars
    _settings = settings
    _stored = None
    _policy = SlaPolicy.from_settings(settings["sla"])
    calendars.configure(settings["calendar"])


LEVELS_KEY = "sla_levels_version"
_stored: tuple[int, SlaPolicy] | None = None


def _levels_version() -> int:
    from db.task_models import SlaState
    row = SlaState.get_or_none(SlaState.key == LEVELS_KEY)
    return int(row.value) if row else 0


def bump_levels() -> None:
    """Call in the transaction that saves service levels: every process rebuilds its policy."""
    from db.task_models import SlaState
    version = str(_levels_version() + 1)
    (SlaState.insert(key=LEVELS_KEY, value=version)
     .on_conflict(conflict_target=[SlaState.key], update={SlaState.value: version}).execute())


def effective_sla() -> dict:
    """[sla] with the service levels saved in the database (/admin) on top: business configuration
    lives in the database, the settings file only gives the initial defaults."""
    from db.admin_models import ServiceLevel
    merged = copy.deepcopy(_settings["sla"])
    rows = list(ServiceLevel.select())
    if any(r.scope == "office" for r in rows):
        merged["units"] = {}
    for row in rows:
        if row.scope == "office":
            merged.update(row.value)
        elif row.scope.startswith("unit:"):
            merged["units"][row.scope[5:]] = dict(row.value)
    return merged


def policy() -> SlaPolicy:
    """The policy in force: one primary-key read tells whether the stored levels changed."""
    global _stored
    try:
        from db.models import database
        if database.is_closed():      # e.g. the sweeper being built at start: don't leave one open
            with database.connection_context():
                version = _levels_version()
                if version and (_stored is None or _stored[0] != version):
                    _stored = (version, SlaPolicy.from_settings(effective_sla()))
        else:
            version = _levels_version()
    except Exception:   # no database bound (pure tests) or not migrated: the settings file's
        return _policy
    if version == 0:
        return _policy
    if _stored is None or _stored[0] != version:
        _stored = (version, SlaPolicy.from_settings(effective_sla()))
    return _stored[1]


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
