"""SQL for community messages and their review trail."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from branchdesk.store.members import now_text

COLUMNS = ("id", "previous_id", "author", "community", "text", "verdict", "findings",
           "pack_version", "status", "created_at", "submitted_at", "reviewer", "reviewed_at",
           "review_reason", "override_reason", "sent_at", "event_id")
_SELECT = f"SELECT {', '.join(COLUMNS)} FROM messages"


def _decode(row: tuple) -> dict[str, Any]:
    data = dict(zip(COLUMNS, row, strict=True))
    data["findings"] = json.loads(data["findings"])
    return data


def insert(conn: sqlite3.Connection, *, author: str, community: str | None, text: str,
           verdict: str, findings: list[dict[str, Any]], pack_version: str,
           previous_id: int | None, event_id: int | None = None) -> int:
    cursor = conn.execute(
        "INSERT INTO messages (previous_id, author, community, text, verdict, findings,"
        " pack_version, status, created_at, event_id) VALUES (?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?)",
        (previous_id, author, community, text, verdict,
         json.dumps(findings, ensure_ascii=False), pack_version, now_text(), event_id),
    )
    return int(cursor.lastrowid)


def get(conn: sqlite3.Connection, message_id: int) -> dict[str, Any] | None:
    row = conn.execute(_SELECT + " WHERE id = ?", (message_id,)).fetchone()
    return _decode(row) if row else None


def set_status(conn: sqlite3.Connection, message_id: int, status: str, **values: Any) -> None:
    assignments = ", ".join(["status = ?", *(f"{column} = ?" for column in values)])
    conn.execute(f"UPDATE messages SET {assignments} WHERE id = ?",
                 (status, *values.values(), message_id))


def stamp() -> str:
    return now_text()


def by_status(conn: sqlite3.Connection, statuses: tuple[str, ...], *, oldest_first: bool,
              limit: int = 500) -> list[dict[str, Any]]:
    marks = ", ".join("?" * len(statuses))
    order = "coalesce(submitted_at, created_at) " + ("ASC" if oldest_first else "DESC")
    rows = conn.execute(f"{_SELECT} WHERE status IN ({marks}) ORDER BY {order}, id LIMIT ?",
                        (*statuses, limit))
    return [_decode(row) for row in rows]


def versions(conn: sqlite3.Connection, message_id: int) -> list[dict[str, Any]]:
    """This message and every earlier version it replaced, newest first."""
    chain: list[dict[str, Any]] = []
    current = get(conn, message_id)
    while current is not None:
        chain.append(current)
        current = get(conn, current["previous_id"]) if current["previous_id"] else None
    return chain


def for_event(conn: sqlite3.Connection, event_id: int) -> list[dict[str, Any]]:
    """The messages linked to an event (its invitation texts), newest first, superseded
    versions left out."""
    rows = conn.execute(f"{_SELECT} WHERE event_id = ? AND status != 'superseded'"
                        " ORDER BY created_at DESC, id DESC", (event_id,))
    return [_decode(row) for row in rows]
