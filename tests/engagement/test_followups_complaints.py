"""Follow-ups due per advisor, birthdays, and complaints with working-day deadlines, overdue
first."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from engagement_support import TODAY, add_member, days_before

from branchdesk import datetimes
from branchdesk.engagement_config import EngagementConfig, parse
from branchdesk.errors import UserError
from branchdesk.services import activities, complaints, followups
from branchdesk.services.activities import FollowUpChange

ZONE = datetimes.branch_zone()


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=ZONE)


def test_follow_ups_due_today_and_this_week_per_advisor(store):
    a = add_member(store, "甲", joined=days_before(100), advisor="周明远")
    b = add_member(store, "乙", joined=days_before(100), advisor="林晓雯")
    c = add_member(store, "丙", joined=days_before(100), advisor="周明远")
    d = add_member(store, "丁", joined=days_before(100), advisor="周明远")
    followups.set_follow_up(store, "李娜", a, TODAY, "确认满意度", today=days_before(5))
    followups.set_follow_up(store, "李娜", b, days_before(2), "解套跟进", today=days_before(5))
    followups.set_follow_up(store, "李娜", c, TODAY + timedelta(days=5), "邀请沙龙", today=TODAY)
    followups.set_follow_up(store, "李娜", d, days_before(3), "新品", today=days_before(5))
    today = followups.due_follow_ups(store, TODAY)
    assert [f.member_id for f in today] == [d, a, b]  # by advisor, overdue first within each
    assert [f.overdue(TODAY) for f in today] == [True, False, True]
    assert [f.member_id for f in followups.due_follow_ups(store, TODAY, advisor="周明远")] == [d, a]
    week = followups.due_follow_ups(store, TODAY, "week")
    assert c in [f.member_id for f in week]
    assert today[2].to_json(TODAY)["phone"] is None and today[2].to_json(TODAY)["days_overdue"] == 2
    with pytest.raises(UserError) as caught:
        followups.set_follow_up(store, "李娜", a, days_before(1), today=TODAY)
    assert caught.value.key == "engagement.follow_up_in_past"
    with pytest.raises(UserError):
        followups.due_follow_ups(store, TODAY, "month")  # type: ignore[arg-type]


def test_logging_a_contact_clears_or_moves_the_follow_up(store):
    a = add_member(store, "甲", joined=days_before(100))
    b = add_member(store, "乙", joined=days_before(100))
    followups.set_follow_up(store, "李娜", a, datetimes.today(), "回访")
    followups.set_follow_up(store, "李娜", b, datetimes.today(), "回访")
    activities.log_activity(store, "李娜", a, "call", follow_up=FollowUpChange("clear"))
    assert followups.get_follow_up(store, a) is None
    later = datetimes.today() + timedelta(days=7)
    activities.log_activity(store, "李娜", b, "chat", follow_up=FollowUpChange("move", later))
    moved = followups.get_follow_up(store, b)
    assert moved is not None and (moved.due_on, moved.reason) == (later, "回访")
    audit = store.conn.execute("SELECT after FROM audit_log WHERE action = 'activity.add'"
                               " ORDER BY id").fetchall()
    assert '"cleared"' in audit[0][0] and '"moved_from"' in audit[1][0]


def test_birthdays_in_the_coming_seven_days_with_masked_phones(store):
    soon = add_member(store, "寿星", joined=days_before(10), birthday=date(1970, 11, 28),
                      phone="13812345678")
    today_b = add_member(store, "今天", joined=days_before(10), birthday=date(1980, 11, 25))
    add_member(store, "下月", joined=days_before(10), birthday=date(1980, 12, 25))
    found = followups.upcoming_birthdays(store, TODAY)
    assert [b.member_id for b in found] == [today_b, soon]
    assert found[1].to_json(TODAY)["phone"] == "138****5678" and found[1].to_json(TODAY)["in_days"] == 3
    leap = add_member(store, "闰日", joined=days_before(10), birthday=date(1988, 2, 29))
    assert [b.member_id for b in followups.upcoming_birthdays(store, date(2027, 2, 25))] == [leap]
    assert followups.upcoming_birthdays(store, date(2027, 2, 25))[0].next_on == date(2027, 2, 28)


def test_complaint_deadlines_across_golden_week(store, frozen_now):
    member = add_member(store, "投诉人", joined=days_before(300))
    frozen_now(at(date(2026, 10, 21)))
    complaint = complaints.open_complaint(store, "李娜", EngagementConfig(), member_id=member,
                                          channel="phone", category="fees", summary="佣金异议",
                                          opened_at=at(date(2026, 9, 30)))
    assert complaint.first_response_due == date(2026, 10, 8)
    assert complaint.resolution_due == date(2026, 10, 20)     # counts Saturday 10-10 (调休)
    assert complaint.assumed_years == ()
    data = complaint.to_json()
    for key in ("id", "member_id", "channel", "category", "summary", "status", "opened_at",
                "first_response_due", "resolution_due", "resolved_at", "overdue"):
        assert key in data
    assert data["opened_at"] == "2026-09-30T10:00:00+08:00" and data["overdue"] is True


def test_a_year_without_a_schedule_is_counted_monday_to_friday_and_flagged(store, frozen_now):
    member = add_member(store, "年底", joined=days_before(300))
    frozen_now(at(date(2026, 12, 29), 16))
    complaint = complaints.open_complaint(store, "李娜", EngagementConfig(), member_id=member,
                                          channel="letter", category="service", summary="年底来信")
    assert complaint.first_response_due == date(2026, 12, 30)
    assert complaint.resolution_due == date(2027, 1, 12)    # 01-01 counted: no 2027 schedule
    assert complaint.assumed_years == (2027,)
    assert complaint.to_json()["deadline_notice"] == [2027]
    # with the branch's 2027 schedule in its config, no notice and New Year's Day is off
    config = parse({"workdays": {"2027": {"holidays": ["2027-01-01"]}}})
    known = complaints.open_complaint(store, "李娜", config, member_id=member, channel="letter",
                                      category="service", summary="年底来信")
    assert known.resolution_due == date(2027, 1, 13) and known.assumed_years == ()


def test_overdue_complaints_come_first_and_the_lifecycle_is_enforced(store, frozen_now):
    member = add_member(store, "客户", joined=days_before(300))
    frozen_now(at(TODAY, 15))
    config = EngagementConfig()

    def open_(days_ago: int, summary: str, channel: str = "phone"):
        return complaints.open_complaint(store, "李娜", config, member_id=member, channel=channel,
                                         category="service", summary=summary,
                                         opened_at=at(TODAY - timedelta(days=days_ago)))

    fresh = open_(0, "今天")
    late = open_(30, "一个月前")
    unanswered = open_(6, "未答复")
    regulator = open_(1, "12386", channel="regulator")
    done = open_(2, "已办结")
    complaints.resolve(store, "李娜", done.id, "已处理")
    order = [c.id for c in complaints.list_complaints(store, TODAY)]
    assert order[:2] == [late.id, unanswered.id]  # overdue first
    assert order[-1] == done.id                   # resolved last
    assert [c.id for c in complaints.list_complaints(store, TODAY, overdue_only=True)] == \
        [late.id, unanswered.id]
    assert regulator.resolution_due < fresh.resolution_due  # a referral is answered sooner
    answered = complaints.respond(store, "李娜", unanswered.id, "已回电")
    assert answered.status.value == "in_progress" and not answered.overdue
    for call, key in ((lambda: complaints.respond(store, "李娜", unanswered.id), "complaint_answered"),
                      (lambda: complaints.resolve(store, "李娜", done.id, "again"), "complaint_resolved"),
                      (lambda: complaints.resolve(store, "李娜", fresh.id, "  "), "resolution_blank"),
                      (lambda: complaints.assign(store, "李娜", fresh.id, "路人甲"), "owner_unknown"),
                      (lambda: complaints.get_complaint(store, 999), "no_such_complaint")):
        with pytest.raises(UserError) as caught:
            call()
        assert caught.value.key == f"engagement.{key}"
    assert complaints.assign(store, "李娜", fresh.id, "周明远").owner == "周明远"
    resolved = complaints.resolve(store, "李娜", fresh.id, "已退费")
    assert resolved.responded_at == resolved.resolved_at and resolved.status.value == "resolved"
    with pytest.raises(Exception, match="kept for audit"):
        store.conn.execute("DELETE FROM complaints")
