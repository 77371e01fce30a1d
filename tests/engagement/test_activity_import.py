"""Importing activities from a sheet: the roster import's safe reader and clear errors, members
matched by account number, mobile, or name and mobile; undoable as a batch."""

from __future__ import annotations

from datetime import date, datetime

import openpyxl
import pytest
from engagement_support import TODAY, add_member, contact, days_before

from branchdesk.errors import UserError
from branchdesk.models import MemberQuery
from branchdesk.services import activities, import_undo, roster
from branchdesk.services.activity_import import import_activities, undo_activity_import

HEADER = ["序号", "资金账号", "客户姓名", "手机号码", "联系时间", "类型", "沟通内容", "记录人"]


def sheet(path, rows, header=HEADER, title=True):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "互动记录"
    if title:
        ws.append(["2026年11月客户互动记录"])
    ws.append(header)
    for row in rows:
        ws.append(row)
    ws.append(["合计", f"{len(rows)}条"])
    book.save(path)
    return path


@pytest.fixture
def branch(store):
    ids = {
        "wang": add_member(store, "王芳", joined=days_before(200), account="000123",
                           phone="13812345678", last_active=date(2026, 9, 1)),
        "li": add_member(store, "李强", joined=days_before(200), phone="13900001111"),
        "zhang_a": add_member(store, "张伟", joined=days_before(200), phone="13700002222"),
        "zhang_b": add_member(store, "张丽", joined=days_before(200), phone="13700002222"),
    }
    return store, ids


def good_rows():
    return [
        [1, "000123", "", "", datetime(2026, 11, 2, 14, 30), "电话", "问候行情", "周明远"],
        [2, "", "李强", "139 0000 1111", "2026-11-03", "私聊", "", ""],
        [3, "", "张丽", "13700002222", "2026/11/04 10:00", "面谈", "来营业部办理业务", "林晓雯"],
        [4, "", "", "13900001111", date(2026, 11, 5), "群内回复", "", ""],
    ]


def test_a_sheet_of_activities_is_imported_and_undone_as_a_batch(branch, tmp_path):
    store, ids = branch
    path = sheet(tmp_path / "互动.xlsx", good_rows())
    report = import_activities(store, path, "李娜")
    assert (report.added, report.skipped, report.invalid) == (4, 0, 0)
    assert report.sheet == "互动记录" and report.batch_id is not None
    [wang] = activities.member_activities(store, ids["wang"])
    assert (wang.kind.value, wang.note, wang.staff) == ("call", "问候行情", "周明远")
    assert wang.at.strftime("%Y-%m-%d %H:%M") == "2026-11-02 14:30"
    li = activities.member_activities(store, ids["li"])
    assert [a.kind.value for a in li] == ["reply", "chat"] and li[1].staff == "李娜"
    assert [a.member_id for a in activities.member_activities(store, ids["zhang_b"])] == [ids["zhang_b"]]
    listed = {m.id: m for m in roster.list_members(store, MemberQuery(), today=TODAY)}
    assert listed[ids["wang"]].last_active_on == date(2026, 11, 2)
    # the same file again: everything is already there
    again = import_activities(store, path, "李娜")
    assert (again.added, again.skipped) == (0, 4)
    # undo the first batch: the activities go, last active falls back to the imported date
    assert undo_activity_import(store, "李娜", report.batch_id) == {"removed": 4}
    assert activities.member_activities(store, ids["wang"]) == []
    listed = {m.id: m for m in roster.list_members(store, MemberQuery(), today=TODAY)}
    assert listed[ids["wang"]].last_active_on == date(2026, 9, 1)
    with pytest.raises(UserError) as caught:
        undo_activity_import(store, "李娜", report.batch_id)
    assert caught.value.key == "activity_import.already_undone"


def test_a_dry_run_writes_nothing(branch, tmp_path):
    store, _ = branch
    report = import_activities(store, sheet(tmp_path / "a.xlsx", good_rows()), "李娜", dry_run=True)
    assert report.added == 4 and report.batch_id is None and report.dry_run
    assert store.conn.execute("SELECT count(*) FROM activities").fetchone()[0] == 0


def test_rows_that_name_nobody_or_several_people_are_reported_and_left_out(branch, tmp_path):
    store, ids = branch
    rows = [
        [1, "999999", "", "", "2026-11-02", "电话", "", ""],            # unknown account
        [2, "", "", "13700002222", "2026-11-02", "电话", "", ""],       # shared phone, no name
        [3, "", "赵六", "13900001111", "2026-11-02", "电话", "", ""],   # phone is 李强's
        [4, "", "", "13911112222", "2026-11-02", "电话", "", ""],       # nobody has it
        [5, "000123", "", "", "2026-13-45", "电话", "", ""],            # no such date
        [6, "000123", "", "", "2099-01-01", "电话", "", ""],            # the future
        [7, "000123", "", "", "2026-11-02", "飞鸽传书", "", ""],        # unknown kind
        [8, "000123", "", "", "", "电话", "", ""],                      # no date
        [9, "", "王芳", "", "2026-11-02", "电话", "", ""],              # a name alone
        [10, "000123", "", "", "2026-11-02", "电话", "好", ""],          # fine
    ]
    report = import_activities(store, sheet(tmp_path / "bad.xlsx", rows), "李娜")
    assert (report.added, report.invalid) == (1, 9)
    by_row = {issue.row: issue for issue in report.errors}
    # spreadsheet rows as Excel numbers them: a title row, the header, then data from row 3
    assert sorted(by_row) == list(range(3, 12))
    assert by_row[3].column == "资金账号" and by_row[3].value == "999999"
    assert "share this mobile number" in by_row[4].reason and by_row[4].value == "137****2222"
    assert by_row[5].column == "客户姓名" and "李强" in by_row[5].reason
    assert "No member has this mobile" in by_row[6].reason
    assert by_row[7].column == "联系时间" and by_row[7].value == "2026-13-45"
    assert "future" in by_row[8].reason
    assert by_row[9].column == "类型" and by_row[9].value == "飞鸽传书"
    assert "empty" in by_row[10].reason
    assert "Neither an account number nor a mobile" in by_row[11].reason
    assert [a.note for a in activities.member_activities(store, ids["wang"])] == ["好"]


def test_a_sheet_that_cannot_be_used_is_one_clear_error_and_writes_nothing(branch, tmp_path):
    store, _ = branch
    no_kind = sheet(tmp_path / "nokind.xlsx", [[1, "000123", "", "", "2026-11-02", "", "", ""]],
                    header=["序号", "资金账号", "客户姓名", "手机号码", "联系时间", "其它列", "x", "y"])
    with pytest.raises(UserError) as caught:
        import_activities(store, no_kind, "李娜")
    assert caught.value.key == "activity_import.missing_columns"
    assert "Kind" in caught.value.message and "nokind.xlsx" in caught.value.message
    text = tmp_path / "text.xlsx"  # a text file renamed: read as text, and it has no header
    text.write_text("not a workbook", encoding="utf-8")
    with pytest.raises(UserError) as caught:
        import_activities(store, text, "李娜")
    assert caught.value.key == "activity_import.no_header"
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    with pytest.raises(UserError) as caught:
        import_activities(store, broken, "李娜")
    assert caught.value.key.startswith("reader.")
    with pytest.raises(UserError) as caught:
        import_activities(store, tmp_path / "missing.xlsx", "李娜")
    assert caught.value.key == "reader.missing_file"
    assert store.conn.execute("SELECT count(*) FROM activities").fetchone()[0] == 0
    assert store.conn.execute("SELECT count(*) FROM activity_batches").fetchone()[0] == 0


def test_a_gbk_csv_reads_like_a_workbook(branch, tmp_path):
    store, ids = branch
    path = tmp_path / "互动.csv"
    path.write_bytes("手机号码,姓名,日期,类型,备注\n13812345678,王芳,2026-11-02 09:30,电话,回访\n"
                     .encode("gb18030"))
    report = import_activities(store, path, "李娜")
    assert report.added == 1
    assert activities.member_activities(store, ids["wang"])[0].note == "回访"


def test_undoing_a_roster_import_keeps_engagement_records(store, tmp_path):
    from branchdesk.services import importing

    path = tmp_path / "名单.csv"
    path.write_text("姓名,手机号码,资金账号,最近联系日期\n王芳,13812345678,000123,2026-09-01\n",
                    encoding="utf-8")
    first = importing.import_roster(store, path, "李娜")
    [member] = roster.list_members(store)
    contact(store, member.id, date(2026, 10, 15))
    # the member's timeline shows the import that created them and the contact
    from branchdesk.services.timeline import member_timeline

    whats = [entry.what for entry in member_timeline(store, member)]
    assert whats == ["import_created", "activity"]
    with pytest.raises(UserError) as caught:
        import_undo.undo(store, first.batch_id, "李娜")
    assert caught.value.key == "engagement.undo_has_records"
    # a second import that updates the member can be undone; the activity's date stays
    path.write_text("姓名,手机号码,资金账号,最近联系日期\n王芳,13812345678,000123,2026-08-01\n",
                    encoding="utf-8")
    second = importing.import_roster(store, path, "李娜")
    import_undo.undo(store, second.batch_id, "李娜", force=True)
    [member] = roster.list_members(store, today=TODAY)
    assert member.last_active_on == date(2026, 10, 15)
