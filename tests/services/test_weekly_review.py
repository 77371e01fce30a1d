"""The weekly review's figures against numbers worked out by hand on a small branch
(tests/weekly_review_support.py): two weeks, rows on both sides of local midnight."""

from __future__ import annotations

from datetime import date

import pytest
from weekly_review_support import TODAY, ZONE, build_branch

from branchdesk.errors import UserError
from branchdesk.services import reactivation
from branchdesk.services.iso_week import IsoWeek
from branchdesk.services.weekly_review import ReviewSettings, compute_review
from branchdesk.store import audit
from branchdesk.store import complaints as complaint_rows

W49 = IsoWeek(2026, 49)


@pytest.fixture
def branch(store, monkeypatch):
    build_branch(store, monkeypatch)
    return store


@pytest.fixture
def review(branch):
    return compute_review(branch, W49, ReviewSettings(dormant_days=30, tz=ZONE), today=TODAY)


def test_weeks_are_iso_weeks():
    assert IsoWeek.parse("2026-W49") == W49 and IsoWeek.parse(" 2026w49 ") == W49
    assert (W49.start, W49.end) == (date(2026, 11, 30), date(2026, 12, 6))
    assert W49.shift(-1).label == "2026-W48" and IsoWeek(2026, 53).label == "2026-W53"
    assert IsoWeek(2026, 53).shift(1) == IsoWeek(2027, 1)
    assert IsoWeek.containing(date(2027, 1, 1)) == IsoWeek(2026, 53)
    for text in ("2026-W54", "2025-W53"):
        with pytest.raises(UserError) as error:
            IsoWeek.parse(text)
        assert text in str(error.value) and "W5" in str(error.value)  # names the year's last
    with pytest.raises(UserError) as error:
        IsoWeek.parse("2026-W00")
    assert "2026-W00" in str(error.value) and "W01" in str(error.value)  # weeks start at W01
    with pytest.raises(UserError):
        IsoWeek.parse("next week")


def test_member_figures_this_week(review):
    m = review.current.members
    assert (review.current.week, review.current.as_of) == ("2026-W49", TODAY)
    # six on the roster; D joined at 01:30 Monday local time (Sunday in UTC)
    assert (m.total, m.new, m.active, m.dormant, m.reactivated) == (6, 1, 3, 1, 1)
    assert m.active_rate == pytest.approx(3 / 6) and m.dormant_rate == pytest.approx(1 / 6)
    tiers = {t.tier: (t.total, t.new, t.active, t.dormant, t.reactivated) for t in m.by_tier}
    assert tiers == {"diamond": (1, 0, 0, 1, 0), "gold": (1, 0, 1, 0, 1), "silver": (1, 0, 0, 0, 0),
                     "basic": (2, 0, 1, 0, 0), "unknown": (1, 1, 1, 0, 0)}


def test_member_figures_last_week(review):
    m = review.previous.members
    assert review.previous.as_of == date(2026, 11, 29)
    # A's first contact in 318 days woke them; B (last heard 10-01) and E (never) slept
    assert (m.total, m.new, m.active, m.dormant, m.reactivated) == (5, 1, 1, 2, 1)


def test_dormant_today_is_the_wake_up_lists_count(review, branch):
    assert review.current.members.dormant == reactivation.count_dormant(branch, TODAY, 30)


def test_engagement(review):
    e, p = review.current.engagement, review.previous.engagement
    assert (e.contacts, e.follow_ups_done, e.follow_ups_overdue) == (2, 1, 2)
    assert (p.contacts, p.follow_ups_done, p.follow_ups_overdue) == (1, 1, 1)


def test_events(review):
    ev = review.current.events
    # the 01:00 Monday lecture; the cancelled salon is not held
    assert (ev.held, ev.invited, ev.registered, ev.attended, ev.no_show) == (1, 5, 4, 2, 1)
    assert (ev.attendance_rate, ev.no_show_rate) == (0.5, 0.25)
    kinds = {k.kind: (k.held, k.attended) for k in ev.by_kind}
    assert kinds["lecture"] == (1, 2) and kinds["salon"] == (0, 0)
    last = review.previous.events
    assert (last.held, last.invited, last.registered, last.attended, last.no_show) == (1, 3, 2, 2, 0)
    assert (last.attendance_rate, last.no_show_rate) == (1.0, 0.0)
    assert [e.title for e in review.events] == ["=夜场直播"]


def test_compliance(review):
    c = review.current.compliance
    assert (c.checked, c.blocked, c.warned, c.overridden, c.sent) == (2, 1, 0, 1, 2)
    assert {x.category: x.findings for x in c.by_category} == {"guarantee": 1, "exaggeration": 1}
    assert c.approval_hours_median == 4.0  # decisions of the week: 2 h, 10 h, 4 h
    p = review.previous.compliance
    assert (p.checked, p.blocked, p.warned, p.overridden, p.sent) == (1, 0, 1, 0, 0)
    assert [(x.category, x.findings) for x in p.by_category] == [("disclosure", 1)]
    assert p.approval_hours_median is None


def test_complaints(review, branch):
    c, p = review.current.complaints, review.previous.complaints
    assert (c.opened, c.resolved, c.overdue, c.resolve_workdays_median) == (1, 1, 1, 4.0)
    assert (p.opened, p.resolved, p.overdue, p.resolve_workdays_median) == (1, 1, 1, 4.0)
    # on today, "late" is the complaints list's own rule
    assert c.overdue == complaint_rows.counts(branch.conn, TODAY)["overdue"]


def test_advisors(review):
    rows = {a.advisor: (a.members, a.active, a.contacts, a.reactivated, a.attended, a.messages,
                        a.complaints) for a in review.advisors}
    assert rows == {"周明远": (3, 2, 2, 1, 1, 2, 0), "林晓雯": (2, 1, 0, 0, 1, 0, 1),
                    "": (1, 0, 0, 0, 0, 0, 0)}
    assert [a.advisor for a in review.advisors] == [*sorted(["周明远", "林晓雯"]), ""]
    trends = {a.advisor: a.active_trend for a in review.advisors}
    assert trends["周明远"] == (0, 0, 0, 0, 0, 0, 1, 2)
    assert trends["林晓雯"] == (0, 0, 0, 0, 0, 0, 0, 1)


def test_trend_is_eight_weeks_oldest_first(review):
    assert [w.week for w in review.trend] == [f"2026-W{n}" for n in range(42, 50)]
    assert review.trend[-1] == review.current and review.trend[-2] == review.previous
    # B's October call: active in W40 only, outside the trend
    assert [w.members.active for w in review.trend] == [0, 0, 0, 0, 0, 0, 1, 3]
    # A, C and E asleep from the start (C's imported 11-20 is not known before it); B too from
    # W44 (10-01 + 30 days < 11-01); C heard from in W47; A wakes in W48, B in W49
    assert [w.members.dormant for w in review.trend] == [3, 3, 4, 4, 4, 3, 2, 1]
    assert [w.members.total for w in review.trend] == [4, 4, 4, 4, 4, 4, 5, 6]


def test_audit_head(review, branch):
    head = audit.head(branch.conn)
    assert (review.audit_head.seq, review.audit_head.hash) == (head.seq, head.hash)
    assert review.audit_head.seq > 0


def test_an_empty_week_is_zeros(branch):
    empty = compute_review(branch, IsoWeek(2020, 10), ReviewSettings(tz=ZONE), today=TODAY)
    m = empty.current.members
    assert (m.total, m.new, m.active, m.dormant, m.reactivated) == (0, 0, 0, 0, 0)
    assert empty.current.events.attendance_rate is None and empty.current.events.held == 0
    assert empty.advisors and all(a.members == 0 for a in empty.advisors)


def test_an_empty_database(store):
    review = compute_review(store, W49, ReviewSettings(tz=ZONE), today=TODAY)
    assert review.current.members.total == 0 and review.advisors == ()
    assert review.audit_head.seq == 0


def test_a_quick_review_of_two_weeks_has_the_same_figures(branch, review):
    quick = compute_review(branch, W49, ReviewSettings(dormant_days=30, tz=ZONE), today=TODAY,
                           trend_weeks=2)
    assert (quick.current, quick.previous) == (review.current, review.previous)
    assert [w.week for w in quick.trend] == ["2026-W48", "2026-W49"]
    assert [(a.advisor, a.members, a.active, a.contacts, a.active_trend) for a in quick.advisors] \
        == [(a.advisor, a.members, a.active, a.contacts, a.active_trend[-2:]) for a in review.advisors]


def test_an_event_later_this_week_is_not_held_yet(branch):
    """Seen on Wednesday, Friday's salon is still to come: not held, its sign-ups not counted;
    seen on Sunday it is."""
    with branch.transaction() as conn:
        conn.execute("INSERT INTO events (kind, title, starts_at, ends_at, status, created_at,"
                     " updated_at) VALUES ('salon', '周五沙龙', '2026-12-04T06:00:00+00:00',"
                     " '2026-12-04T08:00:00+00:00', 'open', '2026-11-20T00:00:00+00:00',"
                     " '2026-11-20T00:00:00+00:00')")
    settings = ReviewSettings(dormant_days=30, tz=ZONE)
    wednesday = compute_review(branch, W49, settings, today=TODAY).current.events
    sunday = compute_review(branch, W49, settings, today=date(2026, 12, 6)).current.events
    assert wednesday.held == 1
    assert sunday.held == 2
    assert {k.kind: k.held for k in sunday.by_kind}["salon"] == 1
