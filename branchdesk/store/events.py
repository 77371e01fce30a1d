"""SQL for events and their series. Times are stored as UTC ISO text (see the migration)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from branchdesk.store import tables
from branchdesk.store.members import now_text

# Columns a caller sets, in table order.
FIELDS = ("series_id", "kind", "title", "topic", "speaker", "starts_at", "ends_at", "room",
          "link", "capacity", "audience", "product_risk", "notes", "status")
COLUMNS = ("id", *FIELDS, "closed_at", "sequence", "created_at", "updated_at")
_SELECT = f"SELECT {', '.join(COLUMNS)} FROM events"
STATE_NAMES = ("invited", "registered", "waitlisted", "attended", "no_show", "cancelled")


def stored_time(value: datetime) -> str:
    """An aware datetime → the stored UTC text (sorts in time order)."""
    return value.astimezone(UTC).isoformat(timespec="seconds")


def read_time(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _decode(row: Sequence[Any]) -> dict[str, Any]:
    data = dict(zip(COLUMNS, row, strict=True))
    data["audience"] = json.loads(data["audience"] or "{}")
    return data


def _encode(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    if "audience" in out:
        out["audience"] = json.dumps(out["audience"] or {}, ensure_ascii=False, sort_keys=True)
    for key in ("starts_at", "ends_at"):
        if isinstance(out.get(key), datetime):
            out[key] = stored_time(out[key])
    return out


def insert_series(conn: sqlite3.Connection, cadence: str) -> int:
    return tables.insert(conn, "event_series", {"cadence": cadence, "created_at": now_text()})


def series_cadence(conn: sqlite3.Connection, series_id: int) -> str | None:
    row = conn.execute("SELECT cadence FROM event_series WHERE id = ?", (series_id,)).fetchone()
    return row[0] if row else None


def insert(conn: sqlite3.Connection, values: dict[str, Any]) -> int:
    data = _encode(values)
    stamp = now_text()
    return tables.insert(conn, "events", {**{field: data.get(field) for field in FIELDS},
                                          "created_at": stamp, "updated_at": stamp})


def get(conn: sqlite3.Connection, event_id: int) -> dict[str, Any] | None:
    row = conn.execute(_SELECT + " WHERE id = ?", (event_id,)).fetchone()
    return _decode(row) if row else None


def update(conn: sqlite3.Connection, event_id: int, values: dict[str, Any]) -> None:
    """Change some fields; the calendar SEQUENCE goes up by one."""
    changes = {**_encode(values), "sequence": 1, "updated_at": now_text()}
    tables.update(conn, "events", event_id, changes, conversions={"sequence": "sequence + ?"})


def mark_closed(conn: sqlite3.Connection, event_id: int) -> None:
    stamp = now_text()
    tables.update(conn, "events", event_id, {"closed_at": stamp, "updated_at": stamp})


def overlapping(conn: sqlite3.Connection, start: datetime, end: datetime,
                exclude: Iterable[int] = ()) -> list[dict[str, Any]]:
    """Events not cancelled whose time overlaps [start, end) (touching ends do not)."""
    skip = list(exclude)
    marks = ", ".join("?" * len(skip))
    extra = f" AND id NOT IN ({marks})" if skip else ""
    rows = conn.execute(
        _SELECT + " WHERE status != 'cancelled' AND starts_at < ? AND ends_at > ?" + extra
        + " ORDER BY starts_at, id", (stored_time(end), stored_time(start), *skip))
    return [_decode(row) for row in rows]


def in_range(conn: sqlite3.Connection, start: datetime | None, end: datetime | None,
             *, include_cancelled: bool = True) -> list[dict[str, Any]]:
    """Events that start in [start, end), in time order (None: no bound)."""
    clauses, params = [], []
    if start is not None:
        clauses.append("starts_at >= ?")
        params.append(stored_time(start))
    if end is not None:
        clauses.append("starts_at < ?")
        params.append(stored_time(end))
    if not include_cancelled:
        clauses.append("status != 'cancelled'")
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    return [_decode(row) for row in conn.execute(_SELECT + where + " ORDER BY starts_at, id",
                                                 params)]


def in_series(conn: sqlite3.Connection, series_id: int, from_start: datetime) -> list[dict[str, Any]]:
    """The series' events starting at or after `from_start`, in time order."""
    rows = conn.execute(_SELECT + " WHERE series_id = ? AND starts_at >= ? ORDER BY starts_at, id",
                        (series_id, stored_time(from_start)))
    return [_decode(row) for row in rows]


def counts(conn: sqlite3.Connection, event_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """Registrations per state for each event (every state present, zeros included)."""
    out = {event_id: dict.fromkeys(STATE_NAMES, 0) for event_id in event_ids}
    ids = list(event_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        rows = conn.execute(
            f"SELECT event_id, state, count(*) FROM registrations"
            f" WHERE event_id IN ({', '.join('?' * len(chunk))}) GROUP BY event_id, state", chunk)
        for event_id, state, number in rows:
            out[event_id][state] = number
    return out


def uid_domain(conn: sqlite3.Connection) -> str:
    row = conn.execute("SELECT value FROM calendar_meta WHERE key = 'uid_domain'").fetchone()
    return row[0] if row else "branchdesk"
