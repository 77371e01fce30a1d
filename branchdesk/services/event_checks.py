"""Checks on an event before it is saved: its values (one clear message for the first
problem), the rooms and speakers it would double-book, and events at the same time that
compete for the same audience."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

from branchdesk.datetimes import branch_zone, show_datetime
from branchdesk.datetimes import today as branch_today
from branchdesk.enums import Experience, LabelledEnum, Need, ProductRisk, RiskLevel
from branchdesk.errors import UserError
from branchdesk.event_types import AUDIENCE_FIELDS, TYPED_STATUSES, EventKind, EventStatus
from branchdesk.i18n import t
from branchdesk.services.event_model import Event, to_event
from branchdesk.store import events as event_rows
from branchdesk.store import member_lookups
from branchdesk.store import registrations as registration_rows
from branchdesk.store.database import Store

# How much of the narrower audience must be in the other one, in every respect, for two
# events at the same time to compete for the same people (a warning, not a refusal).
HEAVY_OVERLAP = 0.5
_AUDIENCE_ENUMS: dict[str, type[LabelledEnum]] = {
    "needs": Need, "experience": Experience, "risk_levels": RiskLevel}


@dataclass
class Conflict:
    """Another event holding the same room or speaker at an overlapping time."""

    other: Event
    what: str  # "room" or "speaker"
    start: datetime  # of the occurrence that clashes


# --- validation ----------------------------------------------------------------------------------


def enum_value(enum: type[LabelledEnum], value: Any, field_name: str) -> LabelledEnum:
    """An enum member from its code or its label in either language."""
    if isinstance(value, enum):
        return value
    text = str(value).strip()
    for member in enum:
        if text.lower() in (member.value.lower(), member.zh, member.en.lower()):  # type: ignore[attr-defined]
            return member
    choices = ", ".join(f"{m.value} ({m.label()})" for m in enum)
    raise UserError("events.bad_choice", field=t(f"events.field.{field_name}"), value=text,
                    choices=choices)


def words(value: Any) -> list[str]:
    """A list typed as text: commas (either width), 、 or semicolons between the words."""
    if value is None:
        return []
    if isinstance(value, str):
        return [w.strip() for w in re.split(r"[,，、;；]", value) if w.strip()]
    return [str(w).strip() for w in value if str(w).strip()]


def clean_audience(store: Store, audience: dict[str, Any] | None) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    audience = audience or {}
    unknown = set(audience) - set(AUDIENCE_FIELDS)
    if unknown:
        raise UserError("events.bad_audience_field", fields=", ".join(sorted(unknown)))
    for name in AUDIENCE_FIELDS:
        values = words(audience.get(name))
        if name in _AUDIENCE_ENUMS:
            codes = [enum_value(_AUDIENCE_ENUMS[name], v, name).value for v in values]
            values = [m.value for m in _AUDIENCE_ENUMS[name] if m.value in codes]
        elif values:
            known = set(member_lookups.distinct(store.conn, "communities"))
            for value in values:
                if value not in known:
                    raise UserError("events.no_such_community", community=value)
        if values:
            out[name] = list(dict.fromkeys(values))
    return out


def _readable(moment: datetime) -> str:
    """A time in a message as people read it, in the branch's zone: `12-08 Tue 18:00`."""
    return show_datetime(moment, branch_zone(), today=branch_today())


def clean_values(store: Store, values: dict[str, Any]) -> dict[str, Any]:
    """The event's fields checked and normalised; one clear message for the first problem."""
    v = dict(values)
    v["kind"] = enum_value(EventKind, v.get("kind") or "", "kind").value
    v["title"] = (v.get("title") or "").strip()
    if not v["title"] or len(v["title"]) > 200:
        raise UserError("events.title_needed")
    for key in ("topic", "speaker", "room", "link", "notes"):
        v[key] = (str(v[key]).strip() or None) if v.get(key) is not None else None
    start, end = v.get("start"), v.get("end")
    if not isinstance(start, datetime) or not isinstance(end, datetime):
        raise UserError("events.times_needed")
    if end <= start:
        raise UserError("events.end_before_start", start=_readable(start), end=_readable(end))
    if end - start > timedelta(days=14):
        raise UserError("events.too_long", start=_readable(start), end=_readable(end))
    if v["room"] and v["link"]:
        raise UserError("events.room_or_link")
    if v["link"] and not re.match(r"^https?://\S+$", v["link"]):
        raise UserError("events.bad_link", link=v["link"])
    capacity = v.get("capacity")
    if capacity in ("", None):
        capacity = None
    else:
        try:
            capacity = int(str(capacity).strip())
        except ValueError:
            capacity = 0
        if capacity < 1:
            raise UserError("events.bad_capacity", value=v.get("capacity"))
    if v["room"] and capacity is None:
        raise UserError("events.capacity_needed", room=v["room"])
    v["capacity"] = capacity
    risk = v.get("product_risk")
    v["product_risk"] = (enum_value(ProductRisk, risk, "product_risk").value
                         if risk not in (None, "") else None)
    status = v.get("status") or EventStatus.PLANNED.value
    status = enum_value(EventStatus, status, "status")
    if status not in TYPED_STATUSES:
        raise UserError("events.status_not_typed", status=status.label())
    v["status"] = status.value
    v["audience"] = clean_audience(store, v.get("audience"))
    return v


def _same(a: str | None, b: str | None) -> bool:
    return bool(a and b and " ".join(a.split()).casefold() == " ".join(b.split()).casefold())


def find_conflicts(store: Store, values: dict[str, Any], start: datetime, end: datetime,
                   exclude: set[int]) -> list[Conflict]:
    found: list[Conflict] = []
    for row in event_rows.overlapping(store.conn, start, end, exclude):
        other = to_event(row)
        if _same(values.get("room"), other.room):
            found.append(Conflict(other, "room", start))
        elif _same(values.get("speaker"), other.speaker):
            found.append(Conflict(other, "speaker", start))
    return found


def _share(mine: list[str], theirs: list[str]) -> float:
    """How much of the narrower of two audience lists is in the other (an empty list is
    everyone: it holds all of the other)."""
    if not mine or not theirs:
        return 1.0
    return len(set(mine) & set(theirs)) / min(len(set(mine)), len(set(theirs)))


def audience_overlap(a: dict[str, list[str]], b: dict[str, list[str]]) -> float:
    return min(_share(a.get(name, []), b.get(name, [])) for name in AUDIENCE_FIELDS)


def audience_warnings(store: Store, event_id: int | None, audience: dict[str, list[str]],
                      start: datetime, end: datetime, exclude: set[int], tz: tzinfo) -> list[str]:
    """Events at the same time whose audience is largely this one's: they compete for the
    same people. Judged on who each event is for, when both say so (an event with no audience
    set says nothing about who comes: it is compared with none), and on who is already listed
    for both."""
    out: list[str] = []
    for row in event_rows.overlapping(store.conn, start, end, exclude):
        heavy = (bool(audience) and bool(row["audience"])
                 and audience_overlap(audience, row["audience"]) >= HEAVY_OVERLAP)
        if not heavy and event_id is not None:
            both, mine, theirs = registration_rows.shared_members(store.conn, event_id, row["id"])
            heavy = both > 0 and both >= HEAVY_OVERLAP * min(mine, theirs)
        if heavy:
            other = to_event(row)
            out.append(t("events.audience_warning", id=other.id, title=other.title,
                         when=other.span(tz, datetime.now(tz).date())))
    return out


def conflict_error(conflicts: list[Conflict], tz: tzinfo) -> UserError:
    first = conflicts[0]
    other = first.other
    today = datetime.now(tz).date()
    return UserError(f"events.conflict_{first.what}", id=other.id, title=other.title,
                     when=other.span(tz, today), room=other.room or "", speaker=other.speaker or "",
                     more=t("events.conflict_more", count=len(conflicts) - 1)
                     if len(conflicts) > 1 else "")


def conflict_json(conflicts: list[Conflict]) -> list[dict[str, Any]]:
    return [{"event_id": c.other.id, "what": c.what, "at": c.start.isoformat()} for c in conflicts]
