"""The roster screen, driven the way a person uses it: keys in, what is on screen out."""

from __future__ import annotations

import pytest
from support import TODAY
from textual.widgets import Select

from branchdesk.errors import UserError
from branchdesk.models import MemberQuery, Need
from branchdesk.screens.roster import RosterScreen
from branchdesk.services import roster
from branchdesk.widgets.filter_bar import FilterBar
from branchdesk.widgets.roster_table import PAGE_SIZE, RosterTable
from branchdesk.widgets.status_line import StatusLine


def table(app) -> RosterTable:
    return app.screen.query_one(RosterTable)


def status(app) -> str:
    return app.screen.query_one(StatusLine).text


def shown_members(app):
    """The members on screen, top to bottom."""
    t = table(app)
    top = round(t.scroll_y)
    rows = range(top, min(top + t.visible_rows, t.row_count))
    return [t.member_at(row) for row in rows]


def footer_text(app) -> str:
    from textual.widgets import Footer

    footer = app.screen.query_one(Footer)
    return " ".join(str(key.render()) for key in footer.query("FooterKey"))


def everyone(store, **query):
    return roster.list_members(store, MemberQuery(**query), today=TODAY)


async def test_opens_on_the_roster_with_the_first_page_on_screen(settle, make_app, demo_store):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)
        assert table(app).row_count == 200
        on_screen = shown_members(app)
        assert len(on_screen) == table(app).visible_rows
        assert [m.id for m in on_screen] == [m.id for m in everyone(demo_store)[:len(on_screen)]]
        assert "200 of 200 members" in status(app)
        assert "Sort: Name ▲" in status(app)


async def test_typing_a_phone_tail_shows_only_matching_members(settle, make_app, demo_store):
    target = everyone(demo_store)[37]
    tail = target.phone[-4:]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*tail)                  # the search box has focus at start
        await settle(pilot)
        found = shown_members(app)
        assert target.id in [m.id for m in found]
        assert all(tail in (m.phone or "") + (m.account_no or "") for m in found)
        expected = roster.count_members(demo_store, MemberQuery(search=tail), TODAY)
        assert table(app).row_count == expected
        assert f"{expected} of 200 members" in status(app)


async def test_search_by_chinese_surname_then_escape_clears_it(settle, make_app, demo_store):
    surname = everyone(demo_store)[0].name[0]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(surname)
        await settle(pilot)
        expected = roster.count_members(demo_store, MemberQuery(search=surname), TODAY)
        assert table(app).row_count == expected < 200
        await pilot.press("escape")               # clears the search
        await settle(pilot)
        assert table(app).row_count == 200
        await pilot.press("escape")               # empty search: Esc moves to the list
        assert table(app).has_focus


async def test_a_search_of_only_punctuation_shows_nobody(settle, make_app, demo_store):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("exclamation_mark")     # the search box has focus at start
        await settle(pilot)
        assert table(app).row_count == 0
        assert "0 of 200 members" in status(app)


async def test_newest_search_wins_when_typing_fast(settle, make_app, demo_store):
    member = everyone(demo_store)[120]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*member.account_no)     # twelve keys in a burst
        await settle(pilot)
        assert [m.id for m in shown_members(app)] == [member.id]
        assert table(app).query_shown.search == member.account_no


async def test_need_filter_from_the_filter_bar(settle, make_app, demo_store):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f")                    # the filter bar
        bar = app.screen.query_one(FilterBar)
        assert bar.display
        need = app.screen.query_one("#filter-need", Select)
        assert need.has_focus
        await pilot.press("enter", "down", "down", "enter")  # the second need: recovery
        await settle(pilot)
        assert need.value is Need.RECOVERY
        expected = everyone(demo_store, need=Need.RECOVERY)
        assert table(app).row_count == len(expected)
        assert all(Need.RECOVERY in m.needs for m in shown_members(app))
        assert "Need: recovery" in status(app)
        await pilot.press("f")                    # hide the bar: the filter stays, shown below
        assert not bar.display and table(app).has_focus
        assert "Need: recovery" in status(app)


async def test_escape_in_the_filters_goes_back_to_the_list_keeping_them(settle, make_app,
                                                                      demo_store):
    app = make_app("zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        bar = app.screen.query_one(FilterBar)
        await pilot.press("enter", "down", "down", "enter")  # the second need: recovery
        await settle(pilot)
        assert "返回列表" in footer_text(app)    # Esc says where it goes
        await pilot.press("escape")
        await settle(pilot)
        assert not bar.display and table(app).has_focus
        assert table(app).row_count == len(everyone(demo_store, need=Need.RECOVERY))
        assert "打开" in footer_text(app) and "返回列表" not in footer_text(app)
        await pilot.press("1")                    # a digit in the list starts a search again
        await settle(pilot)
        assert app.screen.search_box.value == "1"


async def test_ctrl_e_in_the_search_box_exports_the_rows_shown(settle, make_app, demo_store):
    from branchdesk.widgets.member_export.dialog import MemberExportDialog

    app = make_app("zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("/", *"稳健")
        await settle(pilot)
        assert app.screen.search_box.has_focus
        shown = table(app).row_count
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert isinstance(app.screen, MemberExportDialog)
        assert f"{shown}" in " ".join(str(label.render()) for label in app.screen.query("Label"))


async def test_dormant_only_and_clear(settle, make_app, demo_store):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        dormant = everyone(demo_store, dormant_only=True)
        assert 0 < table(app).row_count == len(dormant) < 200
        assert all(table(app).source.is_dormant(m) for m in shown_members(app))
        assert "dormant only (30+ days)" in status(app)
        await pilot.press("c")
        await settle(pilot)
        assert table(app).row_count == 200
        assert "dormant only" not in status(app)


async def test_sort_cycles_through_the_columns_left_to_right_and_reverses(settle, make_app,
                                                                         demo_store):
    from branchdesk.widgets.roster_columns import SORT_COLUMNS

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        header = table(app).render_line(0).text
        # The sortable columns' titles, in the order they stand on the header line.
        on_header = sorted((c for c in SORT_COLUMNS.values() if c.title in header),
                           key=lambda c: header.index(c.title))
        assert len(on_header) >= 4
        seen = []
        for _ in on_header:
            await pilot.press("s")
            await settle(pilot)
            seen.append(next(c.title for c in on_header if f"Sort: {c.title} ▲" in status(app)))
        # From Name, every column to its right in turn, then back to Name.
        assert seen == [c.title for c in on_header[1:]] + ["Name"]
        await pilot.press("s")                    # the column next to Name
        await settle(pilot)
        assert f"Sort: {on_header[1].title} ▲" in status(app)
        field = on_header[1].sort_field
        assert shown_members(app)[0].id == everyone(demo_store, sort=field)[0].id
        await pilot.press("r")
        await settle(pilot)
        assert f"Sort: {on_header[1].title} ▼" in status(app)
        newest = everyone(demo_store, sort=field, descending=True)[0]
        assert shown_members(app)[0].id == newest.id


async def test_end_jumps_to_the_last_member_through_a_page_not_yet_read(settle, make_app, demo_store):
    members = everyone(demo_store)
    assert len(members) > PAGE_SIZE               # the last row lives on a second page
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("down", "end")
        await settle(pilot)
        t = table(app)
        assert t.cursor_row == 199
        assert t.cursor_member.id == members[-1].id
        assert shown_members(app)[-1].id == members[-1].id
        await pilot.press("home", "pagedown")
        assert t.cursor_row == t.visible_rows


async def test_enter_opens_the_member_card_and_a_save_refreshes_the_row(settle, make_app, demo_store):
    from branchdesk.screens.member_card import MemberCardScreen

    first = everyone(demo_store)[0]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MemberCardScreen)
        assert app.screen.member_id == first.id
        roster.update_member(demo_store, "tester", first.id, {"advisor": "新投顾"})
        app.screen.dismiss(True)                  # the card reports a save
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)
        assert table(app).member_at(0).advisor == "新投顾"


async def test_a_locked_database_is_a_notification_not_a_crash(settle, make_app, monkeypatch):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)

        def locked(*args, **kwargs):
            raise UserError("store.locked", file="branch.db", error="database is locked")

        monkeypatch.setattr(roster, "list_members", locked)
        await pilot.press("x")
        await settle(pilot)
        assert app.is_running
        assert any("busy" in n.message for n in app._notifications)
        assert table(app).row_count == 200        # the rows shown before stay


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_columns_adapt_to_the_width(settle, make_app, size):
    app = make_app("zh")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        keys = [c.key for c, _ in table(app)._columns]
        assert {"name", "phone", "risk", "needs", "advisor", "last_active", "dormant"} <= set(keys)
        assert ("account" in keys) == (size[0] >= 120)


async def test_clicking_a_column_title_sorts_by_it(settle, make_app, demo_store):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        t = table(app)
        x = 1
        for column, width in t._columns:
            if column.key == "risk":
                break
            x += width + 2
        await pilot.click(RosterTable, offset=(x, 0))
        await settle(pilot)
        assert "Sort: Risk ▲" in status(app)
        first = everyone(demo_store, sort="risk_level")[0]
        assert shown_members(app)[0].id == first.id
        await pilot.click(RosterTable, offset=(x, 0))   # again: the other way round
        await settle(pilot)
        assert "Sort: Risk ▼" in status(app)


async def test_no_match_says_how_to_get_the_members_back(settle, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"nobody-by-this-name")
        await settle(pilot)
        assert table(app).row_count == 0
        assert "No member matches" in table(app).render_line(1).text
        assert "0 of 200 members" in status(app)


async def test_an_empty_roster_says_how_to_import(tmp_path, settle):
    from branchdesk.app import BranchDeskApp
    from branchdesk.settings import Settings
    from branchdesk.store.database import Store

    store = Store(tmp_path / "new.db")
    app = BranchDeskApp(Settings(db_path=store.path, operator="tester", language="en"), store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "Press i to import" in table(app).render_line(1).text
