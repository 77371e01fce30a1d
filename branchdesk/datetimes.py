"""Dates and times as people type them, in the branch's time zone.

    parse_datetime("2026-12-05 14:00", now=now)       # a full date and time
    parse_datetime("12-05 14:00", now=now)            # the nearest 5 December (refused if past)
    parse_datetime("周六 14:00", now=now)              # the coming Saturday
    parse_datetime("明天 19:30", now=now)              # tomorrow
    parse_datetime("周六", now=now, prefer="past")     # last Saturday (for a contact already made)
    parse_range("12-01", "12-31", today=today)        # this December (--from/--to)

A date without a year, or a weekday alone, is read by one rule (`branchdesk.date_words`):
for a range, the nearest such day; for things to come (`prefer="future"`: events, follow-ups),
the nearest too, refused in one line naming the full date when it has passed; for things that
happened (`prefer="past"`: a contact, a complaint received), the latest such day not after
today. Everything returned is timezone-aware, in the branch's zone (config ``timezone``,
default Asia/Shanghai, chosen once at start-up; a function given `tz` uses that zone instead).
Text that cannot be read is a UserError that shows what can be typed. Dates are shown the way
the agenda and forms show them (`show_datetime`, `show_span`) and written for scripts as ISO
8601 with the branch's offset (`iso`). Pure: no Textual, no SQL; the screens, the CLI and the
services of every feature (events, activities, complaints) share it. The clock is `now()`:
the CLI and the screens read it, and tests stop it there.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from branchdesk import date_words as words
from branchdesk.errors import UserError
from branchdesk.i18n import get_language

DEFAULT_TIMEZONE = "Asia/Shanghai"
Prefer = Literal["past", "future", "nearest"]

_zone: ZoneInfo = ZoneInfo(DEFAULT_TIMEZONE)


def zone_named(name: str) -> ZoneInfo:
    """The zone for a config value; ValueError when there is no such zone."""
    try:
        return ZoneInfo(str(name).strip())
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(f"unknown time zone {name!r} (for example Asia/Shanghai)") from None


def zone(name: str | None) -> ZoneInfo:
    """The zone by its IANA name (default the branch's default); a wrong name is one clear message."""
    try:
        return zone_named(name or DEFAULT_TIMEZONE)
    except ValueError as error:
        raise UserError("datetimes.bad_timezone", zone=name) from error


def set_branch_zone(name: str) -> None:
    """Chosen once at start-up from the settings (like the language)."""
    global _zone
    _zone = zone_named(name)


def branch_zone() -> ZoneInfo:
    return _zone


def now() -> datetime:
    """The current time in the branch's zone."""
    return datetime.now(_zone)


# A moment "in the future" is a typo; a few minutes cover clocks that disagree.
FUTURE_SLACK = timedelta(minutes=10)
# So is a contact or a complaint before this year (1908 for 2008, 1026 for 2026).
EARLIEST_YEAR = 1990


def happened_at(at: datetime | None, error_key: str) -> datetime:
    """When something happened: `at` (a naive one in the branch's zone), else now. Later
    than now by more than FUTURE_SLACK: UserError(`error_key`, at=the moment as typed);
    before EARLIEST_YEAR: a UserError asking to check the year."""
    moment = at or now()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_zone)
    shown = moment.astimezone(_zone).strftime("%Y-%m-%d %H:%M")
    if moment > now() + FUTURE_SLACK:
        raise UserError(error_key, at=shown)
    if moment.year < EARLIEST_YEAR:
        raise UserError("datetimes.too_old", at=shown, year=EARLIEST_YEAR)
    return moment


def today() -> date:
    return now().date()


def week_of(day: date) -> tuple[date, date]:
    """The ISO week (Monday to Sunday) that holds `day`."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def day_start_utc(day: date) -> str:
    """Midnight of `day` in the branch's zone, as stored moments are written (UTC ISO)."""
    return to_utc_text(datetime.combine(day, time(0, 0), tzinfo=_zone))


def utc_offset_minutes(zone: ZoneInfo | None = None, at: datetime | None = None) -> int:
    """Minutes the branch's zone is ahead of UTC (480 for China)."""
    offset = (at or datetime.now(UTC)).astimezone(zone or _zone).utcoffset()
    return int(offset.total_seconds() // 60) if offset else 0


def to_utc_text(moment: datetime) -> str:
    """How moments are stored: UTC, ISO 8601, to the second."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_zone)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def from_stored(text: str) -> datetime:
    """A stored moment (UTC ISO) in the branch's zone."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(_zone)


def local_text(text: str | None) -> str:
    """A stored moment as people read it: ``2026-12-05 14:00``."""
    if not text:
        return ""
    try:
        return from_stored(text).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return text


def iso_local(text: str | None) -> str | None:
    """A stored moment as ISO 8601 with the branch's offset (for JSON)."""
    if not text:
        return None
    return from_stored(text).isoformat(timespec="seconds")


# --- reading what people type ------------------------------------------------------------------

def _current(tz: tzinfo) -> datetime:
    """The branch's clock (`now`, which tests stop) in `tz`."""
    return now().astimezone(tz)


def _as_local(moment: datetime | None, tz: tzinfo) -> datetime:
    if moment is None:
        return _current(tz)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=tz)
    return moment.astimezone(tz)


def _read_day(text: str, today: date, prefer: words.Reading, week: date | None = None
              ) -> tuple[date | None, str, bool]:
    """`words.split_date`, refusing a future-meant day whose open year or week made it past:
    never moved a year on without a word — the message names the date to type instead."""
    day, rest, open_ended = words.split_date(text, today, prefer, week)
    if prefer == "future" and open_ended and day is not None and day < today:
        coming, _, _ = words.split_date(text, today, "onward")
        raise UserError("datetimes.passed", value=text, passed=day.isoformat(),
                        weekday=weekday_name(day), typed=f"{coming.isoformat()} {rest.strip()}".strip())
    return day, rest, open_ended


def parse_datetime(text: str, tz: tzinfo | None = None, *, now: datetime | None = None,
                   base: date | None = None, prefer: Prefer = "future",
                   default_time: time | None = time(0, 0)) -> datetime:
    """What a person typed → an aware datetime in `tz` (default: the branch's zone).

    A date alone gets `default_time` (None: an error saying the time is needed, as for an
    event's start); a time alone is on `base`, else today. A weekday, or a month and day
    without a year, is read as `prefer` says (see `branchdesk.date_words`); for the future,
    a weekday alone is in `base`'s week when `base` is given (the event being edited).
    Raises UserError (datetimes.*) with the accepted forms when the text cannot be read.
    """
    tz = tz or _zone
    current = _as_local(now, tz)
    cleaned = words.clean(text or "")
    if not cleaned:
        raise words.bad(text or "")
    if _ISO_MOMENT.match(cleaned):  # what scripts and --json write: 2026-12-05T14:00:00+08:00
        return _iso_moment(cleaned, tz)
    if cleaned.lower() in words.NOW_WORDS:
        return current.replace(microsecond=0)
    day, rest, _ = _read_day(cleaned, current.date(), prefer, base)
    if day is None:
        day = base or current.date()
        clock = words.split_time(cleaned, cleaned)
        if clock is None:
            raise words.bad(text)
    else:
        clock = words.split_time(rest, cleaned)
        if clock is None:
            if default_time is None:
                raise UserError("datetimes.time_needed", value=text, examples=words.EXAMPLES)
            clock = default_time
    return datetime.combine(day, clock, tzinfo=tz)


_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _iso_moment(raw: str, tz: tzinfo) -> datetime:
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise words.no_such_date(raw) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.astimezone(tz)


def _date_of(text: str, today: date, prefer: words.Reading) -> tuple[date, bool]:
    """A typed date (no time) and whether its year or week was left open."""
    cleaned = words.clean(text or "")
    if _ISO_MOMENT.match(cleaned):  # an ISO date-time: its day
        return _iso_moment(cleaned, _zone).date(), False
    day, rest, open_ended = _read_day(cleaned, today, prefer) if cleaned else (None, "", False)
    if day is None or rest.strip():
        raise UserError("datetimes.unreadable_date", value=text or "",
                        examples="2026-12-05 · 12-05 · 周六 · 明天 · Sat")
    return day, open_ended


def parse_date(text: str, *, today: date | None = None, prefer: Prefer = "future") -> date:
    """What a person typed → a date (a time, if typed, is not allowed)."""
    return _date_of(text, today or _current(_zone).date(), prefer)[0]


def parse_range(first: str | None, last: str | None, *, today: date | None = None,
                start_default: date | None = None) -> tuple[date | None, date | None]:
    """The two days of a range (--from/--to, a filter), either may be missing. Each is the
    nearest such day; when that puts the end before the start, the bound farther from today
    is read again against the other (the start as the last such day on or before the end,
    the end as the first on or after the start), if its year or week was left open.
    `start_default`: where the range starts when `first` is missing (an agenda from today):
    an end alone is then read on or after it."""
    today = today or _current(_zone).date()
    start, start_open = _date_of(first, today, "nearest") if first else (None, False)
    end, end_open = _date_of(last, today, "nearest") if last else (None, False)
    if start is None and start_default is not None and end is not None and end_open \
            and end < start_default:
        return None, _date_of(last or "", start_default, "onward")[0]
    if start is None or end is None or start <= end or not (start_open or end_open):
        return start, end
    start_farther = abs((start - today).days) >= abs((end - today).days)
    if start_open and (start_farther or not end_open):
        return _date_of(first or "", end, "past")[0], end
    return start, _date_of(last or "", start, "onward")[0]


# --- showing dates -------------------------------------------------------------------------------

_ZH_WEEKDAY_NAMES = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
_EN_WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def weekday_name(day: date, language: str | None = None) -> str:
    names = _ZH_WEEKDAY_NAMES if (language or get_language()) == "zh" else _EN_WEEKDAY_NAMES
    return names[day.weekday()]


def show_datetime(value: datetime, tz: tzinfo | None = None, *, today: date | None = None) -> str:
    """`2026-12-05 Sat 14:00` (the year left out when it is this year's)."""
    local = value.astimezone(tz or _zone)
    year = "" if today is not None and local.year == today.year else f"{local.year}-"
    return f"{year}{local:%m-%d} {weekday_name(local.date())} {local:%H:%M}"


def show_span(start: datetime, end: datetime, tz: tzinfo | None = None, *,
              today: date | None = None) -> str:
    """`12-05 Sat 14:00–16:00`, or both ends in full when the span crosses midnight."""
    tz = tz or _zone
    first, last = start.astimezone(tz), end.astimezone(tz)
    if first.date() == last.date():
        return f"{show_datetime(first, tz, today=today)}–{last:%H:%M}"
    return f"{show_datetime(first, tz, today=today)} – {show_datetime(last, tz, today=today)}"


def iso(value: datetime, tz: tzinfo | None = None) -> str:
    """ISO 8601 with the branch's offset, to the second: what --json prints."""
    return value.astimezone(tz or _zone).isoformat(timespec="seconds")
