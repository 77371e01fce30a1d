"""Dates and times as people type them, in the branch's time zone.

    parse_datetime("2026-12-05 14:00", now=now)       # a full date and time
    parse_datetime("12-05 14:00", now=now)            # this year's (or the nearest) 5 December
    parse_datetime("周六 14:00", now=now)              # the coming Saturday
    parse_datetime("明天 19:30", now=now)              # tomorrow
    parse_datetime("周六", now=now, prefer="past")     # last Saturday (for a contact already made)

A date without a year, a weekday, or a bare time is resolved towards the future for things to
come (events) and towards the past for things that happened (a contact, a complaint received):
`prefer`. Everything returned is timezone-aware, in the branch's zone (config ``timezone``,
default Asia/Shanghai, chosen once at start-up; a function given `tz` uses that zone instead).
Text that cannot be read is a UserError that shows what can be typed. Dates are shown the way
the agenda and forms show them (`show_datetime`, `show_span`) and written for scripts as ISO
8601 with the branch's offset (`iso`). Pure: no Textual, no SQL; the screens, the CLI and the
services of every feature (events, activities, complaints) share it.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from branchdesk.errors import UserError
from branchdesk.i18n import get_language

DEFAULT_TIMEZONE = "Asia/Shanghai"
Prefer = Literal["past", "future"]

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

_WEEKDAYS = {
    "一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6,
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "wednesday": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "fri": 4, "friday": 4,
    "sat": 5, "saturday": 5, "sun": 6, "sunday": 6,
}
_RELATIVE_DAYS = {
    "今天": 0, "今日": 0, "today": 0, "明天": 1, "明日": 1, "tomorrow": 1, "后天": 2,
    "昨天": -1, "昨日": -1, "yesterday": -1, "前天": -2,
}
_NOW_WORDS = {"现在", "此刻", "刚才", "now", "just now"}
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9, "十": 10}

_FULL_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})(?!\d)")
_MONTH_DAY = re.compile(r"^(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?(?![\d:])")
_WEEKDAY_ZH = re.compile(r"^(上上|下下|上|下|本|这|这个|下个|上个)?\s*(?:周|星期|礼拜)([一二三四五六日天七])")
_WEEKDAY_EN = re.compile(r"^(last|next|this)?\s*(mon|monday|tue|tues|tuesday|wed|wednesday|thu|thur"
                         r"|thurs|thursday|fri|friday|sat|saturday|sun|sunday)\b\.?", re.IGNORECASE)
_PERIOD = re.compile(r"^(凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|晚)\s*")
_CLOCK = re.compile(r"^(\d{1,2})\s*(?::|：)\s*(\d{2})(?:\s*(?::|：)\s*(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$",
                    re.IGNORECASE)
_HOUR_ZH = re.compile(r"^([\d零〇一二两三四五六七八九十]{1,3})\s*[点点时](?:\s*(半|一刻|三刻|"
                      r"[\d零〇一二三四五六七八九十]{1,3})\s*分?)?$")
_HOUR_EN = re.compile(r"^(\d{1,2})\s*(am|pm|a\.m\.|p\.m\.)$", re.IGNORECASE)

EXAMPLES = "2026-12-05 14:00 · 12-05 14:00 · 周六 14:00 · 明天 19:30 · Sat 14:00 · 14:00"


def _bad(text: str) -> UserError:
    return UserError("datetimes.unreadable", value=text, examples=EXAMPLES)


def _no_such_date(text: str) -> UserError:
    return UserError("datetimes.no_such_date", value=text)


def _cn_number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)
    value = 0
    for char in text:
        value = value * 10 + _CN_DIGITS[char]
    return value


def _make_date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise _no_such_date(text) from None


def _nearest(month: int, day: int, today: date, prefer: Prefer, text: str) -> date:
    """A month and day without a year: this year's, unless that is on the wrong side of today."""
    candidates = []
    for year in (today.year - 1, today.year, today.year + 1):
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue  # 29 February outside a leap year
    if not candidates:
        raise _no_such_date(text)
    if prefer == "future":
        later = [c for c in candidates if c >= today]
        return min(later) if later else max(candidates)
    earlier = [c for c in candidates if c <= today]
    return max(earlier) if earlier else min(candidates)


def _weekday(target: int, modifier: str, today: date, prefer: Prefer) -> date:
    monday = today - timedelta(days=today.weekday())
    shift = {"上": -7, "上个": -7, "上上": -14, "last": -7, "下": 7, "下个": 7, "下下": 14, "next": 7,
             "本": 0, "这": 0, "这个": 0, "this": 0}
    if modifier:
        return monday + timedelta(days=shift[modifier.lower()] + target)
    ahead = (target - today.weekday()) % 7
    if prefer == "future":
        return today + timedelta(days=ahead)
    return today - timedelta(days=(7 - ahead) % 7)


def _split_date(text: str, today: date, prefer: Prefer) -> tuple[date | None, str]:
    """The date at the start of `text` (None when it starts with none) and what follows."""
    lowered = text.lower()
    for word in sorted(_RELATIVE_DAYS, key=len, reverse=True):
        if lowered.startswith(word):
            return today + timedelta(days=_RELATIVE_DAYS[word]), text[len(word):]
    if found := _FULL_DATE.match(text):
        year, month, day = (int(g) for g in found.groups())
        return _make_date(year, month, day, text), text[found.end():]
    if found := _COMPACT_DATE.match(text):
        year, month, day = (int(g) for g in found.groups())
        return _make_date(year, month, day, text), text[found.end():]
    if found := _MONTH_DAY.match(text):
        month, day = int(found.group(1)), int(found.group(2))
        if not (1 <= month <= 12 and 1 <= day <= 31):
            raise _no_such_date(text)
        return _nearest(month, day, today, prefer, text), text[found.end():]
    if found := _WEEKDAY_ZH.match(text):
        return _weekday(_WEEKDAYS[found.group(2)], found.group(1) or "", today, prefer), text[found.end():]
    if found := _WEEKDAY_EN.match(text):
        target = _WEEKDAYS[found.group(2).lower()]
        return _weekday(target, found.group(1) or "", today, prefer), text[found.end():]
    return None, text


def _split_time(text: str, original: str) -> time | None:
    """The time of day in what is left after the date (None when nothing is left)."""
    rest = text.strip().lstrip("Tt,，").strip()
    if not rest:
        return None
    period = ""
    if found := _PERIOD.match(rest):
        period, rest = found.group(1), rest[found.end():].strip()
        if not rest:
            raise _bad(original)
    minute = second = 0
    suffix = ""
    if found := _CLOCK.match(rest):
        hour, minute = int(found.group(1)), int(found.group(2))
        second = int(found.group(3) or 0)
        suffix = (found.group(4) or "").lower().replace(".", "")
    elif found := _HOUR_ZH.match(rest):
        hour = _cn_number(found.group(1))
        part = found.group(2)
        if part:
            minute = {"半": 30, "一刻": 15, "三刻": 45}.get(part)
            if minute is None:
                minute = _cn_number(part)
    elif found := _HOUR_EN.match(rest):
        hour, suffix = int(found.group(1)), found.group(2).lower().replace(".", "")
    else:
        raise _bad(original)
    if suffix == "pm" or period in ("下午", "傍晚", "晚上", "晚"):
        if hour < 12:
            hour += 12
    elif suffix == "am" and hour == 12:
        hour = 0
    elif period == "中午" and hour < 6:
        hour += 12
    if not (0 <= hour <= 23 and 0 <= minute <= 59 and 0 <= second <= 59):
        raise UserError("datetimes.no_such_time", value=original)
    return time(hour, minute, second)


def _as_local(moment: datetime | None, tz: tzinfo) -> datetime:
    if moment is None:
        return datetime.now(tz)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=tz)
    return moment.astimezone(tz)


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def parse_datetime(text: str, tz: tzinfo | None = None, *, now: datetime | None = None,
                   base: date | None = None, prefer: Prefer = "future",
                   default_time: time | None = time(0, 0)) -> datetime:
    """What a person typed → an aware datetime in `tz` (default: the branch's zone).

    A date alone gets `default_time` (None: an error saying the time is needed, as for an
    event's start); a time alone is on `base`, else today; a weekday, or a month and day
    without a year, is the nearest one on the `prefer` side of today.
    Raises UserError (datetimes.*) with the accepted forms when the text cannot be read.
    """
    tz = tz or _zone
    current = _as_local(now, tz)
    cleaned = _clean(text or "")
    if not cleaned:
        raise _bad(text or "")
    if _ISO_MOMENT.match(cleaned):  # what scripts and --json write: 2026-12-05T14:00:00+08:00
        return _iso_moment(cleaned, tz)
    if cleaned.lower() in _NOW_WORDS:
        return current.replace(microsecond=0)
    day, rest = _split_date(cleaned, current.date(), prefer)
    if day is None:
        day = base or current.date()
        clock = _split_time(cleaned, cleaned)
        if clock is None:
            raise _bad(text)
    else:
        clock = _split_time(rest, cleaned)
        if clock is None:
            if default_time is None:
                raise UserError("datetimes.time_needed", value=text, examples=EXAMPLES)
            clock = default_time
    return datetime.combine(day, clock, tzinfo=tz)


_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _iso_moment(raw: str, tz: tzinfo) -> datetime:
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise _no_such_date(raw) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.astimezone(tz)


def parse_date(text: str, *, today: date | None = None, prefer: Prefer = "future") -> date:
    """What a person typed → a date (a time, if typed, is not allowed)."""
    cleaned = _clean(text or "")
    if _ISO_MOMENT.match(cleaned):  # an ISO date-time: its day
        return _iso_moment(cleaned, _zone).date()
    current = today or _as_local(None, _zone).date()
    day, rest = _split_date(cleaned, current, prefer) if cleaned else (None, "")
    if day is None or rest.strip():
        raise UserError("datetimes.unreadable_date", value=text or "",
                        examples="2026-12-05 · 12-05 · 周六 · 明天 · Sat")
    return day


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
