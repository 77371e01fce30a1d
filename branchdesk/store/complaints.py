"""SQL for complaints (投诉). Complaints are never deleted (a trigger refuses it)."""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import Any

from branchdesk.store import tables
from branchdesk.store.members import now_text

COLUMNS = ("id", "member_id", "channel", "category", "summary", "opened_at", "opened_on", "owner",
           "status", "first_response_due", "resolution_due", "assumed_years", "responded_at",
           "response", "resolution", "resolved_at", "created_by", "created_at", "updated_at")
_SELECT = ("SELECT " + ", ".join(f"c.{column}" for column in COLUMNS)
           + ", m.name, m.phone, m.advisor FROM complaints AS c JOIN members AS m ON m.id = c.member_id")
_KEYS = (*COLUMNS, "member_name", "member_phone", "member_advisor")


def overdue_sql(today: date) -> tuple[str, list[str]]:
    """SQL condition (and parameters): the complaint is late today — not answered after its
    first-response day, or not resolved after its resolution day."""
    day = today.isoformat()
    return ("(c.status != 'resolved' AND (c.resolution_due < ?"
            " OR (c.responded_at IS NULL AND c.first_response_due < ?)))", [day, day])


def insert(conn: sqlite3.Connection, values: dict[str, Any]) -> int:
    stamp = now_text()
    row = {**values, "created_at": stamp, "updated_at": stamp}
    return tables.insert(conn, "complaints", {c: row[c] for c in COLUMNS if c in row})


def update(conn: sqlite3.Connection, complaint_id: int, changes: dict[str, Any]) -> None:
    tables.update(conn, "complaints", complaint_id, {**changes, "updated_at": now_text()})


def get(conn: sqlite3.Connection, complaint_id: int, today: date) -> dict[str, Any] | None:
    late, params = overdue_sql(today)
    row = conn.execute(_SELECT.replace(" FROM complaints", f", {late} FROM complaints")
                       + " WHERE c.id = ?", [*params, complaint_id]).fetchone()
    return _row(row) if row else None


def _row(row: tuple) -> dict[str, Any]:
    data = dict(zip(_KEYS, row[:-1], strict=True))
    data["overdue"] = bool(row[-1])
    return data


def listing(conn: sqlite3.Connection, today: date, *, status: str | None = None,
            overdue_only: bool = False, open_only: bool = False, member_id: int | None = None,
            owner: str | None = None, limit: int = 5000) -> list[dict[str, Any]]:
    """Complaints, overdue ones first, then by the next deadline, then newest."""
    late, late_params = overdue_sql(today)
    clauses: list[str] = []
    params: list[Any] = []
    if status is not None:
        clauses.append("c.status = ?")
        params.append(status)
    if open_only:
        clauses.append("c.status != 'resolved'")
    if overdue_only:
        clauses.append(late)
        params.extend(late_params)
    if member_id is not None:
        clauses.append("c.member_id = ?")
        params.append(member_id)
    if owner is not None:
        clauses.append("c.owner = ?")
        params.append(owner)
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    next_due = ("CASE WHEN c.status = 'resolved' THEN '9999' WHEN c.responded_at IS NULL"
                " THEN min(c.first_response_due, c.resolution_due) ELSE c.resolution_due END")
    rows = conn.execute(
        _SELECT.replace(" FROM complaints", f", {late} FROM complaints") + where
        + f" ORDER BY {late} DESC, c.status = 'resolved', {next_due}, c.opened_at DESC, c.id DESC"
        " LIMIT ?", [*late_params, *params, *late_params, limit])
    return [_row(row) for row in rows]


def counts(conn: sqlite3.Connection, today: date) -> dict[str, int]:
    late, params = overdue_sql(today)
    row = conn.execute(
        f"SELECT count(*) FILTER (WHERE c.status != 'resolved'), count(*) FILTER (WHERE {late})"
        " FROM complaints AS c", params).fetchone()
    return {"open": row[0] or 0, "overdue": row[1] or 0}


def owner_names(conn: sqlite3.Connection) -> list[str]:
    """Who can own a complaint: active staff and the roster's advisors."""
    rows = conn.execute("SELECT name FROM staff WHERE active = 1 UNION"
                        " SELECT DISTINCT advisor FROM members WHERE advisor IS NOT NULL AND advisor != ''"
                        " ORDER BY 1")
    return [row[0] for row in rows]
