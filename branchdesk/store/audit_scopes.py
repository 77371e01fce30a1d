"""Which audit rows a scope of the trail holds (services/audit_trail.py): every row about one
member — its own, and those that name it inside their values — and every row of one message
and its versions."""

from __future__ import annotations

import sqlite3
from typing import Any

from branchdesk.store.audit import entries_where


def about_member(conn: sqlite3.Connection, member_id: int,
                 limit: int | None = None) -> list[dict[str, Any]]:
    """Every audit row about the member, oldest first."""
    condition, params = _about_member(member_id)
    return entries_where(conn, condition, params, limit)


def about_message(conn: sqlite3.Connection, message_id: int,
                  limit: int | None = None) -> list[dict[str, Any]]:
    """Every audit row of the message and of the versions it replaced or that replaced it."""
    family = _message_family(conn, message_id)
    marks = ", ".join("?" * len(family))
    return entries_where(conn, f"entity = 'message' AND entity_id IN ({marks})",
                         [str(i) for i in family], limit)


# Rows about a member that name it inside their values rather than as their entity: its
# registrations and check-ins (the event is the entity), the invitations and waitlist moves
# that list it (an edit's moves and a close's no-shows too), and the number searches that
# found it. Only these actions' values are read.
_MEMBER_IN_VALUES = (
    "(action IN ('registration.register', 'registration.cancel', 'registration.checkin',"
    " 'registration.undo_checkin') AND json_extract(after, '$.member_id') = :member)",
    "(action = 'event.invite' AND (EXISTS (SELECT 1 FROM json_each(after, '$.invited')"
    " WHERE value = :member) OR EXISTS (SELECT 1 FROM json_each(after, '$.left_out_unsuitable')"
    " WHERE value = :member)))",
    "(action = 'registration.cancel' AND EXISTS (SELECT 1 FROM json_each(after, '$.promoted')"
    " WHERE value = :member))",
    "(action = 'event.update' AND EXISTS (SELECT 1 FROM json_each(after, '$.promoted')"
    " WHERE value = :member))",
    "(action = 'event.close' AND EXISTS (SELECT 1 FROM json_each(after, '$.no_show')"
    " WHERE value = :member))",
    "(action = 'members.search_number' AND EXISTS (SELECT 1 FROM json_each(after, '$.found')"
    " WHERE value = :member))",
)


def _about_member(member_id: int) -> tuple[str, dict[str, Any]]:
    """Every audit row about one member: its own (edits, reveals, activities, follow-ups,
    erasure), the roster and activity imports that touched it, its complaints, and the event
    rows that name it (_MEMBER_IN_VALUES)."""
    conditions = [
        "(entity = 'member' AND entity_id = :member_text)",
        "(entity = 'import_batch' AND entity_id IN (SELECT CAST(batch_id AS TEXT) FROM"
        " import_changes WHERE member_id = :member UNION SELECT CAST(batch_id AS TEXT) FROM"
        " import_created WHERE :member BETWEEN first_id AND last_id))",
        "(entity = 'activity_batch' AND entity_id IN (SELECT DISTINCT CAST(batch_id AS TEXT)"
        " FROM activities WHERE member_id = :member AND batch_id IS NOT NULL))",
        "(entity = 'complaint' AND entity_id IN (SELECT CAST(id AS TEXT) FROM complaints"
        " WHERE member_id = :member))",
        *_MEMBER_IN_VALUES,
    ]
    return " OR ".join(conditions), {"member": member_id, "member_text": str(member_id)}


def message_exists(conn: sqlite3.Connection, message_id: int) -> bool:
    return conn.execute("SELECT 1 FROM messages WHERE id = ?", (message_id,)).fetchone() is not None


def _message_family(conn: sqlite3.Connection, message_id: int) -> list[int]:
    """The message, the versions it replaced and the versions that replaced it."""
    family = {message_id}
    current = message_id
    while True:
        row = conn.execute("SELECT previous_id FROM messages WHERE id = ?", (current,)).fetchone()
        if not row or row[0] is None or row[0] in family:
            break
        current = row[0]
        family.add(current)
    frontier = [message_id]
    while frontier:
        marks = ", ".join("?" * len(frontier))
        frontier = [row[0] for row in conn.execute(
            f"SELECT id FROM messages WHERE previous_id IN ({marks})", frontier) if row[0] not in family]
        family.update(frontier)
    return sorted(family)
