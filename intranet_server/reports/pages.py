"""The /reports screens: filters, tables, server-drawn charts, drill-downs and export links."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import redirect, request, url_for

from intranet_server.actions import ActionError
from intranet_server.reads import reports
from intranet_server.reports import charts, exports
from intranet_server.web import _lang, _staff, staff_page, web

TEXTS = {
    "id": {
        "title": "Laporan", "period": "Periode", "month": "Bulan", "from": "Dari", "to": "Sampai",
        "unit": "Unit", "all_units": "Semua unit", "service": "Layanan", "all_services": "Semua layanan",
        "officer": "Petugas (username)", "show": "Tampilkan", "tasks": "Kinerja tugas per unit",
        "visitors": "Pengunjung per layanan", "trend": "Tren 12 bulan", "heat": "Kedatangan per jam dan hari",
        "export": "Unduh", "monthly_pdf": "Laporan bulanan PDF", "skm": "Survei Kepuasan Masyarakat (SKM)",
        "legend": ("Tugas diterima", "Tugas selesai", "% selesai sesuai SOP"),
        "cols": {"received": "Diterima", "picked_in_time": "Tepat waktu", "picked_late": "Terlambat",
                 "not_picked": "Belum diambil", "picked_in_time_pct": "% tepat",
                 "pickup_minutes_p50": "Ambil p50 (mnt)",
                 "pickup_minutes_p90": "Ambil p90 (mnt)", "warnings": "Peringatan", "breaches": "Pelanggaran",
                 "escalations": "Eskalasi", "completed": "Selesai", "completed_in_sop": "Sesuai SOP",
                 "completed_in_sop_pct": "% SOP", "completion_days_p50": "Selesai p50 (hari)",
                 "completion_days_p90": "Selesai p90 (hari)", "document_requests": "Minta dokumen",
                 "paused_hours": "Jeda (jam)", "backlog": "Tunggakan", "backlog_past_sop": "Lewat SOP"},
        "vcols": {"issued": "Tiket", "served": "Dilayani", "no_show": "Tidak hadir", "no_show_pct": "% tidak hadir",
                  "transferred": "Dialihkan", "priority_pct": "% prioritas", "wait_minutes_p50": "Tunggu p50",
                  "wait_minutes_p90": "Tunggu p90", "within_target_pct": "% dalam target",
                  "service_minutes_p50": "Layanan p50"},
        "rollup": "gabungan", "cap_days": "Hari kuota harian habis", "none": "tidak ada",
        "drill": "Rincian", "back": "Kembali ke laporan", "rows": "baris", "target": "Target tunggu",
        "days": ["Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min"], "minutes": "menit",
        "previous": "periode sebelumnya",
    },
    "en": {
        "title": "Reports", "period": "Period", "month": "Month", "from": "From", "to": "To",
        "unit": "Unit", "all_units": "All units", "service": "Service", "all_services": "All services",
        "officer": "Officer (username)", "show": "Show", "tasks": "Task performance per unit",
        "visitors": "Visitors per service", "trend": "12-month trend", "heat": "Arrivals by hour and weekday",
        "export": "Download", "monthly_pdf": "Monthly report PDF", "skm": "Public Satisfaction Survey (SKM)",
        "legend": ("Tasks received", "Tasks completed", "% completed within SOP"),
        "cols": {"received": "Received", "picked_in_time": "In time", "picked_late": "Late",
                 "not_picked": "Not picked", "picked_in_time_pct": "% in time",
                 "pickup_minutes_p50": "Pickup p50 (min)",
                 "pickup_minutes_p90": "Pickup p90 (min)", "warnings": "Warnings", "breaches": "Breaches",
                 "escalations": "Escalations", "completed": "Completed", "completed_in_sop": "Within SOP",
                 "completed_in_sop_pct": "% SOP", "completion_days_p50": "Completion p50 (days)",
                 "completion_days_p90": "Completion p90 (days)", "document_requests": "Document requests",
                 "paused_hours": "Paused (h)", "backlog": "Backlog", "backlog_past_sop": "Past SOP"},
        "vcols": {"issued": "Tickets", "served": "Served", "no_show": "No-show", "no_show_pct": "% no-show",
                  "transferred": "Transferred", "priority_pct": "% priority", "wait_minutes_p50": "Wait p50",
                  "wait_minutes_p90": "Wait p90", "within_target_pct": "% within target",
                  "service_minutes_p50": "Service p50"},
        "rollup": "rollup", "cap_days": "Days the daily cap was reached", "none": "none",
        "drill": "Drill-down", "back": "Back to the report", "rows": "rows", "target": "Wait target",
        "days": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], "minutes": "minutes",
        "previous": "previous period",
    },
}
COUNTED = {"received", "picked_in_time", "picked_late", "not_picked", "warnings", "breaches", "escalations",
           "completed", "completed_in_sop", "document_requests", "backlog", "backlog_past_sop"}
VCOUNTED = {"issued", "served", "no_show", "transferred"}
VIEW_ROLES = ("supervisor", "admin", "pimpinan", "p0", "p1", "p2")


FILTERS = ("month", "from", "to", "unit", "service", "officer")


def _page(template: str, keep: tuple[str, ...], build):
    """A report screen: signed in (else to the login page), the query's filters kept, the context that
    build(staff, args, rt, context) fills in, with the refusal's words in the page if it is refused."""
    staff = _staff()
    if staff is None:
        return redirect(url_for("web.login", next=request.full_path))
    args = {k: request.args[k] for k in keep if request.args.get(k)}
    rt = TEXTS[_lang()]
    error, context = None, {}
    try:
        build(staff, args, rt, context)
    except ActionError as exc:
        error = exc.message
    return staff_page(template, *VIEW_ROLES, rt=rt, args=args, error=error, **context)


def _report(staff, args: dict, rt: dict, context: dict) -> None:
    context.update(counted=COUNTED, vcounted=VCOUNTED, urlencode=urlencode)
    rng = reports.parse_range(args)
    task = reports.task_report(staff, rng, args.get("unit"), args.get("service"), args.get("officer"))
    visitors = reports.visitor_report(staff, rng, "service", args.get("service"), args.get("unit"))
    months = reports.twelve_months(staff, rng.last.strftime("%Y-%m"), args.get("unit"))["months"]
    period = {"from": rng.first.isoformat(), "to": rng.last.isoformat()}
    base = {**{k: v for k, v in args.items() if k not in ("month", "from", "to")}, **period}
    context.update(task=task, visitors=visitors, period=period, query=urlencode(base),
                   chart=charts.month_chart(months, rt["trend"], rt["legend"]),
                   heat=charts.heat_map(visitors["heat_map"], rt["days"], rt["heat"]),
                   month=rng.first.strftime("%Y-%m"), units=reports.viewer(staff).units)


def _drill(staff, args: dict, rt: dict, context: dict) -> None:
    back = urlencode({k: v for k, v in args.items() if k not in ("figure", "rollup", "booth")})
    context.update(answer=None, keys=[], query=urlencode(args), back=back)
    rng = reports.parse_range(args)
    answer = reports.drill(staff, rng, args.get("figure", ""), args.get("unit"), args.get("service"),
                           args.get("officer"), args.get("rollup") in ("1", "true"),
                           int(args["booth"]) if args.get("booth", "").isdigit() else None)
    context.update(answer=answer, keys=exports.drill_table(answer)[0])


@web.get("/reports")
def reports_page():
    return _page("reports.html", FILTERS, _report)


@web.get("/reports/drill")
def drill_page():
    return _page("reports_drill.html", (*FILTERS, "figure", "rollup", "booth"), _drill)
