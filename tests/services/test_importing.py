"""Roster import end to end: real workbooks in, members and batches out."""

from __future__ import annotations

import json
from datetime import date

import openpyxl
import pytest
import xlsxwriter

from branchdesk.cli import main
from branchdesk.errors import UserError
from branchdesk.models import MemberQuery, Need, RiskLevel
from branchdesk.services import import_prepare, import_undo, importing, roster
from branchdesk.store import audit

HEADER = ["序号", "客户姓名", "手机号码", "资金账号", "风险承受能力", "投资经验", "客户需求",
          "服务人员", "开户日期", "总资产（万元）", "所在社群", "备注", "微信昵称"]
ROWS = [
    [1, "王芳", "138 1234 5678", "000123", "C3-稳健型", "新手", "解套；赚钱、退休", "周明远",
     "2024/7/2", "12.5", "解套互助群", "", "芳芳"],
    [2, "李强", 13900001111.0, 310000000002.0, "4", "资深", "配置", "林晓雯", 45000, 300,
     "资产配置俱乐部, ETF定投群", "大客户", ""],
    [3, "张伟", "+86-137-0000-2222", "", "保守型", "进阶", "舞台", "周明远", "2023年1月5日", "",
     "", "", ""],
]


def write_openpyxl(path, rows=ROWS, header=HEADER, title=True):
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "填写说明"
    notes["A1"] = "请按模板填写，手机号码为11位。"
    sheet = book.create_sheet("客户名单")
    if title:
        sheet.append(["上海陆家嘴营业部客户名单（2026年11月）"])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
        sheet.append([])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    sheet.append(["合计", f"{len(rows)}人"])
    book.save(path)
    return path


def write_xlsxwriter(path, rows=ROWS, header=HEADER):
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("名单")
    sheet.merge_range(0, 0, 0, len(header) - 1, "客户名单")
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    for col, text in enumerate(header):
        sheet.write(1, col, text)
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row):
            if isinstance(value, date):
                sheet.write_datetime(r, c, value, dates)
            elif value != "":
                sheet.write(r, c, value)
    book.close()
    return path


def _by_name(store):
    return {m.name: m for m in roster.list_members(store)}


@pytest.mark.parametrize("writer", [write_openpyxl, write_xlsxwriter])
def test_import_cleans_real_world_cells(store, tmp_path, writer):
    report = importing.import_roster(store, writer(tmp_path / "roster.xlsx"), "李娜")
    assert (report.created, report.updated, report.invalid) == (3, 0, 0)
    members = _by_name(store)
    wang = members["王芳"]
    assert wang.phone == "13812345678" and wang.account_no == "000123"
    assert wang.risk_level is RiskLevel.C3 and wang.needs == [Need.PROFIT, Need.RECOVERY]
    assert "退休" in wang.tags and wang.opened_on == date(2024, 7, 2)
    assert wang.total_assets == 125000 and wang.extra == {"微信昵称": "芳芳"}  # 序号 is only a row position
    li = members["李强"]
    assert li.phone == "13900001111" and li.account_no == "310000000002"
    assert li.communities == ["资产配置俱乐部", "ETF定投群"] and li.total_assets == 3_000_000
    assert li.opened_on == date(2023, 3, 15)  # Excel serial 45000
    zhang = members["张伟"]
    assert zhang.phone == "13700002222" and zhang.account_no is None
    assert zhang.risk_level is RiskLevel.C1 and zhang.opened_on == date(2023, 1, 5)


def test_repeats_inside_a_file_are_merged(store, tmp_path):
    rows = [*ROWS, [4, "王芳", "", "000123", "", "", "配置；宝妈", "", "", "", "", "新备注", ""]]
    report = importing.import_roster(store, write_openpyxl(tmp_path / "r.xlsx", rows), "李娜")
    assert (report.created, report.merged) == (3, 1)
    wang = _by_name(store)["王芳"]
    assert wang.needs == [Need.PROFIT, Need.RECOVERY, Need.ALLOCATION]
    assert {"退休", "宝妈"} <= set(wang.tags) and wang.notes == "新备注"
    assert wang.phone == "13812345678"  # the empty cell of the repeat did not erase it


def test_invalid_rows_are_reported_with_row_and_column(store, tmp_path):
    rows = [*ROWS, [4, "", "13911112222", "", "", "", "", "", "", "", "", "", ""],
            [5, "赵六", "12345", "", "", "", "", "", "", "", "", "", ""],
            [6, "钱七", "13911113333", "", "C9", "", "", "", "2024-13-45", "", "", "", ""]]
    report = importing.import_roster(store, write_openpyxl(tmp_path / "r.xlsx", rows), "李娜")
    assert (report.created, report.invalid) == (4, 2)
    # Title, blank row and header take rows 1-3, so data row n sits on Excel row n + 3.
    assert {e.row for e in report.errors} == {7, 8}
    assert {w.column for w in report.warnings} >= {"风险承受能力", "开户日期"}
    qian = _by_name(store)["钱七"]
    assert qian.risk_level is None and qian.opened_on is None


def test_reimport_merges_without_erasing(store, tmp_path):
    importing.import_roster(store, write_openpyxl(tmp_path / "a.xlsx"), "李娜")
    again = importing.import_roster(store, write_openpyxl(tmp_path / "a.xlsx"), "李娜")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    changed = [[1, "王芳", "", "000123", "", "", "", "", "", "", "", "", ""],
               [2, "李强", "", "310000000002", "C5", "", "", "", "", "", "", "", ""]]
    report = importing.import_roster(store, write_openpyxl(tmp_path / "b.xlsx", changed), "李娜")
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    li = _by_name(store)["李强"]
    assert li.risk_level is RiskLevel.C5 and li.phone == "13900001111"


def test_dry_run_writes_nothing(store, tmp_path):
    report = importing.import_roster(store, write_openpyxl(tmp_path / "a.xlsx"), "李娜",
                                     dry_run=True)
    assert report.created == 3 and report.batch_id is None
    assert roster.total_members(store) == 0
    assert audit.verify(store.conn).verified == 0


def test_undo_after_updates_restores_exactly(store, tmp_path):
    importing.import_roster(store, write_openpyxl(tmp_path / "a.xlsx"), "李娜")
    # (the version goes up on every write, an undo's too: someone holding the member as it
    # was must re-read)
    before = [m.model_dump(exclude={"version"}) for m in roster.list_members(store)]
    changed = [[1, "王芳", "13812345678", "000123", "C5", "资深", "舞台", "林晓雯", "", "99", "",
                "改过", ""],
               [9, "新客户", "13600000000", "", "", "", "", "", "", "", "", "", ""]]
    report = importing.import_roster(store, write_openpyxl(tmp_path / "b.xlsx", changed), "李娜")
    assert (report.created, report.updated) == (1, 1)
    result = import_undo.undo(store, report.batch_id, "李娜")
    assert result == {"removed": 1, "restored": 1, "edits_lost": 0}
    assert [m.model_dump(exclude={"version"}) for m in roster.list_members(store)] == before
    with pytest.raises(UserError):
        import_undo.undo(store, report.batch_id, "李娜")
    assert audit.verify(store.conn).ok


def test_undo_waits_for_later_batches_touching_the_same_members(store, tmp_path):
    first = importing.import_roster(store, write_openpyxl(tmp_path / "a.xlsx"), "李娜")
    changed = [[1, "王芳", "", "000123", "C5", "", "", "", "", "", "", "", ""]]
    second = importing.import_roster(store, write_openpyxl(tmp_path / "b.xlsx", changed), "李娜")
    with pytest.raises(UserError) as caught:
        import_undo.undo(store, first.batch_id, "李娜")
    assert str(second.batch_id) in caught.value.message
    import_undo.undo(store, second.batch_id, "李娜")
    import_undo.undo(store, first.batch_id, "李娜")
    assert roster.total_members(store) == 0


def test_a_failed_import_leaves_the_database_unchanged(store, tmp_path, monkeypatch):
    importing.import_roster(store, write_openpyxl(tmp_path / "a.xlsx"), "李娜")
    snapshot = [m.model_dump() for m in roster.list_members(store)]
    audit_rows = audit.verify(store.conn).verified

    def broken_batch_record(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(importing.batches, "record", broken_batch_record)
    rows = [[7, "孙八", "13500000000", "", "", "", "", "", "", "", "", "", ""],
            [1, "王芳", "", "000123", "C5", "", "", "", "", "", "", "", ""]]
    with pytest.raises(OSError):
        importing.import_roster(store, write_openpyxl(tmp_path / "b.xlsx", rows), "李娜")
    assert [m.model_dump() for m in roster.list_members(store)] == snapshot
    assert audit.verify(store.conn).verified == audit_rows


def test_cancel_leaves_the_database_unchanged(store, tmp_path):
    rows = [[i, f"客户{i}", f"139{i:08d}", "", "", "", "", "", "", "", "", "", ""]
            for i in range(1, 6001)]
    path = write_openpyxl(tmp_path / "big.xlsx", rows, title=False)
    prepared = import_prepare.prepare(import_prepare.load(path))
    with pytest.raises(import_prepare.ImportCancelled):
        importing.apply(store, prepared, "李娜", cancelled=lambda: True)
    assert roster.total_members(store) == 0


def test_cli_json_report(store, tmp_path, capsys):
    rows = [*ROWS, [4, "", "13911112222", "", "", "", "", "", "", "", "", "", ""]]
    path = write_openpyxl(tmp_path / "r.xlsx", rows)
    assert main(["--db", str(store.path), "import", "roster", str(path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert {k: report[k] for k in ("created", "updated", "unchanged", "merged", "invalid")} == {
        "created": 3, "updated": 0, "unchanged": 0, "merged": 0, "invalid": 1}
    assert isinstance(report["batch_id"], int)
    assert report["errors"] == [{"row": 7, "column": "客户姓名", "value": "",
                                 "reason": report["errors"][0]["reason"]}]
    assert roster.count_members(store, MemberQuery(search="王芳")) == 1


def test_cli_bad_file_exits_2_and_changes_nothing(store, tmp_path, capsys):
    bad = tmp_path / "roster.xlsx"
    bad.write_bytes(b"PK\x03\x04 definitely not a workbook")
    assert main(["--db", str(store.path), "import", "roster", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "roster.xlsx" in err and "Traceback" not in err
    assert roster.total_members(store) == 0
    assert main(["--db", str(store.path), "import", "roster", str(tmp_path / "missing.xlsx")]) == 2


def test_gb18030_csv(store, tmp_path):
    path = tmp_path / "名单.csv"
    text = "客户姓名,手机号码,资金账号,风险等级\n王芳,13812345678,000123,稳健型\n李强,13900001111,,C4\n"
    path.write_bytes(text.encode("gb18030"))
    report = importing.import_roster(store, path, "李娜")
    assert report.created == 2
    assert _by_name(store)["王芳"].risk_level is RiskLevel.C3


def test_undo_does_not_silently_drop_later_edits(store, tmp_path, monkeypatch):
    report = importing.import_roster(store, write_openpyxl(tmp_path / "a.xlsx"), "李娜")
    wang = _by_name(store)["王芳"]
    # An edit in the app a moment after the import.
    monkeypatch.setattr("branchdesk.store.members.now_text", lambda: "2999-01-01T00:00:00+00:00")
    roster.update_member(store, "小王", wang.id, {"notes": "电话回访过"})
    with pytest.raises(UserError) as caught:
        import_undo.undo(store, report.batch_id, "李娜")
    assert "--force" in caught.value.message
    assert roster.total_members(store) == 3
    result = import_undo.undo(store, report.batch_id, "李娜", force=True)
    assert result["edits_lost"] == 1 and roster.total_members(store) == 0


def _row(name, phone="", account=""):
    return [0, name, phone, account, "", "", "", "", "", "", "", "", ""]


def test_a_shared_phone_never_overwrites_the_wrong_member(store, tmp_path):
    family = [_row("父亲", "13800000001", "310000000001"), _row("女儿", "13800000001", "310000000002")]
    importing.import_roster(store, write_openpyxl(tmp_path / "a.xlsx", family), "李娜")
    later = [_row("某人", "13800000001"),                    # phone only, two holders
             _row("女儿", "13800000001"),                    # phone only, the name tells
             _row("李Y", "13800000001", "310000000009")]     # new account: a new member
    report = importing.import_roster(store, write_openpyxl(tmp_path / "b.xlsx", later), "李娜")
    assert report.invalid == 1 and "2 members share" in report.errors[0].reason
    assert report.errors[0].value == "138****0001"  # the cell is fine: which member, masked
    assert (report.created, report.unchanged) == (1, 1)
    assert sorted(m.name for m in roster.list_members(store)) == ["女儿", "李Y", "父亲"]


def test_a_phone_of_someone_else_is_invalid_not_a_rename(store, tmp_path):
    importing.import_roster(store, write_openpyxl(tmp_path / "a.xlsx", [_row("父亲", "13800000001")]),
                            "李娜")
    report = importing.import_roster(
        store, write_openpyxl(tmp_path / "b.xlsx", [_row("某人", "13800000001")]), "李娜")
    assert report.invalid == 1 and "父亲" in report.errors[0].reason
    assert [m.name for m in roster.list_members(store)] == ["父亲"]


def test_repeats_and_renames_are_reported(store, tmp_path):
    rows = [_row("张A", "13900000000", "310000000100"), _row("张B", "13900000001", "310000000100")]
    report = importing.import_roster(store, write_openpyxl(tmp_path / "a.xlsx", rows), "李娜")
    assert report.merged == 1
    [warning] = [w for w in report.warnings if w.row == 5]
    assert "row 4" in warning.reason and "张A" in warning.reason and warning.column == "资金账号"
    renamed = importing.import_roster(
        store, write_openpyxl(tmp_path / "b.xlsx", [_row("张C", "", "310000000100")]), "李娜")
    assert renamed.updated == 1 and any("张B" in w.reason for w in renamed.warnings)


def test_a_column_without_a_header_keeps_its_data(store, tmp_path):
    header = ["客户姓名", "手机号码", "资金账号", ""]
    rows = [["王芳", "13812345678", "000123", "wx_wangfang"]]
    path = write_openpyxl(tmp_path / "a.xlsx", rows, header=header)
    importing.import_roster(store, path, "李娜")
    assert _by_name(store)["王芳"].extra == {"Column D": "wx_wangfang"}


def test_a_member_written_by_someone_else_while_the_file_is_read_is_found(
        store, tmp_path, monkeypatch):
    """The plan is made inside the write transaction: a member another user saved while the
    file was being read is updated, not created a second time."""
    path = write_openpyxl(tmp_path / "名单.xlsx")
    other = importing.Store(store.path)
    read_and_prepare = importing.read_and_prepare

    def read_while_someone_writes(*args, **kwargs):
        prepared = read_and_prepare(*args, **kwargs)
        with other.transaction() as conn:
            importing.member_rows.insert_many(conn, [importing.member_rows.to_db(
                {"name": "李强", "account_no": "310000000002", "needs": [], "tags": [],
                 "communities": [], "extra": {}})])
        return prepared

    monkeypatch.setattr(importing, "read_and_prepare", read_while_someone_writes)
    report = importing.import_roster(store, path, "tester")
    assert (report.created, report.updated) == (2, 1)
    other.close()


def test_reimport_into_an_in_memory_database_finds_its_members(tmp_path):
    store = importing.Store(":memory:")
    path = write_openpyxl(tmp_path / "名单.xlsx")
    assert importing.import_roster(store, path, "tester").created == 3
    report = importing.import_roster(store, path, "tester")
    assert (report.created, report.unchanged) == (0, 3)


def test_a_new_member_who_looks_like_a_stored_one_is_said_with_how_to_join_them(store, tmp_path):
    """A member known by phone only comes back with a new mobile, another with a new account:
    both are new members (nothing says they are the same), and the report says whom they look
    like, masked, and how to make them one."""
    first = [_row("刘静", "13200007122"), _row("王伍", "13900005555", "310000000555"),
             _row("陈默", "13600001111", "310000000666")]  # known with an account too
    importing.import_roster(store, write_openpyxl(tmp_path / "a.xlsx", first), "李娜")
    known = {m.name: m.id for m in roster.list_members(store)}
    later = [_row("刘静", "13900005678"), _row("王伍", "13900005555", "310000000777"),
             _row("新人", "13700000001"), _row("陈默", "13600002222")]
    report = importing.import_roster(store, write_openpyxl(tmp_path / "b.xlsx", later), "李娜")
    assert report.created == 4
    said = {w.row: w.reason for w in report.warnings}
    assert f"member #{known['刘静']} " in said[4] and f"member #{known['王伍']} " in said[5]
    assert "132****7122" in said[4] and "new mobile" in said[4] and "13200007122" not in said[4]
    assert "new account" in said[5] and "310000000555" not in said[5]
    assert 6 not in said  # a name nobody has: nothing to say
    assert "new mobile" in said[7] and "136****1111" in said[7]  # the row has no account
    again = importing.import_roster(store, write_openpyxl(tmp_path / "b.xlsx", later), "李娜")
    assert again.created == 0 and not again.warnings  # found now: nothing looks alike
