"""Dates and times as people type them, in the branch's time zone."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from branchdesk.datetimes import branch_zone, parse_date, parse_datetime, to_utc_text, week_of
from branchdesk.errors import UserError

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=branch_zone())  # a Wednesday


@pytest.mark.parametrize(("text", "future", "past"), [
    ("2026-12-05 14:00", "2026-12-05 14:00", "2026-12-05 14:00"),
    ("12-05 14:00", "2026-12-05 14:00", "2025-12-05 14:00"),
    ("周六 14:00", "2026-12-05 14:00", "2026-11-28 14:00"),
    ("星期六 14:00", "2026-12-05 14:00", "2026-11-28 14:00"),
    ("Sat 14:00", "2026-12-05 14:00", "2026-11-28 14:00"),
    ("明天 19:30", "2026-12-03 19:30", "2026-12-03 19:30"),
    ("昨天 下午3点半", "2026-12-01 15:30", "2026-12-01 15:30"),
    ("14:00", "2026-12-02 14:00", "2026-12-02 14:00"),
    ("2026年12月5日", "2026-12-05 00:00", "2026-12-05 00:00"),
    ("上周五 9:00", "2026-11-27 09:00", "2026-11-27 09:00"),
    ("２０２６－１２－０５　１４：００", "2026-12-05 14:00", "2026-12-05 14:00"),
])
def test_typed_forms(text, future, past):
    assert parse_datetime(text, now=NOW).strftime("%Y-%m-%d %H:%M") == future
    assert parse_datetime(text, now=NOW, prefer="past").strftime("%Y-%m-%d %H:%M") == past


def test_results_are_in_the_branch_zone_and_stored_in_utc():
    moment = parse_datetime("2026-12-05 14:00", now=NOW)
    assert moment.utcoffset().total_seconds() == 8 * 3600
    assert to_utc_text(moment) == "2026-12-05T06:00:00+00:00"
    assert parse_datetime("现在", now=NOW) == NOW


@pytest.mark.parametrize(("text", "key"), [
    ("2026-02-30", "datetimes.no_such_date"),
    ("13-40", "datetimes.no_such_date"),
    ("25:00", "datetimes.no_such_time"),
    ("next blursday", "datetimes.unreadable"),
    ("", "datetimes.unreadable"),
])
def test_unreadable_text_is_one_clear_error(text, key):
    with pytest.raises(UserError) as caught:
        parse_datetime(text, now=NOW)
    assert caught.value.key == key


def test_dates_and_weeks():
    assert parse_date("下周一", today=NOW.date()) == date(2026, 12, 7)
    assert parse_date("12-01", today=NOW.date(), prefer="past") == date(2026, 12, 1)
    with pytest.raises(UserError):
        parse_date("12-01 14:00", today=NOW.date())
    assert week_of(date(2026, 12, 6)) == (date(2026, 11, 30), date(2026, 12, 6))
