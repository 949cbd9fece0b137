from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st


from intranet_server.rules.durations import format_duration, parse_duration


@pytest.mark.parametrize(
    "text, expected",
    [
        ("15m", timedelta(minutes=15)),
        ("30s", timedelta(seconds=30)),
        ("2h", timedelta(hours=2)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("1h 30m", timedelta(hours=1, minutes=30)),
        (" 90M ", timedelta(minutes=90)),
        ("1h0m5s", timedelta(hours=1, seconds=5)),
        ("48h", timedelta(hours=48)),
    ],
)
def test_parse_valid(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    "text, message",
    [
        ("90", "no unit"),
        ("0", "zero"),
        ("0m", "zero"),
        ("0h0m", "zero"),
        ("-15m", "negative"),
        ("", "empty"),
        ("   ", "empty"),
        ("abc", "invalid duration"),
        ("15x", "invalid duration"),
        ("1.5h", "invalid duration"),
        ("30m1h", "invalid duration"),  # units must go h, m, s
        ("1h1h", "invalid duration"),
        ("3d", "invalid duration"),  # no day unit: a day is a working day here
        ("h", "invalid duration"),
        ("m15", "invalid duration"),
    ],
)
def test_parse_rejects_with_readable_message(text, message):
    with pytest.raises(ValueError, match=message):
        parse_duration(text)


def test_parse_rejects_non_string():
    with pytest.raises(TypeError):
        parse_duration(15)


def test_zero_only_when_allowed():
    assert parse_duration("0", allow_zero=True) == timedelta(0)
    assert parse_duration("0m", allow_zero=True) == timedelta(0)
    with pytest.raises(ValueError, match="no unit"):
        parse_duration("15", allow_zero=True)


@pytest.mark.parametrize(
    "td, text",
    [
        (timedelta(minutes=15), "15m"),
        (timedelta(seconds=30), "30s"),
        (timedelta(hours=2), "2h"),
        (timedelta(hours=1, minutes=30), "1h30m"),
        (timedelta(hours=1, seconds=5), "1h5s"),
        (timedelta(days=2), "48h"),
        (timedelta(0), "0"),
    ],
)
def test_format(td, text):
    assert format_duration(td) == text


@pytest.mark.parametrize("td", [timedelta(minutes=-1), timedelta(seconds=1, microseconds=5)])
def test_format_rejects(td):
    with pytest.raises(ValueError):
        format_duration(td)


@settings(database=None)
@given(st.integers(min_value=1, max_value=10_000_000))
def test_round_trip(seconds):
    td = timedelta(seconds=seconds)
    assert parse_duration(format_duration(td)) == td
