"""SKM report figures at ten times PTSA's yearly volume, printed as JSON.

Builds a SQLite file (or the PostgreSQL database given) with --tickets served tickets over a year and
a survey answer for --rate of them, then times the year's report for the admin (every service, per
unit and per service), one month, one service, and the CSV/XLSX exports built from it.

    python bench/bench_skm.py [--tickets 250000] [--rate 0.3] [--url postgresql://...]
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def build(url: str, tickets: int, rate: float) -> None:
    import db
    from db.models import Service, Ticket
    from db.survey_models import SurveyResponse
    from tests.conftest import prepare_database
    prepare_database(url)
    services = list(Service.select())
    rng = random.Random(14)
    first = dt.date(2025, 1, 1)
    batch_t, batch_s = [], []
    with db.database.atomic():
        for i in range(tickets):
            service = services[i % len(services)]
            day = first + dt.timedelta(days=(i * 365) // tickets)
            at = dt.datetime.combine(day, dt.time(3, 0), tzinfo=dt.timezone.utc) + dt.timedelta(seconds=i % 20000)
            batch_t.append({"id": i + 1, "issued_for": service.id, "service": service.id, "business_day": day,
                            "seq": i + 1, "number": f"{service.prefix}{i % 1000:03d}", "status": "done",
                            "outcome": "served", "issued_at": at, "arrived_at": at, "finished_at": at})
            if rng.random() < rate:
                scores = [min(4, max(1, round(rng.gauss(3.2, 0.7)))) for _ in range(9)]
                batch_s.append({"ticket": i + 1, "service": service.id, "unit": service.unit_id, "business_day": day,
                                "answered_at": at, "channel": "tablet",
                                **{f"s{k + 1}": v for k, v in enumerate(scores)},
                                "comment": "Antrean lama" if scores[2] <= 2 and rng.random() < 0.2 else ""})
            if len(batch_t) >= 2000:
                Ticket.insert_many(batch_t).execute()
                SurveyResponse.insert_many(batch_s).execute()
                batch_t, batch_s = [], []
        if batch_t:
            Ticket.insert_many(batch_t).execute()
        if batch_s:
            SurveyResponse.insert_many(batch_s).execute()


def timed(fn, repeat: int = 3) -> tuple[float, object]:
    best, result = None, None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        took = time.perf_counter() - start
        best = took if best is None else min(best, took)
    return round(best, 3), result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=250_000)
    parser.add_argument("--rate", type=float, default=0.3)
    parser.add_argument("--url")
    args = parser.parse_args()
    url = args.url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    import db
    from db.models import Staff
    from intranet_server.api.surveys import survey_reads
    from intranet_server.reads.surveys import report_rows
    start = time.perf_counter()
    build(url, args.tickets, args.rate)
    built = round(time.perf_counter() - start, 1)
    with db.database.connection_context():
        admin = Staff.get(Staff.username == "admin")
        year, report = timed(lambda: survey_reads.skm_report(admin, dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
        month, _ = timed(lambda: survey_reads.skm_report(admin, dt.date(2025, 11, 1), dt.date(2025, 11, 30)))
        one, _ = timed(lambda: survey_reads.skm_report(admin, dt.date(2025, 1, 1), dt.date(2025, 12, 31), "PP"))

        def xlsx():
            from openpyxl import Workbook
            book = Workbook()
            header, rows = report_rows(report)
            book.active.append(header)
            for row in rows:
                book.active.append(row)
            out = io.BytesIO()
            book.save(out)
            return len(out.getvalue())
        export, size = timed(xlsx)
    print(json.dumps({"tickets": args.tickets, "responses": report["respondents"], "build_s": built,
                      "year_report_s": year, "month_report_s": month, "one_service_year_s": one,
                      "xlsx_after_report_s": export, "xlsx_bytes": size, "ikm": report["ikm"],
                      "database": url.split(":")[0]}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
