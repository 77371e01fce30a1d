"""What an attendance does to the member's record: it is an activity (kind `attendance`), so
it makes them active that day and may reactivate a dormant member.

Called inside the check-in's transaction; the check-in writes the audit row.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from branchdesk.engagement_enums import ActivityKind
from branchdesk.services.activities import record_activity
from branchdesk.store import activities as activity_rows


def _source(event_id: int) -> str:
    return f"event:{event_id}"


def record_attendance(conn: sqlite3.Connection, member_id: int, event_id: int, at: datetime,
                      staff: str) -> int:
    """The member attended event `event_id` at `at`: one attendance activity. Returns its id."""
    return record_activity(conn, member_id=member_id, kind=ActivityKind.ATTENDANCE, at=at,
                           staff=staff, source=_source(event_id))


def undo_attendance(conn: sqlite3.Connection, member_id: int, event_id: int) -> None:
    """A check-in was undone: its attendance activity goes, and the member's last-active date
    and reactivation marks are worked out again without it."""
    activity_rows.delete_for_source(conn, member_id, _source(event_id))
