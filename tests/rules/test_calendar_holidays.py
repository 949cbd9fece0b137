"""The holiday source against the installed `holidays` package (0.109 when written).

These tests pin what the package says for 2026; a release that moves a date (decrees change) makes them
fail on purpose, so someone looks before deadlines shift.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest


from intranet_server.holiday_source import indonesian_holidays, load_year_with_next
from intranet_server.rules.calendar import Holiday, WorkingCalendar

WIB = ZoneInfo("Asia/Jakarta")

PUBLIC_2026 = {
    date(2026, 1, 1),  # Tahun Baru Masehi
    date(2026, 1, 16),  # Isra Mikraj
    date(2026, 2, 17),  # Tahun Baru Imlek
    date(2026, 3, 19),  # Nyepi
    date(2026, 3, 21),  # Idul Fitri (Saturday)
    date(2026, 3, 22),  # Idul Fitri, second day (Sunday)
    date(2026, 4, 3),  # Wafat Yesus Kristus
    date(2026, 4, 5),  # Paskah (Sunday)
    date(2026, 5, 1),  # Hari Buruh
    date(2026, 5, 14),  # Kenaikan Yesus Kristus
    date(2026, 5, 27),  # Idul Adha
    date(2026, 5, 31),  # Waisak (Sunday)
    date(2026, 6, 1),  # Hari Lahir Pancasila
    date(2026, 6, 16),  # Tahun Baru Islam
    date(2026, 8, 17),  # Hari Kemerdekaan
    date(2026, 8, 25),  # Maulid Nabi
    date(2026, 12, 25),  # Natal
}
CUTI_BERSAMA_2026 = {
    date(2026, 2, 16),  # Imlek
    date(2026, 3, 18),  # Nyepi
    date(2026, 3, 20),  # Idul Fitri
    date(2026, 3, 23),  # Idul Fitri
    date(2026, 3, 24),  # Idul Fitri
    date(2026, 5, 15),  # Kenaikan
    date(2026, 5, 28),  # Idul Adha
    date(2026, 12, 24),  # Natal
}


def test_package_categories_for_2026():
    # STACK-NOTES.md: 17 public days, 25 with cuti bersama (the "government" category)
    assert len(holidays.Indonesia(years=2026)) == 17
    assert len(holidays.Indonesia(years=2026, categories=("public", "government"))) == 25
    assert set(holidays.Indonesia(years=2026, categories=("government",))) == CUTI_BERSAMA_2026


def test_indonesian_holidays_2026():
    result = indonesian_holidays(2026)
    assert len(result) == 25
    assert [h.date for h in result] == sorted(h.date for h in result)
    assert {h.date for h in result if h.kind == "public"} == PUBLIC_2026
    assert {h.date for h in result if h.kind == "cuti_bersama"} == CUTI_BERSAMA_2026
    assert all(isinstance(h, Holiday) and h.name for h in result)
    by_date = {h.date: h for h in result}
    assert by_date[date(2026, 3, 18)].name.startswith("Cuti Bersama")  # Bahasa Indonesia by default


def test_language_is_explicit():
    english = {h.date: h.name for h in indonesian_holidays(2026, language="en_US")}
    assert english[date(2026, 3, 19)] == "Day of Silence"


def test_load_year_with_next_covers_rollover():
    result = load_year_with_next(2026)
    years = {h.date.year for h in result}
    assert years == {2026, 2027}
    assert Holiday(date(2027, 1, 1), "Tahun Baru Masehi", "public") in result
    assert indonesian_holidays([2027, 2026, 2026]) == result


@pytest.mark.parametrize("years", [[], "2026", [2026.0], True])
def test_bad_years_rejected(years):
    with pytest.raises(ValueError):
        indonesian_holidays(years)


def test_ptsa_example_with_package_data():
    """PTSA.md: Tuesday 17 March 2026 + 3 working days = Friday 27 March 2026 at closing."""
    cal = WorkingCalendar(holidays=load_year_with_next(2026))
    for hour in (0, 7, 10, 16, 23):
        assert cal.add_working_days(datetime(2026, 3, 17, hour, tzinfo=WIB), 3) == datetime(
            2026, 3, 27, 16, 30, tzinfo=WIB
        )


def test_year_rollover_with_package_data():
    cal = WorkingCalendar(holidays=load_year_with_next(2026))
    start = datetime(2026, 12, 31, 15, 30, tzinfo=WIB)  # Thursday; 1 Jan 2027 is a Friday holiday
    assert cal.add_working_time(start, timedelta(hours=2)) == datetime(2027, 1, 4, 9, 0, tzinfo=WIB)


def test_the_child_process_gives_the_same_list_as_the_package():
    from intranet_server.holiday_source import holidays_from_child
    assert holidays_from_child([2026, 2027]) == indonesian_holidays([2026, 2027])
    english = holidays_from_child(2026, language="en_US")
    assert english == indonesian_holidays(2026, language="en_US")


def test_a_child_that_fails_is_a_readable_error():
    from intranet_server.holiday_source import holidays_from_child
    with pytest.raises(RuntimeError, match=r"holiday list for \[2026\] could not be computed"):
        holidays_from_child(2026, timeout=0.001)


def test_the_server_never_loads_the_holiday_package(tmp_path):
    """Its lazy loader imports all ~250 countries (≈ 17 MB) to build Indonesia's list: the server's
    calendars get the list from a child process, so a server process never holds the package."""
    import subprocess
    import sys
    import textwrap
    script = textwrap.dedent(f"""
        import sys, datetime as dt
        import db
        db.connect("sqlite:///{tmp_path}/office.db")
        db.migrate()
        from intranet_server.reads import calendars
        calendars.configure({{"mode": "office", "hours": "perpres-21-2023", "holidays": "package"}})
        office = calendars.book(dt.datetime(2026, 6, 1, tzinfo=dt.timezone.utc)).for_unit(None)
        assert not office.is_working_day(dt.date(2026, 8, 17)), "17 August is a holiday"
        print(sorted(m for m in sys.modules if m == "holidays" or m.startswith("holidays.")))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
