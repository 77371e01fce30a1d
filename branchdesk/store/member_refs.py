"""SQL for finding a member by what people type: an id, an account number, a mobile number."""

from __future__ import annotations

import sqlite3


def by_column(conn: sqlite3.Connection, column: str, value: object) -> list[tuple[int, str, str | None]]:
    """(id, name, phone) of the members whose `column` (account_no, phone or id) is `value`."""
    if column not in ("account_no", "phone", "id"):
        raise ValueError(column)
    return conn.execute(f"SELECT id, name, phone FROM members WHERE {column} = ? ORDER BY id",
                        (value,)).fetchall()


def exists(conn: sqlite3.Connection, member_id: int) -> bool:
    return conn.execute("SELECT 1 FROM members WHERE id = ?", (member_id,)).fetchone() is not None


def identity_maps(conn: sqlite3.Connection) -> tuple[dict[str, int], dict[str, list[tuple[int, str]]],
                                                    dict[int, str]]:
    """Every member by account number, and by mobile number (a family may share one), and the
    day of each member's last activity: what an import matches its rows against in one pass."""
    accounts: dict[str, int] = {}
    phones: dict[str, list[tuple[int, str]]] = {}
    last: dict[int, str] = {}
    for member_id, name, phone, account, last_activity in conn.execute(
            "SELECT id, name, phone, account_no, last_activity_on FROM members"):
        if account:
            accounts[account] = member_id
        if phone:
            phones.setdefault(phone, []).append((member_id, name))
        if last_activity:
            last[member_id] = last_activity
    return accounts, phones, last
