"""Bounds on what the server accepts (pure). Outside them a request is a 4xx with a message, never an
overflow deep in the date arithmetic or the database."""
from __future__ import annotations

import datetime as dt

# The office's calendars, holidays and SLA deadlines make sense within these years; 0001 and 9999
# overflow as soon as a day is added or a zone applied.
DATE_MIN = dt.date(2000, 1, 1)
DATE_MAX = dt.date(2099, 12, 31)
INT_MIN, INT_MAX = -(2**63), 2**63 - 1    # the database's BIGINT


def date_problem(value: dt.date, name: str) -> str | None:
    if not DATE_MIN <= value <= DATE_MAX:
        return (f"'{name}' harus antara {DATE_MIN.isoformat()} dan {DATE_MAX.isoformat()} / "
                f"'{name}' must be between {DATE_MIN.isoformat()} and {DATE_MAX.isoformat()}")
    return None
