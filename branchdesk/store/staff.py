"""SQL for the staff table: the people who operate BranchDesk and their roles."""

from __future__ import annotations

import sqlite3
from typing import Any

from branchdesk import pinyin_sort
from branchdesk.store.members import now_text

_COLUMNS = ("id", "name", "role", "password_hash", "active", "created_at")


def get(conn: sqlite3.Connection, name: str) -> dict[str, Any] | None:
    row = conn.execute(f"SELECT {', '.join(_COLUMNS)} FROM staff WHERE name = ?", (name,)).fetchone()
    return dict(zip(_COLUMNS, row, strict=True)) if row else None


def all_staff(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    rows = conn.execute(f"SELECT {', '.join(_COLUMNS)} FROM staff")
    found = [dict(zip(_COLUMNS, row, strict=True)) for row in rows]
    return sorted(found, key=lambda person: (pinyin_sort.sort_key(person["name"]), person["name"]))


def insert(conn: sqlite3.Connection, name: str, role: str, password_hash: str | None) -> int:
    cursor = conn.execute(
        "INSERT INTO staff (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)",
        (name, role, password_hash, now_text()),
    )
    return int(cursor.lastrowid)


def update(conn: sqlite3.Connection, name: str, **values: Any) -> None:
    assignments = ", ".join(f"{column} = ?" for column in values)
    conn.execute(f"UPDATE staff SET {assignments} WHERE name = ?", (*values.values(), name))


def count_with_role(conn: sqlite3.Connection, role: str) -> int:
    return conn.execute("SELECT count(*) FROM staff WHERE role = ? AND active = 1", (role,)).fetchone()[0]


def count(conn: sqlite3.Connection) -> int:
    """Everyone on the list, active or not: a branch with any is set up."""
    return conn.execute("SELECT count(*) FROM staff").fetchone()[0]
