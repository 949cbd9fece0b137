"""The outbox worker: delivers pending e-mail and SMS rows, with retries and exponential backoff.

A row is *claimed* in a short transaction (status "sending", attempts + 1, next_attempt_at pushed
out by a lease, compare-and-set so two workers never take the same row); it is delivered outside any
transaction (no I/O while holding the database); the outcome is written in another short
transaction: "sent", or "pending" again with last_error and the next attempt after a backoff, or
"failed" after max_attempts. A worker that dies while sending leaves the row "sending" until its
lease ends; then it is tried again. Delivery is therefore at least once; a duplicate needs a crash
in the moment between the server accepting the message and the row being marked sent.

Rows held by the off-hours policy simply have a later next_attempt_at.
"""
from __future__ import annotations

import datetime as dt
import logging

from peewee import fn

from db.models import database
from db.task_models import Outbox
from intranet_server import clock, sla
from intranet_server.rules.durations import parse_duration
from intranet_server.rules.integrations import APPLICANT_SMS, masked
from intranet_server.sla import mail, sms, webhooks
from intranet_server.sla.engine import Loop

log = logging.getLogger(__name__)
BATCH = 20


def lease() -> dt.timedelta:
    """How long a claimed row belongs to its worker: three times the longest transport timeout (at
    least 10 s). A worker that died mid-delivery leaves its rows to be tried again after this."""
    settings = sla.settings()
    longest = max([parse_duration(settings[section]["timeout"]) for section in ("smtp", "sms")]
                  + [parse_duration(settings["smtp"].get("data_timeout", "2m"))])
    return max(dt.timedelta(seconds=10), 3 * longest)


def transports() -> dict:
    return {"email": lambda row: mail.send(row.address, row.subject, row.body, sla.settings()["smtp"], row.id),
            "sms": lambda row: sms.send(row.address, row.body, sla.settings()["sms"]),
            "webhook": webhooks.deliver}


def backoff(attempts: int) -> dt.timedelta:
    """base, 2·base, 4·base … capped at retry_max."""
    settings = sla.settings()["outbox"]
    base, cap = parse_duration(settings["retry_base"]), parse_duration(settings["retry_max"])
    return min(base * (2 ** max(0, attempts - 1)), cap)


def _claim(now: dt.datetime) -> list[Outbox]:
    claimed, until = [], now + lease()
    with database.atomic():
        due = list(Outbox.select().where(Outbox.status.in_(("pending", "sending", "unconfirmed"))
                                         & (Outbox.next_attempt_at <= now))
                   .order_by(Outbox.next_attempt_at).limit(BATCH))
        for row in due:
            if row.channel == "webhook":
                later = webhooks.wait_until(row, now)
                if later is not None:   # an earlier event of the same webhook still waits, or it is paused
                    Outbox.update(next_attempt_at=later).where(
                        (Outbox.id == row.id) & (Outbox.next_attempt_at == row.next_attempt_at)).execute()
                    continue
            won = (Outbox.update(status="sending", attempts=Outbox.attempts + 1, next_attempt_at=until)
                   .where((Outbox.id == row.id) & (Outbox.status == row.status)
                          & (Outbox.next_attempt_at == row.next_attempt_at)).execute())
            if won:
                claimed.append(Outbox.get_by_id(row.id))
    return claimed


def _finish(row: Outbox, error: str | None, unconfirmed: bool = False) -> None:
    now = clock.now()
    with database.atomic():
        if unconfirmed:
            # Sent, but the relay never said so: most likely delivered. Not again at once (that is how
            # a slow relay got 3 copies); once more much later, with the same Message-ID.
            later = parse_duration(sla.settings()["outbox"]["unconfirmed_retry"])
            give_up = row.attempts >= int(sla.settings()["outbox"]["max_attempts"])
            Outbox.update(status="failed" if give_up else "unconfirmed", last_error=error[:500],
                          next_attempt_at=now + later).where(Outbox.id == row.id).execute()
            return
        if error is None:
            Outbox.update(status="sent", sent_at=now, last_error="").where(Outbox.id == row.id).execute()
            if row.channel == "webhook":
                webhooks.release_next(row, now)
            return
        limit = "webhook_attempts" if row.channel == "webhook" else "max_attempts"
        give_up = row.attempts >= int(sla.settings()["outbox"][limit])
        Outbox.update(status="failed" if give_up else "pending", last_error=error[:500],
                      next_attempt_at=now + backoff(row.attempts)).where(Outbox.id == row.id).execute()
        if give_up and row.channel == "webhook":
            row.last_error = error
            webhooks.gave_up(row)


def deliver_due(now: dt.datetime | None = None) -> list[Outbox]:
    """Try every row due at `now`; returns the rows tried (their new state is in the database)."""
    now = now or clock.now()
    send = transports()
    tried = []
    while True:
        batch = _claim(now)
        for row in batch:
            unconfirmed = False
            # an applicant's number is personal data: not in full in the logs
            to = masked(row.address) if row.subject == APPLICANT_SMS else row.address
            try:
                send[row.channel](row)
                error = None
            except mail.Unconfirmed as exc:
                error, unconfirmed = f"unconfirmed: {exc}", True
                log.warning("outbox %s #%d to %s: %s", row.channel, row.id, to, error)
            except Exception as exc:   # noqa: BLE001 - any failure: keep the row, try again later
                error = f"{type(exc).__name__}: {exc}"
                log.warning("outbox %s #%d to %s failed (attempt %d): %s", row.channel, row.id, to,
                            row.attempts, error)
            _finish(row, error, unconfirmed)
            tried.append(row)
        if not batch:   # a delivered webhook row may have released the next one: look again until none
            return tried


def next_due() -> dt.datetime | None:
    value = (Outbox.select(fn.MIN(Outbox.next_attempt_at))
             .where(Outbox.status.in_(("pending", "sending", "unconfirmed"))).scalar())
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value


def retry(row_ids: list[int] | None = None) -> int:
    """Send failed rows again now (all failed rows when no ids are given)."""
    query = Outbox.update(status="pending", next_attempt_at=clock.now(), attempts=0)
    where = Outbox.status == "failed"
    if row_ids:
        where = Outbox.id.in_(row_ids) & Outbox.status.in_(("failed", "pending"))
    with database.atomic():
        count = query.where(where).execute()
    notify(clock.now())
    return count


class OutboxWorker(Loop):
    name = "outbox worker"

    def turn(self) -> dt.datetime | None:
        deliver_due(clock.now())
        return next_due()


_worker: OutboxWorker | None = None


def notify(at: dt.datetime | None) -> None:
    if _worker is not None:
        _worker.notify(at)


def start(start_task, event_factory, max_sleep: float = 30.0) -> OutboxWorker:
    global _worker
    _worker = OutboxWorker(event_factory, max_sleep)
    start_task(_worker.run)
    return _worker


def stop() -> None:
    global _worker
    if _worker is not None:
        _worker.stop()
        _worker = None
