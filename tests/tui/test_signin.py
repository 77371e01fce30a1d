"""Sign-in, driven by keys: a branch with staff starts at the sign-in; a wrong password says
so and stays; the right one opens the roster, and what the person does next is recorded
under their name. Nothing else opens before that. A branch without staff starts as before."""

from __future__ import annotations

import pytest
from support import MANAGER_NAME, MANAGER_PASSWORD, audit_operators
from textual.widgets import Input

from branchdesk.screens import compose
from branchdesk.screens.compose import ComposeScreen
from branchdesk.screens.roster import RosterScreen
from branchdesk.screens.signin import SignInScreen
from branchdesk.services import messages, staff
from branchdesk.services.staff import Credentials

MANAGER = Credentials(MANAGER_NAME, MANAGER_PASSWORD)


@pytest.fixture(autouse=True)
def quick_check(monkeypatch):
    monkeypatch.setattr(compose, "CHECK_DELAY", 0.02)


async def test_wrong_then_right_password_and_the_audit_names_who_signed_in(staffed_branch, make_app,
                                                                           settle):
    app = make_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SignInScreen)
        name = screen.query_one("#signin-name", Input)
        assert name.value == "" and name.has_focus   # "tester" is no staff member: not offered
        name.value = "小李"                                     # as an input method types it
        await pilot.press("enter")                             # Enter moves to the password
        assert screen.query_one("#signin-password", Input).has_focus
        await pilot.press(*"li-pass-x", "enter")
        await pilot.pause()
        assert app.screen is screen                            # wrong: says so and stays
        assert "Wrong name or password" in str(screen.query_one("#signin-error").render())
        assert screen.query_one("#signin-password", Input).value == ""
        await pilot.press("ctrl+p")                            # nothing opens before sign-in
        await pilot.pause()
        assert app.screen is screen
        name.focus()
        await pilot.press("m")                                 # a letter is typed, not a key
        await pilot.pause()
        assert app.screen is screen and name.value.endswith("m")
        name.value = "小李"
        screen.query_one("#signin-password", Input).focus()
        await pilot.press(*"li-pass-1", "enter")
        await pilot.pause()
        assert isinstance(app.screen, RosterScreen)
        assert app.settings.operator == "小李"
        await settle(pilot)
        await pilot.press("m")                                 # write and submit a message
        await pilot.pause()
        assert isinstance(app.screen, ComposeScreen)
        await pilot.press(*"周末沙龙报名开始了，欢迎参加。")
        await pilot.pause(0.1)
        await pilot.press("ctrl+r")
        await pilot.pause()
    assert audit_operators(staffed_branch, "staff.sign_in") == ["小李"]
    submitted = messages.review_queue(staffed_branch)
    assert [m["author"] for m in submitted] == ["小李"]
    assert audit_operators(staffed_branch, "message.submitted")[-1:] == ["小李"]


async def test_the_login_name_is_offered_when_it_is_a_staff_member(staffed_branch, make_app):
    staff.add_staff(staffed_branch, MANAGER, "tester", "reviewer", "tester-pass")
    app = make_app("zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.query_one("#signin-name", Input).value == "tester"
        assert screen.query_one("#signin-password", Input).has_focus
        await pilot.press(*"tester")
        await pilot.press("f2")                          # English, and what was typed stays
        await pilot.pause()
        assert "Sign in" in str(screen.query_one("#signin-title").render())
        assert screen.query_one("#signin-password", Input).value == "tester"
        await pilot.press(*"-pass", "enter")
        await pilot.pause()
        assert isinstance(app.screen, RosterScreen)


async def test_escape_on_the_sign_in_quits(staffed_branch, make_app):
    app = make_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        await pilot.press("escape")
        await pilot.pause()
    assert audit_operators(staffed_branch, "staff.sign_in") == []


async def test_a_branch_without_staff_starts_without_a_sign_in(demo_store, make_app, settle):
    app = make_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen) and not app.signing_in
