"""The activity log: a contact (chat, call, visit), a reply in a group, an event attendance, or
something else — each with member, staff member, time, channel and a short note.

`record_activity` writes one inside a caller's transaction (the events feature calls it when
someone attends: ``record_activity(conn, member_id=…, kind="attendance", at=…, staff=…,
source=f"event:{event_id}")``); `log_activity` is the user action: one transaction, one audit
row, and optionally the member's follow-up cleared or moved in the same step.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from branchdesk import datetimes
from branchdesk.engagement_enums import (
    DEFAULT_CHANNEL,
    KIND_WORDS,
    ActivityKind,
    ContactChannel,
    allowed,
    from_text,
)
from branchdesk.errors import UserError
from branchdesk.services import followups
from branchdesk.services.known_people import check_known
from branchdesk.services.member_lookup import exists, refuse_erased
from branchdesk.store import activities as activity_rows
from branchdesk.store import audit
from branchdesk.store.database import Store

NOTE_MAX = 500


@dataclass(frozen=True)
class Activity:
    id: int
    member_id: int
    kind: ActivityKind
    channel: ContactChannel
    at: datetime          # in the branch's time zone
    staff: str
    note: str | None
    gap_days: int | None  # days since the member was last heard from before this
    batch_id: int | None = None
    source: str | None = None
    member_name: str | None = None

    def reactivated(self, dormant_days: int) -> bool:
        """This activity found the member dormant (the rule of store/dormancy.py)."""
        return self.gap_days is not None and self.gap_days > dormant_days

    def to_json(self, dormant_days: int) -> dict[str, Any]:
        return {"id": self.id, "member_id": self.member_id, "name": self.member_name,
                "kind": self.kind.value, "channel": self.channel.value,
                "at": self.at.isoformat(timespec="seconds"), "staff": self.staff, "note": self.note,
                "reactivated": self.reactivated(dormant_days), "batch_id": self.batch_id,
                "source": self.source}


def _activity(row: dict[str, Any]) -> Activity:
    return Activity(row["id"], row["member_id"], ActivityKind(row["kind"]),
                    ContactChannel(row["channel"]), datetimes.from_stored(row["at"]), row["staff"],
                    row["note"], row["gap_days"], row["batch_id"], row["source"], row.get("name"))


def parse_kind(value: ActivityKind | str) -> ActivityKind:
    if isinstance(value, ActivityKind):
        return value
    kind = from_text(ActivityKind, value, KIND_WORDS)
    if kind is None:
        raise UserError("engagement.bad_kind", value=value, allowed=allowed(ActivityKind))
    return kind  # type: ignore[return-value]


def parse_channel(value: ContactChannel | str | None, kind: ActivityKind) -> ContactChannel:
    if value is None or value == "":
        return DEFAULT_CHANNEL[kind]
    if isinstance(value, ContactChannel):
        return value
    channel = from_text(ContactChannel, value)
    if channel is None:
        raise UserError("engagement.bad_channel", value=value, allowed=allowed(ContactChannel))
    return channel  # type: ignore[return-value]


def clean_note(note: str | None) -> str | None:
    text = " ".join((note or "").split())
    if len(text) > NOTE_MAX:
        raise UserError("engagement.note_too_long", length=len(text), limit=NOTE_MAX)
    return text or None


def record_activity(conn: sqlite3.Connection, *, member_id: int, kind: ActivityKind | str,
                    at: datetime, staff: str, channel: ContactChannel | str | None = None,
                    note: str | None = None, source: str | None = None) -> int:
    """Write one activity inside the caller's transaction; the caller writes its own audit
    row. Keeps the member's last-active date and the reactivation marks right. Returns the id."""
    if not conn.in_transaction:
        raise RuntimeError("record_activity runs inside the caller's transaction")
    kind = parse_kind(kind)
    if not exists(conn, member_id):
        raise UserError("roster.no_such_member", id=member_id)
    staff = " ".join((staff or "").split())
    if not staff:
        raise UserError("engagement.staff_blank")
    if at.tzinfo is None:
        at = at.replace(tzinfo=datetimes.branch_zone())
    local = at.astimezone(datetimes.branch_zone())
    return activity_rows.insert(conn, activity_rows.NewActivity(
        member_id, kind.value, parse_channel(channel, kind).value, datetimes.to_utc_text(at),
        local.date().isoformat(), staff, clean_note(note), source))


@dataclass(frozen=True)
class FollowUpChange:
    """What logging a contact does to the member's follow-up: keep it, clear it, or move it."""

    action: str = "keep"  # "keep" | "clear" | "move"
    due_on: date | None = None
    reason: str | None = None  # for "move": a new reason; None keeps the old one


def log_activity(store: Store, operator: str, member_id: int, kind: ActivityKind | str, *,
                 at: datetime | None = None, note: str | None = None,
                 channel: ContactChannel | str | None = None, staff: str | None = None,
                 follow_up: FollowUpChange | None = None) -> Activity:
    """Log a contact (or another activity) as one audited action. A `staff` other than the
    operator must be a staff member or an advisor of the branch (a typo is refused)."""
    moment = datetimes.happened_at(at, "engagement.activity_in_future")
    if staff and " ".join(staff.split()) not in ("", operator):
        staff = check_known(store, staff)
    with store.transaction() as conn:
        refuse_erased(conn, member_id)  # no new contact, note or follow-up about them
        activity_id = record_activity(conn, member_id=member_id, kind=kind, at=moment,
                                      staff=staff or operator, channel=channel, note=note)
        row = activity_rows.get(conn, activity_id)
        assert row is not None
        after: dict[str, Any] = {"activity": activity_id,
                                 **{k: row[k] for k in ("kind", "channel", "at", "note")}}
        change = follow_up or FollowUpChange()
        if change.action != "keep":
            after["follow_up"] = followups.apply_change(conn, operator, member_id, change)
        audit.append(conn, operator=operator, action="activity.add", entity="member",
                     entity_id=member_id, after=after)
    return get_activity(store, activity_id)


def get_activity(store: Store, activity_id: int) -> Activity:
    row = activity_rows.get(store.conn, activity_id)
    if row is None:
        raise UserError("engagement.no_such_activity", id=activity_id)
    return _activity(row)


def member_activities(store: Store, member_id: int, limit: int = 500) -> list[Activity]:
    return [_activity(r) for r in activity_rows.for_member(store.conn, member_id, limit)]


def list_activities(store: Store, *, member_id: int | None = None, first: date | None = None,
                    last: date | None = None, limit: int = 1000) -> list[Activity]:
    """Activities newest first, of one member or all, on the days first..last."""
    if first and last and last < first:
        raise UserError("engagement.range_backwards", first=first.isoformat(), last=last.isoformat())
    rows = activity_rows.between(store.conn, member_id=member_id, first=first, last=last, limit=limit)
    return [_activity(r) for r in rows]
