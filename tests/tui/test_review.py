"""The review queue, driven by keys: a message written and submitted in the compose screen is
approved by another reviewer with their own password — never by its author, and a blocked
one only with an override reason — then marked sent; every step is in the audit log."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from branchdesk.screens import compose
from branchdesk.screens.compose import ComposeScreen
from branchdesk.screens.review import ReviewScreen, age_text
from branchdesk.services import messages, staff
from branchdesk.services.staff import Credentials
from branchdesk.store import audit
from branchdesk.widgets.findings_view import FindingsView
from branchdesk.widgets.form_dialog import FormDialog

PROMISE = "保证年化15%,稳赚不赔"  # pilot drops a full-width comma
MANAGER = Credentials("周经理", "mgr-pass-1")


@pytest.fixture(autouse=True)
def quick_check(monkeypatch):
    monkeypatch.setattr(compose, "CHECK_DELAY", 0.02)


@pytest.fixture
def team(demo_store):
    """The operator ("tester") and 李合规 are reviewers; 周经理 manages."""
    staff.init_branch(demo_store, MANAGER.name, MANAGER.password)
    staff.add_staff(demo_store, MANAGER, "tester", "reviewer", "tester-pass")
    staff.add_staff(demo_store, MANAGER, "李合规", "reviewer", "rev-pass-1")
    return demo_store


async def write_and_submit(pilot, settle, text: str) -> int:
    """Compose (m), type, submit (ctrl+r); back on the roster. Returns the message id."""
    app = pilot.app
    await settle(pilot)
    await pilot.press("m")
    await pilot.pause()
    assert isinstance(app.screen, ComposeScreen)
    await pilot.press(*text)
    await pilot.pause(0.1)
    await pilot.press("ctrl+r")
    await pilot.pause()
    submitted = messages.review_queue(app.store)
    assert submitted, [n.message for n in app._notifications]
    await pilot.press("escape")
    await pilot.pause()
    return submitted[-1]["id"]


async def open_review(pilot) -> ReviewScreen:
    await pilot.press("v")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ReviewScreen)
    return screen


async def fill(pilot, field: str, text: str) -> None:
    """Clear a dialog field and type into it, the way a person does."""
    widget = pilot.app.screen.query_one(f"#field-{field}", Input)
    widget.focus()
    await pilot.pause()
    await pilot.press("end", "ctrl+u", *text)


def dialog_error(app) -> str:
    return str(app.screen.query_one("#form-error").render())


async def test_approve_needs_another_reviewer_and_an_override_for_a_block(team, sign_in, make_app, settle):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        message_id = await write_and_submit(pilot, settle, PROMISE)
        screen = await open_review(pilot)
        assert screen.table.row_count == 1 and screen.current["id"] == message_id
        marked = {screen.current["text"][s:e] for s, e, _ in
                  screen.query_one(FindingsView).marked_spans}
        assert "稳赚不赔" in marked

        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, FormDialog)
        assert app.screen.query_one("#field-name", Input).value == "tester"   # the operator
        assert app.screen.query_one("#field-password", Input).password
        assert app.screen.query("#field-reason")                            # blocked: asked
        await pilot.press(*"tester-pass", "enter", "enter")   # password, then an empty reason
        await pilot.pause()
        assert isinstance(app.screen, FormDialog)             # stays open, says why
        assert "another reviewer" in dialog_error(app)
        assert messages.get_message(team, message_id)["status"] == "submitted"

        await fill(pilot, "name", "李合规")
        await fill(pilot, "password", "rev-pass-1")
        await pilot.press("enter", "enter")                   # still no reason
        await pilot.pause()
        assert isinstance(app.screen, FormDialog)
        assert "override reason" in dialog_error(app)
        assert messages.get_message(team, message_id)["status"] == "submitted"

        await fill(pilot, "reason", "已与客户书面确认为历史业绩说明")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        approved = messages.get_message(team, message_id)
        assert approved["status"] == "approved" and approved["reviewer"] == "李合规"
        assert approved["override_reason"] == "已与客户书面确认为历史业绩说明"
        assert screen.table.row_count == 0                   # gone from the queue

        await pilot.press("t")                                # all recent messages
        await pilot.pause()
        assert screen.current["id"] == message_id
        await pilot.press("s")                                # posted in the group: sent
        await pilot.pause()
        assert messages.get_message(team, message_id)["status"] == "sent"

    trail = [(e["operator"], e["action"]) for e in
             reversed(audit.entries_for(team.conn, "message", message_id))]
    assert trail == [("tester", "message.draft"), ("tester", "message.submitted"),
                     ("李合规", "message.approved"), ("tester", "message.sent")]
    assert audit.verify(team.conn).ok


async def test_wrong_password_is_refused_and_cancel_changes_nothing(team, sign_in, make_app, settle):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        message_id = await write_and_submit(pilot, settle, "周末沙龙报名开始了")
        await open_review(pilot)
        await pilot.press("a")
        await pilot.pause()
        assert not app.screen.query("#field-reason")         # not blocked: no reason asked
        await fill(pilot, "name", "李合规")
        await fill(pilot, "password", "wrong-pass")
        await pilot.press("enter")
        await pilot.pause()
        assert "Wrong name or password" in dialog_error(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert messages.get_message(team, message_id)["status"] == "submitted"


async def test_reject_needs_a_reason_and_the_author_revises_it(team, sign_in, make_app, settle):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        message_id = await write_and_submit(pilot, settle, PROMISE)
        screen = await open_review(pilot)
        await pilot.press("x")
        await pilot.pause()
        await fill(pilot, "name", "李合规")
        await fill(pilot, "password", "rev-pass-1")
        await pilot.press("enter", "enter")                   # no reason
        await pilot.pause()
        assert "reason" in dialog_error(app)
        await fill(pilot, "reason", "删除收益承诺")
        await pilot.press("enter")
        await pilot.pause()
        rejected = messages.get_message(team, message_id)
        assert rejected["status"] == "rejected" and rejected["review_reason"] == "删除收益承诺"

        await pilot.press("t")                                # all messages: the rejected one
        await pilot.pause()
        assert screen.current["id"] == message_id
        await pilot.press("e")                                # revise it in the compose screen
        await pilot.pause()
        writer = app.screen
        assert isinstance(writer, ComposeScreen) and writer.editor.text == PROMISE
        writer.editor.focus()
        await pilot.press("end", *"仅供参考")
        await pilot.pause(0.1)
        await pilot.press("ctrl+s")
        await pilot.pause()
        revised = messages.get_message(team, writer.message_id)
        assert revised["previous_id"] == message_id and revised["text"].endswith("仅供参考")


async def test_actions_that_do_not_apply_say_so(team, sign_in, make_app, settle):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await settle(pilot)
        screen = await open_review(pilot)
        assert screen.table.row_count == 0
        await pilot.press("a", "s")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert "No message selected." in [n.message for n in app._notifications]


def test_age_is_said_in_the_largest_whole_unit():
    from datetime import UTC, datetime

    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    assert age_text("2026-11-25T11:59:40+00:00", now) == "just now"
    assert age_text("2026-11-25T11:35:00+00:00", now) == "25 min"
    assert age_text("2026-11-25T07:00:00+00:00", now) == "5 h"
    assert age_text("2026-11-22T12:00:00+00:00", now) == "3 d"
