"""Every screen at 80x24 in both languages, as a newcomer sees it: footers not cut under the
palette key, no English left in a Chinese footer, filter names whole, drop-downs framed and
one line per entry, hints that wrap instead of being cut, and a help box that grows."""

from __future__ import annotations

import re

import pytest
from rich.cells import cell_len
from screens_tour import TOUR, settle_all
from textual.widgets import Label, Select
from textual.widgets._footer import FooterKey
from textual.widgets._select import SelectCurrent, SelectOverlay

from branchdesk.screens.help import HelpScreen
from branchdesk.widgets.filter_bar import SELECT_FIELDS, FilterBar

CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture
def quiet_folder(tmp_path, monkeypatch):
    folder = tmp_path / "files"
    folder.mkdir()
    monkeypatch.chdir(folder)


@pytest.mark.parametrize("language", ["en", "zh"])
async def test_every_footer_fits_80_columns(make_app, settle, language, quiet_folder):
    problems = []
    for name, go in TOUR.items():
        app = make_app(language)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await go(pilot)
            await settle_all(pilot)
            keys = list(app.screen.query(FooterKey))
            palette = [k for k in keys if k.has_class("-command-palette")]
            limit = palette[0].region.x if palette else 80
            for key in keys:
                if key in palette:
                    continue
                if key.region.right > limit or key.region.width == 0:
                    problems.append(f"{name}: {key.key_display} {key.description} cut")
                if language == "zh" and not CJK.search(key.description) \
                        and key.description != "English":
                    problems.append(f"{name}: {key.description!r} is not Chinese")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", ["en", "zh"])
async def test_filter_names_are_whole_and_their_lists_are_framed(make_app, settle, language):
    app = make_app(language)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await pilot.pause()
        bar = app.screen.query_one(FilterBar)
        for field in SELECT_FIELDS:
            select = bar.query_one(f"#filter-{field}", Select)
            shown = select.query_one(SelectCurrent)
            assert shown.region.width >= cell_len(FilterBar.prompt(field)) + 2, field
            assert select.region.right <= 80
        risk = bar.query_one("#filter-risk_level", Select)
        risk.focus()
        await pilot.press("enter")
        await pilot.pause()
        overlay = risk.query_one(SelectOverlay)
        assert overlay.display and overlay.styles.border_top[0] != ""
        table_background = app.screen.query_one("#roster-table").styles.background
        assert overlay.styles.background != table_background
        # One line per entry: the prompt and C1…C5, each on its own line, and the frame.
        assert overlay.region.height == overlay.option_count + 2
        assert overlay.region.right <= 80


@pytest.mark.parametrize("language", ["en", "zh"])
async def test_the_rule_editors_hint_is_not_cut(make_app, settle, language):
    app = make_app(language)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await TOUR["rule-editor"](pilot)
        await settle_all(pilot)
        hint = app.screen.query_one("#rule-hint", Label)
        text = str(hint.render())
        assert hint.region.height * hint.region.width >= cell_len(text)
        assert hint.region.height >= 2 or cell_len(text) <= hint.region.width


async def test_the_help_box_grows_on_a_tall_terminal(make_app, settle):
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        body = app.screen.query_one("#help-body")
        keys = app.screen.query_one("#help-keys")
        assert body.region.height > 18                     # more than the old fixed box
        assert body.region.height >= min(keys.virtual_region.height, 45 - 6)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        box = app.screen.query_one("#help-box")
        assert box.region.bottom <= 24 and box.region.y >= 0   # still inside a small one
