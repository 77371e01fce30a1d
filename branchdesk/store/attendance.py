"""What an attendance does to the member's record: it makes them active.

ONE place for it, called inside the check-in's transaction. Today it moves the member's
`last_active_on` forward (never back); when the activity log arrives, these two functions
become "log an attendance activity" and "remove that activity", and nothing else changes.
"""

from __future__ import annotations

import sqlite3
from datetime import date

from branchdesk.store.members import now_text


def record_attendance(conn: sqlite3.Connection, member_id: int, event_id: int,
                      on: date) -> str | None:
    """The member attended event `event_id` on `on`: last active that day unless they were
    already active later. Returns the last-active date before (ISO text or None), which an
    undo hands back."""
    row = conn.execute("SELECT last_active_on FROM members WHERE id = ?", (member_id,)).fetchone()
    before = row[0] if row else None
    if row is not None and (before is None or before < on.isoformat()):
        conn.execute("UPDATE members SET last_active_on = ?, updated_at = ? WHERE id = ?",
                     (on.isoformat(), now_text(), member_id))
    return before


def undo_attendance(conn: sqlite3.Connection, member_id: int, event_id: int, on: date,
                    before: str | None) -> None:
    """A check-in was undone: the last-active date goes back to what it was, unless
    something else has moved it since."""
    conn.execute("UPDATE members SET last_active_on = ?, updated_at = ?"
                 " WHERE id = ? AND last_active_on = ?",
                 (before, now_text(), member_id, on.isoformat()))
