"""Events as an iCalendar (.ics) file, through the `icalendar` library.

What calendar programs need to update rather than duplicate, and what a published calendar
must not hold:
- a UID per event derived from its id and this database's own random name (never the
  library's random default), so a re-export updates the same entries;
- SEQUENCE, raised each time the event changes; STATUS:CANCELLED for a cancelled event;
- a VTIMEZONE for the branch's zone (Outlook needs one for every TZID);
- no attendees and no member data (RFC 5546: a published calendar lists none); staff notes
  stay out too.
The file is written next to its target and renamed into place, so a failed export never
leaves half a calendar where a good one was.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime, tzinfo
from pathlib import Path

from branchdesk.errors import UserError
from branchdesk.event_types import EventStatus
from branchdesk.i18n import t
from branchdesk.services.event_model import Event
from branchdesk.store import events as event_rows
from branchdesk.store.database import Store

PRODID = "-//BranchDesk//Events//ZH"
_STATUS = {EventStatus.PLANNED: "TENTATIVE", EventStatus.CANCELLED: "CANCELLED"}


def event_uid(event_id: int, domain: str) -> str:
    return f"event-{event_id}@{domain}"


def calendar_bytes(store: Store, events: Sequence[Event], *, tz: tzinfo,
                   calendar_name: str, now: datetime | None = None) -> bytes:
    import icalendar

    now = now or datetime.now(UTC)
    domain = event_rows.uid_domain(store.conn)
    calendar = icalendar.Calendar.new(prodid=PRODID, name=calendar_name, method="PUBLISH")
    for event in events:
        status = event.status(now)
        lines = [f"{event.kind.label()}" + (f" · {event.speaker}" if event.speaker else "")]
        if event.topic:
            lines.append(event.topic)
        if event.product_risk:
            lines.append(t("calendar.product_risk", risk=event.product_risk.value))
        if event.link:
            lines.append(event.link)
        entry = icalendar.Event.new(
            uid=event_uid(event.id, domain), summary=event.title,
            start=event.start.astimezone(tz), end=event.end.astimezone(tz),
            location=event.room or event.link or None, url=event.link or None,
            description="\n".join(lines), sequence=event.sequence,
            status=_STATUS.get(status, "CONFIRMED"),
            stamp=now.astimezone(UTC),
            last_modified=datetime.fromisoformat(event.updated_at).astimezone(UTC),
            categories=[event.kind.label()])
        calendar.add_component(entry)
    if events:
        first = min(e.start for e in events).astimezone(tz).date()
        calendar.add_missing_timezones(first_date=first.replace(year=first.year - 1))
    else:
        calendar.add_component(_empty_zone(tz))
    return calendar.to_ical()


def _empty_zone(tz: tzinfo):
    import icalendar

    return icalendar.Timezone.from_tzinfo(tz, tzid=str(tz))


def write_calendar(store: Store, events: Sequence[Event], target: str | os.PathLike[str], *,
                   tz: tzinfo, calendar_name: str, now: datetime | None = None) -> Path:
    path = Path(target)
    if path.suffix.lower() != ".ics":
        raise UserError("calendar.not_ics", file=str(path))
    if not path.parent.is_dir():
        raise UserError("calendar.no_folder", file=str(path), folder=str(path.parent))
    data = calendar_bytes(store, events, tz=tz, calendar_name=calendar_name, now=now)
    try:
        handle, temporary = tempfile.mkstemp(prefix=".branchdesk-", suffix=".ics",
                                             dir=path.parent)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except OSError as error:
        raise UserError("calendar.cannot_write", file=str(path), error=str(error)) from error
    return path
