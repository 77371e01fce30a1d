"""Roster imports of real-world sheets through the CLI: what the user reads and what is kept."""

from __future__ import annotations

import json

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
