"""SQL for finding a member by what people type: an id, an account number, a mobile number."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable


def by_column(conn: sqlite3.Connection, column: str, value: object) -> list[tuple[int, str, str | None]]:
    """(id, name, phone) of the members whose `column` (account_no, phone or id) is `value`."""
    if column not in ("account_no", "phone", "id"):
        raise ValueError(column)
    return conn.execute(f"SELECT id, name, phone FROM members WHERE {column} = ? ORDER BY id",
                        (value,)).fetchall()


def exists(conn: sqlite3.Connection, member_id: int) -> bool:
    return conn.execute("SELECT 1 FROM members WHERE id = ?", (member_id,)).fetchone() is not None


def identity_maps(conn: sqlite3.Connection, accounts: Iterable[str], phones: Iterable[str]
                  ) -> tuple[dict[str, int], dict[str, list[tuple[int, str]]], dict[int, str]]:
    """The members with these account numbers, and with these mobile numbers (a family may
    share one), and the day of each one's last activity: what an import matches its rows
    against, looked up through the indexes in two statements."""
    by_account: dict[str, int] = {}
    by_phone: dict[str, list[tuple[int, str]]] = {}
    last: dict[int, str] = {}
    for account, member_id, last_activity in conn.execute(
            "SELECT account_no, id, last_activity_on FROM members"
            " WHERE account_no IN (SELECT value FROM json_each(?))", (json.dumps(list(accounts)),)):
        by_account[account] = member_id
        if last_activity:
            last[member_id] = last_activity
    for phone, member_id, name, last_activity in conn.execute(
            "SELECT phone, id, name, last_activity_on FROM members"
            " WHERE phone IN (SELECT value FROM json_each(?)) ORDER BY id", (json.dumps(list(phones)),)):
        by_phone.setdefault(phone, []).append((member_id, name))
        if last_activity:
            last[member_id] = last_activity
    return by_account, by_phone, last
