"""Helpers for the engagement tests: members whose joining and last-active dates the tests
choose, and contacts on chosen days."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from branchdesk import datetimes
from branchdesk.services.activities import record_activity
from branchdesk.store import members as member_rows

TODAY = date(2026, 11, 25)  # a Wednesday; the tests' "today"


def add_member(store, name: str, *, joined: date, last_active: date | None = None,
               phone: str | None = None, account: str | None = None, advisor: str = "周明远",
               assets: float | None = None, birthday: date | None = None) -> int:
    row = member_rows.to_db({
        "name": name, "phone": phone, "account_no": account, "advisor": advisor, "needs": [],
        "tags": [], "communities": [], "extra": {}, "last_active_on": last_active,
        "total_assets": assets, "birthday": birthday})
    with store.transaction() as conn:
        [member_id] = member_rows.insert_many(conn, [row])
        stamp = datetime.combine(joined, time(2, 0), tzinfo=UTC).isoformat()
        conn.execute("UPDATE members SET created_at = ?, updated_at = ? WHERE id = ?",
                     (stamp, stamp, member_id))
    return member_id


def contact(store, member_id: int, day: date, kind: str = "call", hour: int = 10) -> int:
    """An activity on `day` (local time), written inside its own transaction."""
    with store.transaction() as conn:
        return record_activity(conn, member_id=member_id, kind=kind, staff="李娜",
                               at=datetime.combine(day, time(hour, 0), tzinfo=datetimes.branch_zone()))


def days_before(n: int) -> date:
    return TODAY - timedelta(days=n)
