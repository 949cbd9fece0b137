"""Indonesian national holidays and cuti bersama from the ``holidays`` package.

Not pure (it imports a third-party package whose data changes between releases); the pure calendar
in ``intranet_server.rules.calendar`` only ever sees the ``Holiday`` list built here. Decrees move
dates between releases, so offices correct the result with the calendar's extra_closed/extra_open.

The server asks for the list in a child process (``holidays_from_child``): the package's lazy loader
imports every one of its ~250 countries to build one, ≈ 17 MB that would otherwise stay in every
server process for the few dozen dates it needs.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Iterable

from intranet_server.rules.calendar import Holiday

__all__ = ["indonesian_holidays", "load_year_with_next", "holidays_from_child"]


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
    import holidays   # here, not at the top: the server never imports it (holidays_from_child)
    years = _normalize_years(years)
    public = holidays.Indonesia(years=years, categories=("public",), language=language)
    collective = holidays.Indonesia(years=years, categories=("government",), language=language)
    result = [Holiday(d, name, "public") for d, name in public.items()]
    result += [Holiday(d, name, "cuti_bersama") for d, name in collective.items() if d not in public]
    return sorted(result, key=lambda h: h.date)


def load_year_with_next(year: int, *, language: str = "id") -> list[Holiday]:
    """Holidays of ``year`` and ``year + 1``: a deadline computed in late December lands in January."""
    return indonesian_holidays([year, year + 1], language=language)


def holidays_from_child(years: int | Iterable[int], *, language: str = "id", timeout: float = 60) -> list[Holiday]:
    """``indonesian_holidays`` computed in a child Python, so the package never loads in this process.

    Raises RuntimeError with the child's message when it fails (the package missing or broken)."""
    years = _normalize_years(years)
    command = [sys.executable, "-m", "intranet_server.holiday_source", "--language", language,
               *map(str, years)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise RuntimeError(f"the holiday list for {years} could not be computed: {exc}") from exc
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise RuntimeError(f"the holiday list for {years} could not be computed: {last}")
    return [Holiday(dt.date.fromisoformat(row["date"]), row["name"], row["kind"]) for row in json.loads(done.stdout)]


def package_version() -> str:
    """The installed ``holidays`` release, read from its metadata (no import)."""
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version("holidays")
    except PackageNotFoundError:
        return "?"


def main(argv: list[str] | None = None) -> int:
    """``python -m intranet_server.holiday_source [--language id] YEAR...``: the list as JSON."""
    import argparse
    parser = argparse.ArgumentParser(prog="python -m intranet_server.holiday_source")
    parser.add_argument("--language", default="id")
    parser.add_argument("years", nargs="+", type=int)
    args = parser.parse_args(argv)
    rows = [{"date": h.date.isoformat(), "name": h.name, "kind": h.kind}
            for h in indonesian_holidays(args.years, language=args.language)]
    json.dump(rows, sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
