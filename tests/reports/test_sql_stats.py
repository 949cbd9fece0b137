"""The grouped SQL behind the reports (reads.reports.task_stats / visitor_stats) gives exactly the figures that
rules/kpi.py computes from the rows the drill-downs list: on the hand-made month, and on a random year built
by bench/bench_reports.py (instants with fractions of a second, so whole-second comparisons are exercised),
on SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt


from intranet_server.reads import reports
from intranet_server.rules import kpi

UTC = dt.timezone.utc


def _ranges():
    return [reports.Range(dt.date(2026, 3, 1), dt.date(2026, 3, 31)), reports.Range(dt.date(2026, 2, 1),
                                                                                   dt.date(2026, 2, 28)),
            reports.Range(dt.date(2025, 12, 1), dt.date(2026, 11, 30))]


def _same_figures(now: dt.datetime):
    ts = int(now.timestamp())
    target = reports.wait_target_s()
    offset = kpi.utc_offset_s("Asia/Jakarta")
    checked = 0
    for rng in _ranges():
        period = rng.period()
        rows = reports.task_rows(period, None, now=now)
        for key in ("unit_id", "service_id", "officer_id"):
            want = {k: kpi.task_figures(p, period, ts) for k, p in kpi.group(rows, key).items()}
            got = {k: kpi.task_summary(st, ts) for k, st in reports.task_stats(period, key, None, now=now).items()}
            assert got == want, key
            checked += len(want)
        whole = kpi.task_figures(rows, period, ts)
        assert kpi.task_summary(reports.task_stats(period, None, None, now=now)[None], ts) == whole
        tickets = reports.ticket_rows(period)
        for by, key in (("service", "service_id"), ("booth", "booth_id"), ("officer", "officer_id")):
            want = {k: kpi.visitor_figures(g, period, target) for k, g in kpi.visitor_groups(tickets, key).items()}
            got = {k: kpi.visitor_summary(*st) for k, st in reports.visitor_stats(period, target, by).items()
                   if k is not None}
            assert got == want, by
            checked += len(want)
        everything = reports.visitor_stats(period, target).get(None, (dict.fromkeys(kpi.VISITOR_COUNTS, 0), [], []))
        assert kpi.visitor_summary(*everything) == kpi.visitor_figures(tickets, period, target)
        assert (kpi.heat_map_hours(reports.heat_map_hours(period, offset))
                == kpi.heat_map(tickets, period, offset))
        caps = {s: 1 for s in {t.issued_for_id for t in tickets}}
        assert kpi.cap_days_of(reports.tickets_per_day(period), caps) == kpi.cap_days(tickets, period, caps)
        for by in ("service", "booth", "officer"):   # the visitor report's one pass gives the same three tables
            groups, hours, per_day = reports.visitor_tables(period, target, by, offset)
            assert groups == {k: st for k, st in reports.visitor_stats(period, target, by).items()}, by
            assert kpi.heat_map_hours(hours) == kpi.heat_map(tickets, period, offset)
            assert per_day == reports.tickets_per_day(period)
    months = [reports.month_range(f"{y}-{m:02d}") for y, m in [(2025, 12), *((2026, m) for m in range(1, 12))]]
    starts = [r.period().start for r in months]
    whole = reports.Range(months[0].first, months[-1].last).period()
    by_month = reports.task_stats(whole, "period", None, now=now, backlog=False, starts=starts)
    visitors = reports.visitor_stats(whole, target, "period", starts=starts)
    for i, r in enumerate(months):   # the 12-month line's one grouped query equals a query per month
        alone = reports.task_stats(r.period(), None, None, now=now, backlog=False).get(None, kpi.TaskStats())
        assert kpi.task_summary(by_month.get(i, kpi.TaskStats()), ts) == kpi.task_summary(alone, ts), r
        empty = (dict.fromkeys(kpi.VISITOR_COUNTS, 0), [], [])
        assert (kpi.visitor_summary(*visitors.get(i, empty))
                == kpi.visitor_summary(*reports.visitor_stats(r.period(), target).get(None, empty))), r
    return checked


def test_grouped_sql_equals_the_rows_on_the_fixture_month(march):
    assert _same_figures(march["now"]) > 10


def test_grouped_sql_equals_the_rows_on_a_random_year(office_db):
    from bench.bench_reports import build
    build(3000, 600, seed=3)
    assert _same_figures(dt.datetime(2026, 12, 1, 2, 0, tzinfo=UTC)) > 50


def test_the_heat_map_hour_from_the_stored_issue_second_across_a_day_boundary(office_db):
    """Ticket.save keeps the issue instant in whole seconds (`issued_s`, floored), and the report's heat map
    groups by it: each ticket lands in its local weekday and hour in a WIB, WITA or WIT office, also a second
    before and after local midnight (1 March 2026 is a Sunday), as the rows the drill-downs list place it."""
    from db.models import Service, Ticket
    svc = Service.select().first()
    instants = [dt.datetime(2026, 3, 1, 16, 59, 59, 900000, tzinfo=UTC),   # 23:59:59.9 Sunday in Jakarta
                dt.datetime(2026, 3, 1, 17, 0, 0, 100000, tzinfo=UTC),     # 00:00:00.1 Monday in Jakarta
                dt.datetime(2026, 3, 2, 15, 0, tzinfo=UTC)]                # 00:00 Tuesday in Jayapura
    for seq, at in enumerate(instants, start=1):
        t = Ticket.create(issued_for=svc, service=svc, business_day=dt.date(2026, 3, 2), seq=seq,
                          number=f"{svc.prefix}{seq:03d}", status="waiting", issued_at=at, arrived_at=at)
        assert t.issued_s == int(at.timestamp()) == Ticket.get_by_id(t.id).issued_s
    period = reports.Range(dt.date(2026, 3, 1), dt.date(2026, 3, 31)).period()
    tickets = reports.ticket_rows(period)
    assert len(tickets) == 3
    expected = {"Asia/Jakarta": {(6, 23): 1, (0, 0): 1, (0, 22): 1},     # (weekday, hour): Monday is 0
                "Asia/Makassar": {(0, 0): 1, (0, 1): 1, (0, 23): 1},
                "Asia/Jayapura": {(0, 1): 1, (0, 2): 1, (1, 0): 1}}
    for zone, cells in expected.items():
        offset = kpi.utc_offset_s(zone)
        _, hours, _ = reports.visitor_tables(period, reports.wait_target_s(), "service", offset)
        grid = kpi.heat_map_hours(hours)
        assert {(d, h): n for d, row in enumerate(grid) for h, n in enumerate(row) if n} == cells, zone
        assert kpi.heat_map_hours(reports.heat_map_hours(period, offset)) == grid
        assert kpi.heat_map(tickets, period, offset) == grid
