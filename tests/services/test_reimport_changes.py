"""A month's re-import of a small roster in which some members changed: the report names
exactly the members updated and the fields that changed, and the database holds exactly
those changes (and nothing else moved)."""

from __future__ import annotations

import json

import openpyxl
import pytest

from branchdesk.importers import reader
from branchdesk.pinyin_sort import sort_key
from branchdesk.services import import_undo, importing
from branchdesk.store import staging_apply
from branchdesk.store.database import Store
from branchdesk.store.member_search import search_doc

HEADER = ["序号", "客户姓名", "手机号码", "资金账号", "风险等级", "客户需求", "服务人员", "客户标签",
          "备注"]
ADVISORS = ("周明远", "林晓雯", "陈志刚")


def _january() -> list[list[object]]:
    rows: list[list[object]] = []
    for i in range(1, 41):
        rows.append([i, f"客户{i}", f"139{i:08d}", f"3100{i:08d}" if i % 5 else "",
                     ["C1", "C2", "C3", "C4"][i % 4], "解套" if i % 2 else "赚钱",
                     ADVISORS[i % 3], "退休" if i % 7 == 0 else "", "回访" if i % 6 == 0 else ""])
    rows[9][2] = rows[10][2]                           # 客户10 and 客户11 share a phone
    rows[9][3] = rows[10][3] = ""                      # … and have no account number
    return rows


def _february() -> list[list[object]]:
    rows = [list(r) for r in _january()]
    rows[2][6] = "赵子健"                               # 客户3: a new advisor
    rows[6][8] = "已回访"                               # 客户7: new notes
    rows[11][4] = "C5"                                 # 客户12: a new risk level
    rows[13][7] = "企业主"                              # 客户14: a tag added (退休 stays)
    rows[14][8] = "电话不通"                            # 客户15, known by phone only: new notes
    rows[19][6] = ""                                   # 客户20: a blank cell erases nothing
    rows[20][1] = "客户21改名"                          # 客户21: renamed (the account decides)
    rows[9][8] = "家庭共用手机"                         # 客户10, sharing a phone: found by name
    rows[29][6], rows[29][8] = "林晓雯", "转介绍"        # 客户30: two fields
    rows.append([41, "客户41", "13900000041", "310000000041", "C2", "配置", "周明远", "", ""])
    rows.append([42, "客户3", "13900000003", "310000000003", "", "", "", "", "第二行"])  # 客户3 again
    return rows


def _workbook(path, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "客户"
    sheet.append(["某营业部客户名单"])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _members(store: Store) -> dict[str, dict]:
    columns = ("id", "name", "phone", "account_no", "risk_level", "needs", "advisor", "tags",
               "notes", "search_text", "name_key", "updated_at")
    rows = store.conn.execute(f"SELECT {', '.join(columns)} FROM members ORDER BY id")
    return {row[0]: dict(zip(columns, row, strict=True)) for row in rows}


EXPECTED_CHANGES = {  # member id (file order of January) → the fields February changes
    3: {"advisor", "notes"}, 7: {"notes"}, 12: {"risk_level"}, 14: {"tags"}, 15: {"notes"},
    21: {"name"}, 10: {"notes"}, 30: {"advisor", "notes"},
}


@pytest.mark.parametrize(("parts_from", "ids_per_update"), [
    (1, 2048), (10_000, 2048),  # two parsing processes, one
    (1, 1), (1, 2),  # the changes written one or two member ids at a time: every edge met
])
def test_a_reimport_reports_and_stores_exactly_the_changes(tmp_path, monkeypatch, parts_from,
                                                           ids_per_update):
    monkeypatch.setattr(reader, "TWO_PARTS_FROM", parts_from)
    monkeypatch.setattr(staging_apply, "_UPDATE_IDS", ids_per_update)
    store = Store(tmp_path / "b.db")
    first = importing.import_roster(store, _workbook(tmp_path / "1月.xlsx", _january()), "tester")
    assert (first.created, first.updated, first.invalid) == (40, 0, 0)
    before = _members(store)

    report = importing.import_roster(store, _workbook(tmp_path / "2月.xlsx", _february()),
                                     "tester")

    assert (report.created, report.updated, report.unchanged, report.merged, report.invalid) == (
        1, 8, 32, 1, 0)
    assert {c["member_id"]: set(c["fields"]) for c in report.to_json()["changes"]} == (
        EXPECTED_CHANGES)
    after = _members(store)
    assert set(after) == {*before, 41}
    for member_id, old in before.items():
        new = after[member_id]
        moved = {k for k in old if old[k] != new[k]} - {"updated_at", "search_text", "name_key"}
        assert moved == EXPECTED_CHANGES.get(member_id, set()), member_id
        if not moved:
            assert new["updated_at"] == old["updated_at"]  # untouched rows are not rewritten
    assert after[3]["advisor"] == "赵子健" and after[3]["notes"] == "第二行"
    assert after[7]["notes"] == "已回访" and after[12]["risk_level"] == "C5"
    assert json.loads(after[14]["tags"]) == ["退休", "企业主"]
    assert after[15]["notes"] == "电话不通" and after[10]["notes"] == "家庭共用手机"
    assert after[20]["advisor"] == before[20]["advisor"]  # the blank cell erased nothing
    assert after[21]["name"] == "客户21改名" and "客户21改名" in after[21]["search_text"]
    assert after[30]["advisor"] == "林晓雯" and after[30]["notes"] == "转介绍"
    assert after[41]["name"] == "客户41"  # a new member of a re-import: sorted and found
    assert after[41]["name_key"] == sort_key("客户41")
    assert after[41]["search_text"] == search_doc("客户41", "13900000041", "310000000041",
                                                 '["allocation"]', None)
    renamed = [w for w in report.warnings if "客户21改名" in w.reason]
    assert len(renamed) == 1 and renamed[0].row == 23
    # Undo gives every member back as January left them.
    import_undo.undo(store, report.batch_id, "tester")
    restored = _members(store)
    assert set(restored) == set(before)
    for member_id, old in before.items():
        assert {k: v for k, v in restored[member_id].items() if k != "updated_at"} == {
            k: v for k, v in old.items() if k != "updated_at"}
    store.close()


def test_the_command_line_lists_the_members_updated(tmp_path, capsys):
    from branchdesk.cli import main

    db = str(tmp_path / "c.db")
    assert main(["--db", db, "import", "roster", str(_workbook(tmp_path / "1.xlsx", _january()))]) == 0
    capsys.readouterr()
    assert main(["--db", db, "--lang", "zh", "import", "roster",
                 str(_workbook(tmp_path / "2.xlsx", _february()))]) == 0
    out = capsys.readouterr().out
    assert "更新的客户（变化的字段）：" in out
    assert "#3 客户3：服务人员、备注" in out and "#14 客户14：标签" in out
