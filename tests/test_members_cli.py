"""`branchdesk members` as a person uses it: the words it prints are the words it takes,
its errors say what is allowed (in the chosen language), it says how to see more instead of
flooding a terminal, and its JSON streams with phones and account numbers masked."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from branchdesk.cli import main
from branchdesk.store.database import Store


@pytest.fixture
def db(tmp_path, capsys):
    path = tmp_path / "b.db"
    assert main(["--db", str(path), "demo", "--members", "120", "--seed", "3"]) == 0
    capsys.readouterr()
    return path


def run(db, capsys, *args: str) -> tuple[int, str, str]:
    try:
        code = main(["--db", str(db), *args])
    except SystemExit as exit_:  # argparse's errors and --help
        code = exit_.code
    out = capsys.readouterr()
    return code, out.out, out.err


def as_json(db, capsys, *args: str) -> list[dict]:
    code, out, _ = run(db, capsys, "members", "--json", *args)
    assert code == 0
    return json.loads(out)


@pytest.mark.parametrize(("option", "words", "field", "code"), [
    ("--need", ("解套", "recovery", "RECOVERY"), "needs", "recovery"),
    ("--risk", ("稳健型", "C3", "c3", "balanced"), "risk_level", "C3"),
    ("--experience", ("新手", "novice"), "experience", "novice"),
    ("--tier", ("金卡", "gold"), "value_tier", "gold"),
])
def test_option_values_in_chinese_or_english(db, capsys, option, words, field, code):
    found = [as_json(db, capsys, option, word) for word in words]
    assert found[0] and all(f == found[0] for f in found)
    assert all(code in m[field] if field == "needs" else m[field] == code for m in found[0])


def test_a_bad_value_lists_the_allowed_ones_in_the_chosen_language(db, capsys):
    code, _, err = run(db, capsys, "--lang", "zh", "members", "--sort", "鞋码")
    assert code == 2
    assert err.startswith("branchdesk members：") and err.count("\n") == 1  # one line, no usage
    assert "姓名/name" in err and "最近活跃" in err and "用法见 branchdesk members --help" in err
    assert "pydantic" not in err and "Traceback" not in err
    code, _, err = run(db, capsys, "--lang", "en", "members", "--need", "发财")
    assert code == 2 and "usage:" not in err and "(see branchdesk members --help)" in err
    assert "profit, recovery, allocation, stage" in err
    code, _, err = run(db, capsys, "--lang", "zh", "members", "--nope")
    assert code == 2 and "无法识别的参数：--nope" in err


def test_help_in_chinese(db, capsys):
    code, out, _ = run(db, capsys, "--lang", "zh", "members", "--help")
    assert code == 0
    assert "用法：" in out and "选项" in out and "稳健型/C3" in out and "显示本帮助信息并退出" in out


def test_sort_by_a_column_label(db, capsys):
    by_label = as_json(db, capsys, "--sort", "总资产", "--desc")
    assets = [m["total_assets"] for m in by_label]
    assert assets == sorted(assets, reverse=True)
    assert as_json(db, capsys, "--sort", "total_assets", "--desc") == by_label


def test_limit_zero_lists_nobody_and_says_how_many_match(db, capsys):
    code, out, _ = run(db, capsys, "--lang", "en", "members", "--limit", "0", "--tier", "basic")
    assert code == 0
    lines = out.strip().splitlines()
    assert len(lines) == 1 and "members match" in lines[0] and "120 members" in lines[0]
    assert as_json(db, capsys, "--limit", "0") == []
    code, _, err = run(db, capsys, "members", "--limit", "-3")
    assert code == 2 and "--all" in err


def test_one_member_is_one_member(db, capsys):
    [first] = as_json(db, capsys, "--limit", "1", "--reveal")
    code, out, _ = run(db, capsys, "--lang", "en", "members", "--search", first["phone"])
    assert code == 0
    assert "1 shown of 1 member matching (120 members in the roster)" in out


def test_a_terminal_gets_a_screenful_and_how_to_see_more(db, capsys, monkeypatch):
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    code, out, _ = run(db, capsys, "--lang", "en", "members")
    lines = out.strip().splitlines()
    assert code == 0 and 40 <= len(lines) < 120
    assert "--all" in lines[-1] and "--limit" in lines[-1]
    code, out, _ = run(db, capsys, "--lang", "en", "members", "--all")
    assert len(out.strip().splitlines()) == 122  # header, 120 members, the count


def test_json_streams_every_member_masked_unless_revealed(db, capsys, tmp_path):
    members = as_json(db, capsys)
    assert len(members) == 120
    assert all("****" in m["phone"] and "*****" in m["account_no"] for m in members)
    revealed = as_json(db, capsys, "--reveal", "--user", "李娜")
    assert all(m["account_no"].isdigit() and len(m["account_no"]) == 12 for m in revealed)
    action = Store(db).conn.execute(
        "SELECT operator, action, after FROM audit_log ORDER BY id DESC").fetchone()
    assert action[:2] == ("李娜", "members.reveal_phones") and '"count": 120' in action[2]


def test_the_table_masks_account_numbers(db, capsys):
    code, out, _ = run(db, capsys, "--lang", "zh", "members", "--limit", "3")
    assert code == 0 and "资金账号" in out.splitlines()[0]
    assert all("*****" in line for line in out.splitlines()[1:4])


def test_commands_that_validate_nothing_do_not_load_pydantic(db):
    roster = str(Path(__file__).parent / "data" / "roster.ods")
    script = ("import sys\nfrom branchdesk.cli import main\n"
              f"for args in (['audit', 'verify'], ['import', 'list'],\n"
              f"             ['import', 'roster', {roster!r}, '--dry-run', '--json'],\n"
              f"             ['members', '--limit', '2', '--json']):\n"
              f"    main(['--db', {str(db)!r}, *args])\n"
              "    assert 'pydantic' not in sys.modules, f'pydantic was loaded by {args}'\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout[done.stdout.index("[\n"):])) == 2  # members, last


def test_roles_are_taken_in_the_words_staff_list_prints(tmp_path, capsys):
    db = tmp_path / "s.db"
    main(["--db", str(db), "demo", "--members", "3"])
    import io

    from branchdesk.cli import common

    capsys.readouterr()
    stdin = io.StringIO("pw-123456\npw-123456\n" "pw-123456\npw-abcdef\npw-abcdef\n")
    common.sys.stdin, saved = stdin, common.sys.stdin
    try:
        code, out, _ = run(db, capsys, "--lang", "zh", "staff", "init", "周经理", "--password-stdin")
        assert code == 0 and "负责人" in out
        code, out, _ = run(db, capsys, "--lang", "zh", "--user", "周经理", "staff", "add", "小王",
                           "--role", "合规审核", "--manager", "周经理", "--password-stdin")
    finally:
        common.sys.stdin = saved
    assert code == 0 and "合规审核" in out
    code, out, _ = run(db, capsys, "--lang", "zh", "--user", "周经理", "staff", "list")
    assert "周经理  负责人" in out and "小王  合规审核" in out
    code, _, err = run(db, capsys, "--lang", "zh", "staff", "add", "小王", "--role", "老板")
    assert code == 2 and "员工/staff" in err and "负责人/manager" in err


def test_counts_of_one_member_are_singular(tmp_path, capsys):
    code, out, _ = run(tmp_path / "one.db", capsys, "--lang", "en", "demo", "--members", "1")
    assert code == 0 and "demo branch of 1 member in" in out
    code, _, err = run(tmp_path / "one.db", capsys, "--lang", "en", "demo", "--members", "1")
    assert code == 2 and "already holds 1 member;" in err
