"""Working days: Golden Week 2026 with its make-up working days, and 2027, a year with no
official schedule yet (Monday to Friday, and the answer says so)."""

from __future__ import annotations

from datetime import date

import pytest

from branchdesk.engagement_config import parse
from branchdesk.workdays import ScheduleError, WorkCalendar, parse_schedules

CAL = WorkCalendar()


def test_golden_week_2026_holidays_and_make_up_days():
    assert not CAL.is_working_day(date(2026, 10, 1))   # National Day
    assert not CAL.is_working_day(date(2026, 10, 7))   # still the holiday, a Wednesday
    assert CAL.is_working_day(date(2026, 10, 8))       # back to work, a Thursday
    assert CAL.is_working_day(date(2026, 9, 20))       # a Sunday worked in exchange (调休)
    assert CAL.is_working_day(date(2026, 10, 10))      # a Saturday worked in exchange (调休)
    assert not CAL.is_working_day(date(2026, 10, 11))  # an ordinary Sunday


def test_deadline_across_golden_week_counts_the_make_up_saturday():
    opened = date(2026, 9, 30)  # a Wednesday, the day before the holiday
    first = CAL.add_working_days(opened, 1)
    assert first.day == date(2026, 10, 8) and first.assumed_years == ()
    # 10-08 Thu, 10-09 Fri, 10-10 Sat (make-up), 10-12 … 10-16, 10-19, 10-20
    assert CAL.add_working_days(opened, 10).day == date(2026, 10, 20)
    # without the make-up Saturday it would have been 10-21
    assert CAL.add_working_days(opened, 3).day == date(2026, 10, 10)


def test_the_day_received_is_not_counted_and_weekends_are_skipped():
    assert CAL.add_working_days(date(2026, 11, 27), 1).day == date(2026, 11, 30)  # Fri → Mon
    assert CAL.add_working_days(date(2026, 11, 28), 1).day == date(2026, 11, 30)  # Sat → Mon
    assert CAL.add_working_days(date(2026, 11, 28), 0).day == date(2026, 11, 30)
    assert CAL.working_days_between(date(2026, 9, 30), date(2026, 10, 20)) == 10


def test_a_year_without_data_counts_monday_to_friday_and_says_so():
    assert CAL.source(2027) == "none" and not CAL.knows(2027)
    deadline = CAL.add_working_days(date(2026, 12, 30), 3)
    # 12-31 Thu, then 2027: 01-01 Fri counted as a working day (no schedule), 01-04 Mon
    assert deadline.day == date(2027, 1, 4)
    assert deadline.assumed_years == (2027,)
    inside = CAL.add_working_days(date(2027, 3, 1), 5)
    assert inside.day == date(2027, 3, 8) and inside.assumed_years == (2027,)


def test_a_branch_schedule_for_2027_is_used_and_the_notice_goes():
    config = parse({"workdays": {"2027": {"holidays": ["2027-01-01", "2027-02-06..2027-02-12"],
                                          "workdays": ["2027-02-14"]}}})
    calendar = config.calendar
    assert calendar.source(2027) == "config"
    deadline = calendar.add_working_days(date(2026, 12, 30), 3)
    assert deadline == type(deadline)(date(2027, 1, 5), ())  # 12-31, (01-01 off), 01-04, 01-05
    assert calendar.is_working_day(date(2027, 2, 14))       # a Sunday made a working day
    assert not calendar.is_working_day(date(2027, 2, 8))


@pytest.mark.parametrize(("table", "words"), [
    ({"27": {}}, "named by its year"),
    ({"2027": {"holidays": ["2027-13-01"]}}, "not a date"),
    ({"2027": {"holidays": ["2026-10-01"]}}, "not in 2027"),
    ({"2027": {"holidays": ["2027-01-05..2027-01-01"]}}, "ends before it starts"),
    ({"2027": {"holidays": ["2027-01-04"], "workdays": ["2027-01-04"]}}, "both"),
    ({"2027": {"days": []}}, "unknown key"),
])
def test_schedule_mistakes_name_the_year_and_the_value(table, words):
    with pytest.raises(ScheduleError, match=words):
        parse_schedules(table)


def test_complaint_deadlines_per_channel_and_category():
    config = parse({"complaints": {"resolution_days": 8,
                                   "channel": {"regulator": {"resolution_days": 4}},
                                   "category": {"privacy": {"resolution_days": 3,
                                                            "first_response_days": 1}}}})
    days = config.deadlines.days_for
    assert (days("phone", "fees").first_response, days("phone", "fees").resolution) == (1, 8)
    assert days("regulator", "fees").resolution == 4
    assert days("regulator", "privacy").resolution == 3   # the stricter one wins
    assert parse({}).deadlines.days_for("regulator", "service").resolution == 5  # built-in
    with pytest.raises(ValueError, match="fax"):
        parse({"complaints": {"channel": {"fax": {"resolution_days": 2}}}})
    with pytest.raises(ValueError, match="whole number"):
        parse({"complaints": {"resolution_days": 0}})
