"""The XLSX export of a year's drill-down: 46,000 rows × 13 cells in the drill table's shape, written by
the product's streaming writer (intranet_server/reports/xlsx.py) and, beside it in the same run, by
openpyxl's write-only mode (the library baseline). Prints JSON; the target (issue 10) is an export < 5 s.

    .venv/bin/python bench/bench_xlsx.py [--rows 46000] [--repeat 3]
"""
from __future__ import annotations

import argparse
import io
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from intranet_server.reports import xlsx  # noqa: E402

HEADER = ["task_id", "reference", "service", "unit", "unit_name", "sent_at", "picked_at", "completed_at",
          "pickup_minutes", "completion_days", "sop_days", "in_sop", "officer"]


def rows(n: int) -> list[list]:
    rnd = random.Random(10)
    return [[i, f"PTSA-2026-{i:06d}", "PP", "PHIJSK-PK", "Direktorat Persyaratan Kerja", "2026-03-17T02:14:00Z",
             "2026-03-17T02:20:00Z", None if i % 17 == 0 else "2026-03-19T08:00:00Z", round(rnd.random() * 40, 1),
             round(rnd.random() * 5, 2), 3, i % 5 != 0, f"p2-{i % 33 + 1:02d}"] for i in range(n)]


def openpyxl_write_only(sheets) -> bytes:
    from openpyxl import Workbook
    book = Workbook(write_only=True)
    for title, header, table in sheets:
        sheet = book.create_sheet(title)
        sheet.append(header)
        for row in table:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def best(fn, sheets, repeat: int) -> tuple[float, int]:
    times, size = [], 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        size = len(fn(sheets))
        times.append(time.perf_counter() - t0)
    return min(times), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=46_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sheets = [("Drill", HEADER, rows(args.rows))]
    ours, ours_size = best(xlsx.workbook, sheets, args.repeat)
    base, base_size = best(openpyxl_write_only, sheets, args.repeat)
    print(json.dumps({"rows": args.rows, "cells": args.rows * len(HEADER), "load_average": os.getloadavg(),
                      "ptsa_writer_s": round(ours, 3), "ptsa_bytes": ours_size,
                      "openpyxl_write_only_s": round(base, 3), "openpyxl_bytes": base_size,
                      "ratio": round(ours / base, 3)}, indent=2))


if __name__ == "__main__":
    main()
