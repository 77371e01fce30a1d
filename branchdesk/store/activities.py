"""SQL for activities (contacts, group replies, attendances) and their import batches.

Writing activities keeps two derived values right, for the members touched only:
- `members.last_activity_on`, the day of the member's latest activity (the roster's
  `last_seen_on` is the later of it and the imported last-active date);
- each activity's `gap_days`, the days since the member was last heard from before it
  (store/dormancy.py says when that makes it a reactivation).
Neither changes `members.updated_at`: an activity is not an edit of the member.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from operator import itemgetter
from typing import Any, NamedTuple

from branchdesk.store import dormancy
from branchdesk.store.members import now_text

COLUMNS = ("id", "member_id", "kind", "channel", "at", "on_date", "staff", "note", "gap_days",
           "batch_id", "source", "created_at")
_INSERT_COLUMNS = ("member_id", "kind", "channel", "at", "on_date", "staff", "note", "batch_id",
                   "source", "created_at")


class NewActivity(NamedTuple):
    """One activity to write (kind and channel as codes; `at` UTC ISO; `on_date` local ISO).
    A tuple: an import makes 100,000 of them and hands them to SQLite as they are."""

    member_id: int
    kind: str
    channel: str
    at: str
    on_date: str
    staff: str
    note: str | None = None
    source: str | None = None


def _getter(*names: str) -> itemgetter:
    return itemgetter(*(NewActivity._fields.index(name) for name in names))


# What makes two activities the same one (an import leaves out what is logged already), and
# the order an import writes in (the member index's, page after page).
SAME = _getter("member_id", "at", "kind", "note")
ORDER = _getter("member_id", "at")


def insert(conn: sqlite3.Connection, activity: NewActivity, batch_id: int | None = None) -> int:
    """Write one activity and bring its member's derived values up to date."""
    cursor = conn.execute(
        f"INSERT INTO activities ({', '.join(_INSERT_COLUMNS)}) VALUES ({', '.join('?' * 10)})",
        (activity.member_id, activity.kind, activity.channel, activity.at, activity.on_date,
         activity.staff, activity.note, batch_id, activity.source, now_text()))
    refresh(conn, {activity.member_id: activity.at})
    return int(cursor.lastrowid)


def insert_many(conn: sqlite3.Connection, activities: Sequence[NewActivity],
                batch_id: int | None) -> int:
    """Write many activities (an import) with their gap days computed on the way in, then the
    members' last activity day; members whose earlier activities lie among the new ones (a
    back-dated history) are refreshed from the first new one."""
    if not activities:
        return 0
    ordered = sorted(activities, key=ORDER)  # index pages in order
    # Each row with the day of the member's activity before it when that is a new one too
    # (the row before in this order): what a window over the rows would find, without
    # sorting them all again inside SQLite.
    rows: list[tuple] = []
    firsts: dict[int, int] = {}  # member → seq of their first new row
    before = None
    for seq, a in enumerate(ordered, start=1):
        same = before is not None and before.member_id == a.member_id
        rows.append((seq, *a, before.on_date if same else None))
        if not same:
            firsts[a.member_id] = seq
        before = a
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS incoming_rows (seq INTEGER PRIMARY KEY,"
                 " member_id INTEGER, kind TEXT, channel TEXT, at TEXT, on_date TEXT, staff TEXT,"
                 " note TEXT, source TEXT, prev TEXT)")
    conn.execute("DELETE FROM temp.incoming_rows")
    conn.executemany(f"INSERT INTO temp.incoming_rows (seq, {', '.join(NewActivity._fields)}, prev)"
                     f" VALUES ({', '.join('?' * (len(NewActivity._fields) + 2))})", rows)
    del rows
    _touched(conn, {member_id: ordered[seq - 1].at for member_id, seq in firsts.items()})
    # Members with activities at or after their first new one: gaps need the whole sequence.
    interleaved = {row[0]: row[1] for row in conn.execute(
        "SELECT t.member_id, t.since FROM temp.touched AS t WHERE EXISTS (SELECT 1 FROM activities"
        " AS a WHERE a.member_id = t.member_id AND a.at >= t.since)")}
    # A member's first new row follows their latest activity: the day of it is their last
    # activity day (members.last_activity_on, not yet updated) — unless older activities
    # interleave with the new ones; then their latest one before it, from the index ('' for
    # none, which the gap rule reads as no activity).
    conn.executemany(
        "UPDATE temp.incoming_rows AS i SET prev = coalesce((SELECT p.on_date FROM activities AS p"
        " WHERE p.member_id = i.member_id AND p.at < i.at ORDER BY p.at DESC, p.id DESC LIMIT 1),"
        " '') WHERE i.seq = ?", ((firsts[member_id],) for member_id in interleaved))
    gap = dormancy.gap_sql("i.on_date", "coalesce(i.prev, m.last_activity_on)", "m.last_active_on",
                           dormancy.joined_on("m"))
    conn.execute(
        f"""
        INSERT INTO activities ({', '.join(_INSERT_COLUMNS)}, gap_days)
        SELECT i.member_id, i.kind, i.channel, i.at, i.on_date, i.staff, i.note, ?, i.source, ?,
               {gap}
        FROM temp.incoming_rows AS i CROSS JOIN members AS m ON m.id = i.member_id
        ORDER BY i.seq
        """, (batch_id, now_text()))
    conn.execute(
        "UPDATE members SET last_activity_on = t.last FROM (SELECT member_id, max(on_date) AS last"
        " FROM temp.incoming_rows GROUP BY member_id) AS t"
        " WHERE members.id = t.member_id AND t.last > coalesce(members.last_activity_on, '')")
    conn.execute("DELETE FROM temp.incoming_rows")
    # Their last activity day is right already (the UPDATE above): only their gaps follow.
    refresh(conn, interleaved, last_day=False)
    return len(activities)


BULK_CACHE_KIB = 256 * 1024


@contextmanager
def bulk_settings(conn: sqlite3.Connection) -> Iterator[None]:
    """Around an import, outside its transaction: a page cache that holds the indexes it
    touches (SQLite's default is 2 MB; 2,000,000 activities index to ~150 MB). Scratch
    tables are in memory already (store/database.py)."""
    cache = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {int(cache)}")


def _touched(conn: sqlite3.Connection, since: Mapping[int, str]) -> None:
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS touched (member_id INTEGER PRIMARY KEY, since TEXT)")
    conn.execute("DELETE FROM temp.touched")
    conn.executemany("INSERT INTO temp.touched VALUES (?, ?)", since.items())


def refresh(conn: sqlite3.Connection, since: Mapping[int, str], *, last_day: bool = True) -> None:
    """After activities of these members changed from the given moment on (UTC ISO): their
    gap_days from that moment, and (unless the caller set it already) their last activity
    day."""
    if not since:
        return
    _touched(conn, since)
    gap = dormancy.gap_sql("seq.on_date", "seq.prev", "m.last_active_on", dormancy.joined_on("m"))
    conn.execute(
        f"""
        WITH bounds AS (
            SELECT t.member_id, t.since,
                   coalesce((SELECT max(p.at) FROM activities AS p
                             WHERE p.member_id = t.member_id AND p.at < t.since), t.since) AS start
            FROM temp.touched AS t),
        seq AS (
            SELECT a.id, a.at, a.on_date, b.since,
                   lag(a.on_date) OVER (PARTITION BY a.member_id ORDER BY a.at, a.id) AS prev
            FROM bounds AS b CROSS JOIN activities AS a  -- the few touched members drive the join
            WHERE a.member_id = b.member_id AND a.at >= b.start)
        UPDATE activities SET gap_days = {gap}
        FROM seq, members AS m
        WHERE activities.id = seq.id AND m.id = activities.member_id AND seq.at >= seq.since
          AND activities.gap_days IS NOT ({gap})  -- rewrite only the rows whose gap changed
        """)
    if last_day:
        conn.execute(
            "UPDATE members SET last_activity_on = (SELECT a.on_date FROM activities AS a"
            " WHERE a.member_id = members.id ORDER BY a.at DESC, a.id DESC LIMIT 1)"
            " WHERE id IN (SELECT member_id FROM temp.touched)")
    conn.execute("DELETE FROM temp.touched")


def restore_last_activity(conn: sqlite3.Connection, member_ids: Iterable[int]) -> None:
    """Put back the last activity day of members whose rows were re-inserted from a snapshot
    (undoing a roster import): the snapshot predates their activities."""
    _touched(conn, {member_id: "" for member_id in member_ids})
    conn.execute(
        "UPDATE members SET last_activity_on = (SELECT a.on_date FROM activities AS a"
        " WHERE a.member_id = members.id ORDER BY a.at DESC, a.id DESC LIMIT 1)"
        " WHERE id IN (SELECT member_id FROM temp.touched)"
        " AND EXISTS (SELECT 1 FROM activities AS a WHERE a.member_id = members.id)")
    conn.execute("DELETE FROM temp.touched")


def _rows(cursor: sqlite3.Cursor, extra: Sequence[str] = ()) -> list[dict[str, Any]]:
    keys = (*COLUMNS, *extra)
    return [dict(zip(keys, row, strict=True)) for row in cursor]


_SELECT = "SELECT " + ", ".join(f"a.{c}" for c in COLUMNS)


def get(conn: sqlite3.Connection, activity_id: int) -> dict[str, Any] | None:
    found = _rows(conn.execute(_SELECT + " FROM activities AS a WHERE a.id = ?", (activity_id,)))
    return found[0] if found else None


def for_member(conn: sqlite3.Connection, member_id: int, limit: int = 500) -> list[dict[str, Any]]:
    """The member's activities, newest first."""
    return _rows(conn.execute(
        _SELECT + " FROM activities AS a WHERE a.member_id = ? ORDER BY a.at DESC, a.id DESC LIMIT ?",
        (member_id, limit)))


def between(conn: sqlite3.Connection, *, member_id: int | None, first: date | None,
            last: date | None, limit: int) -> list[dict[str, Any]]:
    """Activities (with the member's name) on the days `first`..`last`, newest first."""
    clauses, params = [], []
    if member_id is not None:
        clauses.append("a.member_id = ?")
        params.append(member_id)
    if first is not None:
        clauses.append("a.on_date >= ?")
        params.append(first.isoformat())
    if last is not None:
        clauses.append("a.on_date <= ?")
        params.append(last.isoformat())
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    return _rows(conn.execute(
        _SELECT + ", m.name FROM activities AS a JOIN members AS m ON m.id = a.member_id" + where
        + " ORDER BY a.at DESC, a.id DESC LIMIT ?", [*params, limit]), ("name",))


def reactivated_in(conn: sqlite3.Connection, first: date, last: date, days: int,
                   advisor: str | None = None) -> list[dict[str, Any]]:
    """Members reactivated on the days first..last: id, name, advisor, the day and kind of
    the activity that woke them, and how long they had been asleep."""
    woke, woke_params = dormancy.woke(days, "a")
    params: list[Any] = [first.isoformat(), last.isoformat(), *woke_params]
    advisor_clause = ""
    if advisor is not None:
        advisor_clause = " AND m.advisor = ?"
        params.append(advisor)
    rows = conn.execute(
        "SELECT m.id, m.name, m.phone, m.advisor, min(a.on_date), a.kind, a.gap_days"
        " FROM activities AS a JOIN members AS m ON m.id = a.member_id"
        f" WHERE a.on_date BETWEEN ? AND ? AND {woke}{advisor_clause}"
        " GROUP BY m.id ORDER BY min(a.on_date), m.id", params)
    keys = ("id", "name", "phone", "advisor", "on_date", "kind", "gap_days")
    return [dict(zip(keys, row, strict=True)) for row in rows]


def existing(conn: sqlite3.Connection, candidates: Sequence[NewActivity]) -> set[tuple]:
    """Which of these are already logged (same member, moment, kind and note)."""
    if not candidates:
        return set()
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS incoming"
                 " (member_id INTEGER, at TEXT, kind TEXT, note TEXT)")
    conn.execute("DELETE FROM temp.incoming")
    conn.executemany("INSERT INTO temp.incoming VALUES (?, ?, ?, ?)", map(SAME, candidates))
    found = {tuple(row) for row in conn.execute(
        "SELECT i.member_id, i.at, i.kind, i.note FROM temp.incoming AS i"
        " WHERE EXISTS (SELECT 1 FROM activities AS a WHERE a.member_id = i.member_id"
        " AND a.at = i.at AND a.kind = i.kind AND a.note IS i.note)")}
    conn.execute("DELETE FROM temp.incoming")
    return found


# --- import batches -----------------------------------------------------------------------------

BATCH_COLUMNS = ("id", "file_name", "sha256", "sheet", "operator", "imported_at", "added",
                 "skipped", "invalid", "undone_at")


def record_batch(conn: sqlite3.Connection, *, file_name: str, sha256: str, sheet: str,
                 operator: str, added: int, skipped: int, invalid: int) -> int:
    cursor = conn.execute(
        "INSERT INTO activity_batches (file_name, sha256, sheet, operator, imported_at, added,"
        " skipped, invalid) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (file_name, sha256, sheet, operator, now_text(), added, skipped, invalid))
    return int(cursor.lastrowid)


def get_batch(conn: sqlite3.Connection, batch_id: int) -> dict[str, Any] | None:
    row = conn.execute(f"SELECT {', '.join(BATCH_COLUMNS)} FROM activity_batches WHERE id = ?",
                       (batch_id,)).fetchone()
    return dict(zip(BATCH_COLUMNS, row, strict=True)) if row else None


def first_batch_of(conn: sqlite3.Connection, sha256: str) -> dict[str, Any] | None:
    """The earliest import of a file (by its bytes) whose activities are still there."""
    row = conn.execute(f"SELECT {', '.join(BATCH_COLUMNS)} FROM activity_batches WHERE sha256 = ?"
                       " AND undone_at IS NULL AND added > 0 ORDER BY id LIMIT 1",
                       (sha256,)).fetchone()
    return dict(zip(BATCH_COLUMNS, row, strict=True)) if row else None


def recent_batches(conn: sqlite3.Connection, limit: int = 50) -> list[dict[str, Any]]:
    rows = conn.execute(f"SELECT {', '.join(BATCH_COLUMNS)} FROM activity_batches"
                        " ORDER BY id DESC LIMIT ?", (limit,))
    return [dict(zip(BATCH_COLUMNS, row, strict=True)) for row in rows]


def delete_batch(conn: sqlite3.Connection, batch_id: int) -> int:
    """Remove the batch's activities and refresh the members they belonged to; the count."""
    since = dict(conn.execute("SELECT member_id, min(at) FROM activities WHERE batch_id = ?"
                              " GROUP BY member_id", (batch_id,)).fetchall())
    removed = conn.execute("DELETE FROM activities WHERE batch_id = ?", (batch_id,)).rowcount
    refresh(conn, since)
    conn.execute("UPDATE activity_batches SET undone_at = ? WHERE id = ?", (now_text(), batch_id))
    return removed


def delete_for_source(conn: sqlite3.Connection, member_id: int, source: str) -> int:
    """Remove a member's activities that one thing recorded (an event's attendance, when its
    check-in is undone) and refresh the member's derived values; the count."""
    since = dict(conn.execute("SELECT member_id, min(at) FROM activities WHERE member_id = ?"
                              " AND source = ? GROUP BY member_id", (member_id, source)).fetchall())
    removed = conn.execute("DELETE FROM activities WHERE member_id = ? AND source = ?",
                           (member_id, source)).rowcount
    refresh(conn, since)
    return removed


def members_with_records(conn: sqlite3.Connection, member_ids: Sequence[int]) -> int:
    """How many of these members have activities, follow-ups or complaints."""
    count = 0
    for start in range(0, len(member_ids), 500):
        chunk = list(member_ids[start:start + 500])
        marks = ", ".join("?" * len(chunk))
        count += conn.execute(
            f"SELECT count(*) FROM members WHERE id IN ({marks}) AND ("
            " EXISTS (SELECT 1 FROM activities WHERE member_id = members.id)"
            " OR EXISTS (SELECT 1 FROM follow_ups WHERE member_id = members.id)"
            " OR EXISTS (SELECT 1 FROM complaints WHERE member_id = members.id))", chunk).fetchone()[0]
    return count


def clear_notes(conn: sqlite3.Connection, member_id: int) -> int:
    """Empty the notes of a member's activities (an erasure: the rows and counts stay)."""
    return conn.execute("UPDATE activities SET note = NULL WHERE member_id = ?"
                        " AND note IS NOT NULL", (member_id,)).rowcount
