"""Read models for screens, the API and snapshots. Nothing here writes."""
from __future__ import annotations

import datetime as dt

from peewee import JOIN, Case, fn

from db.models import Booth, BoothService, Service, Ticket, TicketCounter, Unit
from db.prepared import Param, Prepared
from intranet_server import actions, cache, clock
from intranet_server.clock import iso
from intranet_server.rules.queue import (
    Candidate, business_day, estimate_wait_s, issuing_closed_reason, may_return_after_no_show, queue_order,
    ticket_verbs, UNDO_WINDOW,
)

ACTIVE = ("called", "serving")



def service_row(service_id: int) -> Service:
    """A service by id, cached briefly: every ticket payload names its service (no query per ticket)."""
    return cache.services.get(("id", service_id), lambda: Service.get_by_id(service_id))


def booth_row(booth_id: int) -> Booth:
    return cache.services.get(("booth", booth_id), lambda: Booth.get_by_id(booth_id))


def ticket_dict(t: Ticket) -> dict:
    service = service_row(t.service_id)
    return {
        "id": t.id,
        "number": t.number,
        "service": service.code,
        "service_name": {"id": service.name_id, "en": service.name_en},
        "issued_for": service_row(t.issued_for_id).code,
        "priority": t.priority,
        "status": t.status,
        "outcome": t.outcome,
        "business_day": t.business_day.isoformat(),
        "issued_at": iso(t.issued_at),
        "arrived_at": iso(t.arrived_at),
        "called_at": iso(t.called_at),
        "started_at": iso(t.started_at),
        "finished_at": iso(t.finished_at),
        "no_show_at": iso(t.no_show_at),
        "parked_at": iso(t.parked_at),
        "booth": booth_dict(booth_row(t.booth_id)) if t.booth_id else None,
        "recall_count": t.recall_count,
        "print_state": t.print_state,
        "language": t.language,
        "booked": t.booked,
    }


def viewed_from(t: Ticket, booth: Booth, served_ids: set[int]) -> dict:
    """The ticket with the verbs the officer at `booth` may apply now (the booth screen's payload
    is fetched per booth, so the list is the viewer's own)."""
    data = ticket_dict(t)
    returnable = t.no_show_at is None or may_return_after_no_show(
        _aware(t.no_show_at), clock.now(), actions.office.recall_window)
    data["verbs"] = ticket_verbs(t.status, own=t.booth_id == booth.id, served_here=t.service_id in served_ids,
                                 returnable=returnable)
    if t.status == "no_show" and t.no_show_at is not None:
        data["recall_until"] = iso(_aware(t.no_show_at) + actions.office.recall_window)
    return data


def _aware(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value


def booth_dict(b: Booth) -> dict:
    return {"number": b.number, "label": b.label}


def today() -> dt.date:
    return business_day(clock.now(), actions.office.timezone)


def _services_in(n: int):
    """`service IN (...)` of n named values service_0 … (a prepared query's shape is n)."""
    return Ticket.service.in_([Param(f"service_{i}", Ticket.service) for i in range(n)])


def _each(service_ids: list[int]) -> dict[str, int]:
    return {f"service_{i}": service_id for i, service_id in enumerate(service_ids)}


# what every call-next asks (the line, the ratio policy's history, the booth's visits): SQL built once
_waiting = Prepared(lambda n: Ticket.select(Ticket.id, Ticket.priority, Ticket.arrived_at)
                    .where((Ticket.status == "waiting") & _services_in(n)))
_recent_calls = Prepared(lambda n, limit: (
    Ticket.select(Ticket.priority)
    .where(_services_in(n) & Ticket.first_called_at.is_null(False)
           & (Ticket.business_day == Param("day", Ticket.business_day)))
    .order_by(Ticket.first_called_at.desc()).limit(limit)))
_at_booth = Prepared(lambda: Ticket.select().where((Ticket.booth == Param("booth", Ticket.booth))
                                                   & Ticket.status.in_(ACTIVE)).order_by(Ticket.called_at))


def _heads_query(n: int):
    # each waiting visitor's place in her line (with priority, or without), oldest first; the first of each
    line = Ticket.priority.is_null()
    places = (Ticket.select(Ticket.id, Ticket.priority, Ticket.arrived_at,
                            fn.ROW_NUMBER().over(partition_by=[line], order_by=[Ticket.arrived_at, Ticket.id])
                            .alias("place"))
              .where((Ticket.status == "waiting") & _services_in(n)).alias("places"))
    return (Ticket.select(places.c.id, places.c.priority, places.c.arrived_at).from_(places)
            .where(places.c.place == 1))


_heads = Prepared(_heads_query)


def waiting_heads(service_ids: list[int]) -> list[Candidate]:
    """`line_heads` of these queues' waiting line, chosen by the database: two rows, however long the line
    (what call-next needs; the booth's screen and the people-ahead count read the whole line)."""
    if not service_ids:
        return []
    arrived = Ticket.arrived_at.python_value   # a subquery's column has no field to convert it
    return [Candidate(id_, priority is not None, arrived(at))
            for id_, priority, at in _heads.tuples(len(service_ids), **_each(service_ids))]


def waiting_candidates(service_ids: list[int]) -> list[Candidate]:
    if not service_ids:
        return []
    return [Candidate(id_, priority is not None, at)
            for id_, priority, at in _waiting.tuples(len(service_ids), **_each(service_ids))]


def recent_call_flags(service_ids: list[int], limit: int = 10) -> list[bool]:
    """Priority flags of the latest calls in these queues, newest first (feeds the ratio policy)."""
    if not service_ids:
        return []
    return [priority is not None for (priority,) in
            _recent_calls.tuples(len(service_ids), limit, day=today(), **_each(service_ids))]


def ordered_waiting(service_ids: list[int], priority_booth: bool = False) -> list[Candidate]:
    return queue_order(waiting_candidates(service_ids), recent_call_flags(service_ids),
                       actions.office.policy, clock.now(), priority_booth)


def recent_service_seconds(service: Service) -> list[float]:
    """The office's `wait_history` last visits of this queue, in seconds. Kept a few seconds per queue
    (every summary of every lobby screen asks); a finished visit drops its queue's entry at once on its
    own process."""
    return cache.service_times.get(service.id, lambda: [
        (finished - (started or called)).total_seconds()
        for started, called, finished in _recent_services.tuples(actions.office.wait_history, service=service.id)
        if (started or called)])


def forget_service_times(service_id: int) -> None:
    cache.service_times.discard(service_id)


# what every issued ticket asks (its wait estimate, people ahead): SQL built once
_recent_services = Prepared(lambda limit: (
    Ticket.select(Ticket.started_at, Ticket.called_at, Ticket.finished_at)
    .where((Ticket.service == Param("service", Ticket.service)) & (Ticket.outcome == "served")
           & Ticket.finished_at.is_null(False))
    .order_by(Ticket.finished_at.desc()).limit(limit)))


def booths_serving(service: Service) -> list[Booth]:
    return cache.services.get(("booths", service.id), lambda: list(
        Booth.select().join(BoothService)
        .where((BoothService.service == service) & (Booth.active == True))  # noqa: E712
        .order_by(Booth.number)))


def service_closed_reason(service: Service) -> str | None:
    if not service.active:
        return "Layanan ini sedang tidak tersedia / This service is not available"
    if actions.office.always_open:
        return None
    from zoneinfo import ZoneInfo

    from intranet_server.reads import calendars
    now = clock.now()
    local = now.astimezone(ZoneInfo(actions.office.timezone))
    reason = issuing_closed_reason(local, service.opens_at, service.closes_at, service.open_days)
    if reason is None and not calendars.book(now).for_unit(service.unit).is_working_day(local.date()):
        reason = "Kantor tutup hari ini (hari libur) / The office is closed today (holiday)"
    return reason


def _waiting_after_query():
    arrived, ticket_id = Param("arrived_at", Ticket.arrived_at), Param("id")
    later = (Ticket.arrived_at > arrived) | ((Ticket.arrived_at == arrived) & (Ticket.id > ticket_id))
    return (Ticket.select(fn.COUNT(Ticket.id), fn.SUM(Case(None, [(later, 1)], 0)))
            .where((Ticket.service == Param("service", Ticket.service)) & (Ticket.status == "waiting")
                   & (Ticket.id != ticket_id)))


_count_waiting_after = Prepared(_waiting_after_query)


def ahead_of(ticket: Ticket) -> int:
    """How many visitors of the same queue will be called before this one by the kind of booth that
    reaches them first: an ordinary booth follows the office's policy, a priority booth calls every
    priority visitor before the others (so a lansia visitor there is told the shorter line)."""
    if ticket.priority is None:
        # A visitor without priority who arrived last is behind everyone already waiting, under
        # every policy and at every booth (see test_last_normal_arrival_is_behind_everyone): two
        # counts, no sorting.
        # counted by the issuing INSERT itself when the ticket was just issued (actions/queue._issue)
        others, after = getattr(ticket, "waiting_at_issue", None) or _count_waiting_after.tuples(
            service=ticket.service_id, id=ticket.id, arrived_at=ticket.arrived_at)[0]
        if not after:
            return others
    ids = [ticket.service_id]
    booth_kinds = {booth.priority for booth in booths_serving(service_row(ticket.service_id))} or {False}
    candidates, recent = waiting_candidates(ids), recent_call_flags(ids)
    positions = []
    for priority_booth in sorted(booth_kinds):
        order = [c.id for c in queue_order(candidates, recent, actions.office.policy, clock.now(), priority_booth)]
        positions.append(order.index(ticket.id) if ticket.id in order else 0)
    return min(positions)


def wait_for(service: Service, ahead: int, booths: list[Booth] | None = None) -> int:
    booths = booths_serving(service) if booths is None else booths
    return estimate_wait_s(ahead, recent_service_seconds(service),
                           service.typical_service_s, len(booths))


# one statement, built once: the people waiting in a queue and its ticket counter of the day
_waiting_and_issued = Prepared(lambda: Ticket.select(
    fn.COUNT(Ticket.id),
    TicketCounter.select(TicketCounter.value).where(
        (TicketCounter.service == Param("service", TicketCounter.service))
        & (TicketCounter.business_day == Param("day", TicketCounter.business_day))))
    .where((Ticket.service == Param("service", Ticket.service)) & (Ticket.status == "waiting")))


def service_summary(service: Service) -> dict:
    [(waiting, issued_today)] = _waiting_and_issued.tuples(service=service.id, day=today())
    issued_today = issued_today or 0
    closed = service_closed_reason(service)
    cap_left = None if service.daily_cap is None else max(service.daily_cap - issued_today, 0)
    if cap_left == 0 and closed is None:
        closed = "Kuota antrean hari ini sudah habis / Today's ticket quota is used up"
    return {
        "code": service.code,
        "prefix": service.prefix,
        "name": {"id": service.name_id, "en": service.name_en},
        "unit": {"code": service.unit.code, "name": service.unit.name, "name_en": service.unit.name_en},
        "echelon1": ({"code": service.unit.parent.code, "name": service.unit.parent.name,
                      "name_en": service.unit.parent.name_en} if service.unit.parent_id else None),
        "sop_days": service.sop_days,
        "open": closed is None,
        "closed_reason": closed,
        "waiting": waiting,
        "estimated_wait_s": wait_for(service, waiting),
        "daily_cap": service.daily_cap,
        "cap_left": cap_left,
        "hours": {"opens_at": service.opens_at, "closes_at": service.closes_at,
                  "days": service.open_days.split(",")},
    }


def _services_with_units():
    parent = Unit.alias()
    return (Service.select(Service, Unit, parent).join(Unit)
            .join(parent, JOIN.LEFT_OUTER, on=(Unit.parent == parent.id).alias("parent"))
            .switch(Service))


def all_services() -> list[Service]:
    return list(_services_with_units().where(Service.active == True)  # noqa: E712
                .order_by(Service.sort_order, Service.code))


def services_by_id(ids: list[int]) -> list[Service]:
    return list(_services_with_units().where(Service.id.in_(ids)).order_by(Service.sort_order))


def cached_services_by_id(ids: list[int]) -> list[Service]:
    """The same, cached briefly: a call's summaries need the services with their units."""
    return cache.services.get(("units", tuple(sorted(ids))), lambda: services_by_id(ids))


def service_by_code(code: str) -> Service | None:
    """The active service (with its unit) for a code; cached briefly, it is on every ticket's path."""
    return cache.services.get(("code", code), lambda: _services_with_units().where(
        (Service.code == code) & (Service.active == True)).first())  # noqa: E712


def services_summary() -> list[dict]:
    return [service_summary(s) for s in all_services()]


def booth_services(booth: Booth) -> list[Service]:
    """The services a booth serves; cached briefly like the rest of the catalog (every booth verb asks)."""
    return cache.services.get(("booth_services", booth.id), lambda: list(
        Service.select().join(BoothService).where(BoothService.booth == booth).order_by(Service.sort_order)))


def current_at_booth(booth: Booth) -> list[Ticket]:
    return _at_booth.rows(Ticket, booth=booth.id)


def booth_state(booth: Booth) -> dict:
    services = booth_services(booth)
    ids = [s.id for s in services]
    order = ordered_waiting(ids, booth.priority)   # in the order this booth will call them
    tickets = {t.id: t for t in Ticket.select().where(Ticket.id.in_([c.id for c in order]))} if order else {}
    window_start = clock.now() - actions.office.recall_window
    returnable = (Ticket.select().where(Ticket.service.in_(ids) & (Ticket.status == "no_show")
                                        & (Ticket.no_show_at >= window_start))
                  .order_by(Ticket.no_show_at.desc()))
    parked = Ticket.select().where((Ticket.booth == booth) & (Ticket.status == "parked"))
    served = set(ids)
    return {
        "booth": booth_dict(booth),
        "priority_booth": booth.priority,
        "services": [{"code": s.code, "name": {"id": s.name_id, "en": s.name_en}} for s in services],
        "current": [viewed_from(t, booth, served) for t in current_at_booth(booth)],
        "waiting": [viewed_from(tickets[c.id], booth, served) for c in order],
        "no_show": [viewed_from(t, booth, served) for t in returnable],
        "parked": [viewed_from(t, booth, served) for t in parked],
        "now": iso(clock.now()),
        "undo_s": int(UNDO_WINDOW.total_seconds()),
        "all_services": [{"code": s.code, "name": {"id": s.name_id, "en": s.name_en}}
                         for s in all_services()],
    }


def display_state(limit: int = 10) -> dict:
    latest = (Ticket.select(Ticket, Booth).join(Booth, JOIN.INNER, on=(Ticket.booth == Booth.id))
              .where(Ticket.called_at.is_null(False) & (Ticket.business_day == today()))
              .order_by(Ticket.called_at.desc()).limit(limit))
    latest = list(latest)
    per_booth: dict[int, dict] = {}
    for t in (Ticket.select(Ticket, Booth).join(Booth, on=(Ticket.booth == Booth.id))
              .where(Ticket.status.in_(ACTIVE)).order_by(Ticket.called_at)):
        per_booth[t.booth.number] = ticket_dict(t)
    waiting = dict(Ticket.select(Ticket.service, fn.COUNT(Ticket.id))
                   .where(Ticket.status == "waiting").group_by(Ticket.service).tuples())
    return {
        "office": actions.office.name,
        "booths": [{"booth": booth_dict(b), "ticket": per_booth.get(b.number)}
                   for b in Booth.select().where(Booth.active == True).order_by(Booth.number)],  # noqa: E712
        "recent": [ticket_dict(t) for t in latest],
        "waiting_total": sum(waiting.values()),
        "services": services_summary(),   # the board reads the `display` room only
    }


def ticket_for_visitor(ticket: Ticket) -> dict:
    """The ticket as the kiosk prints it: with people ahead, the wait estimate and where to go."""
    ahead = ahead_of(ticket) if ticket.status == "waiting" else 0
    booths = booths_serving(ticket.service)
    data = ticket_dict(ticket)
    data.update(ahead=ahead, estimated_wait_s=wait_for(ticket.service, ahead, booths),
                office=actions.office.name, booths=[b.label for b in booths])
    return data
