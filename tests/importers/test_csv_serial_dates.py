"""A roster CSV saved by Excel from a sheet whose date cells were formatted as General holds
the dates as serial numbers (45292): they import as the same values in an .xlsx do."""

from __future__ import annotations

from datetime import date

import openpyxl

from branchdesk.importers.normalize.dates import normalize_date
from branchdesk.services import importing, roster
from branchdesk.store.database import Store

ROWS = [("王芳", "000123", 45292), ("李娜", "000456", 45658.5), ("张三", "000789", 20240702)]


def _opened_on(store: Store) -> dict[str, date | None]:
    return {m.account_no: m.opened_on for m in roster.list_members(store)}


def test_serial_numbers_in_a_csv_date_column_import_as_dates(tmp_path):
    csv_path = tmp_path / "roster.csv"
    lines = ["客户姓名,资金账号,开户日期"] + [f"{n},{a},{d}" for n, a, d in ROWS]
    csv_path.write_bytes("\n".join(lines).encode("gb18030"))
    xlsx_path = tmp_path / "roster.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["客户姓名", "资金账号", "开户日期"])
    for row in ROWS:
        book.active.append(list(row))
    book.save(xlsx_path)
    from_csv, from_xlsx = Store(tmp_path / "a.db"), Store(tmp_path / "b.db")
    assert importing.import_roster(from_csv, csv_path, "李娜").invalid == 0
    importing.import_roster(from_xlsx, xlsx_path, "李娜")
    assert _opened_on(from_csv) == _opened_on(from_xlsx) == {
        "000123": date(2024, 1, 1), "000456": date(2025, 1, 1), "000789": date(2024, 7, 2)}


def test_a_serial_written_as_text_reads_like_the_number():
    for text, number in (("45292", 45292), ("45292.0", 45292.0), ("  45292 ", 45292)):
        assert normalize_date(text) == normalize_date(number)
