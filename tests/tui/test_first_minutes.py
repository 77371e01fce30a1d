"""The first minutes with BranchDesk: the roster opens on the list, so its keys work at once
(an empty roster says "Press i to import", and i does); anything else typed in the list —
Chinese, digits, a letter no key uses, a paste — is a search."""

from __future__ import annotations

import pytest
from support import TODAY

from branchdesk.app import BranchDeskApp
from branchdesk.i18n import set_language
from branchdesk.screens.import_wizard import ImportWizardScreen
from branchdesk.screens.roster import RosterScreen
from branchdesk.settings import Settings
from branchdesk.widgets.filter_bar import FilterBar
from branchdesk.widgets.roster_search_box import SearchBox
from branchdesk.widgets.roster_table import RosterTable


def line(app, y: int) -> str:
    return app.screen.query_one(RosterTable).render_line(y).text


def search(app) -> SearchBox:
    return app.screen.query_one(SearchBox)


@pytest.mark.parametrize(("language", "hint"), [("en", "Press i to import"),
                                                ("zh", "按 i 从 Excel 或 CSV 导入")])
async def test_an_empty_roster_says_press_i_and_i_opens_the_import(store, settle, language, hint):
    set_language(language)
    settings = Settings(db_path=store.path, operator="tester", language=language)
    app = BranchDeskApp(settings, store, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen.focused, RosterTable)
        assert hint in line(app, 1)
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, ImportWizardScreen)


async def test_the_roster_opens_with_the_list_and_its_keys_in_the_footer(make_app, settle):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)
        assert isinstance(app.focused, RosterTable)
        await pilot.press("f")                              # the list's own key: filters
        await pilot.pause()
        assert not app.screen.query_one(FilterBar).has_class("-hidden")
        assert search(app).value == ""


@pytest.mark.parametrize("typed", ["王", "5678", "z"])
async def test_characters_typed_in_the_list_become_a_search(make_app, settle, typed):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*typed)
        await settle(pilot)
        assert search(app).value == typed
        assert search(app).has_focus                       # the rest of the word goes there too
        assert app.screen.query_one(RosterTable).query_shown.search == typed
        await pilot.press("escape", "escape")              # clear, then back to the list
        await settle(pilot)
        assert search(app).value == "" and isinstance(app.focused, RosterTable)
        assert app.screen.query_one(RosterTable).row_count == 200


async def test_a_paste_in_the_list_is_searched_for(make_app, settle, demo_store):
    from textual import events

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.query_one(RosterTable).post_message(events.Paste("138 0013\n"))
        await settle(pilot)
        assert search(app).value == "138 0013" and search(app).has_focus
