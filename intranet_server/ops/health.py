"""What /healthz adds to "the database answers": the outbox backlog and the SLA sweeper's state.

Neither makes /healthz 503: a relay that is down shows as a growing backlog (the outbox keeps
the messages and retries), and a process that does not lead the sweep is normal when several
run. 503 stays for a database that does not answer, where nothing works.
"""
from __future__ import annotations

import datetime as dt

from peewee import fn


def outbox_backlog(now) -> dict:
    from db.task_models import Outbox
    counts = dict(Outbox.select(Outbox.status, fn.COUNT(Outbox.id))
                  .where(Outbox.status.in_(("pending", "sending", "failed"))).group_by(Outbox.status).tuples())
    oldest = (Outbox.select(fn.MIN(Outbox.created_at))
              .where(Outbox.status.in_(("pending", "sending"))).scalar())
    if isinstance(oldest, str):   # SQLite: an aggregate comes back as the stored text
        oldest = dt.datetime.fromisoformat(oldest)
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=dt.timezone.utc)
    return {"pending": counts.get("pending", 0) + counts.get("sending", 0), "failed": counts.get("failed", 0),
            "oldest_pending_age_s": round((now - oldest).total_seconds()) if oldest is not None else None}


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
