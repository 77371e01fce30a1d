"""Today (`t`) lists every advisor's overdue follow-ups in one list without group headings:
oldest first, so the dates never seem out of order; the CLI still heads each advisor's group."""

from __future__ import annotations

from datetime import timedelta

from support import TODAY

from branchdesk.screens.followups import FollowUpsScreen
from branchdesk.services import followups
from branchdesk.widgets.engagement.paged_list import PagedList


def overdue_for_two_advisors(store) -> list[int]:
    """Two advisors, each with follow-ups 3 and 1 days overdue: by advisor, 3,1,3,1."""
    chosen = []
    for advisor in [r[0] for r in store.conn.execute(
            "SELECT DISTINCT advisor FROM members WHERE advisor IS NOT NULL ORDER BY advisor"
            " LIMIT 2")]:
        chosen += [r[0] for r in store.conn.execute(
            "SELECT id FROM members WHERE advisor = ? ORDER BY id LIMIT 2", (advisor,))]
    store.conn.execute("DELETE FROM follow_ups")
    for member_id, days in zip(chosen, (3, 1, 3, 1), strict=True):
        followups.set_follow_up(store, "tester", member_id, TODAY - timedelta(days=days), "回访",
                                today=TODAY - timedelta(days=days))
    return chosen


async def test_today_lists_overdue_follow_ups_oldest_first(settle, make_app, demo_store):
    chosen = overdue_for_two_advisors(demo_store)
    grouped = followups.due_follow_ups(demo_store, TODAY)
    assert [f.due_on for f in grouped] != sorted(f.due_on for f in grouped)  # the CLI's order
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("down", "t")
        await settle(pilot)
        assert isinstance(app.screen, FollowUpsScreen)
        shown = app.screen.query_one("#follow-ups", PagedList).items_loaded()
    assert sorted(f.member_id for f in shown) == sorted(chosen)
    assert [f.due_on for f in shown] == sorted(f.due_on for f in shown)
