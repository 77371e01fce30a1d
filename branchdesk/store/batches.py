"""SQL for import batches and the per-member changes that make an import undoable."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from branchdesk.store.members import now_text


def record(conn: sqlite3.Connection, *, file_name: str, sha256: str, sheet: str, operator: str,
           counts: dict[str, Any], created_ids: list[int],
           updated_before: list[dict[str, Any]]) -> int:
    cursor = conn.execute(
        "INSERT INTO import_batches (file_name, sha256, sheet, operator, imported_at, created,"
        " updated, unchanged, merged, invalid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (file_name, sha256, sheet, operator, now_text(), counts["created"], counts["updated"],
         counts["unchanged"], counts["merged"], counts["invalid"]),
    )
    batch_id = int(cursor.lastrowid)
    conn.executemany(
        "INSERT INTO import_changes (batch_id, member_id, kind, before) VALUES (?, ?, 'created', NULL)",
        ((batch_id, member_id) for member_id in created_ids),
    )
    conn.executemany(
        "INSERT INTO import_changes (batch_id, member_id, kind, before) VALUES (?, ?, 'updated', ?)",
        ((batch_id, row["id"], json.dumps(row, ensure_ascii=False)) for row in updated_before),
    )
    return batch_id


_COLUMNS = ("id", "file_name", "sha256", "sheet", "operator", "imported_at", "created", "updated",
            "unchanged", "merged", "invalid", "undone_at")


def get(conn: sqlite3.Connection, batch_id: int) -> dict[str, Any] | None:
    row = conn.execute(
        f"SELECT {', '.join(_COLUMNS)} FROM import_batches WHERE id = ?", (batch_id,)
    ).fetchone()
    return dict(zip(_COLUMNS, row, strict=True)) if row else None


def recent(conn: sqlite3.Connection, limit: int) -> list[dict[str, Any]]:
    rows = conn.execute(
        f"SELECT {', '.join(_COLUMNS)} FROM import_batches ORDER BY id DESC LIMIT ?", (limit,)
    )
    return [dict(zip(_COLUMNS, row, strict=True)) for row in rows]


def later_overlapping(conn: sqlite3.Connection, batch_id: int) -> list[int]:
    """Later batches, still in force, that changed a member this batch changed."""
    rows = conn.execute(
        "SELECT DISTINCT later.batch_id FROM import_changes AS mine"
        " JOIN import_changes AS later ON later.member_id = mine.member_id"
        " JOIN import_batches AS b ON b.id = later.batch_id"
        " WHERE mine.batch_id = ? AND later.batch_id > ? AND b.undone_at IS NULL"
        " ORDER BY later.batch_id",
        (batch_id, batch_id),
    )
    return [row[0] for row in rows]


def changes(conn: sqlite3.Connection, batch_id: int) -> tuple[list[int], list[dict[str, Any]]]:
    """(ids the batch created, rows as they were before the batch updated them)."""
    created: list[int] = []
    before: list[dict[str, Any]] = []
    for member_id, kind, snapshot in conn.execute(
        "SELECT member_id, kind, before FROM import_changes WHERE batch_id = ?", (batch_id,)
    ):
        if kind == "created":
            created.append(member_id)
        else:
            before.append(json.loads(snapshot))
    return created, before


def mark_undone(conn: sqlite3.Connection, batch_id: int) -> None:
    conn.execute("UPDATE import_batches SET undone_at = ? WHERE id = ?", (now_text(), batch_id))
