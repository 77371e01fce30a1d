"""A small branch built by hand over two ISO weeks (2026-W48: 11-23..11-29 and 2026-W49:
11-30..12-06) in Asia/Shanghai (UTC+8), with rows placed on both sides of local midnight
between them, so a figure computed in UTC instead of branch time comes out wrong.

The figures every test expects are worked out by hand in tests/services/test_weekly_review.py.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time

from branchdesk import datetimes
from branchdesk.services import followups
from branchdesk.services.activities import record_activity
from branchdesk.store import audit
from branchdesk.store import members as member_rows

TODAY = date(2026, 12, 2)  # a Wednesday of 2026-W49
ZONE = datetimes.zone("Asia/Shanghai")
STAMP = "2026-11-01T00:00:00+00:00"


def _member(store, name: str, created_utc: str, *, advisor: str | None, assets: float | None,
            last_active: date | None = None, phone: str = "13812345678") -> int:
    row = member_rows.to_db({"name": name, "phone": phone, "account_no": None, "advisor": advisor,
                             "needs": [], "tags": [], "communities": [], "extra": {},
                             "last_active_on": last_active, "total_assets": assets})
    with store.transaction() as conn:
        [member_id] = member_rows.insert_many(conn, [row])
        conn.execute("UPDATE members SET created_at = ?, updated_at = ? WHERE id = ?",
                     (created_utc, created_utc, member_id))
    return member_id


def _activity(store, member_id: int, local: datetime, kind: str) -> None:
    with store.transaction() as conn:
        record_activity(conn, member_id=member_id, kind=kind, staff="李娜",
                        at=local.replace(tzinfo=ZONE))


class _Clock(datetime):
    moment = datetime(2026, 11, 1, tzinfo=UTC)

    @classmethod
    def now(cls, tz=None):
        return cls.moment.astimezone(tz) if tz else cls.moment


def build_branch(store, monkeypatch) -> dict[str, int]:
    """The branch; returns member ids by letter."""
    ids = {
        # 周明远's members
        "A": _member(store, "安娜", "2026-01-10T02:00:00+00:00", advisor="周明远", assets=50_000,
                     phone="13800001111"),
        "B": _member(store, "=HYPERLINK(\"x\")", "2026-01-10T02:00:00+00:00", advisor="周明远",
                     assets=600_000),
        "E": _member(store, "鄂尔多", "2026-01-10T02:00:00+00:00", advisor="周明远",
                     assets=5_000_000),
        # 林晓雯's members
        "C": _member(store, "陈晨", "2026-01-10T02:00:00+00:00", advisor="林晓雯", assets=200_000,
                     last_active=date(2026, 11, 20)),
        # joined at 01:30 on Monday 11-30 local: UTC it is still Sunday 11-29
        "D": _member(store, "丁丁", "2026-11-29T17:30:00+00:00", advisor="林晓雯", assets=None),
        # no advisor; joined on 11-25 (W48)
        "F": _member(store, "范凡", "2026-11-25T02:00:00+00:00", advisor=None, assets=10_000),
    }
    a, b, c, d, e, f = (ids[k] for k in "ABCDEF")
    _activity(store, b, datetime(2026, 10, 1, 10), "call")
    _activity(store, a, datetime(2026, 11, 24, 10), "call")
    _activity(store, a, datetime(2026, 11, 29, 23, 30), "reply")  # Sunday night: W48
    _activity(store, d, datetime(2026, 11, 30, 0, 30), "reply")   # Monday 00:30: W49
    _activity(store, a, datetime(2026, 12, 1, 10), "chat")
    _activity(store, b, datetime(2026, 12, 1, 10), "visit")       # 61 days asleep: wakes

    with store.transaction() as conn:
        def event(kind: str, title: str, starts: str, status: str = "open",
                  closed: bool = True) -> int:
            cursor = conn.execute(
                "INSERT INTO events (kind, title, starts_at, ends_at, status, closed_at, created_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (kind, title, starts, starts.replace("T", "T").replace(":00:00+", ":59:00+"),
                 status, STAMP if closed else None, STAMP, STAMP))
            return int(cursor.lastrowid)

        def register(event_id: int, member_id: int, state: str, walk_in: int = 0) -> None:
            conn.execute("INSERT INTO registrations (event_id, member_id, state, walk_in, created_at,"
                         " updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                         (event_id, member_id, state, walk_in, STAMP, STAMP))

        # starts 01:00 Monday 11-30 local (17:00 Sunday UTC): W49
        late = event("lecture", "=夜场直播", "2026-11-29T17:00:00+00:00")
        for member_id, state in ((a, "attended"), (b, "no_show"), (c, "registered"),
                                 (e, "invited"), (f, "waitlisted")):
            register(late, member_id, state)
        register(late, d, "attended", walk_in=1)
        salon = event("salon", "周六沙龙", "2026-11-28T06:00:00+00:00")
        for member_id, state in ((a, "attended"), (c, "attended"), (b, "cancelled")):
            register(salon, member_id, state)
        register(event("salon", "取消的沙龙", "2026-12-01T06:00:00+00:00", "cancelled"), a,
                 "registered")

        def message(author: str, created: str, verdict: str, categories: list[str], status: str,
                    submitted: str | None, reviewed: str | None, override: str | None,
                    sent: str | None, text: str) -> None:
            findings = json.dumps([{"rule": f"r.{c}", "category": c, "categories": [c]}
                                   for c in categories])
            conn.execute(
                "INSERT INTO messages (author, community, text, verdict, findings, pack_version,"
                " status, created_at, submitted_at, reviewer, reviewed_at, override_reason, sent_at)"
                " VALUES (?, '解套互助群', ?, ?, ?, 'test', ?, ?, ?, ?, ?, ?, ?)",
                (author, text, verdict, findings, status, created, submitted,
                 "合规王" if reviewed else None, reviewed, override, sent))

        # 00:30 Monday local: W49; blocked, approved over the block after 2 hours, sent
        message("周明远", "2026-11-29T16:30:00+00:00", "block", ["guarantee", "exaggeration"],
                "sent", "2026-11-30T01:00:00+00:00", "2026-11-30T03:00:00+00:00", "客户要求",
                "2026-11-30T04:00:00+00:00", "=保本保收益，稳赚")
        # 23:00 Sunday local: W48; warned, rejected on Monday after 10 hours
        message("林晓雯", "2026-11-29T15:00:00+00:00", "warn", ["disclosure"], "rejected",
                "2026-11-29T15:10:00+00:00", "2026-11-30T01:10:00+00:00", None, None,
                "本周收益不错")
        message("周明远", "2026-12-01T02:00:00+00:00", "pass", [], "sent",
                "2026-12-01T02:00:00+00:00", "2026-12-01T06:00:00+00:00", None,
                "2026-12-01T07:00:00+00:00", "周六沙龙欢迎报名")

        def complaint(member_id: int, opened_on: str, first_due: str, due: str, status: str,
                      responded: str | None, resolved: str | None) -> None:
            conn.execute(
                "INSERT INTO complaints (member_id, channel, category, summary, opened_at, opened_on,"
                " status, first_response_due, resolution_due, responded_at, resolved_at, created_by,"
                " created_at, updated_at) VALUES (?, 'phone', 'service', ?, ?, ?, ?, ?, ?, ?, ?,"
                " '李娜', ?, ?)",
                (member_id, f"+投诉 {opened_on}", f"{opened_on}T02:00:00+00:00", opened_on, status,
                 first_due, due, responded, resolved, STAMP, STAMP))

        # K1: resolved 04:00 Monday 11-30 local (20:00 Sunday UTC): W49, 4 working days
        complaint(a, "2026-11-24", "2026-11-25", "2026-12-08", "resolved",
                  "2026-11-25T02:00:00+00:00", "2026-11-29T20:00:00+00:00")
        # K2: open, past its resolution day 11-27
        complaint(e, "2026-11-16", "2026-11-17", "2026-11-27", "in_progress",
                  "2026-11-17T02:00:00+00:00", None)
        # K3: received in W49, first response due today (not late yet)
        complaint(c, "2026-12-01", "2026-12-02", "2026-12-15", "open", None, None)
        # K4: resolved Thursday 11-26 of W48, 4 working days after Friday 11-20
        complaint(b, "2026-11-20", "2026-11-23", "2026-12-04", "resolved",
                  "2026-11-21T02:00:00+00:00", "2026-11-26T03:00:00+00:00")

    for member_id, due in ((a, date(2026, 12, 1)), (c, TODAY), (e, date(2026, 11, 20)),
                           (f, date(2026, 11, 28)), (b, date(2026, 11, 27))):
        with store.transaction() as conn:
            followups.follow_rows.put(conn, member_id, due, "回访", "李娜")
    with monkeypatch.context() as patch:
        patch.setattr(audit, "datetime", _Clock)
        _Clock.moment = datetime(2026, 11, 29, 15, 0, tzinfo=UTC)   # 23:00 Sunday local: W48
        followups.clear_follow_up(store, "李娜", b)
        _Clock.moment = datetime(2026, 11, 29, 17, 0, tzinfo=UTC)   # 01:00 Monday local: W49
        followups.clear_follow_up(store, "李娜", f)
    return ids


def local_noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=ZONE)
