"""SQL for a member's history beyond their own rows: the imports that created or changed them
and the community messages that named them."""

from __future__ import annotations

import sqlite3
from typing import Any


def imports_of(conn: sqlite3.Connection, member_id: int) -> list[dict[str, Any]]:
    """The roster imports that created (`created`) or updated (`updated`) this member."""
    rows = conn.execute(
        "SELECT b.id, b.file_name, b.sheet, b.operator, b.imported_at, b.undone_at, 'created'"
        " FROM import_created AS c JOIN import_batches AS b ON b.id = c.batch_id"
        " WHERE ? BETWEEN c.first_id AND c.last_id"
        " UNION ALL"
        " SELECT b.id, b.file_name, b.sheet, b.operator, b.imported_at, b.undone_at, 'updated'"
        " FROM import_changes AS ch JOIN import_batches AS b ON b.id = ch.batch_id"
        " WHERE ch.member_id = ?", (member_id, member_id))
    keys = ("batch_id", "file_name", "sheet", "operator", "imported_at", "undone_at", "how")
    return [dict(zip(keys, row, strict=True)) for row in rows]


def messages_naming(conn: sqlite3.Connection, words: list[str], limit: int = 50) -> list[dict[str, Any]]:
    """Community messages whose text holds any of `words` (the member's name, account number,
    mobile number), newest first; the latest version of each is enough."""
    words = [w for w in words if w]
    if not words:
        return []
    condition = " OR ".join("instr(text, ?) > 0" for _ in words)
    rows = conn.execute(
        "SELECT id, author, community, text, status, created_at, sent_at FROM messages"
        f" WHERE status != 'superseded' AND ({condition}) ORDER BY id DESC LIMIT ?", [*words, limit])
    keys = ("id", "author", "community", "text", "status", "created_at", "sent_at")
    return [dict(zip(keys, row, strict=True)) for row in rows]
