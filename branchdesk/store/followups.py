"""SQL for follow-ups (回访: a next-contact date and a reason on a member) and birthdays."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from typing import Any

from branchdesk.store import erased, tables
from branchdesk.store.members import now_text

COLUMNS = ("member_id", "due_on", "reason", "set_by", "set_at")
_MEMBER = ("name", "phone", "advisor", "account_no")


def get(conn: sqlite3.Connection, member_id: int) -> dict[str, Any] | None:
    """The member's follow-up, with their name, phone, advisor and account number."""
    row = conn.execute(
        f"SELECT {', '.join('f.' + c for c in COLUMNS)}, {', '.join('m.' + c for c in _MEMBER)}"
        " FROM follow_ups AS f JOIN members AS m ON m.id = f.member_id WHERE f.member_id = ?",
        (member_id,)).fetchone()
    return dict(zip((*COLUMNS, *_MEMBER), row, strict=True)) if row else None


def put(conn: sqlite3.Connection, member_id: int, due_on: date, reason: str, set_by: str) -> None:
    tables.upsert(conn, "follow_ups", {"member_id": member_id, "due_on": due_on.isoformat(),
                                       "reason": reason, "set_by": set_by, "set_at": now_text()},
                  pk="member_id")


def delete(conn: sqlite3.Connection, member_id: int) -> bool:
    return conn.execute("DELETE FROM follow_ups WHERE member_id = ?", (member_id,)).rowcount > 0


def due(conn: sqlite3.Connection, until: date, advisor: str | None = None,
        limit: int = 5000) -> list[dict[str, Any]]:
    """Follow-ups due on or before `until` (overdue ones first: oldest date first), with the
    member's name, phone, advisor and account number, grouped by advisor."""
    params: list[Any] = [until.isoformat()]
    clause = ""
    if advisor is not None:
        clause = " AND m.advisor = ?"
        params.append(advisor)
    gone, gone_params = erased.not_erased(conn, "m")  # nobody calls an erased member
    if gone:
        clause += f" AND {gone}"
        params.extend(gone_params)
    rows = conn.execute(
        f"SELECT {', '.join('f.' + c for c in COLUMNS)}, {', '.join('m.' + c for c in _MEMBER)}"
        " FROM follow_ups AS f JOIN members AS m ON m.id = f.member_id"
        f" WHERE f.due_on <= ?{clause}"
        " ORDER BY coalesce(m.advisor, '') = '', m.advisor, f.due_on, m.name, m.id LIMIT ?",
        [*params, limit])
    return [dict(zip((*COLUMNS, *_MEMBER), row, strict=True)) for row in rows]


def _month_days(first: date, days: int) -> list[str]:
    """'MM-DD' of each day first..first+days; 29 February stands in for 28 February in a
    year that has none (a leap-day birthday is celebrated on the 28th)."""
    out = []
    for offset in range(days + 1):
        day = first + timedelta(days=offset)
        out.append(day.strftime("%m-%d"))
        if day.month == 2 and day.day == 28:
            try:
                date(day.year, 2, 29)
            except ValueError:
                out.append("02-29")
    return out


def birthdays(conn: sqlite3.Connection, first: date, days: int,
              advisor: str | None = None) -> list[dict[str, Any]]:
    """Members whose birthday falls on first..first+days, soonest first."""
    wanted = _month_days(first, days)
    order = {md: index for index, md in enumerate(wanted)}
    params: list[Any] = list(wanted)
    clause = ""
    if advisor is not None:
        clause = " AND advisor = ?"
        params.append(advisor)
    rows = conn.execute(
        "SELECT id, name, phone, advisor, birthday FROM members"
        f" WHERE birthday IS NOT NULL AND substr(birthday, 6, 5) IN ({', '.join('?' * len(wanted))})"
        f"{clause}", params).fetchall()
    keys = ("id", "name", "phone", "advisor", "birthday")
    found = [dict(zip(keys, row, strict=True)) for row in rows]
    found.sort(key=lambda r: (order[r["birthday"][5:10]], r["name"], r["id"]))
    return found
