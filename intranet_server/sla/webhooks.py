"""Webhook deliveries through the outbox: a signed JSON POST per event, each attempt logged.

The outbox worker gives every due row to its channel; a webhook row is sent only when no earlier
event for the same webhook still waits (so a receiver hears each task's events in order), and not
while its webhook is paused. A delivery that uses up its attempts pauses the webhook and tells the
supervisors of its unit by e-mail; "deliver again" (actions.integrations.redeliver) resumes it.
Delivery is at least once: a receiver deduplicates by `X-PTSA-Event-Id`.
"""
from __future__ import annotations

import datetime as dt
import logging
import time

import requests

from db.integration_models import DeliveryAttempt, Webhook, WebhookDelivery
from db.models import Staff, database
from db.task_models import Outbox
from intranet_server import clock, sla
from intranet_server.rules.durations import parse_duration
from intranet_server.rules.integrations import sign

log = logging.getLogger(__name__)
USER_AGENT = "PTSA-Webhooks/1"


def wait_until(row: Outbox, now: dt.datetime) -> dt.datetime | None:
    """None when this webhook row may go now; otherwise when to look at it again: after the earlier
    event of the same webhook is due (order), or in a day while the webhook is paused (resuming it
    brings its rows back to now)."""
    delivery = WebhookDelivery.get_or_none(WebhookDelivery.outbox == row.id)
    if delivery is None:
        return now + dt.timedelta(days=1)
    hook = delivery.webhook
    if not hook.active or hook.paused_at is not None:
        return now + dt.timedelta(days=1)
    earlier = (Outbox.select(Outbox.next_attempt_at, Outbox.status)
               .join(WebhookDelivery, on=(WebhookDelivery.outbox == Outbox.id))
               .where((WebhookDelivery.webhook == hook.id) & (Outbox.id < row.id)
                      & Outbox.status.in_(("pending", "sending", "failed")))
               .order_by(Outbox.id).first())
    if earlier is None:
        return None
    return max(earlier.next_attempt_at, now) + dt.timedelta(milliseconds=1)


def release_next(row: Outbox, now: dt.datetime) -> None:
    """The row went out: the webhook's next event, held behind it, may go at once."""
    delivery = WebhookDelivery.get_or_none(WebhookDelivery.outbox == row.id)
    if delivery is None:
        return
    following = (Outbox.select(Outbox.id).join(WebhookDelivery, on=(WebhookDelivery.outbox == Outbox.id))
                 .where((WebhookDelivery.webhook == delivery.webhook_id) & (Outbox.id > row.id)
                        & (Outbox.status == "pending")).order_by(Outbox.id).first())
    if following is not None:
        Outbox.update(next_attempt_at=now).where(Outbox.id == following.id).execute()


def deliver(row: Outbox) -> None:
    """POST the stored body, signed; raises unless the receiver answers 2xx."""
    delivery = WebhookDelivery.get(WebhookDelivery.outbox == row.id)
    hook = delivery.webhook
    body = row.body.encode()
    stamp = int(clock.now().timestamp())
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT,
               "X-PTSA-Event-Id": str(delivery.event_id), "X-PTSA-Event": row.subject,
               "X-PTSA-Signature": sign(hook.secret, stamp, body)}
    timeout = parse_duration(sla.settings()["webhooks"]["timeout"]).total_seconds()
    started = time.monotonic()
    status, answer, ok = None, "", False
    try:
        response = requests.post(hook.url, data=body, headers=headers, timeout=timeout, allow_redirects=False)
        status, answer = response.status_code, response.text[:500]
        ok = 200 <= status < 300
    except requests.RequestException as exc:
        answer = f"{type(exc).__name__}: {exc}"[:500]
    with database.atomic():
        DeliveryAttempt.create(delivery=delivery, at=clock.now(), ok=ok, status_code=status, answer=answer,
                               duration_ms=int((time.monotonic() - started) * 1000))
    if not ok:
        raise RuntimeError(f"webhook answered {status}: {answer[:200]}" if status else answer)


def gave_up(row: Outbox) -> None:
    """Called in the transaction that marks a webhook row failed: pause the webhook, tell its unit."""
    delivery = WebhookDelivery.get_or_none(WebhookDelivery.outbox == row.id)
    if delivery is None:
        return
    hook = Webhook.get_by_id(delivery.webhook_id)
    if hook.paused_at is not None:
        return
    now = clock.now()
    reason = f"delivery of event {delivery.event_id} failed {row.attempts} times: {row.last_error[:200]}"
    hook.paused_at, hook.paused_reason = now, reason[:300]
    hook.save()
    from intranet_server.actions import audit
    audit("outbox", "webhook.pause", "webhook", hook.id, reason=reason)
    people = Staff.select().where((Staff.unit == hook.unit_id) & (Staff.role == "supervisor")
                                  & (Staff.active == True) & (Staff.email != ""))  # noqa: E712
    if sla.channel_enabled("email"):
        for person in people:
            Outbox.create(channel="email", staff=person, address=person.email, created_at=now, next_attempt_at=now,
                          subject=f"[PTSA] Webhook dijeda / paused: {hook.url}"[:300],
                          body=(f"Webhook unit {hook.unit.code} ke {hook.url} dijeda setelah gagal terus.\n"
                                f"The webhook of {hook.unit.code} to {hook.url} is paused after repeated "
                                f"failures.\n\n{reason}\n\nKirim ulang dari layar admin / "
                                "deliver again from the admin screen (POST /api/v1/webhooks/ID/redeliver)."))
