"""Quitting with unsaved work asks first (ctrl+q and the palette's Quit), and the start-up
hint is brief and follows a language switch."""

from __future__ import annotations

from textual.widgets import Input, Label

from branchdesk.screens.compose import ComposeScreen
from branchdesk.screens.member_card import MemberCardScreen
from branchdesk.widgets.quit_dialog import QuitWithUnsavedScreen


def question(app) -> str:
    return str(app.screen.query_one("#quit-question", Label).render())


async def test_ctrl_q_on_a_card_with_an_edit_asks_and_keeps_the_edit(make_app, settle):
    app = make_app("zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("down", "enter")
        await pilot.pause()
        card = app.screen
        assert isinstance(card, MemberCardScreen)
        await pilot.press("tab", "tab")
        field = card.focused
        assert isinstance(field, Input)
        await pilot.press("end", "X", "ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, QuitWithUnsavedScreen)    # asked, not gone
        assert "未保存的改动" in question(app) and card.member.name in question(app)
        await pilot.press("escape")                             # keep editing
        await pilot.pause()
        assert app.screen is card and field.value.endswith("X")
        assert app.is_running
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("q")                                  # discard and quit
        await pilot.pause()
        assert not app.is_running


async def test_the_palette_quit_asks_for_a_draft_in_compose(make_app, settle):
    app = make_app("zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, ComposeScreen)
        await pilot.press(*"周末沙龙")
        await pilot.pause(0.2)
        await pilot.press("ctrl+p", *"退出", "enter")
        await pilot.pause()
        assert isinstance(app.screen, QuitWithUnsavedScreen)
        assert "撰写消息" in question(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ComposeScreen) and app.screen.editor.text == "周末沙龙"
        await pilot.press("ctrl+q", "ctrl+q")                   # asked; ctrl+q again: quit
        await pilot.pause()
        assert not app.is_running


async def test_ctrl_q_with_nothing_unsaved_quits_at_once(make_app, settle):
    app = make_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("down", "enter")                      # a card, nothing typed
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running


def toasts(app) -> list[str]:
    """The notifications on screen now (expired ones are gone)."""
    return [str(n.message) for n in app._notifications]


async def test_the_sign_in_hint_is_brief_and_follows_a_language_switch(make_app, settle):
    from branchdesk.app import SIGN_IN_HINT_SECONDS

    app = make_app("zh")
    app.hint_sign_in = True
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert any("尚未设立员工" in text for text in toasts(app))
        assert SIGN_IN_HINT_SECONDS <= 8
        await pilot.press("f2")
        await settle(pilot)
        shown = " ".join(toasts(app))
        assert "尚未设立员工" not in shown and "no staff" in shown.lower()
        await pilot.pause(SIGN_IN_HINT_SECONDS + 0.5)
        assert not any("no staff" in text.lower() for text in toasts(app))


async def test_ctrl_q_in_a_half_filled_event_form_asks(make_app, settle):
    from branchdesk.widgets.events.event_form import EventForm

    app = make_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, EventForm) and not form.has_unsaved_changes()
        await pilot.press(*"Saturday salon", "ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, QuitWithUnsavedScreen)
        assert "New event" in question(app)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is form and app.is_running
