"""SQL for a branch's rule changes: its own rules, and edits or switch-offs of shipped ones."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from branchdesk.store.members import now_text

_SELECT = "SELECT rule_id, definition, disabled, updated_by, updated_at FROM rule_changes"


def _decode(row: tuple) -> dict[str, Any]:
    return {"rule_id": row[0], "definition": json.loads(row[1]) if row[1] else None,
            "disabled": bool(row[2]), "updated_by": row[3], "updated_at": row[4]}


def all_changes(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    return [_decode(row) for row in conn.execute(_SELECT + " ORDER BY rule_id")]


def get(conn: sqlite3.Connection, rule_id: str) -> dict[str, Any] | None:
    row = conn.execute(_SELECT + " WHERE rule_id = ?", (rule_id,)).fetchone()
    return _decode(row) if row else None


def put(conn: sqlite3.Connection, rule_id: str, *, definition: dict[str, Any] | None,
        disabled: bool, operator: str) -> None:
    conn.execute(
        "INSERT INTO rule_changes (rule_id, definition, disabled, updated_by, updated_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT(rule_id) DO UPDATE SET definition = excluded.definition,"
        " disabled = excluded.disabled, updated_by = excluded.updated_by,"
        " updated_at = excluded.updated_at",
        (rule_id, json.dumps(definition, ensure_ascii=False) if definition else None,
         int(disabled), operator, now_text()),
    )


def delete(conn: sqlite3.Connection, rule_id: str) -> None:
    conn.execute("DELETE FROM rule_changes WHERE rule_id = ?", (rule_id,))
