"""SQL for registrations: who was invited to an event, registered, waitlisted, came."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from branchdesk.store.members import now_text

COLUMNS = ("event_id", "member_id", "state", "waitlist_position", "promoted_at",
           "unsuitable_reason", "walk_in", "state_before_checkin",
           "checked_in_at", "created_at", "updated_at")
_SELECT = f"SELECT {', '.join(COLUMNS)} FROM registrations"
# With the member's name, phone and risk level, for lists and the door.
_WITH_MEMBER = ("SELECT r.member_id, m.name, m.phone, m.risk_level, r.state, r.waitlist_position,"
                " r.promoted_at, r.unsuitable_reason, r.walk_in, r.checked_in_at, r.updated_at"
                " FROM registrations r JOIN members m ON m.id = r.member_id")
_MEMBER_KEYS = ("member_id", "name", "phone", "risk_level", "state", "waitlist_position",
                "promoted_at", "unsuitable_reason", "walk_in", "checked_in_at", "updated_at")


def get(conn: sqlite3.Connection, event_id: int, member_id: int) -> dict[str, Any] | None:
    row = conn.execute(_SELECT + " WHERE event_id = ? AND member_id = ?",
                       (event_id, member_id)).fetchone()
    return dict(zip(COLUMNS, row, strict=True)) if row else None


def member_ids(conn: sqlite3.Connection, event_id: int) -> set[int]:
    """Every member with a registration of any state for the event."""
    return {row[0] for row in conn.execute(
        "SELECT member_id FROM registrations WHERE event_id = ?", (event_id,))}


def insert(conn: sqlite3.Connection, event_id: int, member_id: int, state: str,
           **values: Any) -> None:
    stamp = now_text()
    columns = ["event_id", "member_id", "state", *values, "created_at", "updated_at"]
    conn.execute(f"INSERT INTO registrations ({', '.join(columns)})"
                 f" VALUES ({', '.join('?' * len(columns))})",
                 (event_id, member_id, state, *values.values(), stamp, stamp))


def invite_many(conn: sqlite3.Connection, event_id: int, member_ids: Iterable[int],
                reasons: dict[int, str]) -> int:
    """Add `invited` rows (members already listed must have been left out by the caller)."""
    stamp = now_text()
    cursor = conn.executemany(
        "INSERT INTO registrations (event_id, member_id, state, unsuitable_reason, created_at,"
        " updated_at) VALUES (?, ?, 'invited', ?, ?, ?)",
        ((event_id, member_id, reasons.get(member_id), stamp, stamp) for member_id in member_ids))
    return cursor.rowcount


def update(conn: sqlite3.Connection, event_id: int, member_id: int, **values: Any) -> None:
    assignments = ", ".join([*(f"{key} = ?" for key in values), "updated_at = ?"])
    conn.execute(f"UPDATE registrations SET {assignments} WHERE event_id = ? AND member_id = ?",
                 (*values.values(), now_text(), event_id, member_id))


def delete(conn: sqlite3.Connection, event_id: int, member_id: int) -> None:
    conn.execute("DELETE FROM registrations WHERE event_id = ? AND member_id = ?",
                 (event_id, member_id))


def count_in(conn: sqlite3.Connection, event_id: int, states: Sequence[str]) -> int:
    marks = ", ".join("?" * len(states))
    return conn.execute(f"SELECT count(*) FROM registrations WHERE event_id = ? AND state IN ({marks})",
                        (event_id, *states)).fetchone()[0]


def next_waitlist_position(conn: sqlite3.Connection, event_id: int) -> int:
    return conn.execute("SELECT coalesce(max(waitlist_position), 0) + 1 FROM registrations"
                        " WHERE event_id = ?", (event_id,)).fetchone()[0]


def listed(conn: sqlite3.Connection, event_id: int, states: Sequence[str] | None = None, *,
           limit: int = -1, offset: int = 0) -> list[dict[str, Any]]:
    """Registrations with the member's name, phone and risk level: the waitlist in its order,
    anything else by name."""
    params: list[Any] = [event_id]
    where = " WHERE r.event_id = ?"
    if states:
        where += f" AND r.state IN ({', '.join('?' * len(states))})"
        params.extend(states)
    order = (" ORDER BY r.waitlist_position, r.member_id" if states and list(states) == ["waitlisted"]
             else " ORDER BY m.name_key, m.name, r.member_id")  # names by pinyin
    rows = conn.execute(_WITH_MEMBER + where + order + " LIMIT ? OFFSET ?", [*params, limit, offset])
    return [dict(zip(_MEMBER_KEYS, row, strict=True)) for row in rows]


def promoted(conn: sqlite3.Connection, event_id: int) -> list[dict[str, Any]]:
    """Members moved up from the waitlist, the latest first."""
    rows = conn.execute(_WITH_MEMBER + " WHERE r.event_id = ? AND r.promoted_at IS NOT NULL"
                        " ORDER BY r.promoted_at DESC, r.member_id", (event_id,))
    return [dict(zip(_MEMBER_KEYS, row, strict=True)) for row in rows]


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def door_matches(conn: sqlite3.Connection, event_id: int, text: str, limit: int = 50) -> list[dict[str, Any]]:
    """Members listed for the event whose name holds `text`, or whose phone ends in it
    (digits) — what a door keeper types."""
    term = _like(text.strip().lower())
    clause = "lower(m.name) LIKE ? ESCAPE '\\'"
    params: list[Any] = [event_id, f"%{term}%"]
    if text.strip().isdigit():
        clause = f"({clause} OR m.phone LIKE ? ESCAPE '\\')"
        params.append(f"%{term}")
    rows = conn.execute(_WITH_MEMBER + f" WHERE r.event_id = ? AND {clause}"
                        " ORDER BY m.name_key, m.name, r.member_id LIMIT ?", [*params, limit])
    return [dict(zip(_MEMBER_KEYS, row, strict=True)) for row in rows]


def mark_no_shows(conn: sqlite3.Connection, event_id: int) -> list[int]:
    """Registered members who were not checked in become no_show; returns their ids."""
    ids = [row[0] for row in conn.execute(
        "SELECT member_id FROM registrations WHERE event_id = ? AND state = 'registered'",
        (event_id,))]
    conn.execute("UPDATE registrations SET state = 'no_show', updated_at = ?"
                 " WHERE event_id = ? AND state = 'registered'", (now_text(), event_id))
    return ids


def shared_members(conn: sqlite3.Connection, first: int, second: int) -> tuple[int, int, int]:
    """(members listed for both, listed for the first, for the second); cancelled rows aside."""
    query = ("SELECT count(*) FROM registrations WHERE event_id = ? AND state != 'cancelled'")
    a = conn.execute(query, (first,)).fetchone()[0]
    b = conn.execute(query, (second,)).fetchone()[0]
    both = conn.execute(
        "SELECT count(*) FROM registrations x JOIN registrations y ON y.member_id = x.member_id"
        " WHERE x.event_id = ? AND y.event_id = ? AND x.state != 'cancelled'"
        " AND y.state != 'cancelled'", (first, second)).fetchone()[0]
    return both, a, b
