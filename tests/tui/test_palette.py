"""The command palette holds every action: each area, the theme and language switches, and
every key each screen binds, in the user's language; a command found there runs."""

from __future__ import annotations

import pytest
from screens_tour import TOUR, settle_all
from textual.actions import parse
from textual.command import CommandPalette

from branchdesk.app import BranchDeskApp
from branchdesk.commands import NAVIGATION, BranchDeskCommands
from branchdesk.screens.base import HasCommands, Relabels, Reloads
from branchdesk.screens.help import is_catalog_key

SCREENS = ["roster", "compose", "review", "rules", "staff", "communities", "member-card",
           "import-wizard", "help", "dashboard"]


def palette_commands(app):
    provider = app.screen._providers[0]
    assert isinstance(provider, BranchDeskCommands)
    return provider.commands()


def bound_actions(screen) -> set[str]:
    """The actions the screen binds to keys (its own, and the footer keys of the widgets
    that list their keys in the help), available now."""
    actions = set()
    nodes = [screen, *[n for n in screen.query("*") if getattr(n, "HELP_SECTION", None)]]
    for node in nodes:
        for _key, binding in type(node)._merged_bindings or []:
            namespace, name, parameters = parse(binding.action)
            if (not is_catalog_key(binding.description) or binding.action in NAVIGATION
                    or namespace or (node is not screen and not binding.show)):
                continue
            if node.check_action(name, parameters):
                actions.add(binding.action)
    return actions


@pytest.mark.parametrize("where", SCREENS)
async def test_every_key_of_every_screen_is_in_the_palette(make_app, settle, where, tmp_path,
                                                           monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await TOUR[where](pilot)
        await settle_all(pilot)
        screen = app.screen
        wanted = bound_actions(screen)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert CommandPalette.is_open(app)
        commands = palette_commands(app)
        claimed = {c.action for c in commands}
        assert wanted <= claimed, sorted(wanted - claimed)
        titles = [c.title for c in commands]
        for title in ("Switch between light and dark", "切换到中文", "Show the keys",
                      "Import a roster file", "Go to Communities", "Go to Roster",
                      "Quit BranchDesk"):
            assert title in titles
        assert len(titles) == len(set(titles)), "a command listed twice"


async def test_the_app_keys_are_in_the_palette_too(make_app, settle):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        claimed = {c.action for c in palette_commands(app)}
        for _key, binding in BranchDeskApp._merged_bindings:
            if binding.action == "sign_out":  # only on a branch with staff: see
                continue                      # tests/tui/test_sign_out_and_erase.py
            if is_catalog_key(binding.description) and binding.action not in NAVIGATION:
                assert binding.action in claimed, binding.action


async def test_a_key_only_command_runs_from_the_palette(make_app, settle):
    """Reverse sort has a key (r) and a command; cycling the sort only a key (s): the palette
    offers it under the key's name and runs it."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        before = app.screen.sort
        await pilot.press("ctrl+p", *"Sort", "enter")
        await settle(pilot)
        assert not CommandPalette.is_open(app)
        assert app.screen.sort != before


async def test_the_palette_speaks_the_users_language(make_app, settle):
    app = make_app("zh")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await TOUR["communities"](pilot)
        await settle_all(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        titles = [c.title for c in palette_commands(app)]
        for title in ("打开社群", "重命名社群", "将社群合并到另一个社群", "Switch to English",
                      "切换深色/浅色主题"):
            assert any(title in t for t in titles), title


@pytest.mark.parametrize("where", ["roster", "compose", "review", "rules", "staff",
                                   "communities", "member-card", "import-wizard", "dashboard"])
async def test_screens_say_what_they_offer_through_the_protocols(make_app, settle, where,
                                                                  tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await TOUR[where](pilot)
        await settle_all(pilot)
        assert isinstance(app.screen, Relabels)
        if where in ("roster", "compose", "review", "rules", "staff", "communities", "dashboard"):
            assert isinstance(app.screen, HasCommands)
        if where in ("roster", "review", "rules", "staff", "communities", "dashboard"):
            assert isinstance(app.screen, Reloads)


async def palette_hits(pilot) -> list[str]:
    """The lines the palette shows for what was typed, best first."""
    from textual.widgets import OptionList

    await pilot.pause(0.3)  # the palette searches a moment after the last key
    await pilot.pause()
    options = pilot.app.screen.query_one(OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


@pytest.mark.parametrize(("typed", "shown"), [("audit", "打开审计记录 · Go to Audit trail"),
                                              ("dksjjl", "打开审计记录")])
async def test_in_chinese_the_palette_finds_a_command_by_its_english_name_or_pinyin_initials(
        make_app, settle, typed, shown):
    app = make_app("zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *typed)
        hits = await palette_hits(pilot)
        assert hits and hits[0].splitlines()[0] == shown, hits
        await pilot.press("enter")
        await settle(pilot)
        assert not CommandPalette.is_open(app) and app.current_mode == "audit"


async def test_in_english_the_palette_does_not_answer_to_pinyin(make_app, settle):
    app = make_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"sjjl")
        assert not any("Audit" in hit for hit in await palette_hits(pilot))


@pytest.mark.parametrize("typed", ["周报", "导出", "dczb", "weekly review"])
async def test_the_weekly_review_export_is_in_the_palette_from_any_area(make_app, settle, typed):
    from screens_tour import settle_all

    from branchdesk.widgets.form_dialog import FormDialog

    app = make_app("zh")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *typed)
        hits = await palette_hits(pilot)
        assert any(hit.splitlines()[0].startswith("导出周报") for hit in hits), hits
        for hit in hits:
            if hit.splitlines()[0].startswith("导出周报"):
                break
            await pilot.press("down")
        await pilot.press("enter")
        await settle_all(pilot)
        assert app.current_mode == "dashboard"
        assert isinstance(app.screen, FormDialog)  # where to save it, once the figures are in
        assert app.screen.query_one("Input").value.endswith(".xlsx")
        assert "周报-" in app.screen.query_one("Input").value
