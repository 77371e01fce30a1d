"""The command line as a script would use it: output, exit codes, nothing half-written."""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys

from branchdesk.cli import main
from branchdesk.store import audit

FIELDS = {"id", "name", "phone", "account_no", "branch", "advisor", "risk_level", "experience",
          "needs", "tags", "communities", "opened_on", "birthday", "total_assets", "value_tier",
          "last_active_on", "notes", "extra", "dormant", "reactivated"}


def _members(db, capsys, *args) -> list[dict]:
    assert main(["--db", str(db), "members", "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_demo_then_members_json_with_masked_phones(tmp_path, capsys):
    db = tmp_path / "b.db"
    assert main(["--db", str(db), "demo", "--members", "40", "--seed", "3"]) == 0
    capsys.readouterr()
    members = _members(db, capsys)
    assert len(members) == 40 and set(members[0]) == FIELDS
    assert all("****" in m["phone"] for m in members)
    assert all(n in ("profit", "recovery", "allocation", "stage") for m in members for n in m["needs"])
    assert all(m["risk_level"] in ("C1", "C2", "C3", "C4", "C5") for m in members)


def test_demo_is_deterministic(tmp_path, capsys):
    for name in ("a.db", "b.db"):
        main(["--db", str(tmp_path / name), "demo", "--members", "20", "--seed", "5"])
    capsys.readouterr()
    first = _members(tmp_path / "a.db", capsys, "--reveal")
    second = _members(tmp_path / "b.db", capsys, "--reveal")
    assert [(m["name"], m["phone"]) for m in first] == [(m["name"], m["phone"]) for m in second]


def test_filters_and_reveal_is_audited(tmp_path, capsys):
    db = tmp_path / "b.db"
    main(["--db", str(db), "demo", "--members", "60"])
    capsys.readouterr()
    recovery = _members(db, capsys, "--need", "recovery", "--risk", "c3")
    assert recovery and all("recovery" in m["needs"] and m["risk_level"] == "C3" for m in recovery)
    revealed = _members(db, capsys, "--reveal", "--user", "李娜")
    assert all(len(m["phone"]) == 11 and m["phone"].isdigit() for m in revealed)
    from branchdesk.store.database import Store

    last = Store(db).conn.execute("SELECT operator, action FROM audit_log ORDER BY id DESC").fetchone()
    assert last == ("李娜", "members.reveal_phones")


def test_table_output_in_chinese(tmp_path, capsys):
    db = tmp_path / "b.db"
    main(["--db", str(db), "demo", "--members", "5"])
    capsys.readouterr()
    assert main(["--db", str(db), "--lang", "zh", "members"]) == 0
    out = capsys.readouterr().out
    assert "姓名" in out and "共 5 位客户" in out


def test_db_from_environment(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("BRANCHDESK_DB", str(tmp_path / "env.db"))
    assert main(["demo", "--members", "3"]) == 0
    assert (tmp_path / "env.db").exists()


def test_user_errors_exit_2_with_one_message(tmp_path, capsys):
    assert main(["--db", str(tmp_path), "members"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "folder" in err
    db = tmp_path / "b.db"
    main(["--db", str(db), "demo", "--members", "3"])
    assert main(["--db", str(db), "demo", "--members", "3"]) == 2
    assert main(["--db", str(db), "import", "undo", "99"]) == 2
    assert audit.verify(sqlite3.connect(db)).verified == 1


def test_python_dash_m_runs_the_cli(tmp_path):
    db = str(tmp_path / "x.db")
    for args, expected in ((["demo", "--members", "3"], "3 members"), (["audit", "verify"], "1 rows")):
        done = subprocess.run([sys.executable, "-m", "branchdesk", "--db", db, *args],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0 and expected in done.stdout


def test_a_mistyped_database_path_is_an_error_not_a_new_database(tmp_path, capsys):
    missing = tmp_path / "typo" / "branch.db"
    for command in (["members"], ["import", "list"], ["audit", "verify"]):
        assert main(["--db", str(missing), *command]) == 2
    assert "no database" in capsys.readouterr().err.lower()
    assert not missing.exists()
    # Checking needs no database: the shipped rules are used, and nothing is created.
    assert main(["--db", str(missing), "check", "--text", "周六沙龙欢迎报名"]) == 0
    assert not missing.exists()


def test_unknown_community_and_missing_password_exit_2(tmp_path, capsys, monkeypatch):
    db = tmp_path / "b.db"
    main(["--db", str(db), "demo", "--members", "5"])
    assert main(["--db", str(db), "check", "--community", "不存在的群", "--text", "推荐R5产品"]) == 2
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["--db", str(db), "staff", "init", "周经理", "--password-stdin"]) == 2
    monkeypatch.setattr("getpass.getpass", lambda prompt="": (_ for _ in ()).throw(EOFError))
    assert main(["--db", str(db), "staff", "init", "周经理"]) == 2
    err = capsys.readouterr().err
    assert "不存在的群" in err and "Traceback" not in err
