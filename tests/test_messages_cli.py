"""`messages approve` on a blocked message says what it needs before it asks for a password."""

from __future__ import annotations

import getpass

import pytest

from branchdesk.cli import main
from branchdesk.services import messages, staff
from branchdesk.services.staff import Credentials
from branchdesk.store.database import Store

BLOCKED = "保证年化15%，稳赚不赔"


@pytest.fixture
def blocked(tmp_path):
    db = tmp_path / "b.db"
    store = Store(db)
    staff.init_branch(store, "周经理", "mgr-pass-1")
    staff.add_staff(store, Credentials("周经理", "mgr-pass-1"), "李合规", "reviewer", "rev-pass-1")
    staff.add_staff(store, Credentials("周经理", "mgr-pass-1"), "小李", "staff", "staff-pass-1")
    row = messages.save_draft(store, "小李", BLOCKED)
    messages.submit(store, "小李", row["id"])
    store.close()
    return db, row["id"]


@pytest.mark.parametrize(("language", "words"), [("en", '--override "REASON"'),
                                                  ("zh", '--override "理由"')])
def test_approving_a_blocked_message_names_override_before_the_password(
        blocked, capsys, monkeypatch, language, words):
    db, message_id = blocked

    def no_prompt(prompt: str = "") -> str:
        raise AssertionError("asked for a password")

    monkeypatch.setattr(getpass, "getpass", no_prompt)
    code = main(["--db", str(db), "--user", "李合规", "--lang", language,
                 "messages", "approve", str(message_id)])
    assert code == 2
    error = capsys.readouterr().err
    assert words in error and f"{message_id}" in error
    assert messages.get_message(Store(db), message_id)["status"] == "submitted"


def test_with_override_the_password_is_asked_and_the_reason_kept(blocked, capsys, monkeypatch):
    db, message_id = blocked
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": "rev-pass-1")
    code = main(["--db", str(db), "--user", "李合规", "messages", "approve", str(message_id),
                 "--override", "历史业绩说明，已附风险提示"])
    assert code == 0, capsys.readouterr().err
    approved = messages.get_message(Store(db), message_id)
    assert approved["status"] == "approved"
    assert approved["override_reason"] == "历史业绩说明，已附风险提示"
