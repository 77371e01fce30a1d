"""Calendar dates: from a date cell, an Excel serial number or a date written as text."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta

from branchdesk.importers.normalize.cells import (
    PLACEHOLDERS,
    REASON,
    Cell,
    fold,
)

DATE_FORMAT = REASON + "date_format"
DATE_IMPOSSIBLE = REASON + "date_impossible"
DATE_OUT_OF_RANGE = REASON + "date_out_of_range"
DATE_TIME_ONLY = REASON + "date_time_only"
DATE_AMBIGUOUS = REASON + "date_ambiguous"

EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)
_EXCEL_EPOCH = date(1899, 12, 30)  # serial 0, for serials after Excel's phantom 1900-02-29
_LAST_SERIAL = (LATEST_DATE - _EXCEL_EPOCH).days
_TIME_OF_DAY = (r"(?:(?:\s+|T|\s*(?:上午|下午|am|pm)\s*)[0-9]{1,2}(?::[0-9]{1,2}){1,2}"
                r"(?:\.[0-9]+)?(?:\s*(?:am|pm))?)?")
_DATE_TEXT = re.compile(
    r"([0-9]{4})\s*[-/.年]\s*([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})\s*日?" + _TIME_OF_DAY,
    re.IGNORECASE,
)
# the year last: 12/25/2019 (month first, US) or 25/12/2019 (day first, Europe)
_DATE_YEAR_LAST = re.compile(
    r"([0-9]{1,2})\s*([-/.])\s*([0-9]{1,2})\s*\2\s*([0-9]{4})" + _TIME_OF_DAY, re.IGNORECASE)
_NUMBER_TEXT = re.compile(r"[0-9]{1,8}(?:\.[0-9]+)?")
_DATE_COMPACT = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})(?:[T\s]?[0-9]{2}:?[0-9]{2}:?[0-9]{2})?")


def normalize_date(cell: Cell) -> date | None:
    """A calendar date from a date cell, an Excel serial number or a date written as text."""
    kind = type(cell)
    if kind is date:
        return _in_range(cell)
    if kind is datetime:
        return _in_range(cell.date())
    if kind is float or kind is int:
        return _from_number(cell)
    if kind is str:
        return _from_text(cell)
    if cell is None:
        return None
    if isinstance(cell, time):
        raise ValueError(DATE_TIME_ONLY)
    if isinstance(cell, date):  # subclasses of date/datetime (pandas Timestamp and the like)
        return _in_range(cell.date() if isinstance(cell, datetime) else cell)
    raise ValueError(DATE_FORMAT)


def _in_range(value: date) -> date:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValueError(DATE_OUT_OF_RANGE)
    return value


def _from_number(number: float) -> date:
    if not math.isfinite(number):
        raise ValueError(DATE_FORMAT)
    if 19000101 <= number <= 21001231 and float(number).is_integer():
        # a date typed as a plain number: 20240702
        return _make_date(*divmod_date(int(number)))
    return excel_serial_to_date(number)


def divmod_date(number: int) -> tuple[int, int, int]:
    year, rest = divmod(number, 10000)
    month, day = divmod(rest, 100)
    return year, month, day


def excel_serial_to_date(serial: float) -> date:
    """Excel's day number → date. Excel counts a 1900-02-29 that never was (serial 60)."""
    day = math.floor(serial)
    if day < 1 or day > _LAST_SERIAL:
        raise ValueError(DATE_OUT_OF_RANGE)
    if day == 60:
        raise ValueError(DATE_IMPOSSIBLE)
    if day < 60:
        return _EXCEL_EPOCH + timedelta(days=day + 1)
    return _EXCEL_EPOCH + timedelta(days=day)


def _from_text(text: str) -> date | None:
    text = fold(text)
    if text.lower() in PLACEHOLDERS:
        return None
    if _NUMBER_TEXT.fullmatch(text):
        # A number written out as text: what a CSV holds for a date cell Excel formatted as
        # General (45292 = 2024-01-01). Read as the same number in an .xlsx is read.
        return _from_number(float(text))
    match = _DATE_TEXT.fullmatch(text) or _DATE_COMPACT.fullmatch(text)
    if match is None:
        if year_last := _DATE_YEAR_LAST.fullmatch(text):
            return _year_last(*(int(year_last.group(i)) for i in (1, 3, 4)))
        raise ValueError(DATE_FORMAT)
    year, month, day = (int(part) for part in match.groups())
    return _make_date(year, month, day)


def _year_last(first: int, second: int, year: int) -> date:
    """A date written day and month first: read when only one order makes a date
    (12/25/2019 is 25 December, 25/12/2019 too); refused as ambiguous when both do
    (03/04/2019: 3 April or 4 March), never guessed."""
    if first > 12 >= second:
        return _make_date(year, second, first)
    if second > 12 >= first or first == second:
        return _make_date(year, first, second)
    if first > 12:
        raise ValueError(DATE_IMPOSSIBLE)
    raise ValueError(DATE_AMBIGUOUS)


def _make_date(year: int, month: int, day: int) -> date:
    try:
        value = date(year, month, day)
    except ValueError:
        raise ValueError(DATE_IMPOSSIBLE) from None
    return _in_range(value)
