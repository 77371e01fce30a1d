"""Dates typed without a year or a week, on the command line, on Monday 7 December 2026 (the
branch clock stopped there): ranges read as the nearest days, a day to come that has just
passed refused in one line, an edited event's weekday in the event's own week."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime

import icalendar
import pytest

from branchdesk import datetimes
from branchdesk.cli import main

TODAY = datetime(2026, 12, 7, 10, 0, tzinfo=datetimes.zone("Asia/Shanghai"))  # a Monday


@pytest.fixture
def db(tmp_path, capsys, monkeypatch):
    path = tmp_path / "b.db"
    assert main(["--db", str(path), "demo", "--members", "120"]) == 0
    capsys.readouterr()
    monkeypatch.setattr(datetimes, "now", lambda: TODAY)
    return path


def run(db, capsys, *args, language="en") -> tuple[int, str, str]:
    code = main(["--db", str(db), "--lang", language, *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def run_json(db, capsys, *args):
    code, out, err = run(db, capsys, *args, "--json")
    assert code == 0, err
    return json.loads(out)


def counts(db) -> tuple[int, ...]:
    with sqlite3.connect(db) as conn:
        return tuple(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                     for table in ("events", "follow_ups", "activities", "audit_log"))


def add(db, capsys, start: str, *extra: str, title: str = "价值投资沙龙"):
    return run_json(db, capsys, "events", "add", "--kind", "salon", "--title", title,
                    "--start", start, "--end", "16:00", "--room", "301", "--capacity", "20",
                    *extra)


def starts(events: list[dict]) -> list[str]:
    return [e["start"][:16] for e in events]


@pytest.fixture
def december(db, capsys):
    """One event this December, one next December (the newcomer's calendar)."""
    this = add(db, capsys, "2026-12-19 14:00", title="本月沙龙")
    next_year = add(db, capsys, "2027-12-02 14:00", title="明年沙龙")
    return this + next_year


def test_a_range_without_years_is_this_december(db, capsys, december):
    this, next_year = december
    listed = run_json(db, capsys, "events", "list", "--from", "12-01", "--to", "12-31")
    assert [e["id"] for e in listed] == [this["id"]]
    listed = run_json(db, capsys, "events", "list", "--from", "12-01")
    assert [e["id"] for e in listed] == [this["id"], next_year["id"]]
    # In December, June to December is this year's: the bound farther from today gives way.
    listed = run_json(db, capsys, "events", "list", "--from", "06-01", "--to", "12-31")
    assert [e["id"] for e in listed] == [this["id"]]
    # Across the new year: 12-20 this year to 01-10 next year.
    early = add(db, capsys, "2027-01-09 14:00", title="新年沙龙")
    listed = run_json(db, capsys, "events", "list", "--from", "12-20", "--to", "01-10")
    assert [e["id"] for e in listed] == [early[0]["id"]]


def test_the_calendar_export_reads_from_as_the_list_does(db, capsys, december, tmp_path):
    short, full = tmp_path / "short.ics", tmp_path / "full.ics"
    assert run(db, capsys, "export", "calendar", "--from", "12-01", "-o", str(short))[0] == 0
    assert run(db, capsys, "export", "calendar", "--from", "2026-12-01", "-o", str(full))[0] == 0
    titles = [str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(short.read_bytes())
              .walk("VEVENT")]
    assert sorted(titles) == ["明年沙龙", "本月沙龙"]
    assert len(icalendar.Calendar.from_ical(full.read_bytes()).walk("VEVENT")) == len(titles)


@pytest.mark.parametrize(("language", "said"), [
    ("en", "“12-05 14:00” is 2026-12-05 (Sat), which has passed: type 2027-12-05 14:00 for the"
           " next one, or the full date you mean."),
    ("zh", "“12-05 14:00”是 2026-12-05（周六），已经过去：如指下一个，请输入 2027-12-05 14:00；"
           "否则请写完整日期。"),
])
def test_an_event_on_a_day_just_passed_is_refused_not_put_a_year_on(db, capsys, language, said):
    before = counts(db)
    code, out, err = run(db, capsys, "events", "add", "--kind", "salon", "--title", "沙龙",
                         "--start", "12-05 14:00", "--end", "16:00", "--room", "301",
                         "--capacity", "20", language=language)
    assert (code, out, err) == (2, "", f"branchdesk: {said}\n")
    assert counts(db) == before
    # The full dates it names are taken: next year's, or this one recorded as held.
    assert starts(add(db, capsys, "2027-12-05 14:00")) == ["2027-12-05T14:00"]
    code, out, err = run(db, capsys, "events", "add", "--kind", "salon", "--title", "补记",
                         "--start", "2026-12-05 14:00", "--end", "16:00", "--room", "302",
                         "--capacity", "20")
    assert code == 0 and "starts in the past" in err


def test_a_day_to_come_not_yet_passed_and_a_weekday_are_taken(db, capsys):
    assert starts(add(db, capsys, "12-09 14:00")) == ["2026-12-09T14:00"]
    assert starts(add(db, capsys, "01-05 14:00")) == ["2027-01-05T14:00"]  # the nearest one
    assert starts(add(db, capsys, "周六 14:00")) == ["2026-12-12T14:00"]


def test_a_series_until_a_day_just_passed_is_refused(db, capsys):
    before = counts(db)
    code, _, err = run(db, capsys, "events", "add", "--kind", "salon", "--title", "系列",
                       "--start", "2026-12-19 14:00", "--end", "16:00", "--room", "301",
                       "--capacity", "20", "--repeat", "weekly", "--until", "12-01")
    assert code == 2 and "type 2027-12-01 for the next one" in err and counts(db) == before


def test_a_follow_up_on_a_day_just_passed_is_refused_in_one_line(db, capsys):
    before = counts(db)
    code, out, err = run(db, capsys, "followup", "7", "--on", "12-05")
    assert (code, out) == (2, "")
    assert err == ("branchdesk: “12-05” is 2026-12-05 (Sat), which has passed: type 2027-12-05"
                   " for the next one, or the full date you mean.\n")
    assert counts(db) == before
    set_to = run_json(db, capsys, "followup", "7", "--on", "12-15")
    assert set_to["due_on"] == "2026-12-15"


def test_a_contact_on_a_day_still_to_come_is_last_years(db, capsys):
    code, out, _ = run(db, capsys, "activity", "add", "114", "--kind", "call",
                       "--at", "12-25 10:00")
    assert code == 0 and "2025-12-25 10:00" in out
    listed = run_json(db, capsys, "activity", "list", "114", "--from", "12-01", "--to", "12-31")
    assert listed == []  # this December's: the contact was logged last year
    listed = run_json(db, capsys, "activity", "list", "114", "--from", "2025-12-01")
    assert [a["at"][:16] for a in listed] == ["2025-12-25T10:00"]


def test_editing_a_series_on_a_weekday_keeps_it_in_its_own_week(db, capsys):
    series = add(db, capsys, "2026-12-19 14:00", "--repeat", "weekly", "--count", "3")
    assert starts(series) == ["2026-12-19T14:00", "2026-12-26T14:00", "2027-01-02T14:00"]
    moved = run_json(db, capsys, "events", "edit", str(series[0]["id"]), "--start", "周日 10:00",
                     "--end", "12:00", "--later")
    assert starts(moved) == ["2026-12-20T10:00", "2026-12-27T10:00", "2027-01-03T10:00"]
    assert [e["end"][:16] for e in moved] == ["2026-12-20T12:00", "2026-12-27T12:00",
                                              "2027-01-03T12:00"]
    # A time alone stays on the event's day; 下周 still counts from today's week.
    again = run_json(db, capsys, "events", "edit", str(series[1]["id"]), "--start", "15:00")
    assert starts(again) == ["2026-12-27T15:00"]
    next_week = run_json(db, capsys, "events", "edit", str(series[2]["id"]), "--start",
                         "下周三 14:00")
    assert starts(next_week) == ["2026-12-16T14:00"]


def test_an_edit_to_a_weekday_already_past_in_the_events_week_is_refused(db, capsys,
                                                                        monkeypatch):
    [event] = add(db, capsys, "2026-12-11 14:00")  # Friday of this week
    monkeypatch.setattr(datetimes, "now", lambda: TODAY.replace(day=9))  # Wednesday
    before = counts(db)
    code, out, err = run(db, capsys, "events", "edit", str(event["id"]), "--start", "周二 14:00")
    assert (code, out) == (2, "")
    assert err == ("branchdesk: “周二 14:00” is 2026-12-08 (Tue), which has passed: type"
                   " 2026-12-15 14:00 for the next one, or the full date you mean.\n")
    assert counts(db) == before
    moved = run_json(db, capsys, "events", "edit", str(event["id"]), "--start", "周四 14:00")
    assert starts(moved) == ["2026-12-10T14:00"]
