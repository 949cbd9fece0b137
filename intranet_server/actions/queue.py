"""Queue verbs: issue a ticket, and everything a booth officer does with it."""
from __future__ import annotations

from peewee import IntegrityError, fn

from db import is_postgres, locked
from db.models import PRIORITY_GROUPS, Booth, Kiosk, Service, Staff, Ticket, TicketCounter, database
from db.prepared import Inserter, Param, Prepared, by_id
from intranet_server import actions, clock
from intranet_server.realtime import lobby
from intranet_server.reads import queue as queue_reads
from intranet_server.actions import Conflict, Forbidden, Invalid, NotFound, audit, bookings, check_idempotency_key
from intranet_server.realtime.events import publish_many
from intranet_server.rules.queue import (
    MAX_SEQ, TransitionError, business_day, check_transition, choose_next, format_number,
    may_return_after_no_show, screen_is_behind,
)

ANY_VISIT = object()   # call-next without the screen's visit: finish whatever the booth holds


def _service(code) -> Service:
    if not isinstance(code, str) or not code:
        raise Invalid("'service' must be a service code such as \"PP\"")
    service = queue_reads.service_by_code(code)
    if service is None:
        raise NotFound(f"unknown service {code!r}", code="unknown_service")
    return service


def _transition(ticket: Ticket, verb: str) -> None:
    try:
        check_transition(ticket.status, verb)
    except TransitionError as exc:
        raise Conflict(str(exc), code="bad_state") from None


# ---- events ---------------------------------------------------------------------------

class _Outbox:
    """What one queue action tells the screens: one message per room, written in bulk
    (`publish_many`) at the end of the action's transaction.

    `service:<code>` and `booth:<n>` get one `ticket` event (the last ticket changed, earlier ones
    in `also`); the display board gets one `booth` or `call` event carrying the booth's state and
    the summaries of the services the action changed, so it needs nothing else from this action.
    The lobby (kiosks) gets its summaries from the coalescing publisher (realtime/lobby.py)."""

    def __init__(self):
        self.tickets: dict[str, dict[int, dict]] = {}
        self.services: dict[int, int] = {}
        self.booth: Booth | None = None
        self.call: tuple[dict, bool] | None = None
        self.extra: list[tuple[str, str, dict]] = []

    def ticket(self, room: str, data: dict) -> None:
        changed = self.tickets.setdefault(room, {})
        changed.pop(data["id"], None)
        changed[data["id"]] = data

    def send(self) -> None:
        messages = []
        for room, changed in self.tickets.items():
            *also, last = changed.values()
            messages.append((room, "ticket", {"ticket": last, "also": also} if also else {"ticket": last}))
        if self.booth is not None:
            messages.append(self._display())
        messages += self.extra
        publish_many(messages)
        for service_id in self.services:
            lobby.service_changed(service_id, display=self.booth is None)

    def _display(self) -> tuple[str, str, dict]:
        booth = self.booth
        if self.call is not None and not self.call[1]:
            shown = self.call[0]      # a call finished the booth's other visits: the called one is shown
        else:
            current = queue_reads.current_at_booth(booth)
            shown = queue_reads.ticket_dict(current[-1]) if current else None
        summaries = [queue_reads.service_summary(s) for s in queue_reads.cached_services_by_id(list(self.services))]
        payload = {"booth": queue_reads.booth_dict(booth), "ticket": shown, "services": summaries}
        if self.call is None:
            return ("display", "booth", payload)
        from intranet_server.rules.voice import call_clips, call_text
        data, recall = self.call
        payload.update(call=data, recall=recall, clips=call_clips(data["number"], str(booth.number)),
                       text=call_text(data["number"], str(booth.number)))
        return ("display", "call", payload)


def _announce(out: _Outbox, ticket: Ticket, *, services: tuple[Service, ...] = (), call: bool = False,
              recall: bool = False, booth: Booth | None = None) -> None:
    """Note what changed: the ticket to its queue and booth, the booth board, the lobby."""
    data = queue_reads.ticket_dict(ticket)
    out.ticket(f"service:{data['service']}", data)
    for service_id in (ticket.service_id, *(s.id for s in services)):
        out.services[service_id] = service_id
    if booth is not None:
        out.ticket(f"booth:{booth.number}", data)
        out.booth = booth
        if call:
            out.call = (data, recall)
        if ticket.status == "done":
            from intranet_server.actions.surveys import offer_message   # the booth's survey tablet opens
            out.extra += offer_message(ticket, booth)
    if ticket.status == "done":
        # the queue's recent service times changed: now (this action's summaries read them) and again
        # after the commit (a reader in between may have kept the times from before it)
        queue_reads.forget_service_times(ticket.service_id)
        database.after_commit(lambda: queue_reads.forget_service_times(ticket.service_id))


# ---- issuing --------------------------------------------------------------------------

def issue_ticket(kiosk: Kiosk, service_code, priority=None, idempotency_key=None,
                 language: str = "id") -> tuple[Ticket, bool]:
    """A new ticket for a walk-in visitor. Returns (ticket, created); a repeated
    idempotency key from the same kiosk returns the ticket issued the first time."""
    if priority is not None and priority not in PRIORITY_GROUPS:
        raise Invalid(f"'priority' must be null or one of {', '.join(PRIORITY_GROUPS)}")
    check_idempotency_key(idempotency_key)
    if language not in ("id", "en"):
        raise Invalid("'language' must be \"id\" or \"en\"")
    try:
        with database.atomic():
            if idempotency_key:
                earlier = Ticket.get_or_none((Ticket.kiosk == kiosk)
                                             & (Ticket.idempotency_key == idempotency_key))
                if earlier is not None:
                    return earlier, False
            service = _service(service_code)
            closed = queue_reads.service_closed_reason(service)
            if closed:
                raise Conflict(closed, code="service_closed")
            now = clock.now()
            day = business_day(now, actions.office.timezone)
            ticket = _issue(kiosk, service, priority, idempotency_key, language, now, day,
                            reserved=bookings.reserved(service, day, now))
            return ticket, True
    except IntegrityError:
        # Two requests with the same idempotency key raced (PostgreSQL): the other one won.
        if idempotency_key:
            earlier = Ticket.get_or_none((Ticket.kiosk == kiosk) & (Ticket.idempotency_key == idempotency_key))
            if earlier is not None:
                return earlier, False
        raise


def _issue(kiosk: Kiosk, service: Service, priority, idempotency_key, language: str, now, day, *,
           reserved: int = 0, arrived_at=None, booked: bool = False) -> Ticket:
    """Number and store a ticket inside the caller's transaction. Walk-ins leave `reserved` places
    of the daily cap to the day's bookings still to come; a booked visitor already holds hers."""
    seq = _next_number(service, day)
    if not booked and service.daily_cap is not None and seq + reserved > service.daily_cap:
        raise Conflict("Kuota antrean hari ini sudah habis / Today's ticket quota is used up",
                       code="daily_cap_reached")
    if seq > MAX_SEQ:
        raise Conflict(f"no more than {MAX_SEQ} tickets per service per day", code="daily_cap_reached")
    # stamped once the number is taken: on PostgreSQL two kiosks' transactions reach the counter row in
    # either order, and a ticket stamped earlier but numbered later would be called (by arrival) first
    now = max(now, clock.now())
    ticket, counted = _new_ticket.create_returning(
        issued_for=service, service=service, business_day=day, seq=seq,
        number=format_number(service.prefix, seq), priority=priority, status="waiting",
        kiosk=kiosk, idempotency_key=idempotency_key, language=language,
        issued_at=now, arrived_at=arrived_at or now, booked=booked)
    # the visitor's people-ahead counts, read by the INSERT (reads/queue.ahead_of): its snapshot is taken
    # after this transaction holds the queue's counter row, so every earlier ticket of the queue is in it
    ticket.waiting_at_issue = counted
    audit(f"kiosk:{kiosk.name}", "ticket.issue", "ticket", ticket.id,
          number=ticket.number, service=service.code, priority=priority, booked=booked)
    out = _Outbox()
    _announce(out, ticket)
    out.send()
    return ticket


def _next_number(service: Service, day) -> int:
    """Atomic increment of the (service, day) counter row: unique and gap-free under any
    concurrency, because the row is locked until this transaction ends."""
    return _count_ticket.execute(service=service.id, day=day).fetchone()[0]


def _waiting_around_new_ticket() -> tuple:
    """The other visitors waiting in the new ticket's queue, and how many of them arrived after it:
    RETURNING subqueries of the ticket's INSERT (`Ticket.id` etc. there are the new row's)."""
    other = Ticket.alias("other")
    waiting = (other.service == Ticket.service) & (other.status == "waiting") & (other.id != Ticket.id)
    later = (other.arrived_at > Ticket.arrived_at) | ((other.arrived_at == Ticket.arrived_at) & (other.id > Ticket.id))
    return (other.select(fn.COUNT(other.id)).where(waiting),
            other.select(fn.COUNT(other.id)).where(waiting & later))


# the issue's statements, their SQL built once
_new_ticket = Inserter(Ticket, also=_waiting_around_new_ticket)
_count_ticket = Prepared(lambda: (
    TicketCounter.insert(service=Param("service", TicketCounter.service),
                         business_day=Param("day", TicketCounter.business_day), value=1)
    .on_conflict(conflict_target=[TicketCounter.service, TicketCounter.business_day],
                 update={TicketCounter.value: TicketCounter.value + 1})
    .returning(TicketCounter.value)))


# ---- booth officer verbs --------------------------------------------------------------

def _officer_booth(staff: Staff) -> Booth:
    if staff.role != "p0":
        raise Forbidden("only a front officer (P0) at a booth may do this")
    if staff.booth_id is None:
        raise Forbidden("your account is not assigned to a booth; ask the administrator")
    return queue_reads.booth_row(staff.booth_id)


def _ticket_for_update(ticket_id) -> Ticket:
    if not isinstance(ticket_id, int) or isinstance(ticket_id, bool):
        raise Invalid("ticket id must be a whole number")
    ticket = locked(Ticket, ticket_id)
    if ticket is None:
        raise NotFound(f"no ticket {ticket_id}")
    return ticket


def _may_take(ticket: Ticket, booth: Booth) -> bool:
    """May this booth take the ticket (call it, or move it)? Its own visit, or a ticket of a queue the
    booth serves that no other booth holds (parked elsewhere, or being served elsewhere)."""
    if ticket.booth_id == booth.id:
        return True
    if ticket.service_id not in {s.id for s in queue_reads.booth_services(booth)}:
        return False
    return ticket.status in ("waiting", "no_show") or (ticket.status == "parked" and ticket.booth_id is None)


def _own_ticket(staff: Staff, ticket_id) -> tuple[Booth, Ticket]:
    booth = _officer_booth(staff)
    ticket = _ticket_for_update(ticket_id)
    if ticket.booth_id != booth.id:
        raise Forbidden(f"ticket {ticket.number} is not at your booth")
    return booth, ticket


def _lock_queues(service_ids: list[int]) -> None:
    # SQLite's IMMEDIATE transaction already serialises writers; PostgreSQL locks the
    # service rows (in id order, so two booths never deadlock) for the rest of the transaction.
    if is_postgres() and service_ids:
        list(Service.select(Service.id).where(Service.id.in_(service_ids)).order_by(Service.id).for_update())


def _finish_current(booth: Booth, staff: Staff, at_booth: list[Ticket] | None = None) -> list[Ticket]:
    finished = []
    for current in queue_reads.current_at_booth(booth) if at_booth is None else at_booth:
        current.status, current.outcome, current.finished_at = "done", "served", clock.now()
        current.save()
        audit(staff.username, "ticket.finish", "ticket", current.id, booth=booth.number, implicit=True)
        finished.append(current)
    return finished


def _call(ticket: Ticket, booth: Booth, staff: Staff) -> None:
    now = clock.now()
    ticket.status, ticket.booth, ticket.served_by = "called", booth, staff
    ticket.called_at = now
    ticket.first_called_at = ticket.first_called_at or now
    ticket.no_show_at = ticket.parked_at = None
    ticket.save()


def call_next(staff: Staff, seen=ANY_VISIT) -> Ticket | None:
    """Finish the booth's current visit and call the next visitor of its queues (None: nobody waits).

    `seen` is the visit the officer's screen shows (None: none). When the booth holds another one, an
    earlier call-next called it (a lost answer sent again, a double tap): that visitor is answered
    again, not finished unseen."""
    booth = _officer_booth(staff)
    with database.atomic():
        service_ids = [s.id for s in queue_reads.booth_services(booth)]
        if not service_ids:
            raise Conflict(f"{booth.label} serves no service; ask the administrator", code="no_services")
        _lock_queues(service_ids)      # before reading the booth's visit: a double tap waits here for the first
        at_booth = queue_reads.current_at_booth(booth)
        if seen is not ANY_VISIT and screen_is_behind(seen, [t.id for t in at_booth]):
            return at_booth[-1]        # the latest called (ordered by called_at)
        out = _Outbox()
        for done in _finish_current(booth, staff, at_booth):
            _announce(out, done, booth=booth)
        candidate = choose_next(queue_reads.waiting_heads(service_ids),
                                queue_reads.recent_call_flags(service_ids), actions.office.policy, clock.now(),
                                booth.priority)
        if candidate is None:
            out.send()
            return None
        [ticket] = by_id(Ticket).rows(Ticket, id=candidate.id)
        _call(ticket, booth, staff)
        audit(staff.username, "ticket.call", "ticket", ticket.id, booth=booth.number, how="next")
        _announce(out, ticket, booth=booth, call=True)
        out.send()
        return ticket


def call_ticket(staff: Staff, ticket_id) -> Ticket:
    """Call one chosen ticket: a waiting one, a parked one, or a no-show who came back in time."""
    booth = _officer_booth(staff)
    with database.atomic():
        ticket = _ticket_for_update(ticket_id)
        # who you are, then whether you may, then whether the state allows it (403 before 409)
        served = {s.id for s in queue_reads.booth_services(booth)}
        if ticket.service_id not in served and ticket.booth_id != booth.id:
            raise Forbidden(f"{booth.label} does not serve {ticket.service.code}; transfer the ticket first")
        if not _may_take(ticket, booth):
            raise Forbidden(f"tiket {ticket.number} sedang dipegang booth lain / ticket {ticket.number} is held "
                            "by another booth")
        _transition(ticket, "call")
        if ticket.status == "no_show" and not may_return_after_no_show(
                ticket.no_show_at, clock.now(), actions.office.recall_window):
            raise Conflict(f"ticket {ticket.number} missed its call more than "
                           f"{int(actions.office.recall_window.total_seconds() // 60)} minutes ago; "
                           "the visitor needs a new ticket", code="recall_window_passed")
        _lock_queues([ticket.service_id])
        out = _Outbox()
        for done in _finish_current(booth, staff):
            _announce(out, done, booth=booth)
        _call(ticket, booth, staff)
        audit(staff.username, "ticket.call", "ticket", ticket.id, booth=booth.number, how="chosen")
        _announce(out, ticket, booth=booth, call=True)
        out.send()
        return ticket


def recall(staff: Staff, ticket_id) -> Ticket:
    with database.atomic():
        booth, ticket = _own_ticket(staff, ticket_id)
        _transition(ticket, "recall")
        ticket.recall_count += 1
        ticket.called_at = clock.now()
        ticket.save()
        audit(staff.username, "ticket.recall", "ticket", ticket.id, booth=booth.number)
        out = _Outbox()
        _announce(out, ticket, booth=booth, call=True, recall=True)
        out.send()
        return ticket


def _simple(verb: str, staff: Staff, ticket_id, apply) -> Ticket:
    with database.atomic():
        booth, ticket = _own_ticket(staff, ticket_id)
        _transition(ticket, verb)
        before = _before(ticket)
        apply(ticket)
        ticket.save()
        audit(staff.username, f"ticket.{verb}", "ticket", ticket.id, booth=booth.number, before=before)
        out = _Outbox()
        _announce(out, ticket, booth=booth)
        out.send()
        return ticket


def start(staff: Staff, ticket_id) -> Ticket:
    def apply(t):
        t.status, t.started_at = "serving", clock.now()
    return _simple("start", staff, ticket_id, apply)


def finish(staff: Staff, ticket_id) -> Ticket:
    def apply(t):
        t.status, t.outcome, t.finished_at = "done", "served", clock.now()
    return _simple("finish", staff, ticket_id, apply)


def no_show(staff: Staff, ticket_id) -> Ticket:
    """The visitor did not come. Within the recall window she can still be called without a new ticket."""
    def apply(t):
        t.status, t.outcome, t.no_show_at = "no_show", "no_show", clock.now()
    return _simple("no_show", staff, ticket_id, apply)


def park(staff: Staff, ticket_id) -> Ticket:
    """Set a visit aside (the visitor fetches a document); the booth can call the next one meanwhile."""
    def apply(t):
        t.status, t.parked_at = "parked", clock.now()
    return _simple("park", staff, ticket_id, apply)


def resume(staff: Staff, ticket_id) -> Ticket:
    def apply(t):
        t.status, t.parked_at = "serving", None
        t.started_at = t.started_at or clock.now()
    with database.atomic():
        booth, ticket = _own_ticket(staff, ticket_id)     # another booth's ticket: 403, before any 409
        _transition(ticket, "resume")
        for current in queue_reads.current_at_booth(booth):
            if current.id != ticket.id:
                raise Conflict(f"finish or park {current.number} before resuming another visit",
                               code="booth_busy")
        return _simple("resume", staff, ticket_id, apply)


def transfer(staff: Staff, ticket_id, service_code) -> Ticket:
    """Move a visitor who picked the wrong service to the right queue, keeping her arrival time
    (and so her place) and her ticket number."""
    booth = _officer_booth(staff)
    with database.atomic():
        ticket = _ticket_for_update(ticket_id)
        # only a visit this booth is serving or may serve: otherwise a booth could move any ticket
        # into its own queue and call it (and the visitor would keep her early arrival time)
        if not _may_take(ticket, booth):
            raise Forbidden(f"tiket {ticket.number} bukan di {booth.label} dan {booth.label} tidak melayani "
                            f"{ticket.service.code} / ticket {ticket.number} is not at {booth.label} and "
                            f"{booth.label} does not serve {ticket.service.code}")
        target = _service(service_code)
        _transition(ticket, "transfer")
        if target.id == ticket.service_id:
            raise Invalid(f"ticket {ticket.number} is already in {target.code}")
        source = ticket.service
        was_at = ticket.booth if ticket.booth_id else None
        before = _before(ticket)
        ticket.service, ticket.status, ticket.booth, ticket.served_by = target, "waiting", None, None
        ticket.called_at = ticket.started_at = ticket.parked_at = None
        ticket.save()
        audit(staff.username, "ticket.transfer", "ticket", ticket.id, source=source.code, target=target.code,
              before=before)
        out = _Outbox()
        out.ticket(f"service:{source.code}", queue_reads.ticket_dict(ticket))
        _announce(out, ticket, services=(source,), booth=was_at)
        out.send()
        return ticket


def mark_printed(kiosk: Kiosk, ticket_id, printed: bool, detail: str = "") -> Ticket:
    with database.atomic():
        ticket = _ticket_for_update(ticket_id)
        if ticket.kiosk_id != kiosk.id:
            raise Forbidden("this ticket was issued by another kiosk")
        ticket.print_state = "printed" if printed else "failed"
        ticket.save()
        audit(f"kiosk:{kiosk.name}", "ticket.print", "ticket", ticket.id, printed=printed, detail=detail[:200])
        data = queue_reads.ticket_dict(ticket)
        publish_many([(f"service:{data['service']}", "ticket", {"ticket": data})])
        return ticket


def request_reprint(staff: Staff, ticket_id) -> Kiosk:
    """Ask the kiosk that issued a ticket to print it again (after paper ran out, say)."""
    booth = _officer_booth(staff)
    with database.atomic():
        ticket = _ticket_for_update(ticket_id)
        if ticket.service_id not in {s.id for s in queue_reads.booth_services(booth)} and ticket.booth_id != booth.id:
            raise Forbidden(f"{booth.label} does not serve ticket {ticket.number}")
        if ticket.status in ("done", "cancelled"):
            raise Conflict(f"ticket {ticket.number} is {ticket.status}; there is nothing to reprint",
                           code="bad_state")
        kiosk = ticket.kiosk
        if kiosk is None or kiosk.revoked_at is not None:
            raise Conflict(f"the kiosk that issued {ticket.number} is no longer registered", code="no_kiosk")
        audit(staff.username, "ticket.reprint", "ticket", ticket.id, kiosk=kiosk.name)
        publish_many([(f"kiosk:{kiosk.name}", "reprint", {"ticket": queue_reads.ticket_for_visitor(ticket)})])
        return kiosk


# ---- undo -------------------------------------------------------------------------------

_RESTORED = ("status", "outcome", "booth_id", "service_id", "served_by_id", "called_at", "started_at",
             "finished_at", "no_show_at", "parked_at")


def _before(ticket: Ticket) -> dict:
    """What a verb that can be undone changes, as it was (kept in its audit row)."""
    return {f: (clock.iso(getattr(ticket, f)) if f.endswith("_at") else getattr(ticket, f)) for f in _RESTORED}


def undo(staff: Staff, ticket_id) -> Ticket:
    """Take back the last finish, no-show or transfer of this ticket, by the same booth, within a
    few seconds (rules.queue.UNDO_WINDOW): the ticket goes back to exactly how it was, from the
    snapshot in that verb's audit row, and the undo is audited too. Refused once anything else
    happened to the ticket, or when the booth has meanwhile called someone else."""
    import datetime as dt

    from db.models import AuditEvent
    from intranet_server.rules.queue import may_undo
    booth = _officer_booth(staff)
    with database.atomic():
        ticket = _ticket_for_update(ticket_id)
        last = (AuditEvent.select().where((AuditEvent.subject_type == "ticket") & (AuditEvent.subject_id == ticket.id))
                .order_by(AuditEvent.id.desc()).first())
        verb = last.action.removeprefix("ticket.") if last else ""
        data = (last.data or {}) if last else {}
        if not last or not may_undo(verb, last.at, clock.now()) or "before" not in data:
            raise Conflict(f"nothing to undo on ticket {ticket.number} (only a finish, no-show or transfer "
                           "of the last few seconds)", code="nothing_to_undo")
        if last.actor != staff.username:
            raise Forbidden(f"ticket {ticket.number} was changed by {last.actor}; only they may undo it")
        before = data["before"]
        if before["booth_id"] is not None and before["status"] in ("called", "serving"):
            busy = [t for t in queue_reads.current_at_booth(booth) if t.id != ticket.id]
            if busy:
                raise Conflict(f"{busy[0].number} is being served at your booth now; finish or park it first",
                               code="booth_busy")
        source = ticket.service
        for field in _RESTORED:
            value = before[field]
            if field.endswith("_at") and value is not None:
                value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            setattr(ticket, field, value)
        ticket.save()
        audit(staff.username, "ticket.undo", "ticket", ticket.id, undid=verb, booth=booth.number)
        ticket = Ticket.get_by_id(ticket.id)
        out = _Outbox()
        if ticket.service_id != source.id:
            out.ticket(f"service:{source.code}", queue_reads.ticket_dict(ticket))
        _announce(out, ticket, services=(source,), booth=ticket.booth if ticket.booth_id else booth)
        out.send()
        return ticket
