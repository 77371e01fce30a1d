"""Signing out and erasing a member in the app, driven by keys.

f4 (or "Sign out" in the palette) returns to the sign-in screen without quitting, on a branch
with staff only; the next person signs in and finds no area the last one left open. Ctrl+Y on
a member card asks for the request and a reviewer's or manager's password, then erases as
`branchdesk erase-member` does."""

from __future__ import annotations

import pytest
from support import MANAGER_NAME, MANAGER_PASSWORD, audit_operators
from textual.command import CommandPalette
from textual.widgets import Input

from branchdesk.screens import compose
from branchdesk.screens.compose import ComposeScreen
from branchdesk.screens.member_card import MemberCardScreen
from branchdesk.screens.roster import RosterScreen
from branchdesk.screens.signin import SignInScreen
from branchdesk.services import activities, audit_trail, roster
from branchdesk.services.staff import Credentials
from branchdesk.store.audit_privacy import REDACTED
from branchdesk.widgets.form_dialog import FormDialog

MANAGER = Credentials(MANAGER_NAME, MANAGER_PASSWORD)


@pytest.fixture(autouse=True)
def quick_check(monkeypatch):
    monkeypatch.setattr(compose, "CHECK_DELAY", 0.02)


async def test_f4_signs_out_and_the_next_person_signs_in(staffed_branch, make_app, settle, sign_in):
    app = make_app("zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "小李", "li-pass-1")
        await settle(pilot)
        await pilot.press("m")                           # 小李 starts a draft
        await pilot.pause()
        assert isinstance(app.screen, ComposeScreen)
        await pilot.press(*"小李写了一半的草稿")
        await pilot.pause(0.1)
        await pilot.press("escape")                      # back to the roster
        await pilot.pause()
        assert isinstance(app.screen, RosterScreen)
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen) and app.is_running
        assert app.screen.query_one("#signin-name", Input).value == ""  # not 小李 again
        await pilot.press("m", "ctrl+p")                 # nothing opens before sign-in
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        await sign_in(pilot, MANAGER.name, MANAGER.password)
        assert isinstance(app.screen, RosterScreen)
        assert app.settings.operator == MANAGER.name
        await settle(pilot)
        await pilot.press("m")                           # the draft is not there for 周经理
        await pilot.pause()
        assert isinstance(app.screen, ComposeScreen)
        assert "草稿" not in app.screen.query_one("TextArea").text
    assert audit_operators(staffed_branch, "staff.sign_out") == ["小李"]
    assert audit_operators(staffed_branch, "staff.sign_in") == ["小李", MANAGER.name]


async def test_sign_out_is_in_the_palette_and_help_but_not_over_a_card(staffed_branch, make_app,
                                                                      settle, sign_in):
    app = make_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "小李", "li-pass-1")
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert "Sign out" in " ".join(str(s.render()) for s in app.screen.query("Static"))
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("enter")                       # a member card is open: not now
        await pilot.pause()
        assert isinstance(app.screen, MemberCardScreen)
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, MemberCardScreen)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert CommandPalette.is_open(app)
        await pilot.press(*"Sign out")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
    assert audit_operators(staffed_branch, "staff.sign_out") == ["小李"]


async def test_a_branch_without_staff_has_no_sign_out(make_app, settle, demo_store):
    app = make_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, RosterScreen)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Sign out")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, SignInScreen)
    assert audit_operators(demo_store, "staff.sign_out") == []


async def _open_first_card(pilot, settle) -> MemberCardScreen:
    await settle(pilot)
    await pilot.press("enter")
    await pilot.pause()
    card = pilot.app.screen
    assert isinstance(card, MemberCardScreen)
    return card


async def test_ctrl_y_on_a_member_card_erases_with_an_approvers_password(staffed_branch, make_app,
                                                                         settle, sign_in):
    app = make_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "小李", "li-pass-1")
        card = await _open_first_card(pilot, settle)
        member = card.member
        activities.log_activity(staffed_branch, "小李", member.id, "call", note="聊到他的房贷")
        await pilot.press("ctrl+y")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, FormDialog)
        await pilot.press(*"request 2026-051, ID checked")   # the reason field has focus
        dialog.query_one("#field-approver", Input).value = MANAGER.name
        dialog.query_one("#field-approver_password", Input).focus()
        await pilot.press(*"wrong-pass", "ctrl+s")           # a wrong password: says so, stays
        await pilot.pause()
        assert app.screen is dialog
        assert str(dialog.query_one("#form-error").render()).strip()
        assert roster.get_member(staffed_branch, member.id).name == member.name
        dialog.query_one("#field-approver_password", Input).value = ""
        await pilot.press(*MANAGER.password, "ctrl+s")
        await pilot.pause()
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)          # the card closed, the roster reloaded
    gone = roster.get_member(staffed_branch, member.id)
    assert gone.name == REDACTED and gone.phone is None
    assert all(a.note is None for a in activities.member_activities(staffed_branch, member.id))
    [row] = audit_trail.entries(staffed_branch, audit_trail.Scope("member", member_id=member.id))[-1:]
    assert row["action"] == "member.erase" and row["operator"] == "小李"
    assert MANAGER.name in row["after"] and "2026-051" in row["after"]
    assert audit_trail.verify(staffed_branch).ok


async def test_escape_leaves_the_erase_dialog_and_nothing_is_erased(staffed_branch, make_app, settle,
                                                                   sign_in):
    app = make_app("zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "小李", "li-pass-1")
        card = await _open_first_card(pilot, settle)
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert isinstance(app.screen, FormDialog)
        assert "删除客户" in str(app.screen.query_one("#form-title").render())
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is card
    assert roster.get_member(staffed_branch, card.member_id).name == card.member.name
    assert audit_operators(staffed_branch, "member.erase") == []


async def test_without_staff_nobody_could_approve_so_ctrl_y_says_how_to_set_up(
        make_app, settle, demo_store):
    app = make_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        card = await _open_first_card(pilot, settle)
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert app.screen is card
    assert roster.get_member(demo_store, card.member_id).name == card.member.name
