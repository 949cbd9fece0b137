"""Month-end reports: the query parameters every report takes and the task report's answer."""
from __future__ import annotations

import datetime as dt

from typing import Literal

from pydantic import Field, RootModel, create_model

from intranet_server.schemas import Body, Out

_PERIOD = {
    "from": (dt.date | None, Field(None, description="first local day (default: the 1st of this month)")),
    "to": (dt.date | None, Field(None, description="last local day, inclusive (default: today)")),
    "month": (str | None, Field(None, pattern=r"^\d{4}-\d{2}$", description="YYYY-MM instead of from/to")),
    "lang": (str | None, Field(None, pattern="^(id|en)$")),
}

# "from" is a Python keyword, hence create_model; unknown parameters are refused like body fields.
TaskReportQuery = create_model(
    "TaskReportQuery", __base__=Body, **_PERIOD,
    unit=(str | None, Field(None, max_length=32, description="a unit code (an echelon-1 unit brings its own)")),
    service=(str | None, Field(None, max_length=32)),
    officer=(str | None, Field(None, max_length=64, description="a username")),
    by=(str | None, Field(None, pattern="^(unit|service|officer)$")),
)
VisitorReportQuery = create_model(
    "VisitorReportQuery", __base__=Body, **_PERIOD,
    unit=(str | None, Field(None, max_length=32)),
    service=(str | None, Field(None, max_length=32)),
    by=(str | None, Field(None, pattern="^(service|booth|officer)$")),
)
DrillQuery = create_model(
    "DrillQuery", __base__=Body, **_PERIOD,
    figure=(str, Field(max_length=40, description="a figure name, e.g. breaches, picked_late, no_show")),
    unit=(str | None, Field(None, max_length=32)),
    service=(str | None, Field(None, max_length=32)),
    officer=(str | None, Field(None, max_length=64)),
    booth=(int | None, Field(None, ge=1)),
    rollup=(bool, Field(False, description="an echelon-1 unit with its echelon-2 units")),
)
TrendQuery = create_model(
    "TrendQuery", __base__=Body,
    month=(str | None, Field(None, pattern=r"^\d{4}-\d{2}$")),
    unit=(str | None, Field(None, max_length=32)),
    lang=(str | None, Field(None, pattern="^(id|en)$")),
)
MonthlyQuery = create_model(
    "MonthlyQuery", __base__=Body,
    month=(str, Field(pattern=r"^\d{4}-\d{2}$")),
    unit=(str, Field(max_length=32)),
    lang=(str | None, Field(None, pattern="^(id|en)$")),
)


class KindFigures(Out):
    received: int
    picked_in_time: int
    picked_late: int
    not_picked: int
    picked_in_time_pct: float | None
    pickup_minutes_p50: float | None


class TaskFigures(Out):
    received: int
    picked_in_time: int
    picked_late: int
    not_picked: int
    picked_in_time_pct: float | None
    pickup_minutes_p50: float | None
    pickup_minutes_p90: float | None
    by_kind: dict[str, KindFigures]
    warnings: int
    breaches: int
    escalations: int
    completed: int
    completed_in_sop: int
    completed_late: int
    completed_no_sop: int
    completed_in_sop_pct: float | None
    completion_days_p50: float | None
    completion_days_p90: float | None
    document_requests: int
    paused: int
    paused_hours: float
    backlog: int
    backlog_past_sop: int
    backlog_age_days_p50: float | None
    backlog_age_days_max: float | None


class TaskUnitRow(TaskFigures):
    code: str
    name: str
    echelon: int
    parent: str | None
    trend: dict | None = None
    rollup: TaskFigures | None = None


class PeriodRef(Out):
    from_: str = Field(alias="from")
    to: str


class TaskReport(Out):
    from_: str = Field(alias="from")
    to: str
    now: str
    previous: PeriodRef | None
    service: str | None
    officer: str | None
    units: list[TaskUnitRow]


class TaskBreakdownRow(TaskFigures):
    code: str                                      # the service's code, or the officer's username
    name: str
    name_en: str | None = None


class TaskBreakdown(Out):
    """`by=service` or `by=officer`: the same figures per service or per officer, over the units in view."""
    from_: str = Field(alias="from")
    to: str
    by: Literal["service", "officer"]
    rows: list[TaskBreakdownRow]


class TaskReportAnswer(RootModel[TaskReport | TaskBreakdown]):
    """The task report: a row per unit, or with `by=` a row per service or officer."""


# ---- the other answers --------------------------------------------------------------------

_VISITOR_FIGURES = {
    "issued": (int, ...), "served": (int, ...), "no_show": (int, ...), "no_show_pct": (float | None, ...),
    "transferred": (int, ...), "priority": (int, ...), "priority_pct": (float | None, ...),
    "called": (int, ...), "called_within_target": (int, ...), "called_after_target": (int, ...),
    "within_target_pct": (float | None, ...), "wait_minutes_p50": (float | None, ...),
    "wait_minutes_p90": (float | None, ...), "service_minutes_p50": (float | None, ...),
}
VisitorFigures = create_model("VisitorFigures", __base__=Out, **_VISITOR_FIGURES)
VisitorRow = create_model("VisitorRow", __base__=Out, code=(str, ...), name=(str, ...),
                          name_en=(str | None, None), **_VISITOR_FIGURES)


class CapDay(Out):
    service: str
    day: dt.date


class VisitorReport(Out):
    """Tickets of the period per service, booth or officer (`by`), with the office total, the
    arrivals heat map (weekday × hour, office-local) and the days a daily cap was reached."""
    model_config = {"populate_by_name": True}
    from_: dt.date = Field(alias="from")
    to: dt.date
    by: str
    target_minutes: float
    total: VisitorFigures
    rows: list[VisitorRow]
    heat_map: list[list[int]]
    cap_days: list[CapDay]


class DrillDown(Out):
    """Exactly the tasks or tickets one figure counts (`count` = the figure)."""
    model_config = {"populate_by_name": True}
    figure: str
    from_: dt.date = Field(alias="from")
    to: dt.date
    count: int
    rows: list[dict] = Field(description="one row per counted task or ticket, the columns of the figure's kind")


class TodayTiles(Out):
    now: dt.datetime
    day: dt.date
    waiting: int
    called: int
    tasks_open: int
    near_breach: int
    breaches: int


class TrendMonth(Out):
    month: str
    received: int
    picked_in_time_pct: float | None
    completed: int
    completed_in_sop_pct: float | None
    breaches: int
    completion_days_p50: float | None
    issued: int
    within_target_pct: float | None


class Trend(Out):
    unit: str | None
    months: list[TrendMonth]
