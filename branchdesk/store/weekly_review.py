"""SQL for the weekly review (周报): every figure of a run of weeks, aggregated in SQLite.

A week is given as a `Span`: its first and last local day, the day its standing figures are
taken on (`as_of`: the last day, or today for the week that holds today), and the UTC bounds of
its days for columns stored as moments. The member figures of every week, per value tier and
advisor, come from store/review_members.py (one pass over the activities of the weeks and one
over the members); the other tables are small and are read once per run of weeks.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from branchdesk.store import review_members


@dataclass(frozen=True, slots=True)
class Span:
    start: date
    end: date
    as_of: date
    start_utc: str   # the first moment of `start`, stored form
    after_utc: str   # the first moment after `end`
    as_of_after_utc: str  # the first moment after `as_of`


# --- members: store/review_members.py ------------------------------------------------------

member_figures = review_members.member_figures


# --- follow-ups -------------------------------------------------------------------------------

def follow_ups(conn: sqlite3.Connection, spans: Sequence[Span]) -> list[tuple[int, int]]:
    """Per week: follow-ups done (cleared or moved on by a logged contact, or cleared by hand:
    the audit log is where that is recorded) and follow-ups still open that were overdue on
    the week's `as_of` day."""
    out = []
    for span in spans:
        done = conn.execute(
            "SELECT count(*) FROM audit_log WHERE action IN ('follow_up.clear', 'activity.add')"
            " AND at >= ? AND at < ? AND (action = 'follow_up.clear'"
            " OR json_extract(after, '$.follow_up') IS NOT NULL)",
            (span.start_utc, span.after_utc)).fetchone()[0]
        overdue = conn.execute("SELECT count(*) FROM follow_ups WHERE due_on < ?",
                               (span.as_of.isoformat(),)).fetchone()[0]
        out.append((done, overdue))
    return out


def follow_ups_due_on(conn: sqlite3.Connection, day: date) -> tuple[int, int]:
    """Follow-ups due on `day`, and those overdue before it (the dashboard's today)."""
    row = conn.execute("SELECT count(*) FILTER (WHERE due_on = ?), count(*) FILTER (WHERE due_on < ?)"
                       " FROM follow_ups", (day.isoformat(), day.isoformat())).fetchone()
    return row[0] or 0, row[1] or 0


# --- events -----------------------------------------------------------------------------------

EVENT_COUNTS = ("invited", "registered", "attended", "no_show")
_EVENT_SQL = (
    "count(*) FILTER (WHERE NOT r.walk_in),"
    " count(*) FILTER (WHERE r.state IN ('registered', 'attended', 'no_show')),"
    " count(*) FILTER (WHERE r.state = 'attended'),"
    " count(*) FILTER (WHERE r.state = 'no_show')")


def events(conn: sqlite3.Connection, start_utc: str, after_utc: str) -> list[dict[str, Any]]:
    """Events held (not cancelled) that start in [start_utc, after_utc), in time order, with
    how many were invited (walk-ins were not), registered (and kept their place: registered,
    attended or no-show), attended and did not show, and whether it was closed."""
    rows = conn.execute(
        f"SELECT e.id, e.kind, e.title, e.starts_at, e.capacity, {_EVENT_SQL},"
        " e.closed_at IS NOT NULL"
        " FROM events AS e LEFT JOIN registrations AS r ON r.event_id = e.id"
        " WHERE e.starts_at >= ? AND e.starts_at < ? AND e.status != 'cancelled'"
        " GROUP BY e.id ORDER BY e.starts_at, e.id", (start_utc, after_utc))
    # closed: staff closed it, so its registered members who did not come are no-shows
    keys = ("id", "kind", "title", "starts_at", "capacity", *EVENT_COUNTS, "closed")
    return [{**dict(zip(keys, row, strict=True)), "closed": bool(row[-1])} for row in rows]


def attendance_by_advisor(conn: sqlite3.Connection, start_utc: str,
                          after_utc: str) -> dict[str, int]:
    rows = conn.execute(
        "SELECT coalesce(m.advisor, ''), count(*) FROM events AS e"
        " JOIN registrations AS r ON r.event_id = e.id AND r.state = 'attended'"
        " JOIN members AS m ON m.id = r.member_id"
        " WHERE e.starts_at >= ? AND e.starts_at < ? AND e.status != 'cancelled' GROUP BY 1",
        (start_utc, after_utc))
    return dict(rows.fetchall())


# --- compliance -------------------------------------------------------------------------------

def compliance(conn: sqlite3.Connection, start_utc: str, after_utc: str) -> dict[str, Any]:
    """Message versions checked in the window (each version is one check), blocked, warned,
    approved over a block (overridden); findings by category; review times (hours from
    submission to decision) of the decisions made in the window; messages sent."""
    row = conn.execute(
        "SELECT count(*), count(*) FILTER (WHERE verdict = 'block'),"
        " count(*) FILTER (WHERE verdict = 'warn'),"
        " count(*) FILTER (WHERE override_reason IS NOT NULL)"
        " FROM messages WHERE created_at >= ? AND created_at < ?", (start_utc, after_utc)).fetchone()
    categories = dict(conn.execute(
        "SELECT json_extract(f.value, '$.category') AS category, count(*)"
        " FROM messages AS m, json_each(m.findings) AS f"
        " WHERE m.created_at >= ? AND m.created_at < ? GROUP BY 1 ORDER BY 2 DESC, 1",
        (start_utc, after_utc)).fetchall())
    hours = [r[0] for r in conn.execute(
        "SELECT (julianday(reviewed_at) - julianday(submitted_at)) * 24 FROM messages"
        " WHERE reviewed_at >= ? AND reviewed_at < ? AND submitted_at IS NOT NULL"
        " AND status IN ('approved', 'rejected', 'sent', 'superseded') ORDER BY 1",
        (start_utc, after_utc))]
    sent = conn.execute("SELECT count(*) FROM messages WHERE sent_at >= ? AND sent_at < ?",
                        (start_utc, after_utc)).fetchone()[0]
    return {"checked": row[0], "blocked": row[1], "warned": row[2], "overridden": row[3],
            "categories": categories, "review_hours": hours, "sent": sent}


def messages_by_author(conn: sqlite3.Connection, start_utc: str, after_utc: str) -> dict[str, int]:
    return dict(conn.execute(
        "SELECT author, count(*) FROM messages WHERE created_at >= ? AND created_at < ?"
        " GROUP BY author", (start_utc, after_utc)).fetchall())


def flagged_messages(conn: sqlite3.Connection, start_utc: str, after_utc: str,
                     limit: int = 20_000) -> list[dict[str, Any]]:
    """Every blocked or warned message version checked in the window, oldest first."""
    keys = ("id", "author", "community", "text", "verdict", "findings", "status", "created_at",
            "reviewer", "reviewed_at", "review_reason", "override_reason")
    rows = conn.execute(
        f"SELECT {', '.join(keys)} FROM messages WHERE created_at >= ? AND created_at < ?"
        " AND verdict IN ('block', 'warn') ORDER BY created_at, id LIMIT ?",
        (start_utc, after_utc, limit))
    return [dict(zip(keys, row, strict=True)) for row in rows]


# --- complaints -------------------------------------------------------------------------------

def overdue_as_of_sql(as_of: str, as_of_after_utc: str) -> tuple[str, list[str]]:
    """SQL condition: the complaint was late on the day `as_of` — received by then, not
    resolved by then, and past its resolution day or (unanswered by then) its first-response
    day. On today it is store/complaints.py's `overdue_sql`, for the complaints as they are."""
    resolved = "(c.resolved_at IS NOT NULL AND c.resolved_at < ?)"
    answered = "(c.responded_at IS NOT NULL AND c.responded_at < ?)"
    return (f"(c.opened_on <= ? AND NOT {resolved} AND (c.resolution_due < ?"
            f" OR (NOT {answered} AND c.first_response_due < ?)))",
            [as_of, as_of_after_utc, as_of, as_of_after_utc, as_of])


def complaints(conn: sqlite3.Connection, span: Span) -> dict[str, Any]:
    """Complaints received in the week, resolved in it (with the day received and resolved,
    for the working days it took), and late on its `as_of` day."""
    late, late_params = overdue_as_of_sql(span.as_of.isoformat(), span.as_of_after_utc)
    opened = conn.execute("SELECT count(*) FROM complaints AS c WHERE c.opened_on BETWEEN ? AND ?",
                          (span.start.isoformat(), span.end.isoformat())).fetchone()[0]
    resolved = conn.execute(
        "SELECT c.opened_on, c.resolved_at FROM complaints AS c WHERE c.resolved_at >= ?"
        " AND c.resolved_at < ?", (span.start_utc, span.after_utc)).fetchall()
    overdue = conn.execute(f"SELECT count(*) FROM complaints AS c WHERE {late}",
                           late_params).fetchone()[0]
    return {"opened": opened, "resolved": resolved, "overdue": overdue}


def complaints_by_advisor(conn: sqlite3.Connection, first: date, last: date) -> dict[str, int]:
    return dict(conn.execute(
        "SELECT coalesce(m.advisor, ''), count(*) FROM complaints AS c"
        " JOIN members AS m ON m.id = c.member_id WHERE c.opened_on BETWEEN ? AND ? GROUP BY 1",
        (first.isoformat(), last.isoformat())).fetchall())


def complaint_rows(conn: sqlite3.Connection, span: Span, limit: int = 20_000) -> list[dict[str, Any]]:
    """Complaints open at some time in the week (received by its end and not resolved
    before its start), late ones first, then by their resolution day."""
    late, late_params = overdue_as_of_sql(span.as_of.isoformat(), span.as_of_after_utc)
    keys = ("id", "opened_on", "channel", "category", "summary", "owner", "status",
            "resolution_due", "resolved_at", "name", "phone", "advisor", "overdue")
    rows = conn.execute(
        "SELECT c.id, c.opened_on, c.channel, c.category, c.summary, c.owner, c.status,"
        f" c.resolution_due, c.resolved_at, m.name, m.phone, m.advisor, {late}"
        " FROM complaints AS c JOIN members AS m ON m.id = c.member_id"
        " WHERE c.opened_on <= ? AND (c.resolved_at IS NULL OR c.resolved_at >= ?)"
        " ORDER BY 13 DESC, c.resolution_due, c.id LIMIT ?",
        [*late_params, span.end.isoformat(), span.start_utc, limit])
    return [dict(zip(keys, row, strict=True)) for row in rows]


# --- lists for the workbook -------------------------------------------------------------------

def new_members(conn: sqlite3.Connection, span: Span, limit: int = 100_000) -> list[dict[str, Any]]:
    keys = ("id", "name", "phone", "advisor", "total_assets", "created_at", "communities")
    rows = conn.execute(
        f"SELECT {', '.join(keys)} FROM members WHERE created_at >= ? AND created_at < ?"
        " ORDER BY created_at, id LIMIT ?", (span.start_utc, span.after_utc, limit))
    return [dict(zip(keys, row, strict=True)) for row in rows]


def dormant_to_call(conn: sqlite3.Connection, today: date, days: int,
                    thresholds: tuple[float, float, float], limit: int) -> list[dict[str, Any]]:
    """Dormant members today, highest tier first, then the longest asleep (the wake-up list)."""
    from branchdesk.store import reactivation

    return reactivation.page(conn, today, days, thresholds, limit=limit, longest_first=False)


def window_days(span: Span) -> list[date]:
    return [span.start + timedelta(days=i) for i in range((span.end - span.start).days + 1)]
