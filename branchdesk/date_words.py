"""The words of a date or a time as people type them, and which day they mean.

A month and day without a year, or a weekday alone, leaves the year or the week open; which
one is meant depends on what is typed (`Reading`):

- ``nearest`` (a bound of a range, a filter): the nearest such day — this year's 12-01 on
  7 December; next year's 01-05 (nearer than the last one); a weekday of this week.
- ``future`` (something to come: an event, a follow-up, a series' last day): the nearest
  such day too, and a weekday the coming one — or, when `week` is given (the day of the
  event being edited), that weekday in that week (Monday to Sunday). A day read so that is
  already past is refused by the caller (`datetimes.parse_datetime`), never moved a year on.
- ``past`` (something done: a contact, a complaint received): the latest such day not
  after today; a weekday the last one (today included).
- ``onward`` (the suggestion after a refusal, the end of a range read from its start): the
  first such day on or after `today`.

Pure: no zone, no clock; `branchdesk.datetimes` is the API the rest of the code calls.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, time, timedelta
from typing import Literal

from branchdesk.errors import UserError

Reading = Literal["past", "future", "nearest", "onward"]

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
NOW_WORDS = {"现在", "此刻", "刚才", "now", "just now"}
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9, "十": 10}

_FULL_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})(?!\d)")
# 日 or 号 ends the day (12月20日14:00); without one no digit or colon may follow (12-05 14:00)
_MONTH_DAY = re.compile(r"^(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?:\s*[日号]|(?![\d:]))")
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


def bad(text: str) -> UserError:
    return UserError("datetimes.unreadable", value=text, examples=EXAMPLES)


def no_such_date(text: str) -> UserError:
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
        raise no_such_date(text) from None


def month_day(month: int, day: int, today: date, reading: Reading, text: str) -> date:
    """A month and day without a year: the one `reading` means, last year's to next year's."""
    candidates = []
    for year in (today.year - 1, today.year, today.year + 1):
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue  # 29 February outside a leap year
    if not candidates:
        raise no_such_date(text)
    if reading == "past":
        earlier = [c for c in candidates if c <= today]
        return max(earlier) if earlier else min(candidates)
    if reading == "onward":
        later = [c for c in candidates if c >= today]
        return min(later) if later else max(candidates)
    # nearest (and future, whose passed days the caller refuses); a tie goes to the later one
    return min(candidates, key=lambda c: (abs((c - today).days), c < today))


_SHIFTS = {"上": -7, "上个": -7, "上上": -14, "last": -7, "下": 7, "下个": 7, "下下": 14, "next": 7,
           "本": 0, "这": 0, "这个": 0, "this": 0}


def weekday(target: int, modifier: str, today: date, reading: Reading,
            week: date | None = None) -> date:
    """A weekday word: with 上/下/本 (last/next/this) in a week counted from today's; alone,
    the one `reading` means (`week`: the day whose week a future-meant weekday is in)."""
    monday = today - timedelta(days=today.weekday())
    if modifier:
        return monday + timedelta(days=_SHIFTS[modifier.lower()] + target)
    if reading == "nearest":
        return monday + timedelta(days=target)
    if reading == "future" and week is not None:
        return week - timedelta(days=week.weekday()) + timedelta(days=target)
    ahead = (target - today.weekday()) % 7
    if reading == "past":
        return today - timedelta(days=(7 - ahead) % 7)
    return today + timedelta(days=ahead)


def split_date(text: str, today: date, reading: Reading, week: date | None = None
               ) -> tuple[date | None, str, bool]:
    """The date at the start of `text` (None when it starts with none), what follows, and
    whether the words left the year or the week open (a month and day, a weekday alone)."""
    lowered = text.lower()
    for word in sorted(_RELATIVE_DAYS, key=len, reverse=True):
        if lowered.startswith(word):
            return today + timedelta(days=_RELATIVE_DAYS[word]), text[len(word):], False
    if found := _FULL_DATE.match(text) or _COMPACT_DATE.match(text):
        year, month, day = (int(g) for g in found.groups())
        return _make_date(year, month, day, text), text[found.end():], False
    if found := _MONTH_DAY.match(text):
        month, day = int(found.group(1)), int(found.group(2))
        if not (1 <= month <= 12 and 1 <= day <= 31):
            raise no_such_date(text)
        return month_day(month, day, today, reading, text), text[found.end():], True
    if found := _WEEKDAY_ZH.match(text) or _WEEKDAY_EN.match(text):
        modifier = found.group(1) or ""
        target = _WEEKDAYS[found.group(2).lower()]
        return (weekday(target, modifier, today, reading, week), text[found.end():],
                not modifier)
    return None, text, False


def split_time(text: str, original: str) -> time | None:
    """The time of day in what is left after the date (None when nothing is left)."""
    rest = text.strip().lstrip("Tt,，").strip()
    if not rest:
        return None
    period = ""
    if found := _PERIOD.match(rest):
        period, rest = found.group(1), rest[found.end():].strip()
        if not rest:
            raise bad(original)
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
        raise bad(original)
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


def clean(text: str) -> str:
    """NFKC (full-width digits and colons), one space between words."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()
