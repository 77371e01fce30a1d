"""SQL for the reactivation list: dormant members, highest value tier first, then by how long
they have been asleep (store/dormancy.py has the rule)."""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import Any

from branchdesk.store import dormancy, erased

KEYS = ("id", "name", "phone", "advisor", "account_no", "total_assets", "heard_on", "days_asleep",
        "follow_up_on")


def tier_rank(thresholds: tuple[float, float, float], alias: str = "m") -> str:
    """SQL: the value tier as a number (3 diamond … 0 basic, -1 unknown), from the same
    thresholds as models.value_tier_for."""
    silver, gold, diamond = (float(x) for x in thresholds)
    assets = f"{alias}.total_assets"
    return (f"CASE WHEN {assets} IS NULL THEN -1 WHEN {assets} >= {diamond!r} THEN 3"
            f" WHEN {assets} >= {gold!r} THEN 2 WHEN {assets} >= {silver!r} THEN 1 ELSE 0 END")


def _where(conn: sqlite3.Connection, today: date, days: int,
           advisor: str | None) -> tuple[str, list[Any]]:
    condition, params = dormancy.dormant(today, days, "m")
    gone, gone_params = erased.not_erased(conn, "m")  # nobody calls an erased member
    if gone:
        condition += f" AND {gone}"
        params = [*params, *gone_params]
    if advisor is not None:
        condition += " AND m.advisor = ?"
        params = [*params, advisor]
    return condition, params


def page(conn: sqlite3.Connection, today: date, days: int, thresholds: tuple[float, float, float],
         *, advisor: str | None = None, offset: int = 0, limit: int = 100,
         longest_first: bool = False) -> list[dict[str, Any]]:
    where, params = _where(conn, today, days, advisor)
    asleep, asleep_params = dormancy.days_asleep(today, "m")
    direction = "ASC" if longest_first else "DESC"
    rows = conn.execute(
        f"SELECT m.id, m.name, m.phone, m.advisor, m.account_no, m.total_assets,"
        f" {dormancy.heard_on('m')} AS heard, {asleep}, f.due_on"
        " FROM members AS m LEFT JOIN follow_ups AS f ON f.member_id = m.id"
        f" WHERE {where} ORDER BY {tier_rank(thresholds)} DESC, heard {direction}, m.id"
        " LIMIT ? OFFSET ?", [*asleep_params, *params, limit, offset])
    return [dict(zip(KEYS, row, strict=True)) for row in rows]


def count(conn: sqlite3.Connection, today: date, days: int, advisor: str | None = None) -> int:
    where, params = _where(conn, today, days, advisor)
    return conn.execute(f"SELECT count(*) FROM members AS m WHERE {where}", params).fetchone()[0]


def member_state(conn: sqlite3.Connection, member_id: int, today: date,
                 days: int) -> dict[str, Any] | None:
    """One member: the day last heard from, whether that came from an activity or the roster,
    days since, and whether they are dormant today."""
    dormant, dormant_params = dormancy.dormant(today, days, "m")
    asleep, asleep_params = dormancy.days_asleep(today, "m")
    row = conn.execute(
        f"SELECT {dormancy.heard_on('m')}, m.last_seen_on IS NULL, {asleep}, ({dormant})"
        " FROM members AS m WHERE m.id = ?", [*asleep_params, *dormant_params, member_id]).fetchone()
    if row is None:
        return None
    return {"heard_on": row[0], "joined_only": bool(row[1]), "days": row[2] or 0,
            "dormant": bool(row[3])}
