"""What the admin screens, the units' systems and the event feed read about integrations."""
from __future__ import annotations

from peewee import fn

from db.integration_models import ApiClient, DeliveryAttempt, IntegrationEvent, Webhook, WebhookDelivery
from db.task_models import Outbox
from intranet_server.clock import iso
from intranet_server.rules.integrations import QR_PREFIX, show_code


def client_dict(client: ApiClient) -> dict:
    return {"id": client.id, "name": client.name, "unit": client.unit.code, "scopes": client.scopes.split(),
            "username": client.staff.username, "created_at": iso(client.created_at),
            "created_by": client.created_by, "rotated_at": iso(client.rotated_at),
            "revoked_at": iso(client.revoked_at), "last_used_at": iso(client.last_used_at)}


def clients() -> list[dict]:
    return [client_dict(c) for c in ApiClient.select().order_by(ApiClient.name)]


def webhook_dict(hook: Webhook) -> dict:
    counts = dict(Outbox.select(Outbox.status, fn.COUNT(Outbox.id))
                  .join(WebhookDelivery, on=(WebhookDelivery.outbox == Outbox.id))
                  .where(WebhookDelivery.webhook == hook.id).group_by(Outbox.status).tuples())
    return {"id": hook.id, "unit": hook.unit.code, "url": hook.url, "events": hook.events.split(),
            "client": hook.client.name if hook.client_id else None, "created_at": iso(hook.created_at),
            "created_by": hook.created_by, "paused_at": iso(hook.paused_at), "paused_reason": hook.paused_reason,
            "pending": counts.get("pending", 0) + counts.get("sending", 0), "failed": counts.get("failed", 0)}


def webhooks(unit_id: int | None = None) -> list[dict]:
    query = Webhook.select().where(Webhook.active == True)  # noqa: E712
    if unit_id is not None:
        query = query.where(Webhook.unit == unit_id)
    return [webhook_dict(h) for h in query.order_by(Webhook.id)]


def delivery_log(hook: Webhook, limit: int = 100) -> list[dict]:
    rows = list(WebhookDelivery.select(WebhookDelivery, Outbox, IntegrationEvent)
                .join(Outbox, on=(WebhookDelivery.outbox == Outbox.id))
                .switch(WebhookDelivery).join(IntegrationEvent, on=(WebhookDelivery.event == IntegrationEvent.id))
                .where(WebhookDelivery.webhook == hook.id)
                .order_by(WebhookDelivery.id.desc()).limit(limit))
    attempts: dict[int, list] = {}
    for a in (DeliveryAttempt.select().where(DeliveryAttempt.delivery.in_([r.id for r in rows]))
              .order_by(DeliveryAttempt.id)):
        attempts.setdefault(a.delivery_id, []).append(
            {"at": iso(a.at), "ok": a.ok, "status_code": a.status_code, "answer": a.answer,
             "duration_ms": a.duration_ms})
    return [{"id": r.id, "event_id": str(r.event.id), "event": r.event.event, "status": r.outbox.status,
             "attempts": attempts.get(r.id, []),
             "next_attempt_at": iso(r.outbox.next_attempt_at) if r.outbox.status in ("pending", "sending") else None,
             "sent_at": iso(r.outbox.sent_at), "last_error": r.outbox.last_error} for r in rows]


def events_after(cursor: int, unit_ids: list[int] | None, limit: int) -> list[dict]:
    query = IntegrationEvent.select().where(IntegrationEvent.id > cursor)
    if unit_ids is not None:
        query = query.where(IntegrationEvent.unit.in_(unit_ids))
    return [row.body() for row in query.order_by(IntegrationEvent.id).limit(limit)]


def booking_dict(booking, today) -> dict:
    if booking.cancelled_at is not None:
        status = "cancelled"
    elif booking.redeemed_at is not None:
        status = "redeemed"
    elif booking.day < today:
        status = "expired"
    else:
        status = "booked"
    return {"code": show_code(booking.code), "qr": QR_PREFIX + booking.code, "service": booking.service.code,
            "date": booking.day.isoformat(), "window_start": booking.window_start,
            "window_end": booking.window_end, "name": booking.name, "priority": booking.priority,
            "status": status, "ticket": booking.ticket.number if booking.ticket_id else None,
            "created_at": iso(booking.created_at)}
