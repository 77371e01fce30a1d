"""Dates and times as people type them, in the branch's zone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from branchdesk.datetimes import parse_date, parse_datetime, parse_range, zone
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
    ("01-10 09:00", datetime(2027, 1, 10, 9, 0)),           # next year's is the nearest
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


MONDAY = date(2026, 12, 7)


@pytest.mark.parametrize(("first", "last", "expected"), [
    ("12-01", "12-31", (date(2026, 12, 1), date(2026, 12, 31))),      # the newcomer's December
    ("12-01", None, (date(2026, 12, 1), None)),
    (None, "12-31", (None, date(2026, 12, 31))),
    ("12-20", "01-10", (date(2026, 12, 20), date(2027, 1, 10))),      # across the new year
    ("06-01", "12-31", (date(2026, 6, 1), date(2026, 12, 31))),       # the farther bound gives way
    ("11-01", "02-28", (date(2026, 11, 1), date(2027, 2, 28))),
    ("12-20", "2026-12-31", (date(2026, 12, 20), date(2026, 12, 31))),
    ("2026-12-01", "12-31", (date(2026, 12, 1), date(2026, 12, 31))),
    ("周一", "周日", (date(2026, 12, 7), date(2026, 12, 13))),           # this week
    ("上周一", "今天", (date(2026, 11, 30), MONDAY)),
])
def test_a_range_reads_its_bounds_as_the_nearest_days_together(first, last, expected):
    assert parse_range(first, last, today=MONDAY) == expected


def test_an_end_alone_of_a_range_that_starts_today_is_on_or_after_today():
    """`events list --to 10-01` in December: the agenda runs from today, so the end is next
    October, not the October gone (which listed nothing)."""
    assert parse_range(None, "10-01", today=MONDAY, start_default=MONDAY) == \
        (None, date(2027, 10, 1))
    assert parse_range(None, "12-31", today=MONDAY, start_default=MONDAY) == \
        (None, date(2026, 12, 31))
    assert parse_range(None, "10-01", today=MONDAY) == (None, date(2026, 10, 1))  # no start


def test_a_range_with_full_dates_the_wrong_way_round_is_left_for_the_caller_to_refuse():
    assert parse_range("2026-12-31", "2026-12-01", today=MONDAY) == \
        (date(2026, 12, 31), date(2026, 12, 1))


@pytest.mark.parametrize(("typed", "passed", "next_one"), [
    ("12-05 14:00", "2026-12-05", "2027-12-05 14:00"),
    ("12月5日 下午2点", "2026-12-05", "2027-12-05 下午2点"),
    ("06-10 09:00", "2026-06-10", "2027-06-10 09:00"),     # nearer than next June
])
def test_a_day_to_come_that_has_just_passed_is_refused_naming_the_next_one(typed, passed,
                                                                           next_one):
    monday = datetime(2026, 12, 7, 9, 0, tzinfo=TZ)
    with pytest.raises(UserError) as caught:
        parse_datetime(typed, TZ, now=monday)
    assert caught.value.key == "datetimes.passed"
    assert passed in caught.value.message and next_one in caught.value.message
    with pytest.raises(UserError):
        parse_date(typed.split()[0], today=MONDAY)
    # Something done takes the latest past one; today is not passed; a full date is as typed.
    assert parse_datetime(typed, TZ, now=monday, prefer="past").date().isoformat() == passed
    assert parse_date("12-07", today=MONDAY) == MONDAY
    assert parse_datetime(f"{passed} 14:00", TZ, now=monday).date().isoformat() == passed


def test_a_weekday_alone_is_in_the_week_of_the_base_day_when_editing():
    monday = datetime(2026, 12, 7, 9, 0, tzinfo=TZ)
    saturday = date(2026, 12, 19)
    assert parse_datetime("周日 10:00", TZ, now=monday, base=saturday) == \
        datetime(2026, 12, 20, 10, 0, tzinfo=TZ)
    assert parse_datetime("Mon 10:00", TZ, now=monday, base=saturday) == \
        datetime(2026, 12, 14, 10, 0, tzinfo=TZ)
    assert parse_datetime("下周三 10:00", TZ, now=monday, base=saturday) == \
        datetime(2026, 12, 16, 10, 0, tzinfo=TZ)                  # 下周 counts from today
    assert parse_datetime("周日 10:00", TZ, now=monday) == datetime(2026, 12, 13, 10, 0, tzinfo=TZ)
    wednesday = datetime(2026, 12, 9, 9, 0, tzinfo=TZ)
    with pytest.raises(UserError) as caught:
        parse_datetime("周二 14:00", TZ, now=wednesday, base=date(2026, 12, 11))
    assert caught.value.key == "datetimes.passed" and "2026-12-15 14:00" in caught.value.message


def test_a_day_ended_by_ri_may_be_followed_by_its_time_at_once():
    """12月20日14:00 (no space) is read; a passed one is refused naming a readable date."""
    tz = ZoneInfo("Asia/Shanghai")
    now = datetime(2026, 12, 7, 10, 0, tzinfo=tz)
    assert parse_datetime("12月20日14:00", tz, now=now) == datetime(2026, 12, 20, 14, 0, tzinfo=tz)
    with pytest.raises(UserError) as passed:
        parse_datetime("12月1日14:00", tz, now=now)
    assert "2027-12-01 14:00" in passed.value.message
