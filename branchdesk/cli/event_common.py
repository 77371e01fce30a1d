"""What the event commands share: the branch's clock, days and event ids as people type
them, an event as one line, warnings on stderr."""

from __future__ import annotations

import sys
from datetime import date, datetime
from typing import Any

from branchdesk.i18n import t
from branchdesk.settings import Settings


def now_in_branch(settings: Settings) -> datetime:
    from branchdesk import datetimes

    return datetimes.now().astimezone(settings.tz)


def parse_day(text: str | None, settings: Settings) -> date | None:
    """A day to come (a series' last day): one already past is refused."""
    from branchdesk.datetimes import parse_date

    return parse_date(text, today=now_in_branch(settings).date(), prefer="future") if text else None


def parse_days(first: str | None, last: str | None, settings: Settings, *,
               from_today: bool = False) -> tuple[date | None, date | None]:
    """--from and --to as typed: the nearest such days, read together (datetimes.parse_range).
    `from_today`: a missing --from means today (the agenda), so a --to alone is read on or
    after today."""
    from branchdesk.datetimes import parse_range

    today = now_in_branch(settings).date()
    return parse_range(first, last, today=today, start_default=today if from_today else None)


def event_line(event: Any, settings: Settings, now: datetime) -> str:
    counts = event.counts
    seats = f"{event.seated}/{event.capacity}" if event.capacity else str(event.seated)
    return t("events_cli.event_line", id=event.id, when=event.span(settings.tz, now.date()),
             kind=event.kind.label(), title=event.title, place=event.place() or "—",
             speaker=event.speaker or "—", seats=seats, waitlisted=counts.get("waitlisted", 0),
             invited=counts.get("invited", 0), status=event.status(now).label())


def warn(lines: list[str]) -> None:
    for line in lines:
        print(t("events_cli.warning", text=line), file=sys.stderr)


def event_id_arg(text: str) -> int:
    from branchdesk.services.events import event_id_of

    return event_id_of(text)
