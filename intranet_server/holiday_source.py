"""Indonesian national holidays and cuti bersama from the ``holidays`` package.

Not pure (it imports a third-party package whose data changes between releases); the pure calendar
in ``intranet_server.rules.calendar`` only ever sees the ``Holiday`` list built here. Decrees move
dates between releases, so offices correct the result with the calendar's extra_closed/extra_open.
"""

from __future__ import annotations

from collections.abc import Iterable

import holidays

from intranet_server.rules.calendar import Holiday

__all__ = ["indonesian_holidays", "load_year_with_next"]


def _normalize_years(years: int | Iterable[int]) -> list[int]:
    years = [years] if isinstance(years, int) else sorted(set(years))
    if not years or any(isinstance(y, bool) or not isinstance(y, int) for y in years):
        raise ValueError(f"years must be an int or a non-empty list of ints, got {years!r}")
    return years


def indonesian_holidays(years: int | Iterable[int], *, language: str = "id") -> list[Holiday]:
    """Public holidays (kind "public") and cuti bersama (kind "cuti_bersama"), sorted by date.

    The package files cuti bersama under its "government" category and leaves it out by default;
    it has no per-date category flag, so each category is loaded on its own. A date that is both
    keeps kind "public" (closed even for units open on cuti bersama). ``language`` is explicit so
    the names do not depend on the server's locale; Islamic dates of future years may be
    estimates, marked "(perkiraan)" / "(estimated)" in the name.
    """
    years = _normalize_years(years)
    public = holidays.Indonesia(years=years, categories=("public",), language=language)
    collective = holidays.Indonesia(years=years, categories=("government",), language=language)
    result = [Holiday(d, name, "public") for d, name in public.items()]
    result += [Holiday(d, name, "cuti_bersama") for d, name in collective.items() if d not in public]
    return sorted(result, key=lambda h: h.date)


def load_year_with_next(year: int, *, language: str = "id") -> list[Holiday]:
    """Holidays of ``year`` and ``year + 1``: a deadline computed in late December lands in January."""
    return indonesian_holidays([year, year + 1], language=language)
