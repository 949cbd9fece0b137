"""Month-end reports on /api/v1/reports: task and visitor KPIs, drill-downs, the 12-month line,
today's tiles, and the same tables as CSV/XLSX files and the monthly PDF."""
from __future__ import annotations

from flask import Response, jsonify, request

from intranet_server.api import api
from intranet_server.http import current_staff
from intranet_server.reads import reports
from intranet_server.reports import exports
from intranet_server.schemas import doc, parse
from intranet_server.schemas.reports import (
    DrillDown, DrillQuery, MonthlyQuery, TaskReportAnswer, TaskReportQuery, TodayTiles, Trend, TrendQuery,
    VisitorReport, VisitorReportQuery,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _query(model):
    current_staff(*reports.VIEWERS)   # who you are before what you asked: an anonymous caller gets 401, not 422
    return parse(model, request.args.to_dict())


def _range(q) -> reports.Range:
    return reports.parse_range({"from": getattr(q, "from") and getattr(q, "from").isoformat(),
                                "to": q.to and q.to.isoformat(), "month": q.month})


def _file(data: bytes, name: str, mimetype: str) -> Response:
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _tasks(q):
    staff = current_staff(*reports.VIEWERS)
    rng = _range(q)
    if q.by in ("service", "officer"):
        return rng, reports.task_breakdown(staff, rng, q.by, q.unit)
    return rng, reports.task_report(staff, rng, q.unit, q.service, q.officer)


@api.get("/reports/tasks")
@doc(summary="Task KPIs per unit (echelon-1 rows with their rollup), or per service/officer with by=",
     tags=["reports"], query=TaskReportQuery, response=TaskReportAnswer)
def task_report():
    return jsonify(_tasks(_query(TaskReportQuery))[1])


@api.get("/reports/tasks.<fmt>")
@doc(summary="The task KPI table as a file (fmt: csv or xlsx)", tags=["reports"], query=TaskReportQuery,
     media_type=("text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
def task_report_file(fmt: str):
    rng, report = _tasks(_query(TaskReportQuery))
    header, rows = exports.task_table(report)
    return _table_file(fmt, f"ptsa-tasks-{rng.first}-{rng.last}", [("Tugas", header, rows)])


def _table_file(fmt: str, stem: str, sheets) -> Response:
    if fmt == "csv":
        _, header, rows = sheets[0]
        return _file(exports.to_csv(header, rows), f"{stem}.csv", "text/csv; charset=utf-8")
    if fmt == "xlsx":
        return _file(exports.to_xlsx(sheets), f"{stem}.xlsx", XLSX)
    from intranet_server.actions import NotFound
    raise NotFound(f"no such format {fmt!r}: csv or xlsx")


def _visitors(q):
    staff = current_staff(*reports.VIEWERS)
    rng = _range(q)
    return rng, reports.visitor_report(staff, rng, q.by or "service", q.service, q.unit)


@api.get("/reports/visitors")
@doc(summary="Visitor KPIs per service, booth or officer, the arrivals heat map and the days a cap was reached",
     tags=["reports"], query=VisitorReportQuery, response=VisitorReport)
def visitor_report():
    return jsonify(_visitors(_query(VisitorReportQuery))[1])


@api.get("/reports/visitors.<fmt>")
@doc(summary="The visitor KPI table as a file (csv or xlsx)", tags=["reports"], query=VisitorReportQuery,
     media_type=("text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
def visitor_report_file(fmt: str):
    rng, report = _visitors(_query(VisitorReportQuery))
    header, rows = exports.visitor_table(report)
    return _table_file(fmt, f"ptsa-visitors-{rng.first}-{rng.last}", [("Pengunjung", header, rows)])


def _drill(q):
    staff = current_staff(*reports.VIEWERS)
    return reports.drill(staff, _range(q), q.figure, q.unit, q.service, q.officer, q.rollup, q.booth)


@api.get("/reports/drill")
@doc(summary="Exactly the tasks or tickets one figure counts", tags=["reports"], query=DrillQuery,
     response=DrillDown)
def drill():
    return jsonify(_drill(_query(DrillQuery)))


@api.get("/reports/drill.<fmt>")
@doc(summary="A drill-down as a file (csv or xlsx)", tags=["reports"], query=DrillQuery,
     media_type=("text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
def drill_file(fmt: str):
    answer = _drill(_query(DrillQuery))
    header, rows = exports.drill_table(answer)
    return _table_file(fmt, f"ptsa-{answer['figure']}-{answer['from']}-{answer['to']}",
                       [(answer["figure"], header, rows)])


@api.get("/reports/trend")
@doc(summary="A 12-month line of the main figures, ending with `month`", tags=["reports"], query=TrendQuery,
     response=Trend)
def trend():
    q = _query(TrendQuery)
    return jsonify(reports.twelve_months(current_staff(*reports.VIEWERS), q.month, q.unit))


@api.get("/reports/today")
@doc(summary="Today's live tiles: waiting now, called, tasks open, near breach, breaches", tags=["reports"],
     response=TodayTiles)
def today():
    return jsonify(reports.today_tiles(current_staff("supervisor", "admin", "pimpinan")))


@api.get("/reports/monthly.<fmt>")
@doc(summary="A unit's monthly report as a file: pdf (with its charts), xlsx or csv", tags=["reports"],
     query=MonthlyQuery,
     media_type=("application/pdf", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/csv"))
def monthly(fmt: str):
    from intranet_server.reports import monthly as monthly_report
    q = _query(MonthlyQuery)
    staff = current_staff(*reports.VIEWERS)
    data, name, mimetype = monthly_report.render(staff, q.month, q.unit, fmt, q.lang or "id")
    return _file(data, name, mimetype)
