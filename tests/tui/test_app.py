"""The app shell: language switch, help, command palette, theme, and starting up."""

from __future__ import annotations

import importlib

import pytest
from textual.command import CommandPalette
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from branchdesk.app import BranchDeskApp, run_app
from branchdesk.i18n import get_language
from branchdesk.screens.help import HelpScreen
from branchdesk.screens.roster import RosterScreen
from branchdesk.settings import Settings
from branchdesk.widgets.app_header import AppHeader
from branchdesk.widgets.roster_table import RosterTable
from branchdesk.widgets.status_line import StatusLine


def descriptions(node) -> dict[str, str]:
    return {binding.action: binding.description for _key, binding in node._bindings}


def header_text(app) -> str:
    return str(app.screen.query_one(AppHeader).render())


async def test_header_names_branch_database_and_operator(settle, make_app):
    app = make_app(branch_name="上海陆家嘴营业部")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = header_text(app)
        assert "上海陆家嘴营业部" in text and "branch.db" in text and "tester" in text
        assert app.current_mode == "roster"


async def test_switching_language_relabels_everything_and_keeps_the_search(settle, make_app):
    app = make_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("1")                        # a search the switch must keep
        await settle(pilot)
        count = app.screen.query_one(RosterTable).row_count
        assert descriptions(app.screen)["toggle_filters"] == "Filters"
        await pilot.press("f2")
        await settle(pilot)
        assert get_language() == "zh" and app.settings.language == "zh"
        assert descriptions(app.screen)["toggle_filters"] == "筛选"
        assert descriptions(app)["help"] == "帮助"
        assert "位客户" in app.screen.query_one(StatusLine).text
        assert "花名册" in header_text(app)
        assert app.screen.query_one("#search").value == "1"
        assert app.screen.query_one(RosterTable).row_count == count
        assert any(n.message == "已切换为中文" for n in app._notifications)
        await pilot.press("f2")
        await settle(pilot)
        assert descriptions(app.screen)["toggle_filters"] == "Filters"


async def test_help_screen_lists_the_keys_of_the_screen_and_closes(settle, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-keys").render())
        for words in ("Roster", "Filters", "Dormant", "Member list", "Open", "Search box",
                      "Everywhere", "Quit", "中文"):
            assert words in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, RosterScreen)
        await pilot.press("question_mark")           # ? too, in the list
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


async def test_palette_offers_every_area_and_action(settle, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert CommandPalette.is_open(app)
        titles = [c[0] for c in app.screen._providers[0].commands()]
        for title in ("Go to Roster", "Import a roster file", "Show the keys", "切换到中文",
                      "Switch between light and dark", "Show or hide the filters",
                      "Dormant members only", "Sort by Last active", "Quit BranchDesk"):
            assert title in titles


async def test_palette_switches_to_light_theme(settle, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        dark = app.theme
        await pilot.press("ctrl+p", *"light", "enter")
        await pilot.pause()
        assert app.theme != dark
        assert not CommandPalette.is_open(app)


def background(app) -> str:
    return app.screen.styles.background.hex


async def test_areas_wear_the_theme_whenever_they_first_open(settle, make_app):
    """An area's screen opens without Textual restyling the whole app (app.Area): it must
    still wear the current theme, whether it first opens before or after a theme change."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("e")  # the events area, in the dark theme
        await settle(pilot)
        dark = background(app)
        assert dark == app.get_css_variables()["background"].upper()
        await pilot.press("escape", "f3")  # light, from the roster
        await settle(pilot)
        light = background(app)
        assert light != dark
        await pilot.press("k")  # an area first opened in the light theme
        await settle(pilot)
        assert background(app) == light
        await pilot.press("escape", "e")  # the events area, built in the dark one
        await settle(pilot)
        assert background(app) == light


async def test_palette_reaches_the_import_wizard(settle, make_app):
    wizard = pytest.importorskip("branchdesk.screens.import_wizard")

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"import", "enter")
        await pilot.pause()
        assert isinstance(app.screen, wizard.ImportWizardScreen)


async def test_area_keys_do_not_leave_the_import_wizard(settle, make_app):
    from branchdesk.screens.import_wizard import ImportWizardScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await pilot.pause()
        await pilot.press("m", "v")
        await pilot.pause()
        assert isinstance(app.screen, ImportWizardScreen) and app.current_mode == "roster"


def footer_actions(app) -> set[str]:
    return {key.action for key in app.screen.query_one(Footer).query(FooterKey)}


async def test_footer_shows_the_keys_of_the_focused_part(settle, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # The list has focus at start: its keys and the screen's.
        shown = footer_actions(app)
        assert {"open", "toggle_filters", "log_contact", "help"} <= shown
        # Typing in the search box: single-letter keys would be typed, so they are hidden.
        await pilot.press("slash")
        await pilot.pause()
        shown = footer_actions(app)
        assert "toggle_filters" not in shown and "leave" in shown


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_footer_fits_at_80_columns(settle, make_app, language):
    app = make_app(language)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        keys = list(app.screen.query_one(Footer).query(FooterKey))
        assert keys and all(0 < key.region.right <= 80 for key in keys)
        assert max(key.region.right for key in keys) <= 80


def test_run_app_reports_a_database_it_cannot_open(tmp_path, capsys):
    folder = tmp_path / "a-folder"
    folder.mkdir()
    settings = Settings(db_path=folder, operator="tester", language="en")
    assert run_app(settings) == 2
    assert "is a folder" in capsys.readouterr().err


async def test_quit_with_ctrl_q(settle, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0
    assert isinstance(app, BranchDeskApp)


async def test_ctrl_c_says_how_to_quit_in_the_users_language(settle, make_app):
    app = make_app("zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert app.is_running
        assert any("Ctrl+Q" in n.message and "退出" in n.message for n in app._notifications)


async def test_help_on_the_member_card_lists_its_keys(settle, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")                    # open the first member's card
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-keys").render())
        assert "This screen" in text or "Member" in text
        assert "Quit" in text


def test_every_area_is_named_like_its_screen():
    """Areas load their screen on first use; the names the palette shows must match it."""
    from branchdesk.app import Area

    for mode, area in BranchDeskApp.MODES.items():
        if isinstance(area, Area):
            module = importlib.import_module(f"branchdesk.screens.{area.module}")
            screen_type = getattr(module, area.screen)
            assert screen_type.TITLE_KEY == area.TITLE_KEY, mode
            assert getattr(screen_type, "AREA_HELP", area.AREA_HELP) == area.AREA_HELP, mode


def footer_keys(app) -> dict[str, str]:
    """What the footer shows whole at this width: key → description."""
    keys = list(app.screen.query_one(Footer).query(FooterKey))
    palette = [k for k in keys if k.action == "command_palette"]
    edge = palette[0].region.x if palette else app.size.width
    return {key.key_display: key.description for key in keys
            if key.action != "command_palette" and 0 < key.region.right <= edge}


@pytest.mark.parametrize(("area", "wanted"), [
    ("roster", {"⏎": "打开", "f": "筛选", "s": "排序", "d": "沉睡", "l": "记联系", "^e": "导出",
                "f1": "帮助"}),
    ("followups", {"⏎": "打开", "l": "记联系", "n": "改期", "x": "完成", "d": "今天/本周"}),
    ("reactivation", {"l": "记联系", "a": "服务人员", "w": "本周唤醒", "r": "排序"}),
    ("communities", {"n": "新建", "m": "撰写", "esc": "花名册"}),
])
async def test_each_area_footer_shows_the_keys_its_screen_needs_at_80_columns(
        settle, make_app, area, wanted):
    app = make_app("zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        if area != "roster":
            await app.switch_mode(area)
            await settle(pilot)
        shown = footer_keys(app)
        assert wanted.items() <= shown.items(), shown


async def test_the_roster_footer_offers_clear_while_a_filter_is_in_force(settle, make_app):
    app = make_app("zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "c" not in footer_keys(app)
        await pilot.press("d")                             # dormant only
        await settle(pilot)
        assert footer_keys(app)["c"] == "清除" and footer_keys(app)["f1"] == "帮助"  # all fit
        await pilot.press("c")
        await settle(pilot)
        assert "c" not in footer_keys(app)
