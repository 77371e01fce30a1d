"""When the door may open and when an event may be closed: declared once, used by the
door (screen and CLI) and by `events close`."""

from __future__ import annotations

from datetime import datetime, time, timedelta, tzinfo

from branchdesk.datetimes import show_datetime
from branchdesk.errors import UserError
from branchdesk.i18n import t
from branchdesk.services.event_model import Event

# Check-in opens this long before the start (people come early) ...
CHECKIN_OPENS_BEFORE = timedelta(hours=2)
# ... and stays open until the end of the day the event ends on, in the branch's zone
# (staff catch up on the sign-in sheet after the talk).


def checkin_window(event: Event, tz: tzinfo) -> tuple[datetime, datetime]:
    """From when to when the door may check members in (the end excluded)."""
    last_day = event.end.astimezone(tz).date()
    closes = datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=tz)
    return event.start - CHECKIN_OPENS_BEFORE, closes


def require_door_open(event: Event, now: datetime, tz: tzinfo) -> None:
    """Refuse a check-in too long before the event or after its day."""
    opens, closes = checkin_window(event, tz)
    today = now.astimezone(tz).date()
    if now < opens:
        raise UserError("event_clock.door_not_open", id=event.id,
                        opens=show_datetime(opens, tz, today=today),
                        hours=int(CHECKIN_OPENS_BEFORE.total_seconds() // 3600))
    if now >= closes:
        raise UserError("event_clock.door_over", id=event.id,
                        day=show_datetime(event.end, tz, today=today).rsplit(" ", 1)[0])


def require_ended(event: Event, now: datetime, tz: tzinfo) -> None:
    """`events close` marks no-shows: only once the event is over."""
    if event.start > now:
        raise UserError("events.not_started", id=event.id)
    if event.end > now:
        raise UserError("event_clock.not_ended", id=event.id,
                        end=show_datetime(event.end, tz, today=now.astimezone(tz).date()))


def started_in_past(start: datetime, now: datetime, tz: tzinfo) -> list[str]:
    """The warning a new event starting before now gets (kept: it is recorded as held)."""
    if start >= now:
        return []
    return [t("event_clock.starts_in_past",
              when=show_datetime(start, tz, today=now.astimezone(tz).date()))]
