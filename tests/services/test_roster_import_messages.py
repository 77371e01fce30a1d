"""Roster imports of real-world sheets through the CLI: what the user reads and what is kept."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import openpyxl

from branchdesk.cli import main


def workbook(path, header, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def run(db, capsys, *args, lang="en"):
    code = main(["--db", str(db), "--lang", lang, *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def imported(db, capsys, path, *args, lang="en") -> dict:
    code, out, err = run(db, capsys, "import", "roster", str(path), "--json", *args, lang=lang)
    assert code == 0, err
    return json.loads(out)


def members(db, capsys) -> dict[str, dict]:
    code, out, err = run(db, capsys, "members", "--json", "--reveal")
    assert code == 0, err
    return {m["name"]: m for m in json.loads(out)}


def test_experience_written_as_years_among_words_is_read(tmp_path, capsys):
    path = workbook(tmp_path / "名单.xlsx", ["客户姓名", "手机号码", "投资经验"], [
        ["甲", "13800000001", "入市10年"],
        ["乙", "13800000002", "炒股2年"],
        ["丙", "13800000003", "10年股龄"],
    ])
    report = imported(tmp_path / "b.db", capsys, path)
    assert report["warnings"] == [] and report["created"] == 3
    kept = members(tmp_path / "b.db", capsys)
    assert {name: m["experience"] for name, m in kept.items()} == {
        "甲": "veteran", "乙": "intermediate", "丙": "veteran"}


def test_day_month_dates_are_read_when_only_one_order_makes_a_date(tmp_path, capsys):
    path = workbook(tmp_path / "roster.xlsx", ["Name", "Mobile", "Open Date"], [
        ["Ann", "13800000001", "12/25/2019"],
        ["Bob", "13800000002", "25/12/2019"],
        ["Cy", "13800000003", "03/04/2019"],
    ])
    report = imported(tmp_path / "b.db", capsys, path)
    kept = members(tmp_path / "b.db", capsys)
    assert kept["Ann"]["opened_on"] == kept["Bob"]["opened_on"] == "2019-12-25"
    assert kept["Cy"]["opened_on"] is None
    [warning] = report["warnings"]
    assert warning["row"] == 4 and warning["column"] == "Open Date"
    assert "either way round" in warning["reason"] and "2019-03-04" in warning["reason"]


def test_scientific_account_message_gives_its_number_as_an_example(tmp_path, capsys):
    path = workbook(tmp_path / "roster.xlsx", ["Name", "Mobile", "Account"], [
        ["Ann", "13800000001", "3.30000E+11"],
    ])
    [warning] = imported(tmp_path / "b.db", capsys, path)["warnings"]
    assert "scientific notation (for example 1.23E+11)" in warning["reason"]


def test_each_problem_quotes_its_value_once_with_its_rows(tmp_path, capsys):
    rows = [[f"客户{i}", f"138{i:08d}", "入市多年" if i < 55 else "新手"] for i in range(60)]
    rows.append(["号码短", "1381", ""])
    path = workbook(tmp_path / "名单.xlsx", ["客户姓名", "手机号码", "投资经验"], rows)
    db = tmp_path / "b.db"
    code, out, err = run(db, capsys, "import", "roster", str(path), "--dry-run", lang="zh")
    assert code == 0, err
    lines = out.splitlines()
    [grouped] = [line for line in lines if "入市多年" in line]
    assert grouped.strip().startswith("第 2、3、4、5、6、7、8、9、10、11 … 行（共 55 行）")
    assert "“投资经验”列，值「入市多年」：无法识别的投资经验" in grouped
    assert any("值「1381」" in line and "第 62 行" in line for line in lines)
    assert "另有" not in out

    report = imported(db, capsys, path, "--dry-run")
    [error] = report["errors"]
    assert error == {"row": 62, "column": "手机号码", "value": "1381",
                     "reason": "Not a mainland mobile number (11 digits starting with 1)."}
    assert {w["value"] for w in report["warnings"]} == {"入市多年"}


def test_past_fifty_problems_the_rest_are_counted(tmp_path, capsys):
    rows = [[f"客户{i}", f"138{i:08d}", f"怪{i}"] for i in range(53)]
    path = workbook(tmp_path / "roster.xlsx", ["Name", "Mobile", "Experience"], rows)
    code, out, err = run(tmp_path / "b.db", capsys, "import", "roster", str(path), "--dry-run")
    assert code == 0, err
    assert 'row 2, column Experience, value “怪0”: Unknown experience' in out
    assert out.rstrip().endswith("… and 3 more")


def batches(db, capsys) -> list[str]:
    code, out, err = run(db, capsys, "import", "list")
    assert code == 0, err
    return [line for line in out.splitlines() if line.startswith("#")]


def test_a_sheet_with_only_a_header_is_refused_and_nothing_is_written(tmp_path, capsys):
    db = tmp_path / "b.db"
    first = workbook(tmp_path / "first.xlsx", ["客户姓名", "手机号码"], [["甲", "13800000001"]])
    imported(db, capsys, first)
    path = workbook(tmp_path / "empty.xlsx", ["客户姓名", "手机号码", "资金账号"], [])
    for extra in ([], ["--dry-run"], ["--json"]):
        code, out, err = run(db, capsys, "import", "roster", str(path), *extra)
        assert code == 2 and out == ""
        assert "no member rows under the header (row 1)" in err and "empty.xlsx" in err
    assert len(batches(db, capsys)) == 1


def test_reimporting_a_file_that_changes_nothing_writes_nothing(tmp_path, capsys):
    db = tmp_path / "b.db"
    path = workbook(tmp_path / "名单.xlsx", ["客户姓名", "手机号码"],
                    [["甲", "13800000001"], ["乙", "13800000002"]])
    imported(db, capsys, path)
    code, out, err = run(db, capsys, "import", "roster", str(path))
    assert code == 0, err
    assert out.startswith("Nothing new in") and "all 2 members" in out
    assert "Nothing was written." in out and "import undo" not in out
    report = imported(db, capsys, path, lang="zh")
    assert report["nothing_new"] is True and report["batch_id"] is None
    assert report["unchanged"] == 2
    assert len(batches(db, capsys)) == 1


def test_import_list_shows_the_branch_time_in_both_languages(tmp_path, capsys):
    from branchdesk.store.database import Store

    db = tmp_path / "b.db"
    path = workbook(tmp_path / "名单.xlsx", ["客户姓名", "手机号码"], [["甲", "13800000001"]])
    imported(db, capsys, path)
    assert run(db, capsys, "import", "undo", "1")[0] == 0
    imported_at, undone_at = Store(db).conn.execute(
        "SELECT imported_at, undone_at FROM import_batches").fetchone()
    shanghai = ZoneInfo("Asia/Shanghai")
    local = [datetime.fromisoformat(m).astimezone(shanghai).strftime("%Y-%m-%d %H:%M")
             for m in (imported_at, undone_at)]
    for lang in ("en", "zh"):
        code, out, err = run(db, capsys, "import", "list", lang=lang)
        assert code == 0, err
        assert out.startswith(f"#1  {local[0]}  名单.xlsx") and f"{local[1]}" in out
        assert "+00:00" not in out and "T" not in out.split("名单")[0]


def test_nothing_new_with_rows_refused_does_not_say_all_members_are_on_the_roster(tmp_path,
                                                                                 capsys):
    db = tmp_path / "b.db"
    imported(db, capsys, workbook(tmp_path / "a.xlsx", ["客户姓名", "手机号码"],
                                  [["甲", "13800000001"]]))
    again = workbook(tmp_path / "b.xlsx", ["客户姓名", "手机号码"],
                     [["甲", "13800000001"], ["乙", "12345"]])
    code, out, err = run(db, capsys, "import", "roster", str(again))
    assert code == 0, err
    assert "1 of its members are on the roster" in out and "1 rows could not be imported" in out
    assert "all " not in out.splitlines()[0]


def test_a_refused_mobile_is_quoted_masked(tmp_path, capsys):
    db = tmp_path / "b.db"
    path = workbook(tmp_path / "a.xlsx", ["客户姓名", "手机号码"],
                    [["甲", "138 1234 5678 转 12"], ["乙", "13800000002"]])
    code, out, err = run(db, capsys, "import", "roster", str(path))
    assert code == 0, err
    assert "138 **** 5678" in out or "138****5678" in out
    assert "1234" not in out.replace("row", "")
    report = imported(db, capsys, path)
    assert all("1234" not in i["value"] for i in report["warnings"] + report["errors"])
