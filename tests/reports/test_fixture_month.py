"""Every figure of March 2026 (tests/reports/month.py), worked out by hand, on SQLite and PostgreSQL,
through the API as Pak Hendra's echelon-1 supervisor sees it."""
from __future__ import annotations

import csv
import io

import pytest

from tests.reports.conftest import login

MARCH = "from=2026-03-01&to=2026-03-31"


def _unit(report, code):
    return next(u for u in report["units"] if u["code"] == code)


def test_the_month_by_hand(report_client, march):
    assert sorted(march["raised"]) == sorted([("warning", march["tasks"]["B"]), ("breach", march["tasks"]["B"]),
                                              ("escalation", march["tasks"]["B"])])
    client = login(report_client, "sup-phijsk")
    r = client.get(f"/api/v1/reports/tasks?{MARCH}&unit=PHIJSK")
    assert r.status_code == 200, r.get_json()
    report = r.get_json()
    assert (report["from"], report["to"]) == ("2026-03-01", "2026-03-31")
    assert [u["code"] for u in report["units"]] == ["PHIJSK", "PHIJSK-SET", "PHIJSK-PK", "PHIJSK-KKHI",
                                                    "PHIJSK-UPAH", "PHIJSK-JAMSOS", "PHIJSK-PPHI"]
    p1 = _unit(report, "PHIJSK")
    # P1 hops sent in March: A 10 min, D 5 min, C 5 min (in time), B 40 min (late), E (not picked)
    expect_p1 = {"received": 5, "picked_in_time": 3, "picked_late": 1, "not_picked": 1, "picked_in_time_pct": 60.0,
                 "pickup_minutes_p50": 5.0, "pickup_minutes_p90": 40.0,
                 "warnings": 1, "breaches": 1, "escalations": 1,
                 # B, completed by the P1 itself: 6,000 s / 27,000 s
                 "completed": 1, "completed_in_sop": 1, "completed_late": 0, "completed_no_sop": 0,
                 "completed_in_sop_pct": 100.0, "completion_days_p50": 0.22, "completion_days_p90": 0.22,
                 "document_requests": 0, "paused": 0, "paused_hours": 0.0,
                 # E (100 min old) and F (165 working hours = 22 days, past its SOP of Wed 4 Mar)
                 "backlog": 2, "backlog_past_sop": 1, "backlog_age_days_p50": 0.22, "backlog_age_days_max": 22.0}
    assert {k: p1[k] for k in expect_p1} == expect_p1
    assert p1["by_kind"]["p1"]["received"] == 5 and p1["by_kind"]["p2"]["received"] == 0
    pk = _unit(report, "PHIJSK-PK")
    # P2 hops: A 20 min, D 5 min, C 10 min; completed A 2.13 d, D 9.00 d (late), C 0.40 d (6 h paused)
    expect_pk = {"received": 3, "picked_in_time": 3, "picked_late": 0, "not_picked": 0, "picked_in_time_pct": 100.0,
                 "pickup_minutes_p50": 10.0, "pickup_minutes_p90": 20.0, "warnings": 0, "breaches": 0,
                 "escalations": 0, "completed": 3, "completed_in_sop": 2, "completed_late": 1,
                 "completed_in_sop_pct": 66.7, "completion_days_p50": 2.13, "completion_days_p90": 9.0,
                 "document_requests": 1, "paused": 1, "paused_hours": 6.0, "backlog": 0, "backlog_past_sop": 0}
    assert {k: pk[k] for k in expect_pk} == expect_pk
    assert "rollup" not in pk
    rollup = p1["rollup"]
    # pickups 5,5,5,10,10,20,40: p50 = 4th = 10, p90 = 7th = 40; completions 0.22,0.40,2.13,9.00
    expect_rollup = {"received": 8, "picked_in_time": 6, "picked_late": 1, "not_picked": 1,
                     "picked_in_time_pct": 75.0, "pickup_minutes_p50": 10.0, "pickup_minutes_p90": 40.0,
                     "warnings": 1, "breaches": 1, "escalations": 1, "completed": 4, "completed_in_sop": 3,
                     "completed_late": 1, "completed_in_sop_pct": 75.0, "completion_days_p50": 0.4,
                     "completion_days_p90": 9.0, "document_requests": 1, "paused_hours": 6.0, "backlog": 2,
                     "backlog_past_sop": 1}
    assert {k: rollup[k] for k in expect_rollup} == expect_rollup
    # February (the previous period): only F's hop, picked after 30 min
    assert p1["trend"]["received"] == {"now": 5, "before": 1, "change": 4}
    assert p1["trend"]["picked_in_time_pct"] == {"now": 60.0, "before": 0.0, "change": 60.0}


def test_visitors_by_hand(report_client, march):
    client = login(report_client, "sup-phijsk")
    v = client.get(f"/api/v1/reports/visitors?{MARCH}").get_json()
    assert v["target_minutes"] == 15.0
    rows = {r["code"]: r for r in v["rows"]}
    assert set(rows) == {"PP", "PKB"}
    # PP: A, D, B, E served, the no-show, the transfer (served), the one never called
    expect_pp = {"issued": 7, "served": 5, "no_show": 1, "no_show_pct": 14.3, "transferred": 1, "priority": 2,
                 "priority_pct": 28.6, "called": 6, "called_within_target": 5, "within_target_pct": 83.3,
                 "wait_minutes_p50": 10.0, "wait_minutes_p90": 20.0, "service_minutes_p50": 24.0}
    assert {k: rows["PP"][k] for k in expect_pp} == expect_pp
    expect_pkb = {"issued": 1, "served": 1, "no_show": 0, "called": 1, "called_within_target": 0,
                  "within_target_pct": 0.0, "wait_minutes_p50": 30.0, "service_minutes_p50": 14.0}
    assert {k: rows["PKB"][k] for k in expect_pkb} == expect_pkb
    total = v["total"]
    expect_total = {"issued": 8, "served": 6, "no_show": 1, "no_show_pct": 12.5, "priority_pct": 25.0,
                    "within_target_pct": 71.4, "wait_minutes_p50": 10.0, "wait_minutes_p90": 30.0,
                    "service_minutes_p50": 14.0}
    assert {k: total[k] for k in expect_total} == expect_total
    grid = v["heat_map"]
    assert grid[0][8] == 1 and grid[0][9] == 1          # Mon: A 08:30, D 09:30
    assert grid[1][8] == 1 and grid[1][10] == 1 and grid[1][15] == 1   # Tue: C, the no-show, E
    assert grid[2][8] == 1 and grid[3][15] == 1 and grid[4][15] == 1   # Wed transfer, Thu never called, Fri B
    assert sum(map(sum, grid)) == 8
    assert v["cap_days"] == [{"service": "PKB", "day": "2026-03-04"}, {"service": "PKB", "day": "2026-03-17"}]


def test_drill_downs_list_the_counted_rows(report_client, march):
    client = login(report_client, "sup-phijsk")
    t = march["tasks"]
    breaches = client.get(f"/api/v1/reports/drill?{MARCH}&unit=PHIJSK&figure=breaches").get_json()
    assert breaches["count"] == 1 and [r["task_id"] for r in breaches["rows"]] == [t["B"]]
    late = client.get(f"/api/v1/reports/drill?{MARCH}&unit=PHIJSK-PK&figure=completed_late").get_json()
    assert [r["task_id"] for r in late["rows"]] == [t["D"]] and late["rows"][0]["completion_days"] == 9.0
    rolled = client.get(f"/api/v1/reports/drill?{MARCH}&unit=PHIJSK&figure=completed&rollup=1").get_json()
    assert sorted(r["task_id"] for r in rolled["rows"]) == sorted([t["A"], t["B"], t["C"], t["D"]])
    no_show = client.get(f"/api/v1/reports/drill?{MARCH}&figure=no_show").get_json()
    assert no_show["count"] == 1 and no_show["rows"][0]["outcome"] == "no_show"
    moved = client.get(f"/api/v1/reports/drill?{MARCH}&figure=transferred").get_json()
    assert [(r["issued_for"], r["service"]) for r in moved["rows"]] == [("PKB", "PP")]


def test_csv_and_xlsx_carry_the_same_table(report_client, march):
    from openpyxl import load_workbook
    client = login(report_client, "sup-phijsk")
    r = client.get(f"/api/v1/reports/tasks.csv?{MARCH}&unit=PHIJSK")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(r.data.decode("utf-8-sig"))))
    first = rows[0]
    assert (first["code"], first["scope"], first["received"], first["picked_late"]) == ("PHIJSK", "unit", "5", "1")
    assert (rows[1]["code"], rows[1]["scope"], rows[1]["received"]) == ("PHIJSK", "rollup", "8")
    x = client.get(f"/api/v1/reports/tasks.xlsx?{MARCH}&unit=PHIJSK")
    assert x.status_code == 200
    sheet = load_workbook(io.BytesIO(x.data)).active
    values = list(sheet.values)
    header = list(values[0])
    assert values[1][header.index("received")] == 5 and values[2][header.index("completed")] == 4


def test_a_drill_down_as_xlsx_carries_its_rows(report_client, march):
    from openpyxl import load_workbook
    client = login(report_client, "sup-phijsk")
    for figure in ("completed", "received", "issued"):
        answer = client.get(f"/api/v1/reports/drill?{MARCH}&figure={figure}&unit=PHIJSK&rollup=true").get_json()
        x = client.get(f"/api/v1/reports/drill.xlsx?{MARCH}&figure={figure}&unit=PHIJSK&rollup=true")
        assert x.status_code == 200 and answer["count"] > 0
        sheet = load_workbook(io.BytesIO(x.data)).active
        assert sheet.title == figure and sheet.cell(1, 1).font.b
        values = list(sheet.values)
        header = list(values[0])
        assert len(values) == answer["count"] + 1
        for row, item in zip(values[1:], answer["rows"], strict=True):
            assert dict(zip(header, row, strict=True)) == {k: item.get(k) for k in header}


@pytest.mark.parametrize("who, status", [("sup-phijsk-pk", 403), ("p0-03", 200), ("pimpinan", 200)])
def test_who_sees_what(report_client, march, who, status):
    client = login(report_client, who)
    r = client.get(f"/api/v1/reports/tasks?{MARCH}&unit=PHIJSK")
    assert r.status_code == status, r.get_json()


def test_bad_input_is_a_422(report_client, march):
    client = login(report_client, "sup-phijsk")
    assert client.get("/api/v1/reports/tasks?from=2026-13-01").status_code == 422
    assert client.get("/api/v1/reports/tasks?from=2026-03-10&to=2026-03-01").status_code == 422
    assert client.get("/api/v1/reports/tasks?color=blue").get_json()["error"] == "invalid"
    assert client.get("/api/v1/reports/drill?figure=nonsense").status_code == 422
    assert client.get("/api/v1/reports/tasks?unit=NOPE").status_code == 404


def test_every_figure_drills_down_to_exactly_its_rows(report_client, march):
    """Through the API, for every unit of the scope and every counted figure: the drill-down's row count
    is the figure (the rollup's too), and the visitor figures per service likewise."""
    from intranet_server.rules import kpi
    client = login(report_client, "sup-phijsk")
    report = client.get(f"/api/v1/reports/tasks?{MARCH}&unit=PHIJSK").get_json()
    for u in report["units"]:
        for scope, figures in [("", u)] + ([("1", u["rollup"])] if "rollup" in u else []):
            for name in kpi.COUNT_FIELDS:
                d = client.get(f"/api/v1/reports/drill?{MARCH}&unit={u['code']}&figure={name}&rollup={scope or 0}")
                assert d.get_json()["count"] == figures[name], (u["code"], scope, name)
    v = client.get(f"/api/v1/reports/visitors?{MARCH}").get_json()
    for r in v["rows"]:
        for name in ("issued", "served", "no_show", "transferred", "priority", "called_within_target"):
            d = client.get(f"/api/v1/reports/drill?{MARCH}&service={r['code']}&figure={name}").get_json()
            assert d["count"] == r[name], (r["code"], name)


def test_twelve_month_line(report_client, march):
    client = login(report_client, "sup-phijsk")
    months = client.get("/api/v1/reports/trend?month=2026-03&unit=PHIJSK").get_json()["months"]
    assert [m["month"] for m in months][0] == "2025-04" and len(months) == 12
    feb, mar = months[-2], months[-1]
    assert (feb["received"], feb["picked_in_time_pct"], feb["issued"]) == (1, 0.0, 1)
    assert (mar["received"], mar["completed"], mar["completed_in_sop_pct"], mar["breaches"], mar["issued"]) == \
        (8, 4, 75.0, 1, 8)
    assert all(m["received"] == 0 for m in months[:-2])
