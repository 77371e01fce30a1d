"""The small gaps between writing, reviewing and posting a message: findings in the language
chosen now, an empty queue that says so, the reviewer's reason beside a revision, and the
approved text on the clipboard in one key."""

from __future__ import annotations

import pytest

from branchdesk.screens import compose
from branchdesk.screens.compose import ComposeScreen
from branchdesk.screens.review import ReviewScreen
from branchdesk.services import messages, staff
from branchdesk.services.staff import Credentials
from branchdesk.widgets.findings_view import FindingsView

BLOCKED = "保证年化15%，稳赚不赔"
CLEAN = "周末沙龙报名开始了，欢迎参加。"
MANAGER = Credentials("周经理", "mgr-pass-1")
REVIEWER = Credentials("李合规", "rev-pass-1")


@pytest.fixture(autouse=True)
def quick_check(monkeypatch):
    monkeypatch.setattr(compose, "CHECK_DELAY", 0.02)


@pytest.fixture
def team(demo_store):
    staff.init_branch(demo_store, MANAGER.name, MANAGER.password)
    staff.add_staff(demo_store, MANAGER, REVIEWER.name, "reviewer", REVIEWER.password)
    staff.add_staff(demo_store, MANAGER, "tester", "staff", "tester-pass")  # at the keyboard
    return demo_store


def submitted(store, text: str) -> int:
    row = messages.save_draft(store, "tester", text)
    messages.submit(store, "tester", row["id"])
    return row["id"]


def detail(app) -> str:
    return app.screen.query_one("#finding-detail").render().plain


async def open_review(pilot, settle) -> ReviewScreen:
    await settle(pilot)
    await pilot.press("v")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ReviewScreen)
    return pilot.app.screen


async def test_a_saved_messages_findings_follow_the_language_switch(team, sign_in, make_app, settle):
    submitted(team, BLOCKED)                      # checked and saved while English is on
    app = make_app("en")
    async with app.run_test(size=(120, 36)) as pilot:
        await sign_in(pilot)
        await open_review(pilot, settle)
        assert "Why: Promises" in detail(app)
        await pilot.press("f2")
        await settle(pilot)
        assert "原因：承诺" in detail(app) and "Promises" not in detail(app)


@pytest.mark.parametrize(("language", "words"), [("en", "Messages submitted for review appear here"),
                                                  ("zh", "提交审核的消息会按提交先后显示在这里")])
async def test_an_empty_queue_says_so_not_start_typing(team, sign_in, make_app, settle, language, words):
    app = make_app(language)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        screen = await open_review(pilot, settle)
        shown = str(screen.query_one(FindingsView).render())
        assert words in shown
        assert "Start typing" not in shown and "开始输入" not in shown


async def test_revising_a_rejected_message_shows_the_reviewers_reason(team, sign_in, make_app, settle):
    message_id = submitted(team, BLOCKED)
    messages.reject(team, REVIEWER, message_id, "删除收益承诺，补充风险提示")
    app = make_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        screen = await open_review(pilot, settle)
        await pilot.press("t")                     # all recent messages
        await pilot.pause()
        assert screen.current["id"] == message_id
        assert "e revises it" in str(screen.query_one("#review-info").render())
        await pilot.press("e")
        await pilot.pause()
        writer = app.screen
        assert isinstance(writer, ComposeScreen) and writer.editor.text == BLOCKED
        reason = writer.query_one("#compose-reason")
        assert reason.display
        assert "rejected by 李合规: 删除收益承诺，补充风险提示" in str(reason.render())
        writer.editor.focus()
        await pilot.press("end", *"仅供参考", "ctrl+s")   # the reason stays while revising
        await pilot.pause()
        assert writer.query_one("#compose-reason").display
        await pilot.press("ctrl+o")                # a new message: no reason any more
        await pilot.pause()
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert not writer.query_one("#compose-reason").display


async def test_c_copies_an_approved_message_to_the_clipboard(team, sign_in, make_app, settle):
    message_id = submitted(team, CLEAN)
    messages.approve(team, REVIEWER, message_id)
    app = make_app("zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        screen = await open_review(pilot, settle)
        await pilot.press("c")                     # the queue is empty: nothing to copy
        await pilot.pause()
        assert app.clipboard == ""
        await pilot.press("t")
        await pilot.pause()
        assert screen.current["id"] == message_id
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == CLEAN
        assert any(n.message.startswith(f"消息 #{message_id} 已复制到剪贴板")
                   for n in app._notifications)
        assert messages.get_message(team, message_id)["status"] == "approved"   # copy changes nothing


async def test_a_submitted_message_cannot_be_copied_before_approval(team, sign_in, make_app, settle):
    submitted(team, CLEAN)
    app = make_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await open_review(pilot, settle)
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == ""
        assert any("that action does not apply" in n.message for n in app._notifications)


def test_steps_out_of_order_are_said_plainly(team):
    from branchdesk.errors import UserError
    from branchdesk.i18n import set_language

    message_id = submitted(team, CLEAN)
    messages.approve(team, REVIEWER, message_id)
    messages.mark_sent(team, "tester", message_id)
    with pytest.raises(UserError) as again:
        messages.mark_sent(team, "tester", message_id)
    assert again.value.message == f"Message {message_id} is already sent."
    with pytest.raises(UserError) as early:
        messages.submit(team, "tester", message_id)
    assert early.value.message == f"Message {message_id} is sent: only a draft can be submitted for review."
    set_language("zh")
    with pytest.raises(UserError) as again:
        messages.mark_sent(team, "tester", message_id)
    assert again.value.message == f"消息 {message_id} 已经是“已发送”状态。"
