"""Questions about members other than a listing: the values in use for a filter, who holds a
number, who a script means by MEMBER, risk levels by community or by id."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

from branchdesk.store.members import JSON_LIST_COLUMNS


def distinct(conn: sqlite3.Connection, column: str) -> list[str]:
    """The values in use for a filter list (advisor, branch; or a JSON list column)."""
    if column in JSON_LIST_COLUMNS:
        sql = (f"SELECT DISTINCT j.value FROM members, json_each(members.{column}) AS j"
               " ORDER BY j.value")
    elif column in ("advisor", "branch"):
        sql = f"SELECT DISTINCT {column} FROM members WHERE {column} IS NOT NULL ORDER BY {column}"
    else:
        raise ValueError(column)
    return [row[0] for row in conn.execute(sql)]


def find_by_number(conn: sqlite3.Connection, numbers: Iterable[str]) -> set[str]:
    """Which of these digit strings are a member's phone or account number (privacy check)."""
    wanted = list(dict.fromkeys(numbers))
    found: set[str] = set()
    for start in range(0, len(wanted), 400):
        chunk = wanted[start:start + 400]
        marks = ", ".join("?" * len(chunk))
        sql = (f"SELECT phone FROM members WHERE phone IN ({marks})"
               f" UNION SELECT account_no FROM members WHERE account_no IN ({marks})")
        found.update(row[0] for row in conn.execute(sql, [*chunk, *chunk]))
    return found


def members_by_number(conn: sqlite3.Connection, numbers: Iterable[str]) -> dict[str, list[int]]:
    """Number → the ids of the members whose phone or account number it is (an account
    number in any case of its letters)."""
    out: dict[str, list[int]] = {}
    for number in dict.fromkeys(numbers):
        variants = list(dict.fromkeys((number, number.upper(), number.lower())))
        marks = ", ".join("?" * len(variants))
        out[number] = [row[0] for row in conn.execute(
            f"SELECT id FROM members WHERE phone = ? UNION"
            f" SELECT id FROM members WHERE account_no IN ({marks}) ORDER BY 1",
            (number, *variants))]
    return out


def all_numbers(conn: sqlite3.Connection) -> set[str]:
    """Every member's phone and account number (a bulk privacy check asks for thousands)."""
    rows = conn.execute(
        "SELECT phone FROM members WHERE phone IS NOT NULL"
        " UNION SELECT account_no FROM members WHERE account_no IS NOT NULL"
    )
    return {str(row[0]) for row in rows if row[0]}


def risk_counts(conn: sqlite3.Connection, community: str) -> dict[str, int]:
    """How many members of a community sit at each risk level (C1…C5; '' for unknown)."""
    rows = conn.execute(
        "SELECT coalesce(risk_level, ''), count(*) FROM members"
        " WHERE EXISTS (SELECT 1 FROM json_each(members.communities) WHERE value = ?)"
        " GROUP BY 1",
        (community,),
    )
    return dict(rows.fetchall())


def most_common(conn: sqlite3.Connection, column: str) -> str | None:
    if column not in ("branch", "advisor"):
        raise ValueError(column)
    row = conn.execute(f"SELECT {column} FROM members WHERE {column} IS NOT NULL"
                       f" GROUP BY {column} ORDER BY count(*) DESC LIMIT 1").fetchone()
    return row[0] if row else None


def ids_by_key(conn: sqlite3.Connection, text: str) -> list[int]:
    """Members named by what a script passes as MEMBER: an account number, else a mobile
    number (family members may share one: all of them), else a member id."""
    text = text.strip()
    found = [row[0] for row in conn.execute("SELECT id FROM members WHERE account_no = ?", (text,))]
    if not found and text.isdigit() and len(text) == 11:
        found = [row[0] for row in conn.execute(
            "SELECT id FROM members WHERE phone = ? ORDER BY id", (text,))]
    if not found and text.isdigit():
        found = [row[0] for row in conn.execute("SELECT id FROM members WHERE id = ?", (int(text),))]
    return found


def risk_levels(conn: sqlite3.Connection, member_ids: Sequence[int]) -> dict[int, str | None]:
    """Each member's risk level code (None when not on file)."""
    out: dict[int, str | None] = {}
    ids = list(member_ids)
    for start in range(0, len(ids), 900):
        chunk = ids[start:start + 900]
        out.update(conn.execute(
            f"SELECT id, risk_level FROM members WHERE id IN ({', '.join('?' * len(chunk))})",
            chunk).fetchall())
    return out
