"""Dates typed without a year or a week, on the command line, on Monday 7 December 2026 (the
branch clock stopped there): ranges read as the nearest days."""

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


def test_a_contact_on_a_day_still_to_come_is_last_years(db, capsys):
    code, out, _ = run(db, capsys, "activity", "add", "114", "--kind", "call",
                       "--at", "12-25 10:00")
    assert code == 0 and "2025-12-25 10:00" in out
    listed = run_json(db, capsys, "activity", "list", "114", "--from", "12-01", "--to", "12-31")
    assert listed == []  # this December's: the contact was logged last year
    listed = run_json(db, capsys, "activity", "list", "114", "--from", "2025-12-01")
    assert [a["at"][:16] for a in listed] == ["2025-12-25T10:00"]
