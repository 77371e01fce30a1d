"""Who is at the keyboard, on the command line: a branch is set up with `staff init`, a
manager's password adds staff, the operator must be a staff member, and switching a rule
off takes a reviewer's or manager's password (the audit row names whoever gave it)."""

from __future__ import annotations

import io
import json

import pytest

from branchdesk.cli import main
from branchdesk.services import rules, staff
from branchdesk.store.database import Store


def run(monkeypatch, capsys, db, *args: str, stdin: str = "") -> tuple[int, str, str]:
    """The command with `stdin` as its standard input (what --password-stdin reads)."""
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    try:
        code = main(["--db", str(db), "--lang", "en", *args])
    except SystemExit as exit_:
        code = exit_.code
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return code, out.out, out.err


def audit_rows(db, action: str) -> list[tuple[str, str]]:
    store = Store(db)
    try:
        return store.conn.execute("SELECT operator, entity_id FROM audit_log WHERE action = ?"
                                  " ORDER BY id", (action,)).fetchall()
    finally:
        store.close()


def disabled(db, rule_id: str = "guarantee.capital") -> bool:
    store = Store(db)
    try:
        return next(r for r in rules.list_rules(store) if r["id"] == rule_id)["disabled"]
    finally:
        store.close()


@pytest.fixture
def branch(tmp_path, monkeypatch, capsys):
    """周经理 (manager), 王合规 (reviewer) and 小李 (staff), set up through the CLI."""
    db = tmp_path / "b.db"
    assert run(monkeypatch, capsys, db, "staff", "init", "周经理", "--password-stdin",
               stdin="mgr-pass\nmgr-pass\n")[0] == 0
    for name, role, password in (("王合规", "reviewer", "rev-pass"), ("小李", "staff", "stf-pass")):
        code, _, err = run(monkeypatch, capsys, db, "--user", "周经理", "staff", "add", name,
                           "--role", role, "--manager", "周经理", "--password-stdin",
                           stdin=f"mgr-pass\n{password}\n{password}\n")
        assert code == 0, err
    return db


def test_staff_init_makes_the_first_manager_once(tmp_path, monkeypatch, capsys):
    db = tmp_path / "b.db"
    code, _, err = run(monkeypatch, capsys, db, "staff", "init", "周经理", "--password-stdin",
                       stdin="mgr-pass\nmgr-pazz\n")
    assert code == 2 and "not the same" in err
    code, out, _ = run(monkeypatch, capsys, db, "staff", "init", "周经理", "--password-stdin",
                       stdin="mgr-pass\nmgr-pass\n")
    assert code == 0 and "manager" in out
    code, _, err = run(monkeypatch, capsys, db, "staff", "init", "小王", "--password-stdin",
                       stdin="pass-wang\npass-wang\n")
    assert code == 2 and "already set up" in err and "周经理" in err
    store = Store(db)
    assert [(p["name"], p["role"]) for p in staff.list_staff(store)] == [("周经理", "manager")]
    store.close()
    assert audit_rows(db, "staff.init") == [("周经理", "周经理")]


def test_staff_add_needs_an_existing_managers_password(tmp_path, monkeypatch, capsys):
    db = tmp_path / "b.db"
    run(monkeypatch, capsys, db, "demo", "--members", "3")
    code, _, err = run(monkeypatch, capsys, db, "staff", "add", "周经理", "--role", "manager",
                       "--manager", "周经理", "--password-stdin", stdin="x\nsecret-1\nsecret-1\n")
    assert code == 2 and "staff init" in err                   # no free first manager any more
    run(monkeypatch, capsys, db, "staff", "init", "周经理", "--password-stdin",
        stdin="mgr-pass\nmgr-pass\n")
    base = ["--user", "周经理", "staff", "add", "小王", "--password-stdin"]
    code, _, err = run(monkeypatch, capsys, db, *base, stdin="pass-wang\npass-wang\n")
    assert code == 2 and "--manager" in err
    code, _, err = run(monkeypatch, capsys, db, *base, "--manager", "周经理",
                       stdin="wrong-pass\npass-wang\npass-wang\n")
    assert code == 2 and "Wrong name or password" in err
    code, _, err = run(monkeypatch, capsys, db, *base, "--manager", "周经理",
                       stdin="mgr-pass\npass-wang\npass-wamg\n")
    assert code == 2 and "not the same" in err
    code, out, _ = run(monkeypatch, capsys, db, *base, "--manager", "周经理",
                       stdin="mgr-pass\npass-wang\npass-wang\n")
    assert code == 0 and "小王" in out
    assert audit_rows(db, "staff.add") == [("周经理", "小王")]


def test_once_there_is_staff_the_operator_must_be_one_of_them(branch, monkeypatch, capsys):
    code, _, err = run(monkeypatch, capsys, branch, "--user", "随便谁", "staff", "passwd", "小李",
                       "--password-stdin", stdin="stf-pass\nnew-pass\nnew-pass\n")
    assert code == 2 and "随便谁" in err and "--user NAME" in err and "王合规" in err
    code, _, err = run(monkeypatch, capsys, branch, "--user", "随便谁", "messages", "draft",
                       "--text", "注意风险")
    assert code == 2
    assert audit_rows(branch, "message.draft") == []
    code, _, _ = run(monkeypatch, capsys, branch, "--user", "小李", "messages", "draft",
                     "--text", "注意风险")
    assert code == 0
    assert audit_rows(branch, "message.draft")[0][0] == "小李"
    # Reading records nobody: anyone may list or verify (an inspector, a tampered staff table).
    assert run(monkeypatch, capsys, branch, "--user", "随便谁", "audit", "verify")[0] == 0


def test_rules_disable_without_the_password_is_refused(branch, monkeypatch, capsys):
    code, _, err = run(monkeypatch, capsys, branch, "--user", "周经理", "rules", "disable",
                       "guarantee.capital", "--password-stdin")          # no password given
    assert code == 2 and "No password" in err
    code, _, err = run(monkeypatch, capsys, branch, "--user", "周经理", "rules", "disable",
                       "guarantee.capital", "--password-stdin", stdin="rev-pass\n")  # not his
    assert code == 2 and "Wrong name or password for 周经理" in err
    assert not disabled(branch) and audit_rows(branch, "rule.disable") == []


def test_a_staff_roles_password_cannot_switch_a_rule_off(branch, monkeypatch, capsys):
    code, _, err = run(monkeypatch, capsys, branch, "--user", "小李", "rules", "disable",
                       "guarantee.capital", "--password-stdin", stdin="stf-pass\n")
    assert code == 2 and "reviewer" in err
    assert not disabled(branch) and audit_rows(branch, "rule.disable") == []


def test_a_reviewers_password_switches_a_rule_off_in_their_name(branch, monkeypatch, capsys,
                                                                 tmp_path):
    code, out, _ = run(monkeypatch, capsys, branch, "--user", "王合规", "rules", "disable",
                       "guarantee.capital", "--password-stdin", stdin="rev-pass\n")
    assert code == 0 and "switched off" in out
    assert disabled(branch)
    assert audit_rows(branch, "rule.disable") == [("王合规", "guarantee.capital")]
    rule = tmp_path / "rule.toml"
    rule.write_text('id = "branch.x"\ncategory = "guarantee"\nseverity = "block"\n'
                    'phrases = ["稳赚"]\nexplanation_zh = "不得承诺收益。"\n'
                    'explanation_en = "No promised returns."\n', encoding="utf-8")
    code, _, _ = run(monkeypatch, capsys, branch, "--user", "小李", "rules", "save", str(rule),
                     "--password-stdin", stdin="stf-pass\n")
    assert code == 2
    code, _, _ = run(monkeypatch, capsys, branch, "--user", "周经理", "rules", "save", str(rule),
                     "--password-stdin", stdin="mgr-pass\n")
    assert code == 0 and audit_rows(branch, "rule.save") == [("周经理", "branch.x")]
    code, _, _ = run(monkeypatch, capsys, branch, "--user", "王合规", "rules", "reset", "branch.x",
                     "--password-stdin", stdin="rev-pass\n")
    assert code == 0 and audit_rows(branch, "rule.reset") == [("王合规", "branch.x")]


def test_role_changes_and_password_resets_take_a_managers_password(branch, monkeypatch, capsys):
    code, _, err = run(monkeypatch, capsys, branch, "--user", "王合规", "staff", "role", "小李",
                       "reviewer", "--manager", "王合规", "--password-stdin", stdin="rev-pass\n")
    assert code == 2 and "manager" in err
    code, _, _ = run(monkeypatch, capsys, branch, "--user", "王合规", "staff", "role", "小李",
                     "reviewer", "--manager", "周经理", "--password-stdin", stdin="mgr-pass\n")
    assert code == 0 and audit_rows(branch, "staff.role") == [("周经理", "小李")]
    code, _, _ = run(monkeypatch, capsys, branch, "--user", "小李", "staff", "passwd", "小李",
                     "--password-stdin", stdin="stf-pass\nnew-pass\nnew-pass\n")
    assert code == 0 and audit_rows(branch, "staff.password")[-1] == ("小李", "小李")


def test_rules_on_a_branch_without_staff_say_how_to_set_it_up(tmp_path, monkeypatch, capsys):
    db = tmp_path / "b.db"
    run(monkeypatch, capsys, db, "demo", "--members", "3")
    code, _, err = run(monkeypatch, capsys, db, "rules", "disable", "guarantee.capital",
                       "--password-stdin", stdin="whatever\n")
    assert code == 2 and "staff init" in err and not disabled(db)


def test_restore_replaces_everything_so_it_takes_a_staff_member_and_a_managers_password(
        tmp_path, monkeypatch, capsys):
    db, before_staff = tmp_path / "b.db", tmp_path / "before-staff.db"
    assert run(monkeypatch, capsys, db, "demo", "--members", "5")[0] == 0
    assert run(monkeypatch, capsys, db, "backup", "-o", str(before_staff))[0] == 0
    assert run(monkeypatch, capsys, db, "staff", "init", "周经理", "--password-stdin",
               stdin="mgr-pass\nmgr-pass\n")[0] == 0
    assert run(monkeypatch, capsys, db, "--user", "周经理", "staff", "add", "小李", "--manager",
               "周经理", "--password-stdin", stdin="mgr-pass\nstf-pass\nstf-pass\n")[0] == 0
    restore = ("restore", str(before_staff))
    for args, stdin, words in (
            ((), "", "is not an active staff member"),  # no --user: the OS login
            (("--user", "小李"), "", "needs an active manager's name and password"),
            (("--user", "小李", "--manager", "周经理"), "wrong-pass\n", "Wrong name or password"),
            (("--user", "小李", "--manager", "小李"), "stf-pass\n", "does not have the manager"),
    ):
        code, _, err = run(monkeypatch, capsys, db, *restore, *args, "--password-stdin",
                           stdin=stdin)
        assert (code, words in err) == (2, True), err
        assert {p["name"] for p in _staff_of(db)} == {"周经理", "小李"}
        assert not list(tmp_path.glob("b.replaced-*"))  # nothing replaced, nothing kept aside
    code, out, err = run(monkeypatch, capsys, db, "--user", "小李", *restore, "--manager", "周经理",
                         "--password-stdin", stdin="mgr-pass\n")
    assert code == 0, err
    assert "has no staff" in out and "staff init" in out  # the app will open without sign-in
    assert _staff_of(db) == []
    assert audit_rows(db, "backup.restore") == [("周经理", None)]  # whose password allowed it


def _staff_of(db) -> list[dict]:
    store = Store(db)
    try:
        return staff.list_staff(store)
    finally:
        store.close()


def test_a_deactivated_staff_member_is_switched_back_on(branch, monkeypatch, capsys):
    manager = ("--user", "周经理")
    assert run(monkeypatch, capsys, branch, *manager, "staff", "deactivate", "王合规",
               "--manager", "周经理", "--password-stdin", stdin="mgr-pass\n")[0] == 0
    code, _, err = run(monkeypatch, capsys, branch, *manager, "staff", "add", "王合规",
                       "--manager", "周经理", "--password-stdin",
                       stdin="mgr-pass\nnew-pass\nnew-pass\n")
    assert code == 2 and "staff activate 王合规 --manager" in err
    code, _, err = run(monkeypatch, capsys, branch, *manager, "staff", "activate", "王合规",
                       "--manager", "小李", "--password-stdin", stdin="stf-pass\n")
    assert code == 2 and audit_rows(branch, "staff.activate") == []       # not a manager
    code, out, err = run(monkeypatch, capsys, branch, *manager, "staff", "activate", "王合规",
                         "--manager", "周经理", "--password-stdin", stdin="mgr-pass\n")
    assert code == 0 and out == "王合规 is switched back on.\n"
    assert audit_rows(branch, "staff.activate") == [("周经理", "王合规")]
    # Back with the role they had, and an operator again.
    listed = json.loads(run(monkeypatch, capsys, branch, "staff", "list", "--json")[1])
    assert {"name": "王合规", "role": "reviewer", "active": 1}.items() <= next(
        p for p in listed if p["name"] == "王合规").items()
    assert run(monkeypatch, capsys, branch, "--user", "王合规", "messages", "draft",
               "--text", "注意风险")[0] == 0
    code, _, err = run(monkeypatch, capsys, branch, *manager, "staff", "activate", "王合规",
                       "--manager", "周经理", "--password-stdin", stdin="mgr-pass\n")
    assert code == 2 and err == "branchdesk: 王合规 is already active.\n"
