"""Charts drawn on the server as SVG (no chart library, nothing from a CDN): the 12-month line and the
arrivals heat map. Colours are SVG attributes, not inline styles, so a strict CSP allows them."""
from __future__ import annotations

from markupsafe import Markup, escape

BLUE, GREEN, RED = "#1f6fb2", "#2e9d57", "#c0392b"


def month_chart(months: list[dict], title: str, legend: tuple[str, str, str]) -> Markup:
    """Bars: tasks received and completed per month; line: % completed within SOP (right axis, 0-100)."""
    w, h, left, bottom, top = 720, 260, 40, 40, 30
    plot_h = h - bottom - top
    n = max(1, len(months))
    slot = (w - left - 40) / n
    peak = max([1] + [max(m["received"] or 0, m["completed"] or 0) for m in months])
    parts = [f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {w} {h}" '
             f'xmlns="http://www.w3.org/2000/svg" width="100%">', f'<title>{escape(title)}</title>',
             f'<line x1="{left}" y1="{h - bottom}" x2="{w - 40}" y2="{h - bottom}" stroke="#888"/>']
    points = []
    for i, m in enumerate(months):
        x = left + i * slot
        for j, (key, color) in enumerate((("received", BLUE), ("completed", GREEN))):
            value = m[key] or 0
            bh = plot_h * value / peak
            parts.append(f'<rect class="bar {key}" data-month="{m["month"]}" data-value="{value}" '
                         f'x="{x + 4 + j * (slot - 8) / 2:.1f}" y="{h - bottom - bh:.1f}" '
                         f'width="{(slot - 8) / 2:.1f}" height="{bh:.1f}" fill="{color}"><title>{m["month"]} '
                         f'{key}: {value}</title></rect>')
        parts.append(f'<text x="{x + slot / 2:.1f}" y="{h - bottom + 14}" font-size="11" text-anchor="middle">'
                     f'{m["month"][2:]}</text>')
        if m.get("completed_in_sop_pct") is not None:
            points.append((x + slot / 2, h - bottom - plot_h * m["completed_in_sop_pct"] / 100))
    if points:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(f'<polyline class="line in-sop" points="{path}" fill="none" stroke="{RED}" stroke-width="2"/>')
        parts += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{RED}"/>' for x, y in points]
    parts.append(f'<text x="{w - 36}" y="{top}" font-size="10">100%</text>')
    for i, (label, color) in enumerate(zip(legend, (BLUE, GREEN, RED), strict=True)):
        parts.append(f'<rect x="{left + i * 220}" y="6" width="12" height="12" fill="{color}"/>'
                     f'<text x="{left + i * 220 + 16}" y="16" font-size="12">{escape(label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def heat_map(grid: list[list[int]], days: list[str], title: str, hours=range(6, 18)) -> Markup:
    """Arrivals by weekday (rows) and hour (columns); darker = more."""
    cell, left, top = 34, 50, 24
    hours = list(hours)
    peak = max([1] + [v for row in grid for v in row])
    w, h = left + cell * len(hours) + 4, top + cell * 7 + 4
    parts = [f'<svg class="heat" role="img" aria-label="{escape(title)}" viewBox="0 0 {w} {h}" '
             f'xmlns="http://www.w3.org/2000/svg" width="100%"><title>{escape(title)}</title>']
    for j, hour in enumerate(hours):
        parts.append(f'<text x="{left + j * cell + cell / 2}" y="16" font-size="11" '
                     f'text-anchor="middle">{hour:02d}</text>')
    for d in range(7):
        parts.append(f'<text x="4" y="{top + d * cell + cell / 2 + 4}" font-size="12">{escape(days[d])}</text>')
        for j, hour in enumerate(hours):
            v = grid[d][hour]
            shade = int(245 - 200 * v / peak)
            parts.append(f'<rect x="{left + j * cell}" y="{top + d * cell}" width="{cell - 2}" height="{cell - 2}" '
                         f'fill="rgb({shade},{shade + 5 if shade < 250 else 250},255)"><title>{escape(days[d])} '
                         f'{hour:02d}:00 {v}</title></rect>')
            if v:
                parts.append(f'<text x="{left + j * cell + cell / 2 - 1}" y="{top + d * cell + cell / 2 + 4}" '
                             f'font-size="11" text-anchor="middle">{v}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
