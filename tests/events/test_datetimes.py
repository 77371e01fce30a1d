"""Dates and times as people type them, in the branch's zone."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from branchdesk.datetimes import parse_date, parse_datetime, zone
from branchdesk.errors import UserError

TZ = zone("Asia/Shanghai")
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=TZ)  # Wednesday 2 December 2026


@pytest.mark.parametrize(("typed", "expected"), [
    ("2026-12-05 14:00", datetime(2026, 12, 5, 14, 0)),
    ("12-05 14:00", datetime(2026, 12, 5, 14, 0)),
    ("周六 14:00", datetime(2026, 12, 5, 14, 0)),
    ("星期六 14:00", datetime(2026, 12, 5, 14, 0)),
    ("明天 19:30", datetime(2026, 12, 3, 19, 30)),
    ("Sat 14:00", datetime(2026, 12, 5, 14, 0)),
    ("saturday 2pm", datetime(2026, 12, 5, 14, 0)),
    ("下周六 下午2点", datetime(2026, 12, 12, 14, 0)),
    ("next sat 9:00", datetime(2026, 12, 12, 9, 0)),
    ("周三 10:00", datetime(2026, 12, 2, 10, 0)),           # today counts
    ("12月5日 14:00", datetime(2026, 12, 5, 14, 0)),
    ("2026/12/5 14:00", datetime(2026, 12, 5, 14, 0)),
    ("01-10 09:00", datetime(2027, 1, 10, 9, 0)),           # past this year: next year's
    ("今天 晚上7点半", datetime(2026, 12, 2, 19, 30)),
    ("2026-12-05T14:00:00+08:00", datetime(2026, 12, 5, 14, 0)),
])
def test_what_people_type_is_read_in_the_branch_zone(typed, expected):
    value = parse_datetime(typed, TZ, now=NOW)
    assert value == expected.replace(tzinfo=TZ)
    assert value.utcoffset().total_seconds() == 8 * 3600


def test_a_time_alone_falls_on_the_base_day():
    assert parse_datetime("16:00", TZ, now=NOW, base=date(2026, 12, 5)) == \
        datetime(2026, 12, 5, 16, 0, tzinfo=TZ)


@pytest.mark.parametrize(("typed", "key"), [
    ("2026-02-30 14:00", "datetimes.no_such_date"),
    ("13-01 10:00", "datetimes.no_such_date"),
    ("25:00", "datetimes.no_such_time"),
    ("someday", "datetimes.unreadable"),
    ("2026-12-05", "datetimes.time_needed"),
])
def test_bad_input_is_one_clear_message(typed, key):
    with pytest.raises(UserError) as caught:
        parse_datetime(typed, TZ, now=NOW, default_time=None)
    assert caught.value.key == key
    assert typed.split()[0] in caught.value.message


def test_plain_dates():
    today = NOW.date()
    assert parse_date("12-05", today=today) == date(2026, 12, 5)
    assert parse_date("周六", today=today) == date(2026, 12, 5)
    assert parse_date("2026-11-01", today=today) == date(2026, 11, 1)
    with pytest.raises(UserError):
        parse_date("2026-13-01", today=today)


def test_a_wrong_zone_name_is_reported():
    with pytest.raises(UserError) as caught:
        zone("Mars/Olympus")
    assert "Mars/Olympus" in caught.value.message
