"""What the survey screens and the SKM report read.

The period is a range of the office's local business days (both ends included) of the visits;
the population next to every index is the tickets served in that period in those services
(status done, outcome served), which is what the sampling table is applied to.
"""
from __future__ import annotations

import datetime as dt

from peewee import Case, fn

from db.models import Booth, Service, Staff, Ticket, Unit
from db.survey_models import SurveyResponse
from intranet_server import actions, clock
from intranet_server.actions import Conflict, Forbidden, Invalid, NotFound
from intranet_server.reads.scope import scope_units
from intranet_server.rules import skm
from intranet_server.rules.queue import business_day

REPORT_ROLES = ("supervisor", "admin", "pimpinan")
OFFER_WINDOW = dt.timedelta(minutes=10)   # a tablet that reconnects still shows a visit this recent


def today() -> dt.date:
    return business_day(clock.now(), actions.office.timezone)


# ---- the kiosk and the tablet ---------------------------------------------------------

def ticket_for_survey(number: str) -> Ticket:
    """Today's served ticket with this number (what a visitor types at the kiosk)."""
    number = (number or "").strip().upper().replace("-", "").replace(" ", "")
    if not number:
        raise Invalid("'number': type the number printed on the ticket, e.g. P001")
    tickets = list(Ticket.select().where((Ticket.number == number) & (Ticket.business_day == today())))
    if not tickets:
        raise NotFound(f"no ticket {number} today", code="unknown_ticket")
    served = [t for t in tickets if t.status == "done" and t.outcome == "served"]
    if not served:
        raise Conflict(f"ticket {number} has not been served; the survey opens after the visit",
                       code="not_served")
    if len(served) > 1:
        raise Conflict(f"more than one ticket {number} today; ask an officer", code="ambiguous_ticket")
    ticket = served[0]
    if SurveyResponse.select().where(SurveyResponse.ticket == ticket).exists():
        raise Conflict(f"ticket {number} has already been surveyed", code="already_answered")
    return ticket


def current_offer(booth_number: int) -> dict | None:
    """The latest visit served at the booth in the last minutes and not answered yet (after a reconnect)."""
    from intranet_server.actions.surveys import offer_dict
    booth = Booth.get_or_none(Booth.number == booth_number)
    if booth is None:
        return None
    answered = SurveyResponse.select(SurveyResponse.ticket)
    ticket = (Ticket.select()
              .where((Ticket.booth == booth) & (Ticket.outcome == "served") & (Ticket.status == "done")
                     & (Ticket.finished_at >= clock.now() - OFFER_WINDOW) & Ticket.id.not_in(answered))
              .order_by(Ticket.finished_at.desc()).first())
    return offer_dict(ticket) if ticket else None


# ---- the report -----------------------------------------------------------------------

def visible_services(staff: Staff) -> list[Service]:
    if staff.role not in REPORT_ROLES:
        raise Forbidden(f"the SKM report is for {', '.join(REPORT_ROLES)}; you are {staff.role}")
    query = Service.select().order_by(Service.sort_order, Service.code)
    if staff.role in ("admin", "pimpinan"):
        return list(query)
    units = {u.id for u in scope_units(staff)}
    return [s for s in query if s.unit_id in units]


def _unit_and_children(code: str) -> set[int]:
    unit = Unit.get_or_none(Unit.code == code)
    if unit is None:
        raise NotFound(f"unknown unit {code!r}", code="unknown_unit")
    return {unit.id} | {u.id for u in Unit.select(Unit.id).where(Unit.parent == unit)}


def period(start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date]:
    end = end or today()
    start = start or end.replace(day=1)
    if start > end:
        raise Invalid("'from' must not be after 'to'")
    if (end - start).days > 3700:
        raise Invalid("a period of at most ten years")
    return start, end


def _scores():
    r = SurveyResponse
    return [getattr(r, f"s{i}") for i in range(1, 10)]


def _tallies(service_ids: list[int], start: dt.date, end: dt.date) -> list[tuple[str, str, skm.Tally]]:
    """(service code, unit code, tally) per service and unit: the database counts and sums, so a year at
    ten times PTSA's volume is a handful of rows, not every answer (bench/bench_skm.py)."""
    r = SurveyResponse
    scores = _scores()
    columns = [fn.COUNT(r.id), *[fn.SUM(c) for c in scores],
               *[fn.SUM(Case(None, [(c <= skm.LOW_SCORE, 1)], 0)) for c in scores]]
    rows = (r.select(Service.code, Unit.code, *columns).join_from(r, Service).join_from(r, Unit)
            .where(r.service.in_(service_ids) & r.business_day.between(start, end))
            .group_by(Service.code, Unit.code).tuples())
    return [(row[0], row[1], skm.Tally(int(row[2]), tuple(int(v) for v in row[3:12]),
                                       tuple(int(v) for v in row[12:21]))) for row in rows]


def _commented(service_ids: list[int], start: dt.date, end: dt.date) -> list[skm.Answer]:
    """The answers that carry a comment, oldest first (the comments behind the weak elements)."""
    r = SurveyResponse
    rows = (r.select(*_scores(), r.comment, Service.code, Unit.code).join_from(r, Service).join_from(r, Unit)
            .where(r.service.in_(service_ids) & r.business_day.between(start, end) & (r.comment != ""))
            .order_by(r.answered_at, r.id).tuples())
    return [skm.Answer(row[:9], row[9], row[10], row[11]) for row in rows]


def _served(service_ids: list[int], start: dt.date, end: dt.date) -> dict[int, int]:
    """Tickets served per service (the population), counted by the service they were served in."""
    rows = (Ticket.select(Ticket.service, fn.COUNT(Ticket.id).alias("n"))
            # outcome "served" is set only with status "done", which is final: no status test, so the
            # planner takes the (service, business_day) index instead of walking every done ticket
            .where(Ticket.service.in_(service_ids) & (Ticket.outcome == "served")
                   & Ticket.business_day.between(start, end))
            .group_by(Ticket.service).tuples())
    return {service_id: n for service_id, n in rows}


def skm_report(staff: Staff, start: dt.date | None, end: dt.date | None,
               service_code: str | None = None, unit_code: str | None = None) -> dict:
    start, end = period(start, end)
    services = visible_services(staff)
    if service_code:
        chosen = [s for s in services if s.code == service_code]
        if not chosen:
            if Service.get_or_none(Service.code == service_code) is None:
                raise NotFound(f"unknown service {service_code!r}", code="unknown_service")
            raise Forbidden(f"service {service_code} is outside the units you oversee")
        services = chosen
    if unit_code:
        ids = _unit_and_children(unit_code)
        services = [s for s in services if s.unit_id in ids]
    ids = [s.id for s in services]
    tallies = _tallies(ids, start, end) if ids else []
    commented = _commented(ids, start, end) if ids else []
    served = _served(ids, start, end) if ids else {}

    def part(keep) -> skm.Index:
        counts = sum((t for service, unit, t in tallies if keep(service, unit)), skm.Tally())
        return counts, [a for a in commented if keep(a.service, a.unit)]
    total = skm.index_of(*part(lambda service, unit: True), sum(served.values()))
    per_service = []
    for s in services:
        group = skm.index_of(*part(lambda service, unit, code=s.code: service == code), served.get(s.id, 0))
        if group.respondents or group.population:
            per_service.append({"code": s.code, "name": s.name_id, **group.as_dict()})
    units: dict[int, list[Service]] = {}
    for s in services:
        units.setdefault(s.unit_id, []).append(s)
    per_unit = []
    for unit in Unit.select().where(Unit.id.in_(list(units))).order_by(Unit.code):
        group = skm.index_of(*part(lambda service, u, code=unit.code: u == code),
                             sum(served.get(s.id, 0) for s in units[unit.id]))
        if group.respondents or group.population:
            per_unit.append({"code": unit.code, "name": unit.name, **group.as_dict()})
    comments = [a.comment for a in reversed(commented)]
    return {"from": start.isoformat(), "to": end.isoformat(), "service": service_code, "unit": unit_code,
            **total.as_dict(), "per_service": per_service, "per_unit": per_unit, "comments": comments}


def report_rows(report: dict) -> tuple[list[str], list[list]]:
    """The report as one table (CSV/XLSX): the whole, then per unit, then per service."""
    header = ["level", "code", "name", "respondents", "population", "required_sample", "sample_ok", "ikm",
              "grade", *[f"nrr_{k}" for k in skm.KEYS], "lowest_element"]

    def row(level, code, name, part):
        nrrs = {e["key"]: e["nrr"] for e in part["elements"]}
        return [level, code, name, part["respondents"], part["population"], part["required_sample"],
                part["sample_ok"], part["ikm"], part["grade"], *[nrrs.get(k) for k in skm.KEYS],
                part["lowest_first"][0] if part["lowest_first"] else None]
    rows = [row("total", report["service"] or report["unit"] or "", f"{report['from']} – {report['to']}", report)]
    rows += [row("unit", u["code"], u["name"], u) for u in report["per_unit"]]
    rows += [row("service", s["code"], s["name"], s) for s in report["per_service"]]
    return header, rows


TABLET_IDLE_S = 60   # a survey left untouched this long is abandoned (nothing is stored)
THANKS_S = 8         # how long the tablet thanks the visitor before it waits for the next one


def nrr_chart(report: dict | None) -> dict | None:
    """Bars of the nine NRRs (1-4), weakest first, as coordinates for a server-drawn SVG (no script)."""
    if not report or not report["elements"]:
        return None
    by_key = {e["key"]: e for e in report["elements"]}
    width, bar_h, gap, left = 760, 26, 8, 340
    bars = []
    for i, key in enumerate(report["lowest_first"]):
        e = by_key[key]
        length = round((width - left - 60) * e["nrr"] / 4)
        colour = "#b3261e" if e["nrr"] < 2.6 else "#b26a00" if e["nrr"] < 3.0644 else "#1b7f3b"
        bars.append({"y": i * (bar_h + gap), "w": length, "h": bar_h, "label_id": e["name_id"],
                     "label_en": e["name_en"], "nrr": e["nrr"],
                     "colour": colour})
    return {"width": width, "height": len(bars) * (bar_h + gap), "left": left, "bars": bars}
