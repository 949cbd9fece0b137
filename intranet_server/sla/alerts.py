"""Raising SLA alerts: the warning (warn_ratio of the pickup target), the breach (100%) and the
escalation to the next supervisor up (escalate_ratio), each exactly once per hop.

Exactly once, because the alert row is unique on (hop, level) and is inserted with
"insert if absent" in the same transaction that writes its outbox rows and its room events:
a second sweeper, a restart, or a retry after a crash finds the row and adds nothing.
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from db import is_postgres
from db.models import Staff, Unit, database
from db.task_models import Alert, Outbox, Task, TaskHop
from intranet_server import clock, sla
from intranet_server.actions import audit
from intranet_server.realtime.events import publish
from intranet_server.clock import iso
from intranet_server.rules.tasks import LEVELS, Deadlines, hold_until, next_alert
from intranet_server.reads import calendars
from intranet_server.reads import tasks as task_reads

BATCH = 50
ZONE_NAMES = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}
LEVEL_TEXT = {
    "warning": ("Peringatan SLA", "SLA warning", "hampir melewati batas waktu ambil",
                "is close to its pickup deadline"),
    "breach": ("Pelanggaran SLA", "SLA breach", "melewati batas waktu ambil", "has passed its pickup deadline"),
    "escalation": ("Eskalasi SLA", "SLA escalation", "masih belum diambil jauh melewati batas waktu",
                   "is still not picked up, long past its deadline"),
}


def _supervisors(unit: Unit) -> list[Staff]:
    return list(Staff.select().where((Staff.unit == unit) & (Staff.role == "supervisor")
                                     & (Staff.active == True)).order_by(Staff.username))  # noqa: E712


def _admins() -> list[Staff]:
    return list(Staff.select().where((Staff.role == "admin") & (Staff.active == True)).order_by(Staff.username))  # noqa: E712


def recipients(level: str, unit: Unit, look: task_reads.Lookup | None = None) -> tuple[Unit, list[Staff]]:
    """The alert's unit (an escalation goes to the parent unit's screen) and the staff told, as the
    service levels say (`rules.tasks.DEFAULT_RECIPIENTS`: the supervisors of the unit that must pick
    up; for an escalation, those of its parent unit; above echelon 1 the admins). When that finds
    nobody and no extra address is set: the supervisors of the unit (for a parent choice, its parent),
    else of the next unit up that has one, finally the admins."""
    look = look or task_reads.Lookup()
    rule = sla.policy().recipients_for(level, unit.code)
    alerted = look.unit(unit.parent_id) if level == "escalation" and unit.parent_id else unit
    people: list[Staff] = []
    if rule["unit_supervisors"]:
        people += _supervisors(unit)
    if rule["parent_supervisors"]:
        people += _supervisors(look.unit(unit.parent_id)) if unit.parent_id else _admins()
    people = list({p.id: p for p in people}.values())
    if people or rule["emails"] or rule["phones"]:
        return alerted, people
    climb = look.unit(unit.parent_id) if rule["parent_supervisors"] and unit.parent_id else unit
    people = _supervisors(climb)
    while not people and climb.parent_id:
        climb = look.unit(climb.parent_id)
        people = _supervisors(climb)
    return alerted, people or _admins()


def extra_addresses(level: str, unit: Unit) -> dict[str, list[str]]:
    """The e-mail addresses and phone numbers told besides the staff (per channel)."""
    rule = sla.policy().recipients_for(level, unit.code)
    return {"email": list(rule["emails"]), "sms": list(rule["phones"])}


def _local(t: dt.datetime, tz: str) -> str:
    return t.astimezone(ZoneInfo(tz)).strftime("%d-%m-%Y %H:%M") + " " + ZONE_NAMES.get(tz, tz)


def compose(alert: Alert, hop: TaskHop, task: Task, channel: str,
            look: task_reads.Lookup | None = None) -> tuple[str, str]:
    """Subject and body: Bahasa Indonesia first, English after. SMS stays within 160 characters."""
    look = look or task_reads.Lookup()
    unit = look.unit(hop.to_unit_id)
    tz = unit.timezone
    title_id, title_en, what_id, what_en = LEVEL_TEXT[alert.level]
    service = look.service(task.service_id)
    if channel == "sms":
        text = (f"PTSA {title_id}: tugas #{task.id} ({service.code}) {what_id} di {unit.code}; "
                f"batas {_local(hop.due_at, tz)[-9:]}. Cek layar supervisor.")
        return "", text[:160]
    subject = f"[PTSA] {title_id} / {title_en}: tugas #{task.id} — {unit.code}"
    link = sla.settings()["sla"].get("public_url", "").rstrip("/")
    target_min = round((hop.target_s or 0) / 60)
    body = "\n".join([
        f"Tugas #{task.id} {what_id} oleh {unit.name} ({unit.code}).",
        f"Layanan: {service.code} — {service.name_id}",
        f"Ringkasan: {task.summary}",
        f"Dikirim: {_local(hop.sent_at, tz)}; batas ambil: {_local(hop.due_at, tz)} ({target_min} menit kerja)",
        f"Buka layar supervisor: {link}/supervisor" if link else "Buka layar supervisor PTSA (/supervisor).",
        "",
        f"Task #{task.id} {what_en} at {unit.name_en or unit.name} ({unit.code}).",
        f"Service: {service.code} — {service.name_en}",
        f"Summary: {task.summary}",
        f"Sent: {_local(hop.sent_at, tz)}; pickup deadline: {_local(hop.due_at, tz)} ({target_min} working minutes)",
    ])
    return subject, body


def _insert(hop: TaskHop, level: str, unit: Unit, deadline: dt.datetime, now: dt.datetime) -> Alert | None:
    """Insert if absent; None when this (hop, level) was raised before (by us or another process)."""
    rows = list(Alert.insert(hop=hop, task=hop.task_id, level=level, unit=unit, hop_unit=hop.to_unit_id,
                             deadline=deadline, created_at=now).on_conflict_ignore().returning(Alert.id).execute())
    if not rows:
        return None
    return Alert(id=rows[0].id, hop=hop, task=hop.task, level=level, unit=unit, hop_unit=hop.to_unit_id,
                 deadline=deadline, created_at=now)


def announce_alert(alert: Alert, change: str, look: task_reads.Lookup | None = None) -> None:
    look = look or task_reads.Lookup()
    message = {"alert": task_reads.alert_dict(alert, look), "change": change, "now": iso(clock.now())}
    for code in dict.fromkeys((look.unit(alert.hop.to_unit_id).code, look.unit(alert.unit_id).code)):
        publish(f"supervisor:{code}", "alert", message)
    if change == "raise":
        from intranet_server.actions import integrations
        integrations.alert_raised(alert, alert.hop, message["alert"])


class _Batch:
    """What one sweep transaction looks up once: calendars, rows by id, recipients per unit and level."""

    def __init__(self, now: dt.datetime):
        self.now = now
        self.book = calendars.book(now)
        self.look = task_reads.Lookup()
        self._recipients: dict[tuple[str, int], tuple[Unit, list[Staff]]] = {}

    def recipients(self, level: str, unit_id: int) -> tuple[Unit, list[Staff]]:
        key = (level, unit_id)
        if key not in self._recipients:
            self._recipients[key] = recipients(level, self.look.unit(unit_id), self.look)
        return self._recipients[key]


def _write_outbox(alert: Alert, hop: TaskHop, people: list[Staff], batch: _Batch,
                  extras: dict[str, list[str]] | None = None) -> list[Outbox]:
    policy = sla.policy()
    extras = extras or {}
    held = hold_until(batch.book.for_unit(alert.unit_id), batch.now, policy)
    rows = []
    for channel in policy.channels[alert.level]:
        if channel == "screen" or not sla.channel_enabled(channel):
            continue
        subject, body = compose(alert, hop, hop.task, channel, batch.look)
        told = set()
        targets = [(person, person.email if channel == "email" else person.phone) for person in people]
        targets += [(None, address) for address in extras.get(channel, [])]   # set at /admin service levels
        for person, address in targets:
            if not address or address in told:
                continue
            told.add(address)
            rows.append(Outbox.create(alert=alert, channel=channel, staff=person, address=address,
                                      subject=subject, body=body, status="pending", created_at=batch.now,
                                      held_until=held, next_attempt_at=held or batch.now))
    return rows


def _raise_for_hop(hop: TaskHop, batch: _Batch) -> list[Alert]:
    raised = []
    now = batch.now
    if hop.picked_at is not None or hop.closed_at is not None:
        hop.next_alert_at = hop.next_alert_level = None   # stale: nothing to raise
    while hop.next_alert_at is not None and hop.next_alert_at <= now:
        level = hop.next_alert_level
        unit, people = batch.recipients(level, hop.to_unit_id)
        alert = _insert(hop, level, unit, hop.next_alert_at, now)
        if alert is not None:
            extras = extra_addresses(level, batch.look.unit(hop.to_unit_id))
            messages = _write_outbox(alert, hop, people, batch, extras)
            audit("sla", "alert.raise", "alert", alert.id, task=hop.task_id, hop=hop.seq, level=level,
                  unit=unit.code, recipients=[p.username for p in people] + extras["email"] + extras["sms"],
                  messages=len(messages))
            announce_alert(alert, "raise", batch.look)
            raised.append(alert)
            if messages:
                first = min(m.next_attempt_at for m in messages)
                from intranet_server.sla import outbox
                database.after_commit(lambda at=first: outbox.notify(at))
        done = set(LEVELS[:LEVELS.index(level) + 1])
        upcoming = next_alert(Deadlines(hop.warn_at, hop.due_at, hop.escalate_at), done)
        hop.next_alert_level, hop.next_alert_at = upcoming if upcoming else (None, None)
    hop.save(only=[TaskHop.next_alert_at, TaskHop.next_alert_level])
    return raised


def raise_due(now: dt.datetime, limit: int = 5000, pause=None) -> list[Alert]:
    """Raise every alert whose deadline is at or before `now`; returns the alerts raised by this call.
    Works in short transactions of BATCH hops; `pause()` between them lets other work (and other
    writers) in, so a burst of deadlines never holds the database or the server for long."""
    raised: list[Alert] = []
    while len(raised) < limit:
        ids = [h.id for h in TaskHop.select(TaskHop.id).where(TaskHop.next_alert_at <= now)
               .order_by(TaskHop.next_alert_at).limit(BATCH)]
        if not ids:
            break
        with database.atomic():
            batch = _Batch(now)
            hops = TaskHop.select().where(TaskHop.id.in_(ids) & (TaskHop.next_alert_at <= now))
            if is_postgres():
                hops = hops.for_update()   # a second sweeper waits, then sees the hop already done
            hops = list(hops)
            tasks = {t.id: t for t in Task.select().where(Task.id.in_([h.task_id for h in hops]))}
            for hop in hops:
                hop.task = tasks[hop.task_id]
                raised += _raise_for_hop(hop, batch)
        if len(ids) < BATCH:
            break
        if pause is not None:
            pause()
    return raised


def next_deadline() -> dt.datetime | None:
    """The earliest deadline with an alert still to raise (one index lookup)."""
    hop = (TaskHop.select(TaskHop.next_alert_at).where(TaskHop.next_alert_at.is_null(False))
           .order_by(TaskHop.next_alert_at).first())
    return hop.next_alert_at if hop else None
