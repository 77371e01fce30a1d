"""Members whose personal data was erased (services/erasure.py, 个人信息保护法 §47).

An erased member stays as an anonymous row, so the week's figures and the records the law
keeps (complaints, suitability overrides) still count them; but nobody should find, invite,
register, export or call them again. The erasure's own audit row (ERASE_ACTION) is what marks
them: the trail cannot lose it, so no column can drift from it.
"""

from __future__ import annotations

import sqlite3
from typing import Any

ERASE_ACTION = "member.erase"


def any_erased(conn: sqlite3.Connection) -> bool:
    """Whether any member was ever erased (the audit log's action index: microseconds)."""
    return conn.execute("SELECT 1 FROM audit_log WHERE action = ? LIMIT 1",
                        (ERASE_ACTION,)).fetchone() is not None


def not_erased(conn: sqlite3.Connection, alias: str = "members") -> tuple[str, list[Any]]:
    """An SQL condition keeping erased members out, with its parameters; ("", []) while no
    member was ever erased, so listings of a branch without erasures pay nothing."""
    if not any_erased(conn):
        return "", []
    return (f"{alias}.id NOT IN (SELECT CAST(entity_id AS INTEGER) FROM audit_log"
            " WHERE action = ?)", [ERASE_ACTION])


def is_erased(conn: sqlite3.Connection, member_id: int) -> bool:
    return erased_at(conn, member_id) is not None


def erased_at(conn: sqlite3.Connection, member_id: int) -> str | None:
    """When the member was erased (the stored UTC moment of the erasure's audit row), or None."""
    row = conn.execute("SELECT at FROM audit_log WHERE action = ? AND entity = 'member'"
                       " AND entity_id = ? ORDER BY id LIMIT 1",
                       (ERASE_ACTION, str(member_id))).fetchone()
    return row[0] if row else None
