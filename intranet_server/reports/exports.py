"""Every report table as CSV or XLSX: one header row, one row per unit/service/booth/officer.
Echelon-1 units get a second row with their rollup (scope "rollup")."""
from __future__ import annotations

import csv
import io

from intranet_server.reports import xlsx

TASK_COLUMNS = ("received", "picked_in_time", "picked_late", "not_picked", "picked_in_time_pct",
                "pickup_minutes_p50", "pickup_minutes_p90", "p1_received", "p1_picked_in_time",
                "p2_received", "p2_picked_in_time", "warnings", "breaches", "escalations", "completed",
                "completed_in_sop", "completed_late", "completed_no_sop", "completed_in_sop_pct",
                "completion_days_p50", "completion_days_p90", "document_requests", "paused_hours", "backlog",
                "backlog_past_sop", "backlog_age_days_p50", "backlog_age_days_max")
VISITOR_COLUMNS = ("issued", "served", "no_show", "no_show_pct", "transferred", "priority", "priority_pct",
                   "called", "called_within_target", "within_target_pct", "wait_minutes_p50", "wait_minutes_p90",
                   "service_minutes_p50")


def _figures(f: dict) -> list:
    flat = dict(f)
    for kind in ("p1", "p2"):
        k = f.get("by_kind", {}).get(kind, {})
        flat[f"{kind}_received"], flat[f"{kind}_picked_in_time"] = k.get("received"), k.get("picked_in_time")
    return [flat.get(c) for c in TASK_COLUMNS]


def task_table(report: dict) -> tuple[list[str], list[list]]:
    header = ["from", "to", "code", "name", "echelon", "parent", "scope", *TASK_COLUMNS]
    rows = []
    for u in report.get("units", report.get("rows", [])):
        head = [report["from"], report["to"], u["code"], u["name"], u.get("echelon"), u.get("parent")]
        rows.append([*head, "unit", *_figures(u)])
        if u.get("rollup"):
            rows.append([*head, "rollup", *_figures(u["rollup"])])
    return header, rows


def visitor_table(report: dict) -> tuple[list[str], list[list]]:
    header = ["from", "to", report["by"], "name", *VISITOR_COLUMNS]
    rows = [[report["from"], report["to"], r["code"], r["name"], *(r.get(c) for c in VISITOR_COLUMNS)]
            for r in report["rows"]]
    rows.append([report["from"], report["to"], "*", "total", *(report["total"].get(c) for c in VISITOR_COLUMNS)])
    return header, rows


def drill_table(answer: dict) -> tuple[list[str], list[list]]:
    keys: list[str] = []
    for r in answer["rows"]:
        keys += [k for k in r if k not in keys]
    return keys, [[r.get(k) for k in keys] for r in answer["rows"]]


def to_csv(header: list[str], rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")   # the BOM lets Excel read UTF-8 names


def to_xlsx(sheets: list[tuple[str, list[str], list[list]]]) -> bytes:
    """One worksheet per (title, header, rows), header in bold (reports/xlsx.py: streamed, ~1 µs a cell)."""
    return xlsx.workbook(sheets)
