"""A branch with no staff yet (the demo): approving or rejecting says that it needs a reviewer
and how to set one up — in the app and on the command line alike — instead of blaming a
password nobody has."""

from __future__ import annotations

import getpass

import pytest

from branchdesk.cli import main
from branchdesk.screens.review import ReviewScreen
from branchdesk.services import messages
from branchdesk.store.database import Store
from branchdesk.widgets.form_dialog import FormDialog


def submitted(store) -> int:
    row = messages.save_draft(store, "tester",
                              "周六下午的投资沙龙，欢迎报名。投资有风险，入市需谨慎。")
    messages.submit(store, "tester", row["id"])
    return row["id"]


@pytest.mark.parametrize(("language", "words"), [("zh", ("还没有员工", "staff init", "n")),
                                                  ("en", ("no staff yet", "staff init", "n"))])
@pytest.mark.parametrize("key", ["a", "x"])
async def test_review_on_a_branch_without_staff_says_how_to_set_one_up(make_app, settle, demo_store,
                                                                      language, words, key):
    message_id = submitted(demo_store)
    app = make_app(language)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        app._notifications.clear()
        await pilot.press(key)
        await pilot.pause()
        assert not isinstance(app.screen, FormDialog)  # no password asked
        said = " ".join(n.message for n in app._notifications)
    assert all(w in said for w in words) and "root" not in said
    assert messages.get_message(demo_store, message_id)["status"] == "submitted"


@pytest.mark.parametrize("command", [["approve"], ["reject", "--reason", "x"]])
def test_the_cli_says_the_same_before_any_password(demo_store, capsys, monkeypatch, command):
    message_id = submitted(demo_store)
    db = demo_store.path

    def no_prompt(prompt: str = "") -> str:
        raise AssertionError("asked for a password")

    monkeypatch.setattr(getpass, "getpass", no_prompt)
    code = main(["--db", str(db), "--user", "root", "--lang", "zh", "messages", command[0],
                 str(message_id), *command[1:]])
    assert code == 2
    error = capsys.readouterr().err
    assert "还没有员工" in error and "branchdesk staff init" in error and "密码不正确" not in error
    assert messages.get_message(Store(db), message_id)["status"] == "submitted"
