"""Chinese working days (工作日): Monday to Friday, minus the official public holidays, plus the
official make-up working days (调休, a Saturday or Sunday worked in exchange for a bridge day).

Pure: dates in, dates out; no Textual, no SQL, no settings. Where a year's schedule comes from,
in order:

1. a schedule the branch wrote into its config for that year (``[workdays.2027]``), so a branch
   can add next year's official notice (国务院办公厅关于…部分节假日安排的通知) the day it is
   published;
2. the `chinese-calendar` package, which knows the official schedules it was released with
   (2004 to 2026 in version 1.11) and raises for any other year;
3. otherwise Monday to Friday — and the answer says so (`Deadline.assumed_years`), so that a
   screen or a command can tell the user. Nothing here guesses a holiday silently.

    calendar = WorkCalendar()
    calendar.add_working_days(date(2026, 9, 30), 1)   # Deadline(day=2026-10-08, assumed_years=())
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from typing import Any

SATURDAY = 5


@dataclass(frozen=True)
class YearSchedule:
    """One year's official schedule: the weekdays that are holidays and the weekend days that
    are working days. Every other day follows the week (Monday–Friday work)."""

    year: int
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < SATURDAY and day not in self.holidays


@dataclass(frozen=True)
class Deadline:
    """The day a count of working days lands on, and the years it had to count Monday to
    Friday because no schedule was known for them (empty when every day was known)."""

    day: date
    assumed_years: tuple[int, ...] = ()


@cache
def _package_years() -> tuple[int, int] | None:
    """The first and last year the installed chinese-calendar knows, or None without it."""
    try:
        from chinese_calendar import constants
    except ImportError:  # pragma: no cover - it is a dependency; a broken install still counts
        return None
    years = [d.year for d in constants.holidays]
    return (min(years), max(years)) if years else None


def _package_is_workday(day: date) -> bool:
    import chinese_calendar

    return bool(chinese_calendar.is_workday(day))


@dataclass
class WorkCalendar:
    """Working days from the branch's schedules, then the package, then Monday–Friday."""

    schedules: Mapping[int, YearSchedule] = field(default_factory=dict)
    use_package: bool = True

    def source(self, year: int) -> str:
        """Where `year`'s schedule comes from: "config", "package" or "none" (Mon–Fri)."""
        if year in self.schedules:
            return "config"
        span = _package_years() if self.use_package else None
        if span is not None and span[0] <= year <= span[1]:
            return "package"
        return "none"

    def knows(self, year: int) -> bool:
        return self.source(year) != "none"

    def is_working_day(self, day: date) -> bool:
        """Whether `day` is a working day; a year nobody knows counts Monday to Friday."""
        source = self.source(day.year)
        if source == "config":
            return self.schedules[day.year].is_working_day(day)
        if source == "package":
            return _package_is_workday(day)
        return day.weekday() < SATURDAY

    def add_working_days(self, start: date, count: int) -> Deadline:
        """The `count`-th working day after `start` (`start` itself is not counted: a
        complaint received on Wednesday with one working day to answer is due on Thursday).
        `count` 0 is `start` itself when it is a working day, else the next working day."""
        if count < 0:
            raise ValueError("count must be 0 or more")
        assumed: set[int] = set()
        day = start
        if count == 0:
            while not self._working(day, assumed):
                day += timedelta(days=1)
            return Deadline(day, tuple(sorted(assumed)))
        left = count
        while left:
            day += timedelta(days=1)
            if self._working(day, assumed):
                left -= 1
        return Deadline(day, tuple(sorted(assumed)))

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (0 when `end` <= `start`)."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count

    def _working(self, day: date, assumed: set[int]) -> bool:
        if not self.knows(day.year):
            assumed.add(day.year)
        return self.is_working_day(day)


# --- a branch's schedules, as written in its config ------------------------------------------

_RANGE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})\s*(?:\.\.|~|～|至)\s*(\d{4}-\d{2}-\d{2})\s*$")


class ScheduleError(ValueError):
    """A schedule in the config cannot be read; the message names the year, the key and the
    value (the caller adds the file)."""


def _days(text: Any, year: int, key: str) -> Iterator[date]:
    if not isinstance(text, str):
        raise ScheduleError(f"[workdays.{year}] {key}: {text!r} is not a date text like \"{year}-10-01\"")
    found = _RANGE.match(text)
    try:
        if found:
            first, last = date.fromisoformat(found.group(1)), date.fromisoformat(found.group(2))
        else:
            first = last = date.fromisoformat(text.strip())
    except ValueError:
        raise ScheduleError(
            f"[workdays.{year}] {key}: {text!r} is not a date (write {year}-10-01, or a range"
            f" {year}-10-01..{year}-10-07)") from None
    if last < first:
        raise ScheduleError(f"[workdays.{year}] {key}: {text!r} ends before it starts")
    if first.year != year or last.year != year:
        raise ScheduleError(f"[workdays.{year}] {key}: {text!r} is not in {year}")
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def _list(value: Any, year: int, key: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ScheduleError(f"[workdays.{year}] {key} must be a list of dates, e.g. [\"{year}-10-01\"]")
    return value


def parse_schedules(table: Mapping[str, Any] | None) -> dict[int, YearSchedule]:
    """``[workdays.<year>]`` tables of the config → schedules. Each holds ``holidays`` (dates
    off, ranges allowed: ``"2027-10-01..2027-10-07"``) and ``workdays`` (the make-up working
    days). Raises ScheduleError naming what is wrong."""
    out: dict[int, YearSchedule] = {}
    for key, body in (table or {}).items():
        if not (isinstance(key, str) and key.isdigit() and len(key) == 4):
            raise ScheduleError(f"[workdays.{key}]: a schedule is named by its year, e.g. [workdays.2027]")
        year = int(key)
        if not isinstance(body, Mapping):
            raise ScheduleError(
                f"[workdays.{year}] must be a table with holidays = [...] and workdays = [...]")
        unknown = set(body) - {"holidays", "workdays"}
        if unknown:
            raise ScheduleError(f"[workdays.{year}]: unknown key {', '.join(sorted(unknown))}"
                                " (use holidays and workdays)")
        holidays = {d for text in _list(body.get("holidays"), year, "holidays")
                    for d in _days(text, year, "holidays")}
        workdays = {d for text in _list(body.get("workdays"), year, "workdays")
                    for d in _days(text, year, "workdays")}
        both = sorted(holidays & workdays)
        if both:
            raise ScheduleError(
                f"[workdays.{year}]: {both[0].isoformat()} is both a holiday and a working day")
        out[year] = YearSchedule(year, frozenset(holidays), frozenset(workdays))
    return out


def years_in(days: Iterable[date]) -> list[int]:
    return sorted({d.year for d in days})
