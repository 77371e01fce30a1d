"""The roster screen's search, tier filter, order and privacy, as a person meets them."""

from __future__ import annotations

import json

from support import TODAY
from textual.widgets import Select

from branchdesk.enums import ValueTier
from branchdesk.models import MemberQuery
from branchdesk.services import roster
from branchdesk.widgets.roster_table import RosterTable
from branchdesk.widgets.status_line import StatusLine


def table(app) -> RosterTable:
    return app.screen.query_one(RosterTable)


def on_screen(app):
    t = table(app)
    return [t.member_at(r) for r in range(round(t.scroll_y),
                                          min(round(t.scroll_y) + t.visible_rows, t.row_count))]


async def test_typing_a_need_word_finds_members_with_that_need(settle, make_app, demo_store):
    app = make_app("zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"解套")
        await settle(pilot)
        expected = roster.count_members(demo_store, MemberQuery(need="recovery"), TODAY)
        assert table(app).row_count == expected > 0
        assert all(any(n.value == "recovery" for n in m.needs) for m in on_screen(app))


async def test_tier_filter_from_the_filter_bar(settle, make_app, demo_store):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("down", "f", "tab", "tab", "tab")  # need, experience, risk, tier
        tier = app.screen.query_one("#filter-value_tier", Select)
        assert tier.has_focus
        await pilot.press("enter", "down", "down", "down", "enter")  # the third: gold
        await settle(pilot)
        assert tier.value is ValueTier.GOLD
        gold = roster.list_members(demo_store, MemberQuery(value_tier="gold"), today=TODAY)
        assert table(app).row_count == len(gold) > 0
        assert all(m.value_tier is ValueTier.GOLD for m in on_screen(app))
        assert "Tier: Gold" in app.screen.query_one(StatusLine).text


async def test_names_are_in_pinyin_order_and_account_numbers_masked(settle, make_app, demo_store):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        names = [m.name for m in on_screen(app)]
        from branchdesk.pinyin_sort import sort_key

        assert names == sorted(names, key=sort_key)
        first = on_screen(app)[0]
        line = "".join(s.text for s in table(app).render_line(1))
        assert first.masked_account in line and first.account_no not in line


async def test_a_whole_phone_number_typed_in_the_search_is_audited_once(settle, make_app,
                                                                          demo_store):
    target = roster.list_members(demo_store, MemberQuery(), today=TODAY)[5]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*target.phone)
        await settle(pilot)
        assert [m.id for m in on_screen(app)] == [target.id]
        await pilot.press("f5")  # a reload shows the same search: no second audit row
        await settle(pilot)
    rows = demo_store.conn.execute(
        "SELECT operator, after FROM audit_log WHERE action = 'members.search_number'").fetchall()
    assert len(rows) == 1 and rows[0][0] == "tester"
    assert target.phone not in rows[0][1]
    assert json.loads(rows[0][1])["numbers"] == [target.masked_phone]


async def test_the_advisor_list_is_filled_when_the_filters_open(settle, make_app, demo_store):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("down", "f")
        await settle(pilot)
        advisor = app.screen.query_one("#filter-advisor", Select)
        advisors = roster.filter_options(demo_store)["advisor"]
        assert advisors and [v for _, v in advisor._options[1:]] == advisors
