"""A unit's monthly report as a file (PDF with charts, XLSX, CSV), and the monthly e-mail: on the first
working day of each month every supervisor gets last month's report of their unit through the outbox,
exactly once (a unique (month, supervisor) row written with the outbox row), if [reports] monthly_email."""
from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from peewee import IntegrityError

from db.models import Staff, Unit, database
from db.report_models import ReportDelivery
from db.task_models import Outbox
from intranet_server import actions, clock, sla
from intranet_server.actions import Invalid, NotFound, audit
from intranet_server.reads import calendars, reports
from intranet_server.reports import exports
from intranet_server.sla.engine import Loop

log = logging.getLogger(__name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def figures(staff: Staff, month: str, unit_code: str) -> dict:
    rng = reports.month_range(month)
    if Unit.get_or_none(Unit.code == unit_code) is None:
        raise NotFound(f"unknown unit {unit_code!r}", code="unknown_unit")
    task = reports.task_report(staff, rng, unit_code)
    visitors = reports.visitor_report(staff, rng, unit_code=unit_code)
    months = reports.twelve_months(staff, month, unit_code)["months"]
    return {"task": task, "row": task["units"][0], "visitors": visitors, "months": months}


def render(staff: Staff, month: str, unit_code: str, fmt: str, lang: str = "id") -> tuple[bytes, str, str]:
    if fmt not in ("pdf", "xlsx", "csv"):
        raise Invalid("'format' must be pdf, xlsx or csv")
    f = figures(staff, month, unit_code)
    stem = f"ptsa-{unit_code}-{month}"
    if fmt == "pdf":
        from intranet_server.reports.pdf import monthly_pdf
        row = f["row"]
        return (monthly_pdf(row, month, row, f["visitors"]["total"], f["months"], actions.office.name, lang),
                f"{stem}.pdf", "application/pdf")
    task_header, task_rows = exports.task_table(f["task"])
    if fmt == "csv":
        return exports.to_csv(task_header, task_rows), f"{stem}.csv", "text/csv; charset=utf-8"
    visitor_header, visitor_rows = exports.visitor_table(f["visitors"])
    trend_header = list(f["months"][0])
    trend_rows = [[m[k] for k in trend_header] for m in f["months"]]
    return exports.to_xlsx([("Tugas", task_header, task_rows), ("Pengunjung", visitor_header, visitor_rows),
                            ("Tren", trend_header, trend_rows)]), f"{stem}.xlsx", XLSX


# ---- the monthly e-mail ---------------------------------------------------------------------

def _office_calendar(now: dt.datetime):
    return calendars.book(now).for_unit(None)


def first_working_day(year: int, month: int, calendar) -> dt.date:
    day = dt.date(year, month, 1)
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def _previous_month(day: dt.date) -> str:
    return (day.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")


def _body(staff: Staff, month: str) -> tuple[str, str]:
    f = figures(staff, month, staff.unit.code)
    row = f["row"]
    r = row.get("rollup") or row
    v = f["visitors"]["total"]
    link = sla.settings()["sla"].get("public_url", "").rstrip("/")
    lines = [
        f"Laporan bulanan {month} — {row['code']} {row['name']}", "",
        f"Tugas diterima / Tasks received: {r['received']}",
        f"Diambil tepat waktu / Picked up in time: {r['picked_in_time']} ({r['picked_in_time_pct']}%)",
        f"Waktu ambil median / Pickup median: {r['pickup_minutes_p50']} menit kerja / working min",
        f"Peringatan, pelanggaran, eskalasi / Warnings, breaches, escalations: "
        f"{r['warnings']}, {r['breaches']}, {r['escalations']}",
        f"Selesai / Completed: {r['completed']}, sesuai SOP / within SOP: {r['completed_in_sop']} "
        f"({r['completed_in_sop_pct']}%)",
        f"Waktu selesai median / Completion median: {r['completion_days_p50']} hari kerja / working days",
        f"Tunggakan / Backlog: {r['backlog']}, lewat SOP / past SOP: {r['backlog_past_sop']}",
        f"Tiket / Tickets: {v['issued']}, dilayani / served: {v['served']}, "
        f"dalam target / within target: {v['within_target_pct']}%",
    ]
    if link:
        lines += ["", f"{link}/reports?month={month}&unit={row['code']}",
                  f"PDF: {link}/api/v1/reports/monthly.pdf?month={month}&unit={row['code']}"]
    return f"[PTSA] Laporan bulanan {month} {row['code']}", "\n".join(lines)


def send_monthly(now: dt.datetime | None = None) -> list[Outbox]:
    """On or after the first working day of this month: last month's report to every supervisor not yet
    sent it. Returns the outbox rows written (none when it is too early, off, or already done)."""
    now = now or clock.now()
    if not reports.monthly_email_enabled():
        return []
    calendar = _office_calendar(now)
    local = now.astimezone(ZoneInfo(actions.office.timezone)).date()
    first = first_working_day(local.year, local.month, calendar)
    if local < first:
        return []
    month = _previous_month(local)
    written = []
    people = Staff.select().where((Staff.role == "supervisor") & (Staff.active == True)  # noqa: E712
                                  & Staff.unit.is_null(False) & (Staff.email != ""))
    done = {r.staff_id for r in ReportDelivery.select(ReportDelivery.staff).where(ReportDelivery.month == month)}
    for person in people:
        if person.id in done:
            continue
        subject, text = _body(person, month)
        try:
            with database.atomic():
                ReportDelivery.create(month=month, staff=person, created_at=now)
                row = Outbox.create(alert=None, channel="email", staff=person, address=person.email,
                                    subject=subject, body=text, status="pending", created_at=now,
                                    next_attempt_at=now)
                audit("reports", "report.monthly_email", "staff", person.id, month=month)
        except IntegrityError:
            continue   # another process wrote it first: exactly once
        written.append(row)
    if written:
        from intranet_server.sla import outbox
        outbox.notify(now)
    return written


def next_run(now: dt.datetime) -> dt.datetime:
    """The opening of the next first working day of a month (this month's if still ahead)."""
    calendar = _office_calendar(now)
    zone = ZoneInfo(actions.office.timezone)
    month = now.astimezone(zone).date().replace(day=1)
    for _ in range(2):
        day = first_working_day(month.year, month.month, calendar)
        spans = calendar.intervals_on(day)
        opening = spans[0][0] if spans else dt.datetime.combine(day, dt.time(), zone)
        if opening > now:
            return opening
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return opening


class MonthlyMailer(Loop):
    name = "monthly report mailer"

    def turn(self) -> dt.datetime | None:
        now = clock.now()
        send_monthly(now)
        return next_run(now)


_mailer: MonthlyMailer | None = None


def start(start_task, event_factory) -> MonthlyMailer:
    global _mailer
    _mailer = MonthlyMailer(event_factory, max_sleep=3600.0)
    start_task(_mailer.run)
    return _mailer


def stop() -> None:
    global _mailer
    if _mailer is not None:
        _mailer.stop()
        _mailer = None
