"""A refusal on the command line names the option or argument that gets past it."""

from __future__ import annotations

import io
import json

import pytest

from branchdesk.cli import main


@pytest.fixture
def db(tmp_path, capsys):
    path = tmp_path / "b.db"
    assert main(["--db", str(path), "demo", "--members", "30"]) == 0
    capsys.readouterr()
    return path


def run(db, capsys, *args, stdin: str | None = None, monkeypatch=None) -> tuple[int, str, str]:
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(["--db", str(db), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def _event(db, capsys, title, room, *extra) -> int:
    code, out, err = run(db, capsys, "events", "add", "--kind", "salon", "--title", title,
                         "--start", "2030-03-02 14:00", "--end", "16:00", "--room", room,
                         "--capacity", "20", "--json", *extra)
    assert code == 0, err
    return json.loads(out)[0]["id"]


def test_a_room_conflict_names_allow_conflict(db, capsys):
    first = _event(db, capsys, "沙龙", "301")
    code, out, err = run(db, capsys, "events", "add", "--kind", "salon", "--title", "另一场",
                         "--start", "2030-03-02 15:00", "--end", "17:00", "--room", "301",
                         "--capacity", "10")
    assert code == 2 and out == ""
    assert err.startswith(f"branchdesk: The room 301 is already booked for #{first} 沙龙")
    assert err.endswith("or book it anyway with --allow-conflict REASON.\n")
    code, _, err = run(db, capsys, "--lang", "zh", "events", "add", "--kind", "salon", "--title",
                       "另一场", "--start", "2030-03-02 15:00", "--end", "17:00", "--room", "301",
                       "--capacity", "10")
    assert code == 2 and err.endswith("或用 --allow-conflict 理由 仍然预订。\n")


def test_an_unsuitable_member_names_include_unsuitable(db, capsys):
    from branchdesk.store.database import Store

    event = _event(db, capsys, "高风险产品说明会", "302", "--product-risk", "R5")
    member, name, risk = Store(db).conn.execute(
        "SELECT id, name, risk_level FROM members WHERE risk_level IN ('C1', 'C2')").fetchone()
    code, _, err = run(db, capsys, "events", "register", str(event), str(member))
    assert code == 2 and err == (f"branchdesk: {name} (risk level {risk}) may not be offered an R5"
                                 " product: to register them anyway, record why with"
                                 " --include-unsuitable REASON.\n")
    code, _, err = run(db, capsys, "--lang", "zh", "events", "register", str(event), str(member))
    assert code == 2 and "请用 --include-unsuitable 理由 记录原因" in err


def test_a_piped_password_a_line_short_says_which_line(db, capsys, monkeypatch):
    code, _, err = run(db, capsys, "staff", "init", "王经理", "--password-stdin",
                       stdin="Secret-pass-1\nSecret-pass-1\n", monkeypatch=monkeypatch)
    assert code == 0, err
    code, _, err = run(db, capsys, "--user", "王经理", "staff", "add", "王合规", "--manager", "王经理",
                       "--password-stdin", stdin="Secret-pass-1\n", monkeypatch=monkeypatch)
    assert code == 2 and err == (
        "branchdesk: Standard input ended after 1 line: the line for “New password for 王合规”"
        " is missing. With --password-stdin give one line per password, in the prompts' order;"
        " a new password is given twice.\n")
    code, _, err = run(db, capsys, "--user", "王经理", "--lang", "zh", "staff", "add", "王合规",
                       "--manager", "王经理", "--password-stdin",
                       stdin="Secret-pass-1\nOther-pass-22\n", monkeypatch=monkeypatch)
    assert code == 2 and "标准输入在第 2 行后结束：缺少“再次输入 王合规 的新密码”那一行" in err
    code, out, _ = run(db, capsys, "staff", "list", "--json")
    assert "王合规" not in out


def test_restore_names_the_backup_argument(db, capsys, tmp_path):
    roster = tmp_path / "roster.xlsx"
    roster.write_bytes(b"PK\x03\x04 not a database")
    before = run(db, capsys, "audit", "head")[1]
    code, _, err = run(db, capsys, "restore", str(roster))
    assert code == 2 and err == (f"branchdesk: {roster} is not a BranchDesk backup (it is not a"
                                 " database file); nothing was changed. Give the backup file"
                                 " BranchDesk wrote (branchdesk backup).\n")
    code, _, err = run(db, capsys, "--lang", "zh", "restore", str(tmp_path))
    assert code == 2 and err == (f"branchdesk: {tmp_path} 是文件夹：请指定备份文件本身"
                                 "（branchdesk backup 会显示其文件名）。\n")
    assert run(db, capsys, "audit", "head")[1] == before


def test_rules_save_of_a_missing_file_is_one_translated_line(db, capsys, tmp_path):
    missing = tmp_path / "missing.toml"
    code, _, err = run(db, capsys, "rules", "save", str(missing))
    assert code == 2 and err == f"branchdesk: There is no rule file {missing}: check the path.\n"
    code, _, err = run(db, capsys, "--lang", "zh", "rules", "save", str(missing))
    assert code == 2 and err == f"branchdesk: 规则文件 {missing} 不存在，请检查路径。\n"


def test_a_password_without_a_terminal_names_password_stdin(tmp_path):
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "branchdesk", "--db", str(tmp_path / "b.db"),
                           "--lang", "en", "staff", "init", "周经理"],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60,
                          start_new_session=True)  # no controlling terminal, as under cron
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == ("branchdesk: There is no terminal to type a password at: give it with"
                           " --password-stdin (one line of standard input per password;"
                           " a new password twice).\n")
