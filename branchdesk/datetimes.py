"""Dates and times as people type them, in the branch's time zone.

    2026-12-05 14:00   2026/12/5 14:00   12-05 14:00   12月5日 14:00
    周六 14:00   星期六 14:00   下周六 14:00   Sat 14:00   next Sat 14:00
    今天 / 明天 / 后天 19:30   today / tomorrow 19:30   14:00 (on the base day)
    2026-12-05T14:00:00+08:00 (what scripts and --json print)

and the same without a time for a plain date. A weekday means the next such day (today
counts); a month and day without a year means this year's, or next year's when
`prefer_future` and this year's is already past. Nothing here knows Textual or SQL: the
screens, the CLI and the services of every feature (events, activities, complaints) share it.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from branchdesk.errors import UserError
from branchdesk.i18n import get_language

DEFAULT_TIMEZONE = "Asia/Shanghai"
EXAMPLES = "2026-12-05 14:00, 12-05 14:00, 周六 14:00, 明天 19:30, Sat 14:00"

_WEEKDAYS = {
    **{name: i for i, name in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))},
    **{name: i for i, name in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday",
                                         "saturday", "sunday"))},
    **{name: i for i, name in enumerate(("tues", "wednes", "thur", "thurs"), start=1)},
}
_ZH_DAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_RELATIVE = {"today": 0, "tomorrow": 1, "今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2}
_ZH_WEEKDAY_NAMES = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
_EN_WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

_TIME = re.compile(
    r"(?<![\d\-/.])(?P<half>上午|下午|晚上|早上|中午)?\s*"
    r"(?:(?P<h>\d{1,2})[:：](?P<m>\d{2})"
    r"|(?P<h2>\d{1,2})点(?:(?P<m2>\d{1,2})分?|(?P<thirty>半))?"
    r"|(?P<h3>\d{1,2})(?=\s*(?:am|pm)))"
    r"\s*(?P<ampm>am|pm)?$", re.IGNORECASE)
_FULL = re.compile(r"^(?P<y>\d{4})[-/.年](?P<mo>\d{1,2})[-/.月](?P<d>\d{1,2})日?$")
_MONTH_DAY = re.compile(r"^(?P<mo>\d{1,2})[-/.月](?P<d>\d{1,2})日?$")
_ZH_WEEKDAY = re.compile(r"^(?P<next>下个?|本|这个?)?(?:周|星期|礼拜)(?P<d>[一二三四五六日天])$")
_EN_WEEKDAY = re.compile(r"^(?P<next>next\s+|this\s+)?(?P<d>[a-z]+)\.?$", re.IGNORECASE)


def zone(name: str | None) -> ZoneInfo:
    """The branch's time zone by its IANA name; a wrong name is one clear message."""
    try:
        return ZoneInfo(name or DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise UserError("datetimes.bad_timezone", zone=name) from error


def now_in(tz: tzinfo) -> datetime:
    return datetime.now(tz).replace(second=0, microsecond=0)


def _bad(text: str) -> UserError:
    return UserError("datetimes.bad_value", value=text, examples=EXAMPLES)


def _make_date(text: str, year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError as error:
        raise UserError("datetimes.no_such_date", value=text) from error


def _day_part(text: str, today: date, prefer_future: bool) -> date | None:
    """The date a day word names, or None when `text` is no day word."""
    key = text.lower()
    if key in _RELATIVE:
        return today + timedelta(days=_RELATIVE[key])
    if match := _FULL.match(text):
        return _make_date(text, int(match["y"]), int(match["mo"]), int(match["d"]))
    if match := _MONTH_DAY.match(text):
        month, day_of_month = int(match["mo"]), int(match["d"])
        year = today.year
        if (month, day_of_month) == (2, 29):  # this year's, else the next leap year's
            while year % 4 or (year % 100 == 0 and year % 400):
                year += 1
        day = _make_date(text, year, month, day_of_month)
        if prefer_future and day < today:
            day = _make_date(text, year + 1 if (month, day_of_month) != (2, 29) else year + 4,
                             month, day_of_month)
        return day
    weekday: int | None = None
    next_week = False
    if match := _ZH_WEEKDAY.match(text):
        weekday = _ZH_DAYS[match["d"]]
        next_week = (match["next"] or "").startswith("下")
    elif (match := _EN_WEEKDAY.match(key)) and match["d"] in _WEEKDAYS:
        weekday = _WEEKDAYS[match["d"]]
        next_week = (match["next"] or "").strip() == "next"
    if weekday is None:
        return None
    if next_week:  # the given day of next week (Monday to Sunday)
        monday = today - timedelta(days=today.weekday()) + timedelta(days=7)
        return monday + timedelta(days=weekday)
    return today + timedelta(days=(weekday - today.weekday()) % 7)


def _time_part(match: re.Match[str], text: str) -> time:
    hour = int(match["h"] or match["h2"] or match["h3"])
    minute = 30 if match["thirty"] else int(match["m"] or match["m2"] or 0)
    half = match["half"] or ""
    ampm = (match["ampm"] or "").lower()
    if (ampm == "pm" or half in ("下午", "晚上")) and hour < 12:
        hour += 12
    if (ampm == "am" or half in ("上午", "早上")) and hour == 12:
        hour = 0
    if half == "中午" and hour < 6:
        hour += 12
    if hour > 23 or minute > 59:
        raise UserError("datetimes.no_such_time", value=text)
    return time(hour, minute)


def _split(text: str) -> tuple[str, re.Match[str] | None]:
    """(the day words, the time match or None)."""
    match = _TIME.search(text)
    if match is None:
        return text, None
    return text[:match.start()].strip(), match


def parse_datetime(text: str, tz: tzinfo, *, now: datetime | None = None,
                   base: date | None = None, prefer_future: bool = True,
                   default_time: time | None = None) -> datetime:
    """What a person typed → an aware datetime in `tz`.

    A time alone ("16:00") is on `base` (else today); a date alone is at `default_time`
    (an error when None: a start needs its hour)."""
    raw = " ".join(text.strip().split())
    if not raw:
        raise _bad(text)
    now = (now or datetime.now(tz)).astimezone(tz)
    today = now.date()
    iso = _iso_with_offset(raw, tz)
    if iso is not None:
        return iso
    day_text, time_match = _split(raw)
    day = _day_part(day_text, today, prefer_future) if day_text else (base or today)
    if day is None:
        raise _bad(text)
    if time_match is None:
        if default_time is None:
            raise UserError("datetimes.time_needed", value=text, examples=EXAMPLES)
        at = default_time
    else:
        at = _time_part(time_match, text)
    return datetime.combine(day, at, tzinfo=tz)


def parse_date(text: str, *, today: date, prefer_future: bool = False) -> date:
    """A plain date as typed (every day form `parse_datetime` knows, no time)."""
    raw = " ".join(text.strip().split())
    if not raw:
        raise _bad(text)
    if re.match(r"^\d{4}-\d{2}-\d{2}T", raw):  # an ISO date-time: its day
        try:
            return date.fromisoformat(raw[:10])
        except ValueError as error:
            raise UserError("datetimes.no_such_date", value=text) from error
    day = _day_part(raw, today, prefer_future)
    if day is None:
        raise _bad(text)
    return day


def _iso_with_offset(raw: str, tz: tzinfo) -> datetime | None:
    """The ISO 8601 form scripts use (`--json` prints it): `2026-12-05T14:00:00+08:00`."""
    if not re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", raw):
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError as error:
        raise UserError("datetimes.no_such_date", value=raw) from error
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.astimezone(tz)


def weekday_name(day: date, language: str | None = None) -> str:
    names = _ZH_WEEKDAY_NAMES if (language or get_language()) == "zh" else _EN_WEEKDAY_NAMES
    return names[day.weekday()]


def show_datetime(value: datetime, tz: tzinfo, *, today: date | None = None) -> str:
    """`2026-12-05 Sat 14:00` (the year left out when it is this year's)."""
    local = value.astimezone(tz)
    year = "" if today is not None and local.year == today.year else f"{local.year}-"
    return f"{year}{local:%m-%d} {weekday_name(local.date())} {local:%H:%M}"


def show_span(start: datetime, end: datetime, tz: tzinfo, *, today: date | None = None) -> str:
    """`12-05 Sat 14:00–16:00`, or both ends in full when the span crosses midnight."""
    first, last = start.astimezone(tz), end.astimezone(tz)
    if first.date() == last.date():
        return f"{show_datetime(first, tz, today=today)}–{last:%H:%M}"
    return f"{show_datetime(first, tz, today=today)} – {show_datetime(last, tz, today=today)}"


def iso(value: datetime, tz: tzinfo) -> str:
    """ISO 8601 with the branch's offset, to the second: what --json prints."""
    return value.astimezone(tz).isoformat(timespec="seconds")
