"""Events (活动): create one or a series, edit one occurrence or it and all later ones, refuse
double-booked rooms and speakers, cancel, close, list. Called by the CLI and the screens.

Registrations, invitations and the door live in services/registrations.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from branchdesk import datetimes
from branchdesk.datetimes import branch_zone
from branchdesk.errors import UserError
from branchdesk.event_types import Cadence, EventStatus
from branchdesk.services.event_checks import (
    Conflict,
    audience_warnings,
    clean_values,
    conflict_error,
    conflict_json,
    enum_value,
    find_conflicts,
)
from branchdesk.services.event_clock import require_ended, started_in_past
from branchdesk.services.event_model import Event, to_event
from branchdesk.services.waitlist import promote
from branchdesk.store import audit
from branchdesk.store import events as event_rows
from branchdesk.store import registrations as registration_rows
from branchdesk.store.database import Store

MAX_OCCURRENCES = 200
# What a user sets on an event (create and edit), in form order.
EDITABLE = ("kind", "title", "topic", "speaker", "start", "end", "room", "link", "capacity",
            "audience", "product_risk", "notes", "status")


@dataclass
class Saved:
    """What a create or an edit did."""

    events: list[Event]
    warnings: list[str] = field(default_factory=list)
    overridden: list[Conflict] = field(default_factory=list)
    promoted: list[dict[str, Any]] = field(default_factory=list)


# --- reading -------------------------------------------------------------------------------------


def get_event(store: Store, event_id: int) -> Event:
    row = event_rows.get(store.conn, event_id)
    if row is None:
        raise UserError("events.no_such_event", id=event_id)
    return to_event(row, event_rows.counts(store.conn, [event_id])[event_id])


def event_id_of(text: str | int) -> int:
    """`12` or `#12` → 12; anything else is one clear message."""
    value = str(text).strip().lstrip("#")
    if not value.isdigit():
        raise UserError("events.bad_event_id", value=text)
    return int(value)


def list_events(store: Store, tz: tzinfo, first: date | None = None, last: date | None = None,
                *, include_cancelled: bool = True) -> list[Event]:
    """Events starting from the day `first` through the day `last` (inclusive, branch time)."""
    start = datetime.combine(first, time(), tzinfo=tz) if first else None
    end = datetime.combine(last + timedelta(days=1), time(), tzinfo=tz) if last else None
    if start and end and end <= start:
        raise UserError("events.bad_range", first=first, last=last)
    rows = event_rows.in_range(store.conn, start, end, include_cancelled=include_cancelled)
    counts = event_rows.counts(store.conn, [row["id"] for row in rows])
    return [to_event(row, counts[row["id"]]) for row in rows]


# --- creating ------------------------------------------------------------------------------------


def occurrences(start: datetime, end: datetime, cadence: Cadence | None, count: int | None,
                until: date | None, tz: tzinfo) -> list[tuple[datetime, datetime]]:
    """The dates of a series: every week or fortnight from the first, N times or until a
    date (inclusive), at the same wall-clock time."""
    if cadence is None:
        return [(start, end)]
    if count is None and until is None:
        raise UserError("events.series_needs_end")
    if count is not None and not 1 <= count <= MAX_OCCURRENCES:
        raise UserError("events.bad_count", count=count, most=MAX_OCCURRENCES)
    local_start, length = start.astimezone(tz), end - start
    if until is not None and until < local_start.date():
        raise UserError("events.until_before_start", until=until.isoformat(),
                        start=local_start.date().isoformat())
    dates: list[tuple[datetime, datetime]] = []
    while True:
        index = len(dates)
        day = local_start.date() + timedelta(days=cadence.days * index)
        if (count is not None and index >= count) or (until is not None and day > until):
            break
        if index >= MAX_OCCURRENCES:
            raise UserError("events.bad_count", count=f"> {MAX_OCCURRENCES}", most=MAX_OCCURRENCES)
        begin = datetime.combine(day, local_start.timetz().replace(tzinfo=None), tzinfo=tz)
        dates.append((begin, begin + length))
    return dates


def create_events(store: Store, operator: str, values: dict[str, Any], *, tz: tzinfo,
                  repeat: str | Cadence | None = None, count: int | None = None,
                  until: date | None = None, allow_conflict: str | None = None,
                  now: datetime | None = None) -> Saved:
    """One event, or a series of them (one real event per date, linked to the series). A
    room or speaker booked at an overlapping time refuses, naming the other event, unless
    `allow_conflict` gives a reason (kept in the audit log). One starting in the past is
    kept (a salon held yesterday is recorded afterwards), with a warning saying so."""
    clean = clean_values(store, values)
    cadence = enum_value(Cadence, repeat, "repeat") if repeat not in (None, "") else None
    dates = occurrences(clean["start"], clean["end"], cadence, count, until, tz)  # type: ignore[arg-type]
    reason = (allow_conflict or "").strip() or None
    conflicts = [c for s, e in dates for c in find_conflicts(store, clean, s, e, set())]
    if conflicts and reason is None:
        raise conflict_error(conflicts, tz)
    warnings = [w for s, e in dates
                for w in audience_warnings(store, None, clean["audience"], s, e, set(), tz)]
    past = started_in_past(dates[0][0], now or datetimes.now().astimezone(tz), tz)
    with store.transaction() as conn:
        series_id = event_rows.insert_series(conn, cadence.value) if cadence else None
        ids = []
        for begin, finish in dates:
            row = {**clean, "series_id": series_id, "starts_at": begin, "ends_at": finish}
            ids.append(event_rows.insert(conn, {k: row.get(k) for k in event_rows.FIELDS}))
        audit.append(conn, operator=operator, action="event.create", entity="event",
                     entity_id=ids[0],
                     after={**_audit_values(clean), "ids": ids, "series_id": series_id,
                            "cadence": cadence.value if cadence else None,
                            "conflicts": conflict_json(conflicts) or None,
                            "conflict_reason": reason if conflicts else None})
    events = [get_event(store, event_id) for event_id in ids]
    return Saved(events, past + list(dict.fromkeys(warnings)), conflicts)


def _audit_values(values: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in values.items():
        out[key] = value.isoformat() if isinstance(value, datetime) else value
    return out


# --- editing -------------------------------------------------------------------------------------


def _editable(event: Event, now: datetime) -> None:
    status = event.status(now)
    if status in (EventStatus.CANCELLED, EventStatus.DONE):
        raise UserError("events.not_editable", id=event.id, status=status.label())


def values_of(event: Event) -> dict[str, Any]:
    """The event's editable fields as `create_events` takes them."""
    return {"kind": event.kind.value, "title": event.title, "topic": event.topic,
            "speaker": event.speaker, "start": event.start, "end": event.end, "room": event.room,
            "link": event.link, "capacity": event.capacity, "audience": event.audience,
            "product_risk": event.product_risk.value if event.product_risk else None,
            "notes": event.notes, "status": event.stored_status}


def update_event(store: Store, operator: str, event_id: int, changes: dict[str, Any], *,
                 tz: tzinfo, later: bool = False, allow_conflict: str | None = None,
                 now: datetime | None = None) -> Saved:
    """Change one event, or (`later`) it and every later event of its series: a new start or
    end moves each of them by the same amount, other fields are set as given. Moved to a
    start in the past, it is kept with the warning a new event starting then gets."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
    now = now or datetimes.now().astimezone(tz)
    event = get_event(store, event_id)
    _editable(event, now)
    targets = [event]
    if later and event.series_id is not None:
        rows = event_rows.in_series(store.conn, event.series_id, event.start)
        targets = [get_event(store, row["id"]) for row in rows
                   if row["status"] != EventStatus.CANCELLED.value and not row["closed_at"]]
    shift_start = changes["start"] - event.start if "start" in changes else timedelta()
    shift_end = changes["end"] - event.end if "end" in changes else timedelta()
    plans: list[tuple[Event, dict[str, Any]]] = []
    for target in targets:
        new = {**values_of(target), **{k: v for k, v in changes.items() if k not in ("start", "end")}}
        new["start"], new["end"] = target.start + shift_start, target.end + shift_end
        plans.append((target, clean_values(store, new)))
    ids = {target.id for target in targets}
    conflicts = [c for _, new in plans
                 for c in find_conflicts(store, new, new["start"], new["end"], ids)]
    reason = (allow_conflict or "").strip() or None
    if conflicts and reason is None:
        raise conflict_error(conflicts, tz)
    # The first of the targets starts earliest: if it was moved into the past, say so.
    warnings = started_in_past(plans[0][1]["start"], now, tz) if shift_start else []
    promoted: list[dict[str, Any]] = []
    with store.transaction() as conn:
        for target, new in plans:
            seated = target.seated
            if new["capacity"] is not None and new["capacity"] < seated:
                raise UserError("events.capacity_below", id=target.id, capacity=new["capacity"],
                                seated=seated)
            before = values_of(target)
            changed = {k: new[k] for k in EDITABLE if new[k] != before[k]}
            if not changed:
                continue
            stored = {k: v for k, v in changed.items() if k not in ("start", "end")}
            if "start" in changed:
                stored["starts_at"] = new["start"]
            if "end" in changed:
                stored["ends_at"] = new["end"]
            event_rows.update(conn, target.id, stored)
            moved = promote(conn, {**new, "id": target.id})
            promoted.extend(moved)
            audit.append(conn, operator=operator, action="event.update", entity="event",
                         entity_id=target.id,
                         before=_audit_values({k: before[k] for k in changed}),
                         after={**_audit_values(changed), "later": later,
                                "promoted": [m["member_id"] for m in moved] or None,
                                "conflicts": conflict_json(conflicts) or None,
                                "conflict_reason": reason if conflicts else None})
    for _, new in plans:
        warnings += audience_warnings(store, event_id, new["audience"], new["start"], new["end"],
                                      ids, tz)
    return Saved([get_event(store, target.id) for target in targets],
                 list(dict.fromkeys(warnings)), conflicts, promoted)


def cancel_event(store: Store, operator: str, event_id: int, *, later: bool = False,
                 now: datetime | None = None) -> list[Event]:
    """Cancel an event (or it and every later one of its series). Registrations stay as
    they were, for the record; the calendar shows it cancelled."""
    event = get_event(store, event_id)
    _editable(event, now or datetimes.now())
    ids = [event.id]
    if later and event.series_id is not None:
        ids = [row["id"] for row in event_rows.in_series(store.conn, event.series_id, event.start)
               if row["status"] != EventStatus.CANCELLED.value and not row["closed_at"]]
    with store.transaction() as conn:
        for target in ids:
            event_rows.update(conn, target, {"status": EventStatus.CANCELLED.value})
        audit.append(conn, operator=operator, action="event.cancel", entity="event",
                     entity_id=event.id, before={"status": event.stored_status},
                     after={"status": EventStatus.CANCELLED.value, "ids": ids, "later": later})
    return [get_event(store, target) for target in ids]


def close_event(store: Store, operator: str, event_id: int, *, now: datetime | None = None,
                tz: tzinfo | None = None) -> tuple[Event, list[int]]:
    """After the event: registered members who were not checked in become no-shows."""
    event = get_event(store, event_id)
    tz = tz or branch_zone()
    now = now or datetimes.now().astimezone(tz)
    if event.stored_status == EventStatus.CANCELLED.value:
        raise UserError("events.not_editable", id=event.id, status=EventStatus.CANCELLED.label())
    if event.closed:
        raise UserError("events.already_closed", id=event.id)
    require_ended(event, now, tz)
    with store.transaction() as conn:
        no_shows = registration_rows.mark_no_shows(conn, event.id)
        event_rows.mark_closed(conn, event.id)
        audit.append(conn, operator=operator, action="event.close", entity="event",
                     entity_id=event.id, after={"no_show": no_shows})
    return get_event(store, event.id), no_shows
