"""The engagement screens driven the way a person uses them: log a contact from the roster in
two or three keys, work the wake-up list, and take a complaint from new to resolved."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from support import TODAY
from textual.widgets import Input, Select

from branchdesk import datetimes
from branchdesk.commands import BranchDeskCommands
from branchdesk.engagement_config import EngagementConfig
from branchdesk.screens.complaints import ComplaintCardScreen, ComplaintsScreen
from branchdesk.screens.followups import FollowUpsScreen
from branchdesk.screens.member_card import MemberCardScreen
from branchdesk.screens.reactivation import ReactivationScreen
from branchdesk.services import activities, complaints, followups, reactivation
from branchdesk.widgets.engagement.log_contact import LogContactDialog
from branchdesk.widgets.engagement.paged_list import PagedList
from branchdesk.widgets.form_dialog import FormDialog
from branchdesk.widgets.roster_table import RosterTable

NOW = datetime.combine(TODAY, time(15, 0), tzinfo=datetimes.branch_zone())


@pytest.fixture(autouse=True)
def clock_at_today(monkeypatch):
    """The branch clock reads the tests' "today" at 15:00, so logged contacts fall on it."""
    monkeypatch.setattr(datetimes, "now", lambda: NOW)


async def test_log_a_contact_from_the_roster_in_two_or_three_keys(settle, make_app, demo_store):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("down")                       # from the search box to the list
        member = app.screen.query_one(RosterTable).cursor_member
        await pilot.press("l")
        assert isinstance(app.screen, LogContactDialog)
        await pilot.press("enter")                      # two keys: a call, now
        await settle(pilot)
        assert not isinstance(app.screen, LogContactDialog)
        [call] = activities.member_activities(demo_store, member.id)
        assert (call.kind.value, call.at, call.staff) == ("call", NOW, "tester")
        assert app.screen.query_one(RosterTable).cursor_member.last_active_on == TODAY
        await pilot.press("l", "1", "enter")            # three keys: a chat
        await settle(pilot)
        kinds = [a.kind.value for a in activities.member_activities(demo_store, member.id)]
        assert sorted(kinds) == ["call", "chat"]
        await pilot.press("l", "escape")                # Esc logs nothing
        assert len(activities.member_activities(demo_store, member.id)) == 2


async def test_the_contact_dialog_clears_a_due_follow_up(settle, make_app, demo_store):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("down")
        member = app.screen.query_one(RosterTable).cursor_member
        followups.set_follow_up(demo_store, "tester", member.id, TODAY, "回访", today=TODAY)
        await pilot.press("l")
        assert "回访" in str(app.screen.query_one("#log-follow-info").render())
        await pilot.press("tab", "tab", *"已联系", "enter")   # to the note; the follow-up: clear
        await settle(pilot)
        assert followups.get_follow_up(demo_store, member.id) is None
        assert activities.member_activities(demo_store, member.id)[0].note == "已联系"


async def test_work_the_wake_up_list(settle, make_app, demo_store):
    app = make_app("zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("down", "w")
        await settle(pilot)
        assert isinstance(app.screen, ReactivationScreen)
        sleepers = app.screen.query_one("#sleepers", PagedList)
        expected = reactivation.reactivation_list(demo_store, TODAY, 30, limit=500)
        assert sleepers.row_count == len(expected) > 0
        assert [s.member_id for s in sleepers.items_loaded()] == [s.member_id for s in expected]
        assert f"沉睡客户 {len(expected)} 位" in str(app.screen.query_one("#engagement-heading").render())
        first = sleepers.cursor_item
        await pilot.press("l", "enter")                  # one key opens it, Enter logs a call
        await settle(pilot)
        assert sleepers.row_count == len(expected) - 1   # awake again: off the list
        assert first.member_id not in [s.member_id for s in sleepers.items_loaded()]
        await pilot.press("w")                           # who was woken this week
        await settle(pilot)
        woken = sleepers.items_loaded()
        assert [w.member_id for w in woken] == [first.member_id]
        assert woken[0].days_asleep == first.days_asleep
        await pilot.press("w", "a")                      # back, then one advisor's members
        await settle(pilot)
        advisor = app.screen.advisor
        assert advisor and {s.advisor for s in sleepers.items_loaded()} == {advisor}
        await pilot.press("enter")                       # the member card
        await settle(pilot)
        assert isinstance(app.screen, MemberCardScreen)


async def test_open_respond_and_resolve_a_complaint(settle, make_app, demo_store):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("down", "k")
        await settle(pilot)
        assert isinstance(app.screen, ComplaintsScreen)
        await pilot.press("n")
        assert isinstance(app.screen, FormDialog)
        await pilot.press(*"3", "tab")                   # the member by id
        app.screen.query_one("#field-category", Select).value = "fees"
        app.screen.query_one("#field-summary", Input).value = "对佣金有异议"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ComplaintsScreen)
        [made] = complaints.list_complaints(demo_store, TODAY)
        assert (made.member_id, made.category.value, made.status.value) == (3, "fees", "open")
        assert made.first_response_due == TODAY + timedelta(days=1)
        listed = app.screen.query_one("#complaints", PagedList)
        assert [c.id for c in listed.items_loaded()] == [made.id]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ComplaintCardScreen)
        await pilot.press("r")
        await pilot.press(*"已电话致歉", "ctrl+s")
        await settle(pilot)
        answered = complaints.get_complaint(demo_store, made.id, TODAY)
        assert answered.status.value == "in_progress" and answered.response == "已电话致歉"
        await pilot.press("x")
        await pilot.press("ctrl+s")                      # no resolution text: refused, stays open
        assert isinstance(app.screen, FormDialog)
        assert "how the complaint was resolved" in str(app.screen.query_one("#form-error").render())
        await pilot.press(*"已退还", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ComplaintCardScreen)
        assert complaints.get_complaint(demo_store, made.id, TODAY).status.value == "resolved"
        assert "resolved" in str(app.screen.query_one("#complaint-title").render()).lower()
        await pilot.press("escape", "f")                 # back to the list; show overdue
        await settle(pilot)
        assert listed.items_loaded() == []


async def test_overdue_complaints_come_first_in_red(settle, make_app, demo_store):
    config = EngagementConfig()
    recent = complaints.open_complaint(demo_store, "tester", config, member_id=1, channel="phone",
                                       category="service", summary="新的", opened_at=NOW)
    late = complaints.open_complaint(demo_store, "tester", config, member_id=2, channel="letter",
                                     category="fees", summary="一个月前",
                                     opened_at=NOW - timedelta(days=30))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("down", "k")
        await settle(pilot)
        listed = app.screen.query_one("#complaints", PagedList)
        assert [c.id for c in listed.items_loaded()] == [late.id, recent.id]
        assert [listed.row_style(c) for c in listed.items_loaded()] == ["alert", None]
        red = listed.get_component_rich_style("paged-list--alert")
        await pilot.press("down")                         # the cursor off the overdue row
        row = listed.render_line(1)
        assert any(segment.style and segment.style.color == red.color for segment in row
                   if "一个月前" in segment.text)


async def test_today_lists_follow_ups_overdue_and_birthdays(settle, make_app, demo_store):
    member_ids = [1, 2]
    followups.set_follow_up(demo_store, "tester", 1, TODAY, "确认满意度", today=TODAY)
    followups.set_follow_up(demo_store, "tester", 2, TODAY + timedelta(days=3), "邀请沙龙",
                            today=TODAY)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("down", "t")
        await settle(pilot)
        assert isinstance(app.screen, FollowUpsScreen)
        due = app.screen.query_one("#follow-ups", PagedList)
        assert [f.member_id for f in due.items_loaded()] == [1]
        await pilot.press("d")                           # this week too
        await settle(pilot)
        assert sorted(f.member_id for f in due.items_loaded()) == member_ids
        birthdays = app.screen.query_one("#birthdays", PagedList).items_loaded()
        assert birthdays == followups.upcoming_birthdays(demo_store, TODAY)
        await pilot.press("x")                           # the first one is done
        await settle(pilot)
        assert followups.get_follow_up(demo_store, due.items_loaded()[0].member_id) is not None
        assert len(due.items_loaded()) == 1


async def test_the_member_card_shows_one_timeline(settle, make_app, demo_store):
    activities.log_activity(demo_store, "tester", 5, "visit", note="来营业部面谈")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.screen.open_member(5)
        await settle(pilot)
        await pilot.press("ctrl+l", "2", "enter")        # another contact from the card: a call
        await settle(pilot)
        await pilot.press("ctrl+t", "ctrl+t")            # the history tab
        await settle(pilot)
        text = "\n".join(str(w.render()) for w in app.screen.query(".history-entry"))
        assert "来营业部面谈" in text and text.count("by tester") == 2
        summary = str(app.screen.query_one(".timeline-summary").render())
        assert f"Last heard from {TODAY.isoformat()}" in summary


async def test_help_and_palette_reach_every_engagement_screen(settle, make_app):
    app = make_app("zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        help_text = str(app.screen.query_one("#help-keys").render())
        for words in ("唤醒名单", "今日回访", "投诉", "记联系"):
            assert words in help_text
        await pilot.press("escape")
        await pilot.pause()
        titles = [command.title for command in BranchDeskCommands(app.screen).commands()]
        for words in ("唤醒名单", "今日回访", "投诉", "记录联系"):
            assert any(words in title for title in titles), words
