"""Properties of rules/kpi.py on random rows: percentages stay within 0-100, parts add up to the whole,
a rollup is the sum of its parts, and a drill-down lists exactly the rows its figure counts."""
from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from intranet_server.rules import kpi

T0 = int(dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc).timestamp())
DAY = 86400
PERIOD = kpi.Period(T0 + 2 * DAY, T0 + 20 * DAY)
NOW = T0 + 25 * DAY
minutes = st.integers(min_value=0, max_value=60 * 24 * 28)


def _t(m):
    return None if m is None else T0 + 60 * m


@st.composite
def hops(draw, i):
    sent = draw(minutes)
    picked = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=600)))
    target = draw(st.sampled_from([15, 30]))
    return kpi.HopRow(i, draw(st.integers(1, 20)), draw(st.integers(1, 4)), draw(st.integers(1, 3)),
                      "p1" if target == 15 else "p2", _t(sent), _t(sent + target),
                      None if picked is None else _t(sent + picked), None if picked is None else picked * 60,
                      draw(st.one_of(st.none(), st.integers(1, 5))))


@st.composite
def tasks(draw, i, backlog=False):
    created = draw(minutes)
    done = created + draw(st.integers(0, 5000))
    due = draw(st.one_of(st.none(), st.integers(0, 5000)))
    return kpi.TaskRow(i, draw(st.integers(1, 4)), draw(st.integers(1, 3)), "open" if backlog else "done",
                       _t(created), None if backlog else _t(done), None if due is None else _t(created + due),
                       None if backlog else draw(st.integers(0, 500000)), draw(st.integers(0, 50000)),
                       draw(st.one_of(st.none(), st.integers(1, 5))), age_s=draw(st.integers(0, 10 ** 6)))


@st.composite
def task_rows(draw):
    n = draw(st.integers(0, 25))
    hs = [draw(hops(i)) for i in range(n)]
    alerts = [kpi.AlertRow(i, h.task_id, h.id, h.unit_id, h.service_id, draw(st.sampled_from(kpi_levels)),
                           h.sent_at + 20 * 60) for i, h in enumerate(hs) if draw(st.booleans())]
    done = [draw(tasks(100 + i)) for i in range(draw(st.integers(0, 15)))]
    docs = [kpi.DocRow(i, t.id, t.unit_id, t.service_id, t.created_at, None) for i, t in enumerate(done)
            if draw(st.booleans())]
    backlog = [draw(tasks(200 + i, backlog=True)) for i in range(draw(st.integers(0, 8)))]
    return kpi.TaskRows(hs, alerts, done, docs, backlog)


kpi_levels = ("warning", "breach", "escalation")


@st.composite
def tickets(draw):
    out = []
    for i in range(draw(st.integers(0, 40))):
        issued = draw(minutes)
        called = draw(st.one_of(st.none(), st.integers(0, 90)))
        outcome = draw(st.sampled_from(["served", "no_show", "cancelled", None]))
        svc = draw(st.integers(1, 3))
        out.append(kpi.TicketRow(i, svc, draw(st.sampled_from([svc, svc % 3 + 1])), draw(st.integers(1, 3)),
                                 draw(st.integers(1, 4)), draw(st.sampled_from([None, "lansia", "anak"])), outcome,
                                 str(dt.date.fromtimestamp(_t(issued) // DAY * DAY)), _t(issued),
                                 None if called is None else _t(issued + called),
                                 None if called is None else _t(issued + called + 1),
                                 None if called is None else _t(issued + called + 12)))
    return out


def _pcts(d: dict):
    for k, v in d.items():
        if isinstance(v, dict):
            yield from _pcts(v)
        elif k.endswith("_pct") and v is not None:
            yield v


@settings(max_examples=150, deadline=None)
@given(task_rows())
def test_task_figures_add_up(rows):
    f = kpi.task_figures(rows, PERIOD, NOW)
    assert all(0 <= p <= 100 for p in _pcts(f))
    assert f["picked_in_time"] + f["picked_late"] + f["not_picked"] == f["received"]
    assert f["completed_in_sop"] + f["completed_late"] + f["completed_no_sop"] == f["completed"]
    assert f["by_kind"]["p1"]["received"] + f["by_kind"]["p2"]["received"] == f["received"]
    assert f["backlog_past_sop"] <= f["backlog"]
    for name in kpi.TASK_FIGURES:
        counted = kpi.task_drill(name, rows, PERIOD, NOW)
        if name in f:
            assert len(counted) == f[name], name
        assert all(kpi.in_period(kpi.TASK_FIGURES[name][0], r, PERIOD) for r in counted)
    if f["pickup_minutes_p50"] is not None:
        assert f["pickup_minutes_p50"] <= f["pickup_minutes_p90"]
    # a rollup over the groups is the sum of the groups
    parts = kpi.group(rows, "unit_id")
    for name in kpi.COUNT_FIELDS:
        assert sum(kpi.task_figures(p, PERIOD, NOW)[name] for p in parts.values()) == f[name], name


@settings(max_examples=150, deadline=None)
@given(tickets(), st.sampled_from([300, 900, 1800]))
def test_visitor_figures_add_up(ts, target):
    f = kpi.visitor_figures(ts, PERIOD, target)
    assert all(0 <= p <= 100 for p in _pcts(f))
    assert f["called_within_target"] + f["called_after_target"] == f["called"] <= f["issued"]
    assert f["served"] + f["no_show"] <= f["issued"]
    for name in kpi.VISITOR_FIGURES:
        assert len(kpi.visitor_drill(name, ts, PERIOD, target)) == f[name]
    assert sum(map(sum, kpi.heat_map(ts, PERIOD, 7 * 3600))) == f["issued"]
    by_service = kpi.visitor_groups(ts, "service_id")
    assert sum(kpi.visitor_figures(g, PERIOD, target)["issued"] for g in by_service.values()) == f["issued"]


def test_heat_map_uses_local_weekday_and_hour():
    monday_0830_wib = int(dt.datetime(2026, 3, 2, 1, 30, tzinfo=dt.timezone.utc).timestamp())
    t = kpi.TicketRow(1, 1, 1, None, None, None, None, "2026-03-02", monday_0830_wib, None, None, None)
    grid = kpi.heat_map([t], kpi.Period(monday_0830_wib, monday_0830_wib + 1), 7 * 3600)
    assert grid[0][8] == 1 and sum(map(sum, grid)) == 1


def test_percentile_is_nearest_rank():
    assert kpi.percentile([], 50) is None
    assert kpi.percentile([7], 90) == 7
    assert kpi.percentile([5, 5, 10, 40], 50) == 5 and kpi.percentile([5, 5, 10, 40], 90) == 40
    assert kpi.percentile(range(1, 11), 90) == 9 and kpi.percentile(range(1, 11), 50) == 5


def test_previous_range():
    d = dt.date
    assert kpi.previous_range(d(2026, 3, 1), d(2026, 3, 31)) == (d(2026, 2, 1), d(2026, 2, 28))
    assert kpi.previous_range(d(2026, 1, 1), d(2026, 1, 31)) == (d(2025, 12, 1), d(2025, 12, 31))
    assert kpi.previous_range(d(2026, 3, 10), d(2026, 3, 16)) == (d(2026, 3, 3), d(2026, 3, 9))
