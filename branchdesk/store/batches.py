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
        "INSERT INTO import_created (batch_id, first_id, last_id) VALUES (?, ?, ?)",
        ((batch_id, first, last) for first, last in _runs(created_ids)),
    )
    conn.executemany(
        "INSERT INTO import_changes (batch_id, member_id, before) VALUES (?, ?, ?)",
        ((batch_id, row["id"], json.dumps(row, ensure_ascii=False)) for row in updated_before),
    )
    return batch_id


def _runs(ids: list[int]) -> list[tuple[int, int]]:
    """[1, 2, 3, 7, 8] → [(1, 3), (7, 8)]."""
    runs: list[tuple[int, int]] = []
    for member_id in sorted(ids):
        if runs and runs[-1][1] == member_id - 1:
            runs[-1] = (runs[-1][0], member_id)
        else:
            runs.append((member_id, member_id))
    return runs


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
    """Later batches, still in force, that updated a member this batch created or updated
    (a later batch never creates a member that already exists)."""
    rows = conn.execute(
        "SELECT DISTINCT later.batch_id FROM import_changes AS later"
        " JOIN import_batches AS b ON b.id = later.batch_id"
        " WHERE later.batch_id > :batch AND b.undone_at IS NULL AND ("
        "   later.member_id IN (SELECT member_id FROM import_changes WHERE batch_id = :batch)"
        "   OR EXISTS (SELECT 1 FROM import_created AS c WHERE c.batch_id = :batch"
        "              AND later.member_id BETWEEN c.first_id AND c.last_id))"
        " ORDER BY later.batch_id",
        {"batch": batch_id},
    )
    return [row[0] for row in rows]


def changes(conn: sqlite3.Connection, batch_id: int) -> tuple[list[int], list[dict[str, Any]]]:
    """(ids the batch created, rows as they were before the batch updated them)."""
    created = [member_id
               for first, last in conn.execute(
                   "SELECT first_id, last_id FROM import_created WHERE batch_id = ?", (batch_id,))
               for member_id in range(first, last + 1)]
    before = [json.loads(snapshot) for (snapshot,) in conn.execute(
        "SELECT before FROM import_changes WHERE batch_id = ?", (batch_id,))]
    return created, before


def edited_since(conn: sqlite3.Connection, batch_id: int, member_ids: list[int]) -> int:
    """How many of these members were changed after the batch (e.g. edited in the app)."""
    imported_at = conn.execute("SELECT imported_at FROM import_batches WHERE id = ?",
                               (batch_id,)).fetchone()[0]
    count = 0
    for start in range(0, len(member_ids), 500):
        chunk = member_ids[start:start + 500]
        count += conn.execute(
            f"SELECT count(*) FROM members WHERE id IN ({', '.join('?' * len(chunk))})"
            " AND updated_at > ?", (*chunk, imported_at)).fetchone()[0]
    return count


def mark_undone(conn: sqlite3.Connection, batch_id: int) -> None:
    conn.execute("UPDATE import_batches SET undone_at = ? WHERE id = ?", (now_text(), batch_id))
