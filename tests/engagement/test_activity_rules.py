"""Last active from activities, the dormant rule counted from joining, reactivation in a week,
and logging inside a caller's transaction."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from engagement_support import TODAY, add_member, contact, days_before

from branchdesk import datetimes
from branchdesk.errors import UserError
from branchdesk.models import MemberQuery
from branchdesk.services import activities, reactivation, roster
from branchdesk.services.activities import record_activity


def listed(store, **query) -> dict[int, object]:
    return {m.id: m for m in roster.list_members(store, MemberQuery(**query), today=TODAY)}


def test_last_active_is_the_latest_activity_and_an_imported_date_still_counts(store):
    logged = add_member(store, "王芳", joined=days_before(200), last_active=date(2026, 9, 1))
    imported_later = add_member(store, "李强", joined=days_before(200), last_active=date(2026, 11, 20))
    contact(store, logged, date(2026, 10, 15))
    contact(store, imported_later, date(2026, 10, 1))
    members = listed(store)
    assert members[logged].last_active_on == date(2026, 10, 15)
    assert members[imported_later].last_active_on == date(2026, 11, 20)
    # sorting by last active sorts by the day last heard from
    order = [m.id for m in roster.list_members(store, MemberQuery(sort="last_active_on"), today=TODAY)]
    assert order == [logged, imported_later]


def test_dormant_counts_from_joining_when_nobody_was_heard_from(store):
    fresh = add_member(store, "新客户", joined=TODAY)
    old = add_member(store, "老客户", joined=days_before(45))
    recent = add_member(store, "近期", joined=days_before(45), last_active=days_before(10))
    stale = add_member(store, "久未联系", joined=days_before(400), last_active=days_before(31))
    members = listed(store)
    assert not members[fresh].dormant            # imported today: not dormant
    assert members[old].dormant                  # joined 45 days ago, never heard from
    assert not members[recent].dormant
    assert members[stale].dormant
    assert set(listed(store, dormant_only=True)) == {old, stale}
    sleepers = reactivation.reactivation_list(store, TODAY, 30)
    assert {s.member_id for s in sleepers} == {old, stale}
    assert {s.member_id: s.days_asleep for s in sleepers} == {old: 45, stale: 31}
    assert reactivation.count_dormant(store, TODAY, 30) == 2
    # a contact wakes the member: they leave the list
    contact(store, old, days_before(1))
    assert {s.member_id for s in reactivation.reactivation_list(store, TODAY, 30)} == {stale}


def test_the_reactivation_list_puts_the_highest_tier_first_then_by_days_asleep(store):
    basic = add_member(store, "普通", joined=days_before(300), last_active=days_before(40), assets=5e4)
    gold_long = add_member(store, "金卡久", joined=days_before(300), last_active=days_before(90),
                           assets=8e5)
    gold_short = add_member(store, "金卡近", joined=days_before(300), last_active=days_before(35),
                            assets=9e5)
    diamond = add_member(store, "钻石", joined=days_before(300), last_active=days_before(60), assets=5e6)
    order = [s.member_id for s in reactivation.reactivation_list(store, TODAY, 30)]
    assert order == [diamond, gold_short, gold_long, basic]
    longest = [s.member_id for s in reactivation.reactivation_list(store, TODAY, 30, longest_first=True)]
    assert longest == [diamond, gold_long, gold_short, basic]


def test_reactivated_in_the_week_of_the_first_activity_after_being_dormant(store):
    woken = add_member(store, "唤醒", joined=days_before(300))
    active = add_member(store, "一直活跃", joined=days_before(300))
    never = add_member(store, "新加入", joined=days_before(300))
    contact(store, woken, days_before(70))
    contact(store, woken, date(2026, 11, 23))        # Monday of this week: 68 days later
    contact(store, woken, date(2026, 11, 24))        # a second contact the same week
    contact(store, active, days_before(12))
    contact(store, active, date(2026, 11, 24))
    contact(store, never, date(2026, 11, 24))         # first ever, 299 days after joining
    found = {r.member_id: r for r in reactivation.reactivated_this_week(store, TODAY, 30)}
    assert set(found) == {woken, never}
    assert found[woken].on == date(2026, 11, 23) and found[woken].days_asleep == 68
    assert set(listed(store, reactivated_only=True)) == {woken, never}
    assert listed(store)[woken].reactivated and not listed(store)[active].reactivated
    # the following week, they are no longer "reactivated this week"
    assert reactivation.reactivated_this_week(store, date(2026, 12, 2), 30) == []


def test_a_back_dated_contact_changes_which_activity_woke_the_member(store):
    member = add_member(store, "补录", joined=days_before(300))
    contact(store, member, days_before(70))
    contact(store, member, date(2026, 11, 24))
    assert [r.member_id for r in reactivation.reactivated_this_week(store, TODAY, 30)] == [member]
    contact(store, member, days_before(20))  # logged late: they were not asleep after all
    assert reactivation.reactivated_this_week(store, TODAY, 30) == []


def test_record_activity_joins_the_callers_transaction(store):
    member = add_member(store, "活动参加者", joined=days_before(100))
    at = datetime.combine(days_before(2), time(14, 0), tzinfo=datetimes.branch_zone())
    with pytest.raises(RuntimeError):
        record_activity(store.conn, member_id=member, kind="attendance", at=at, staff="x")
    with pytest.raises(UserError), store.transaction() as conn:
        record_activity(conn, member_id=member, kind="attendance", at=at, staff="周明远",
                        source="event:12")
        raise UserError("roster.no_such_member", id=0)  # the caller's action fails after logging
    assert activities.member_activities(store, member) == []
    with store.transaction() as conn:
        record_activity(conn, member_id=member, kind="attendance", at=at, staff="周明远",
                        source="event:12")
    [logged] = activities.member_activities(store, member)
    assert (logged.kind.value, logged.channel.value, logged.source) == ("attendance", "event", "event:12")
    assert listed(store)[member].last_active_on == days_before(2)


def test_log_activity_is_one_audited_action_and_refuses_bad_input(store):
    member = add_member(store, "张三", joined=days_before(100))
    before = store.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    logged = activities.log_activity(store, "李娜", member, "电话", note="  问候  ")
    assert (logged.kind.value, logged.note, logged.staff) == ("call", "问候", "李娜")
    assert store.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] == before + 1
    for kwargs, key in (({"kind": "fax"}, "engagement.bad_kind"),
                        ({"kind": "call", "note": "x" * 501}, "engagement.note_too_long"),
                        ({"kind": "call", "at": datetimes.now().replace(year=2099)},
                         "engagement.activity_in_future")):
        kind = kwargs.pop("kind")
        with pytest.raises(UserError) as caught:
            activities.log_activity(store, "李娜", member, kind, **kwargs)
        assert caught.value.key == key
    with pytest.raises(UserError):
        activities.log_activity(store, "李娜", 999, "call")
    assert len(activities.member_activities(store, member)) == 1
    assert store.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] == before + 1


def test_a_bulk_write_gives_the_gaps_of_writing_one_by_one(store):
    """An import computes gap days on the way in; with activities among existing ones (a
    back-dated history) it must agree with recomputing everything."""
    from branchdesk.store import activities as activity_rows

    members = [add_member(store, f"客户{i}", joined=days_before(300),
                          last_active=days_before(200) if i % 2 else None) for i in range(4)]
    for member in members[:3]:
        contact(store, member, days_before(100))
        contact(store, member, days_before(10))
    zone = datetimes.branch_zone()

    def new(member: int, days: int) -> activity_rows.NewActivity:
        moment = datetime.combine(days_before(days), time(9, 0), tzinfo=zone)
        return activity_rows.NewActivity(member, "call", "phone", datetimes.to_utc_text(moment),
                                         moment.date().isoformat(), "导入")

    batch = [new(members[0], 50), new(members[1], 5), new(members[1], 2), new(members[3], 60),
             new(members[3], 20), new(members[2], 150)]
    with store.transaction() as conn:
        activity_rows.insert_many(conn, batch, None)
    written = dict(store.conn.execute("SELECT id, gap_days FROM activities").fetchall())
    with store.transaction() as conn:
        conn.execute("UPDATE activities SET gap_days = -1")
        activity_rows.refresh(conn, {member: "" for member in members})
    recomputed = dict(store.conn.execute("SELECT id, gap_days FROM activities").fetchall())
    assert written == recomputed
    listed_now = listed(store)
    assert listed_now[members[3]].last_active_on == days_before(20)
    assert listed_now[members[0]].last_active_on == days_before(10)
