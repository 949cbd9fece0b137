"""What /healthz adds to "the database answers": the outbox backlog and the SLA sweeper's state.

Neither makes /healthz 503: a relay that is down shows as a growing backlog (the outbox keeps
the messages and retries), and a process that does not lead the sweep is normal when several
run. 503 stays for a database that does not answer, where nothing works.
"""
from __future__ import annotations

import datetime as dt

from peewee import fn


def _aware(value):
    if isinstance(value, str):   # SQLite: an aggregate comes back as the stored text
        value = dt.datetime.fromisoformat(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value


def outbox_backlog(now) -> dict:
    """pending: due to go out (the worker is trying); held: waiting, on purpose, for the unit's next
    opening (sla.off_hours = "hold"); oldest_pending_age_s: how long the oldest due one has waited
    since it became due — the figure to alert on when the relay or gateway is down."""
    from db.task_models import Outbox
    waiting = Outbox.status.in_(("pending", "sending"))
    held = Outbox.held_until.is_null(False) & (Outbox.held_until > now)
    counts = dict(Outbox.select(Outbox.status, fn.COUNT(Outbox.id))
                  .where(Outbox.status.in_(("pending", "sending", "failed")) & ~held)
                  .group_by(Outbox.status).tuples())
    held_count = Outbox.select().where(waiting & held).count()
    oldest = _aware(Outbox.select(fn.MIN(fn.COALESCE(Outbox.held_until, Outbox.created_at)))
                    .where(waiting & ~held).scalar())
    return {"pending": counts.get("pending", 0) + counts.get("sending", 0), "held": held_count,
            "failed": counts.get("failed", 0),
            "oldest_pending_age_s": max(0, round((now - oldest).total_seconds())) if oldest is not None else None}


def sweeper_state() -> dict:
    from intranet_server.sla import engine
    sweeper = engine._sweeper
    if sweeper is None:
        return {"running": False, "leader": None}
    leader = sweeper.leader
    if isinstance(leader, engine.AlwaysLeader):
        return {"running": True, "leader": True, "election": "single (SQLite)", "turns": sweeper.turns}
    return {"running": True, "leader": bool(getattr(leader, "_held", False)),
            "election": "PostgreSQL advisory lock", "turns": sweeper.turns}
