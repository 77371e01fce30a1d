"""A member's one history: activities, complaints, the messages that named them, the imports that
created or changed them, and the audit entries of edits, reveals and follow-ups — newest first.

Other features add their own entries by appending a function to `SOURCES` (the events feature:
registrations and attendances), each taking the store and the member and returning entries.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from branchdesk import datetimes
from branchdesk.models import Member
from branchdesk.services import activities, complaints
from branchdesk.store import audit
from branchdesk.store import timeline as timeline_rows
from branchdesk.store.database import Store

# Audit actions shown through their own entries (an activity, a complaint's steps).
_SHOWN_ELSEWHERE = ("activity.", "complaint.")
MESSAGE_NAME_MIN = 2  # a one-character name would match half the messages


@dataclass(frozen=True)
class TimelineEntry:
    """One line of history. `what` says which kind of entry (activity, complaint_opened,
    complaint_answered, complaint_resolved, message, import_created, import_updated, audit);
    `data` holds its values, for the screen to word in the user's language."""

    at: datetime
    what: str
    data: dict[str, Any] = field(default_factory=dict)
    alert: bool = False  # an overdue complaint


Source = Callable[[Store, Member], list[TimelineEntry]]


def _activities(store: Store, member: Member) -> list[TimelineEntry]:
    assert member.id is not None
    return [TimelineEntry(a.at, "activity", {"activity": a}) for a in
            activities.member_activities(store, member.id)]


def _complaints(store: Store, member: Member) -> list[TimelineEntry]:
    out: list[TimelineEntry] = []
    for c in complaints.list_complaints(store, member_id=member.id):
        out.append(TimelineEntry(c.opened_at, "complaint_opened", {"complaint": c}, alert=c.overdue))
        if c.responded_at is not None and c.responded_at != c.resolved_at:
            out.append(TimelineEntry(c.responded_at, "complaint_answered", {"complaint": c}))
        if c.resolved_at is not None:
            out.append(TimelineEntry(c.resolved_at, "complaint_resolved", {"complaint": c}))
    return out


def _messages(store: Store, member: Member) -> list[TimelineEntry]:
    words = [member.name if len(member.name) >= MESSAGE_NAME_MIN else "",
             member.account_no or "", member.phone or ""]
    return [TimelineEntry(datetimes.from_stored(m["sent_at"] or m["created_at"]), "message", m)
            for m in timeline_rows.messages_naming(store.conn, words)]


def _imports(store: Store, member: Member) -> list[TimelineEntry]:
    assert member.id is not None
    return [TimelineEntry(datetimes.from_stored(i["imported_at"]), f"import_{i['how']}", i)
            for i in timeline_rows.imports_of(store.conn, member.id)]


def _audit(store: Store, member: Member) -> list[TimelineEntry]:
    assert member.id is not None
    out = []
    for entry in audit.entries_for(store.conn, "member", member.id):
        if entry["action"].startswith(_SHOWN_ELSEWHERE):
            continue
        out.append(TimelineEntry(datetimes.from_stored(entry["at"]), "audit", entry))
    return out


SOURCES: list[Source] = [_activities, _complaints, _messages, _imports, _audit]


def member_timeline(store: Store, member: Member, limit: int = 500, *,
                    reveal: bool = False) -> list[TimelineEntry]:
    """Everything known about the member, newest first. With `reveal` (the card's audited
    reveal), the audit entries carry the clear numbers the log keeps aside."""
    entries = [entry for source in SOURCES for entry in source(store, member)]
    entries.sort(key=lambda e: e.at, reverse=True)
    entries = entries[:limit]
    if reveal:
        from branchdesk.store.audit_privacy import with_clear

        logged = [e for e in entries if e.what == "audit"]
        clear = iter(with_clear(store.conn, [e.data for e in logged]))
        replaced = {id(e): TimelineEntry(e.at, e.what, next(clear), alert=e.alert) for e in logged}
        entries = [replaced.get(id(e), e) for e in entries]
    return entries


def audit_fields(entry: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """An audit entry's before and after as dicts (empty when absent or not a dict)."""
    before = json.loads(entry["before"]) if entry.get("before") else {}
    after = json.loads(entry["after"]) if entry.get("after") else {}
    return (before if isinstance(before, dict) else {}), (after if isinstance(after, dict) else {})
