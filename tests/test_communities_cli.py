"""`branchdesk communities` for scripts: list (JSON too), rename, merge, add, advisor."""

from __future__ import annotations

import json

from branchdesk.cli import main


def run(db, capsys, *args) -> tuple[int, str, str]:
    code = main(["--db", str(db), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def listed(db, capsys) -> dict[str, dict]:
    code, out, _ = run(db, capsys, "communities", "list", "--json")
    assert code == 0
    return {c["name"]: c for c in json.loads(out)}


def test_list_rename_merge_as_a_script_would(tmp_path, capsys):
    db = tmp_path / "b.db"
    run(db, capsys, "demo", "--members", "120", "--seed", "3")
    before = listed(db, capsys)
    assert "解套互助群" in before
    group = before["解套互助群"]
    assert group["members"] > 0 and group["low_risk"] == group["risk"]["C1"] + group["risk"]["C2"]
    assert group["advisor_from_members"] and group["advisor"]

    code, out, _ = run(db, capsys, "communities", "rename", "解套互助群", "解套交流群")
    assert code == 0 and "解套交流群" in out and f"{group['members']} members' lists" in out
    code, out, _ = run(db, capsys, "--lang", "zh", "communities", "merge", "两融学习群", "解套交流群")
    assert code == 0 and "已将 两融学习群 合并到 解套交流群" in out
    after = listed(db, capsys)
    assert "两融学习群" not in after and "解套互助群" not in after
    assert set(after["解套交流群"]["former_names"]) == {"解套互助群", "两融学习群"}

    code, out, _ = run(db, capsys, "communities", "advisor", "解套交流群", "陈志刚")
    assert code == 0 and listed(db, capsys)["解套交流群"]["advisor"] == "陈志刚"
    code, out, _ = run(db, capsys, "communities", "list")
    assert code == 0 and "Run by" in out and "解套交流群" in out


def test_mistakes_exit_2_and_change_nothing(tmp_path, capsys):
    db = tmp_path / "b.db"
    run(db, capsys, "demo", "--members", "60", "--seed", "3")
    before = listed(db, capsys)
    code, _, err = run(db, capsys, "communities", "rename", "没有这个群", "新名字")
    assert code == 2 and "There is no community 没有这个群" in err
    code, _, err = run(db, capsys, "communities", "rename", "解套互助群", "新手成长营")
    assert code == 2 and "branchdesk communities merge 解套互助群 新手成长营" in err
    code, _, err = run(db, capsys, "communities", "add", "ETF 定投群")
    assert code == 2 and "ETF定投群" in err
    assert listed(db, capsys) == before
    code, _out, _ = run(db, capsys, "communities", "add", "期权学习群", "--advisor", "周明远")
    assert code == 0 and listed(db, capsys)["期权学习群"]["members"] == 0
