"""SQL for communities: the registry (name, advisor, since when), every name each has had, and
what the members' lists and the messages say about them.

Membership itself stays where it always was, in each member's `communities` list; a name
there that the registry does not know yet (an import brought it) is a community all the same.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import Any

from branchdesk.store import tables
from branchdesk.store.members import now_text, to_db

COLUMNS = ("id", "name", "advisor", "created_at")
RISK_LEVELS = ("C1", "C2", "C3", "C4", "C5")


def registered(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    rows = conn.execute(f"SELECT {', '.join(COLUMNS)} FROM communities ORDER BY id")
    return [dict(zip(COLUMNS, row, strict=True)) for row in rows]


def aliases(conn: sqlite3.Connection) -> dict[str, int]:
    """Every name a registered community has had → its id."""
    return dict(conn.execute("SELECT name, community_id FROM community_names"))


def get(conn: sqlite3.Connection, community_id: int) -> dict[str, Any] | None:
    row = conn.execute(f"SELECT {', '.join(COLUMNS)} FROM communities WHERE id = ?",
                       (community_id,)).fetchone()
    return dict(zip(COLUMNS, row, strict=True)) if row else None


def member_stats(conn: sqlite3.Connection) -> dict[str, dict[str, Any]]:
    """Per name in members' lists: how many members, how many at each risk level ('' for
    unknown) and the advisor most of them have. One pass over the members."""
    stats: dict[str, dict[str, Any]] = {}
    rows = conn.execute(
        "SELECT j.value, coalesce(m.risk_level, ''), count(*) FROM members AS m,"
        " json_each(m.communities) AS j GROUP BY j.value, m.risk_level")
    for name, risk, count in rows:
        entry = stats.setdefault(name, {"members": 0, "risk": {}, "main_advisor": None})
        entry["members"] += count
        entry["risk"][risk] = entry["risk"].get(risk, 0) + count
    rows = conn.execute(
        "WITH advisors AS (SELECT j.value AS name, m.advisor AS advisor, count(*) AS n"
        "  FROM members AS m, json_each(m.communities) AS j WHERE m.advisor IS NOT NULL"
        "  GROUP BY j.value, m.advisor)"
        " SELECT name, advisor FROM (SELECT name, advisor, row_number() OVER"
        "  (PARTITION BY name ORDER BY n DESC, advisor) AS place FROM advisors) WHERE place = 1")
    for name, advisor in rows:
        if name in stats:
            stats[name]["main_advisor"] = advisor
    return stats


def message_counts(conn: sqlite3.Connection) -> dict[str, dict[str, int]]:
    """Per community name a message was written for: how many in each status (the versions
    a later one replaced are left out)."""
    counts: dict[str, dict[str, int]] = {}
    rows = conn.execute("SELECT community, status, count(*) FROM messages"
                        " WHERE community IS NOT NULL AND status != 'superseded'"
                        " GROUP BY community, status")
    for name, status, count in rows:
        counts.setdefault(name, {})[status] = count
    return counts


def recent_messages(conn: sqlite3.Connection, names: Iterable[str],
                    limit: int = 5) -> list[dict[str, Any]]:
    """The newest messages written for any of these names (a community and its former names)."""
    names = list(names)
    if not names:
        return []
    marks = ", ".join("?" * len(names))
    columns = ("id", "community", "status", "verdict", "text", "created_at", "sent_at")
    rows = conn.execute(
        f"SELECT {', '.join(columns)} FROM messages WHERE community IN ({marks})"
        " AND status != 'superseded' ORDER BY coalesce(sent_at, submitted_at, created_at) DESC,"
        " id DESC LIMIT ?", (*names, limit))
    return [dict(zip(columns, row, strict=True)) for row in rows]


def insert(conn: sqlite3.Connection, name: str, advisor: str | None) -> int:
    community_id = tables.insert(conn, "communities",
                                 {"name": name, "advisor": advisor, "created_at": now_text()})
    add_alias(conn, name, community_id)
    return community_id


def add_alias(conn: sqlite3.Connection, name: str, community_id: int) -> None:
    tables.upsert(conn, "community_names", {"name": name, "community_id": community_id}, pk="name")


def rename(conn: sqlite3.Connection, community_id: int, name: str) -> None:
    tables.update(conn, "communities", community_id, {"name": name})
    add_alias(conn, name, community_id)


def set_advisor(conn: sqlite3.Connection, community_id: int, advisor: str | None) -> None:
    tables.update(conn, "communities", community_id, {"advisor": advisor})


def merge_into(conn: sqlite3.Connection, source_id: int, target_id: int) -> None:
    """The source's names become the target's; the source's row goes."""
    conn.execute("UPDATE community_names SET community_id = ? WHERE community_id = ?",
                 (target_id, source_id))
    conn.execute("DELETE FROM communities WHERE id = ?", (source_id,))


def member_lists(conn: sqlite3.Connection, name: str) -> list[tuple[int, list[str]]]:
    """(member id, their communities) of every member in the community `name`."""
    rows = conn.execute(
        "SELECT id, communities FROM members WHERE EXISTS"
        " (SELECT 1 FROM json_each(members.communities) WHERE value = ?) ORDER BY id", (name,))
    return [(member_id, json.loads(stored)) for member_id, stored in rows]


def set_member_lists(conn: sqlite3.Connection, lists: list[tuple[int, list[str]]]) -> None:
    stamp = now_text()
    conn.executemany("UPDATE members SET communities = ?, updated_at = ? WHERE id = ?",
                     ((to_db({"communities": names})["communities"], stamp, member_id)
                      for member_id, names in lists))
