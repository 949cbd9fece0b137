"""The monthly report of a unit as a PDF, with reportlab.

Why reportlab and not Chromium printing the page: the server and `ptsa report` must make the file
on an office server that has no browser, in the monthly e-mail job too; reportlab is a library
(wheels on PyPI, no system packages) and draws the charts as vector graphics itself.
"""
from __future__ import annotations

import io

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

LABELS = {
    "id": {"title": "Laporan Bulanan", "unit": "Unit", "period": "Periode", "figure": "Indikator",
           "value": "Nilai", "before": "Bulan lalu", "trend": "Tren 12 bulan",
           "received_completed": "Tugas diterima (biru) dan diselesaikan (hijau)",
           "pct": "% diambil tepat waktu (biru) dan % selesai sesuai SOP (hijau)", "visitors": "Pengunjung"},
    "en": {"title": "Monthly Report", "unit": "Unit", "period": "Period", "figure": "Figure", "value": "Value",
           "before": "Previous month", "trend": "12-month trend",
           "received_completed": "Tasks received (blue) and completed (green)",
           "pct": "% picked up in time (blue) and % completed within SOP (green)", "visitors": "Visitors"},
}
FIGURES = {
    "received": ("Tugas diterima", "Tasks received"),
    "picked_in_time": ("Diambil tepat waktu", "Picked up in time"),
    "picked_late": ("Diambil terlambat", "Picked up late"),
    "not_picked": ("Belum diambil", "Not picked up"),
    "picked_in_time_pct": ("% diambil tepat waktu", "% picked up in time"),
    "pickup_minutes_p50": ("Waktu ambil median (menit kerja)", "Pickup median (working min)"),
    "pickup_minutes_p90": ("Waktu ambil P90 (menit kerja)", "Pickup p90 (working min)"),
    "warnings": ("Peringatan", "Warnings"),
    "breaches": ("Pelanggaran", "Breaches"),
    "escalations": ("Eskalasi", "Escalations"),
    "completed": ("Tugas selesai", "Tasks completed"),
    "completed_in_sop": ("Selesai sesuai SOP", "Completed within SOP"),
    "completed_in_sop_pct": ("% selesai sesuai SOP", "% completed within SOP"),
    "completion_days_p50": ("Waktu selesai median (hari kerja)", "Completion median (working days)"),
    "completion_days_p90": ("Waktu selesai P90 (hari kerja)", "Completion p90 (working days)"),
    "document_requests": ("Permintaan dokumen", "Document requests"),
    "paused_hours": ("Waktu jeda (jam kerja)", "Paused (working hours)"),
    "backlog": ("Tunggakan terbuka", "Open backlog"),
    "backlog_past_sop": ("Tunggakan lewat SOP", "Backlog past SOP"),
}
VISITOR_FIGURES = {
    "issued": ("Tiket diterbitkan", "Tickets issued"), "served": ("Dilayani", "Served"),
    "no_show_pct": ("% tidak hadir", "% no-show"), "transferred": ("Dialihkan", "Transferred"),
    "priority_pct": ("% prioritas", "% priority"), "wait_minutes_p50": ("Tunggu median (menit)", "Wait median (min)"),
    "wait_minutes_p90": ("Tunggu P90 (menit)", "Wait p90 (min)"),
    "within_target_pct": ("% dipanggil dalam target", "% called within target"),
    "service_minutes_p50": ("Layanan median (menit)", "Service median (min)"),
}


def _fmt(value) -> str:
    return "–" if value is None else (f"{value:g}" if isinstance(value, float) else str(value))


def _chart(months: list[dict], keys: tuple[str, str], kind: str, caption: str) -> Drawing:
    drawing = Drawing(170 * mm, 62 * mm)
    chart = VerticalBarChart() if kind == "bar" else HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 12 * mm, 12 * mm, 150 * mm, 40 * mm
    chart.data = [[(m[k] or 0) for m in months] for k in keys]
    chart.categoryAxis.categoryNames = [m["month"][2:] for m in months]
    chart.categoryAxis.labels.fontSize = 6
    chart.valueAxis.valueMin = 0
    if kind != "bar":
        chart.valueAxis.valueMax = 100
    for i, color in enumerate((colors.HexColor("#1f6fb2"), colors.HexColor("#2e9d57"))):
        (chart.bars if kind == "bar" else chart.lines)[i].fillColor = color
        if kind != "bar":
            chart.lines[i].strokeColor = color
            chart.lines[i].strokeWidth = 1.5
    drawing.add(chart)
    drawing.add(String(12 * mm, 56 * mm, caption, fontSize=8))
    return drawing


def monthly_pdf(unit: dict, month: str, row: dict, visitors: dict, months: list[dict], office: str,
                lang: str = "id") -> bytes:
    t = LABELS[lang]
    idx = 0 if lang == "id" else 1
    styles = getSampleStyleSheet()
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=16 * mm, title=f"{t['title']} {unit['code']} {month}", author=office)
    story = [Paragraph(f"{office} — {t['title']}", styles["Title"]),
             Paragraph(f"{t['unit']}: <b>{unit['code']}</b> {unit['name']}", styles["Normal"]),
             Paragraph(f"{t['period']}: {month}", styles["Normal"]), Spacer(1, 5 * mm)]
    figures = row.get("rollup") or row
    trend = row.get("trend") or {}
    data = [[t["figure"], t["value"], t["before"]]]
    for key, names in FIGURES.items():
        data.append([names[idx], _fmt(figures.get(key)), _fmt((trend.get(key) or {}).get("before"))])
    table = Table(data, colWidths=[95 * mm, 30 * mm, 30 * mm])
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, 0), "Helvetica-Bold"), ("FONTSIZE", (0, 0), (-1, -1), 8),
                               ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
                               ("ALIGN", (1, 1), (-1, -1), "RIGHT")]))
    story += [table, Spacer(1, 5 * mm), Paragraph(t["trend"], styles["Heading3"]),
              _chart(months, ("received", "completed"), "bar", t["received_completed"]),
              _chart(months, ("picked_in_time_pct", "completed_in_sop_pct"), "line", t["pct"]),
              Paragraph(t["visitors"], styles["Heading3"])]
    vdata = [[t["figure"], t["value"]]] + [[n[idx], _fmt(visitors.get(k))] for k, n in VISITOR_FIGURES.items()]
    vtable = Table(vdata, colWidths=[95 * mm, 30 * mm])
    vtable.setStyle(TableStyle([("FONTSIZE", (0, 0), (-1, -1), 8), ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                                ("ALIGN", (1, 1), (-1, -1), "RIGHT")]))
    story.append(vtable)
    doc.build(story)
    return out.getvalue()
