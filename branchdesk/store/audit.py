"""The audit log: one row per user action, chained by SHA-256 so an edit or a deletion
anywhere in the chain is detectable."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64


def _canonical(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def link_hash(
    prev_hash: str, at: str, operator: str, action: str, entity: str,
    entity_id: str | None, before: str | None, after: str | None,
) -> str:
    fields = [prev_hash, at, operator, action, entity, entity_id, before, after]
    payload = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def append(
    conn: sqlite3.Connection, *, operator: str, action: str, entity: str,
    entity_id: str | int | None = None, before: Any = None, after: Any = None,
) -> int:
    """Add one row at the head of the chain; call inside the action's transaction."""
    if not conn.in_transaction:
        raise RuntimeError("audit rows are written inside the action's transaction")
    row = conn.execute("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    prev_hash = row[0] if row else GENESIS
    at = datetime.now(UTC).isoformat(timespec="microseconds")
    entity_key = None if entity_id is None else str(entity_id)
    before_json, after_json = _canonical(before), _canonical(after)
    digest = link_hash(prev_hash, at, operator, action, entity, entity_key, before_json, after_json)
    cursor = conn.execute(
        "INSERT INTO audit_log (at, operator, action, entity, entity_id, before, after,"
        " prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (at, operator, action, entity, entity_key, before_json, after_json, prev_hash, digest),
    )
    return int(cursor.lastrowid)


@dataclass
class ChainReport:
    verified: int
    head: str
    broken_at: int | None = None  # id of the first row that does not fit the chain
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify(conn: sqlite3.Connection) -> ChainReport:
    """Walk the whole chain; report the first row whose link or content does not match."""
    prev_hash, count = GENESIS, 0
    cursor = conn.execute(
        "SELECT id, at, operator, action, entity, entity_id, before, after, prev_hash, hash"
        " FROM audit_log ORDER BY id"
    )
    for row_id, at, operator, action, entity, entity_id, before, after, stored_prev, stored in cursor:
        if stored_prev != prev_hash:
            return ChainReport(count, prev_hash, row_id, "prev_hash")
        if link_hash(prev_hash, at, operator, action, entity, entity_id, before, after) != stored:
            return ChainReport(count, prev_hash, row_id, "hash")
        prev_hash, count = stored, count + 1
    return ChainReport(count, prev_hash)


def entries_for(conn: sqlite3.Connection, entity: str, entity_id: str | int, limit: int = 200) -> list[dict]:
    """The newest audit rows about one thing, for its history view."""
    cursor = conn.execute(
        "SELECT id, at, operator, action, before, after FROM audit_log"
        " WHERE entity = ? AND entity_id = ? ORDER BY id DESC LIMIT ?",
        (entity, str(entity_id), limit),
    )
    keys = ("id", "at", "operator", "action", "before", "after")
    return [dict(zip(keys, row, strict=True)) for row in cursor]
