"""Values shared by the event tests: the branch's zone and a fixed 'now'."""

from __future__ import annotations

from datetime import datetime

from branchdesk.datetimes import parse_datetime, zone

TZ = zone("Asia/Shanghai")
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=TZ)  # a Wednesday


def at(text: str) -> datetime:
    """A local time as typed, read on NOW's day: '12-05 14:00'."""
    return parse_datetime(text, TZ, now=NOW, default_time=None)
