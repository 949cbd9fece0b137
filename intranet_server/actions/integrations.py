"""The units' own systems: API clients, webhook subscriptions, and the events both hear.

A client works under its own staff account (a receiver of its unit that can never sign in), so the
task verbs, their permission checks, the audit log and the SLA/KPI figures treat its work exactly as an
officer's. Task and alert events are written here inside the transaction that caused them: one row in
the event feed per unit that hears it, and one outbox row per subscribed webhook, so a delivery is
never lost while the receiver is down and never sent for a change that was rolled back.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import secrets
from urllib.parse import urlparse

from db.integration_models import (
    CLIENT_SCOPES, WEBHOOK_EVENTS, ApiClient, ApplicantSms, IntegrationEvent, Webhook, WebhookDelivery,
)
from db.models import Staff, Unit, database
from db.passwords import hash_password, hash_token
from db.task_models import Outbox
from intranet_server import clock
from intranet_server.actions import Conflict, Forbidden, Invalid, NotFound, audit
from intranet_server.clock import iso
from intranet_server.rules.integrations import APPLICANT_SMS, TASK_EVENTS, applicant_phone, completion_sms, masked

SECRET_PREFIX = "ptsa_c_"      # tells a client's secret from a kiosk token at a glance
ALL_EVENTS = tuple(dict.fromkeys((*WEBHOOK_EVENTS, *(e for e, _ in TASK_EVENTS.values()))))


def _new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def _unit(code) -> Unit:
    unit = Unit.get_or_none((Unit.code == code) & (Unit.active == True)) if isinstance(code, str) else None  # noqa: E712
    if unit is None:
        raise NotFound(f"unknown unit {code!r}", code="unknown_unit")
    return unit


def _scopes(scopes) -> str:
    unknown = [s for s in scopes if s not in CLIENT_SCOPES]
    if not scopes or unknown:
        raise Invalid(f"'scopes' must be a non-empty list drawn from {', '.join(CLIENT_SCOPES)}")
    return " ".join(s for s in CLIENT_SCOPES if s in scopes)


# ---- clients ----------------------------------------------------------------------------------

def register_client(actor: str, name: str, unit_code: str, scopes: list[str]) -> tuple[ApiClient, str]:
    """A new system for a unit, and its secret (shown this once: only its hash is kept)."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9._-]{1,47}", name or ""):
        raise Invalid("client name: 2 to 48 lower-case letters, digits, '.', '_' or '-'")
    scope_text = _scopes(scopes)
    secret = _new_secret()
    with database.atomic():
        unit = _unit(unit_code)
        if ApiClient.get_or_none(ApiClient.name == name):
            raise Conflict(f"a client named {name!r} exists; rotate its secret or pick another name")
        # The colon keeps it apart from every person's username; the password is never told anyone.
        staff = Staff.create(username=f"api:{name}", full_name=f"{name} (sistem / system)",
                             password_hash=hash_password(secrets.token_urlsafe(32)),
                             role="p1" if unit.echelon == 1 else "p2", unit=unit, active=True)
        client = ApiClient.create(name=name, unit=unit, staff=staff, scopes=scope_text,
                                  secret_hash=hash_token(secret), created_at=clock.now(), created_by=actor)
        audit(actor, "client.register", "api_client", client.id, name=name, unit=unit.code, scopes=scope_text)
    return client, secret


def _client(client_id) -> ApiClient:
    client = ApiClient.get_or_none(ApiClient.id == client_id)
    if client is None:
        raise NotFound(f"no API client {client_id}")
    return client


def rotate_secret(actor: str, client_id: int) -> tuple[ApiClient, str]:
    """A new secret; the old one stops working at once."""
    secret = _new_secret()
    with database.atomic():
        client = _client(client_id)
        if client.revoked_at is not None:
            raise Conflict(f"client {client.name} is revoked", code="client_revoked")
        client.secret_hash, client.rotated_at = hash_token(secret), clock.now()
        client.save()
        audit(actor, "client.rotate", "api_client", client.id)
    return client, secret


def revoke_client(actor: str, client_id: int) -> ApiClient:
    with database.atomic():
        client = _client(client_id)
        if client.revoked_at is None:
            client.revoked_at = clock.now()
            client.save()
            Staff.update(active=False).where(Staff.id == client.staff_id).execute()
            Webhook.update(active=False).where(Webhook.client == client).execute()
            audit(actor, "client.revoke", "api_client", client.id)
    return client


def authenticate_client(secret: str) -> ApiClient:
    from intranet_server.actions import Unauthorized
    client = ApiClient.get_or_none(ApiClient.secret_hash == hash_token(secret))
    if client is None or client.revoked_at is not None:
        raise Unauthorized("unknown or revoked API client secret", code="bad_client_secret")
    now = clock.now()
    if client.last_used_at is None or (now - client.last_used_at).total_seconds() > 60:
        # at most one write a minute per client: "last used" for the admin, not a hot-path cost
        with database.atomic():
            ApiClient.update(last_used_at=now).where(ApiClient.id == client.id).execute()
    return client


# ---- webhooks ---------------------------------------------------------------------------------

def _url(url) -> str:
    parsed = urlparse(url if isinstance(url, str) else "")
    if parsed.scheme not in ("http", "https") or not parsed.hostname or len(url) > 500:
        raise Invalid("'url' must be an http:// or https:// address of at most 500 characters")
    return url


def subscribe(actor: str, unit_code: str, url: str, events: list[str],
              client: ApiClient | None = None) -> tuple[Webhook, str]:
    """A URL that hears the unit's task events; returns the webhook and its signing secret."""
    unknown = [e for e in events if e not in ALL_EVENTS]
    if not events or unknown:
        raise Invalid(f"'events' must be a non-empty list drawn from {', '.join(ALL_EVENTS)}")
    url = _url(url)
    with database.atomic():
        unit = _unit(unit_code)
        if client is not None and client.unit_id != unit.id:
            raise Forbidden(f"client {client.name} acts for {client.unit.code}, not {unit.code}")
        secret = secrets.token_hex(32)
        hook = Webhook.create(unit=unit, client=client, url=url, events=" ".join(sorted(set(events))),
                              secret=secret, created_at=clock.now(), created_by=actor)
        audit(actor, "webhook.subscribe", "webhook", hook.id, unit=unit.code, url=url, events=hook.events)
    return hook, secret


def webhook_for(actor_client: ApiClient | None, webhook_id) -> Webhook:
    hook = Webhook.get_or_none((Webhook.id == webhook_id) & (Webhook.active == True))  # noqa: E712
    if hook is None or (actor_client is not None and hook.unit_id != actor_client.unit_id):
        raise NotFound(f"no webhook {webhook_id}")
    return hook


def unsubscribe(actor: str, hook: Webhook) -> None:
    with database.atomic():
        Webhook.update(active=False).where(Webhook.id == hook.id).execute()
        pending = (Outbox.select(Outbox.id).join(WebhookDelivery, on=(WebhookDelivery.outbox == Outbox.id))
                   .where((WebhookDelivery.webhook == hook.id) & Outbox.status.in_(("pending", "failed"))))
        Outbox.update(status="cancelled").where(Outbox.id.in_(pending)).execute()
        audit(actor, "webhook.unsubscribe", "webhook", hook.id)


def redeliver(actor: str, hook: Webhook, delivery_ids: list[int] | None = None) -> int:
    """'Deliver again': failed (or given) deliveries go out again now, and a paused webhook resumes."""
    now = clock.now()
    with database.atomic():
        rows = (Outbox.select(Outbox.id).join(WebhookDelivery, on=(WebhookDelivery.outbox == Outbox.id))
                .where(WebhookDelivery.webhook == hook.id))
        if delivery_ids:
            rows = rows.where(WebhookDelivery.id.in_(delivery_ids))
        else:
            rows = rows.where(Outbox.status == "failed")
        count = (Outbox.update(status="pending", attempts=0, next_attempt_at=now, last_error="")
                 .where(Outbox.id.in_(rows)).execute())
        waiting = (Outbox.select(Outbox.id).join(WebhookDelivery, on=(WebhookDelivery.outbox == Outbox.id))
                   .where((WebhookDelivery.webhook == hook.id) & (Outbox.status == "pending")))
        Outbox.update(next_attempt_at=now).where(Outbox.id.in_(waiting)).execute()   # held while paused
        Webhook.update(paused_at=None, paused_reason="").where(Webhook.id == hook.id).execute()
        audit(actor, "webhook.redeliver", "webhook", hook.id, deliveries=count)
    from intranet_server.sla import outbox
    database.after_commit(lambda: outbox.notify(now))
    return count


# ---- events (called inside other actions' transactions) -------------------------------------

def _emit(event: str, unit_ids: set[int], payload: dict) -> None:
    now = clock.now()
    hooks = [h for h in Webhook.select().where(Webhook.unit.in_(list(unit_ids)) & (Webhook.active == True))  # noqa: E712
             if event in h.event_set]
    task_id = payload.get("task", {}).get("id") if isinstance(payload.get("task"), dict) else None
    for unit_id in sorted(unit_ids):
        # One insert: the stored payload leaves out the id, which is the row's own and is added on the
        # way out (IntegrationEvent.body). Precomputing ids would need a sequence SQLite lacks.
        row = IntegrationEvent.create(event=event, unit=unit_id, task=task_id, created_at=now, payload={
            "event": event, "created_at": iso(now), "unit": Unit.get_by_id(unit_id).code, **payload})
        full = row.body()
        for hook in (h for h in hooks if h.unit_id == unit_id):
            out = Outbox.create(channel="webhook", address=hook.url, subject=event,
                                body=json.dumps(full, ensure_ascii=False, sort_keys=True),
                                created_at=now, next_attempt_at=now)
            WebhookDelivery.create(webhook=hook, event=row, outbox=out)
    if hooks:
        from intranet_server.sla import outbox
        database.after_commit(lambda: outbox.notify(now))


def task_changed(task, verb: str, involved_units: set[int], task_payload: dict) -> None:
    mapped = TASK_EVENTS.get(verb)
    if mapped is None:
        return
    event, audience = mapped
    units = {task.unit_id} if audience == "arrived" else set(involved_units)
    units.discard(None)
    if units:
        _emit(event, units, {"task": task_payload})


def alert_raised(alert, hop, alert_payload: dict) -> None:
    if hop.to_unit_id is not None:
        _emit("alert.raised", {hop.to_unit_id}, {"alert": alert_payload})


# ---- the applicant's SMS when her task is completed ------------------------------------------

def check_applicant_sms(phone, consent) -> str | None:
    """The booth form's SMS fields: the number in international form, or None for no SMS. A number
    without the applicant's consent is refused: nothing is sent, or kept, without it."""
    if consent is not True and consent not in (None, False):
        raise Invalid("'consent' must be true or false")
    if phone in (None, "") and not consent:
        return None
    if phone in (None, ""):
        raise Invalid("an SMS needs the applicant's phone number", code="applicant_phone_invalid")
    number = applicant_phone(phone)
    if number is None:
        raise Invalid(f"phone {str(phone)[:40]!r}: write it internationally, e.g. +6281234567890",
                      code="applicant_phone_invalid")
    if consent is not True:
        raise Invalid("the applicant has not agreed to an SMS: tick her consent or leave the phone out",
                      code="sms_consent_missing")
    return number


def record_sms_consent(task, staff, phone: str, now: dt.datetime) -> None:
    """Inside create_task's transaction."""
    ApplicantSms.create(task=task, phone=phone, consent_at=now, consent_by=staff)


def applicant_sms_on_completion(task, now: dt.datetime, calendar) -> None:
    """Inside complete's transaction: the applicant who consented gets one SMS through the outbox (never
    lost while the gateway is down), held to the unit's opening hours like alerts; her number then
    lives only in that outbox row."""
    consent = ApplicantSms.get_or_none(ApplicantSms.task == task.id)
    if consent is None:
        return
    from intranet_server import sla
    from intranet_server.rules.tasks import hold_until
    if sla.channel_enabled("sms"):
        held = hold_until(calendar, now, sla.policy())
        ticket = task.ticket.number if task.ticket_id else None
        Outbox.create(channel="sms", address=consent.phone, subject=APPLICANT_SMS,
                      body=completion_sms(task.service.name_id, ticket, task.id), status="pending",
                      created_at=now, held_until=held, next_attempt_at=held or now)
        from intranet_server.sla import outbox
        database.after_commit(lambda: outbox.notify(held or now))
    consent.delete_instance()


# ---- housekeeping -------------------------------------------------------------------------------

FEED_KEEP = dt.timedelta(days=30)        # the event feed's memory; a cursor older than this has gaps
IDEMPOTENCY_KEEP = dt.timedelta(days=1)  # how long a retry with the same Idempotency-Key is replayed


def prune(now: dt.datetime) -> int:
    """Called hourly (extensions._maintenance_loop): forget feed events older than FEED_KEEP whose
    webhook deliveries are over, and Idempotency-Key answers older than IDEMPOTENCY_KEEP; and the
    applicant's phone: the consent of a task that ended (cancelled, or returned and left for
    FEED_KEEP), and the number of her SMS once it is sent (masked) or given up on for FEED_KEEP."""
    from db.integration_models import IdempotentRequest
    from db.task_models import Task
    waiting = (WebhookDelivery.select(WebhookDelivery.event)
               .join(Outbox, on=(WebhookDelivery.outbox == Outbox.id))
               .where(Outbox.status.in_(("pending", "sending", "unconfirmed"))))
    with database.atomic():
        gone = (IntegrationEvent.delete().where((IntegrationEvent.created_at < now - FEED_KEEP)
                                                & IntegrationEvent.id.not_in(waiting)).execute())
        gone += IdempotentRequest.delete().where(IdempotentRequest.created_at < now - IDEMPOTENCY_KEEP).execute()
        ended = Task.select(Task.id).where(Task.status.in_(("done", "cancelled"))
                                           | ((Task.status == "returned") & (Task.updated_at < now - FEED_KEEP)))
        gone += ApplicantSms.delete().where(ApplicantSms.task.in_(ended)).execute()
        for row in Outbox.select().where((Outbox.channel == "sms") & (Outbox.subject == APPLICANT_SMS)
                                         & Outbox.address.startswith("+")
                                         & ((Outbox.status == "sent")
                                            | ((Outbox.status.in_(("failed", "cancelled")))
                                               & (Outbox.created_at < now - FEED_KEEP)))):
            Outbox.update(address=masked(row.address)).where(Outbox.id == row.id).execute()
            gone += 1
    return gone
