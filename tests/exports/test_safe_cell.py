from __future__ import annotations

import zipfile

import openpyxl
import pytest

from branchdesk.exports.safe_cell import EXCEL_CELL_LIMIT, append_row, put


@pytest.mark.parametrize("text", ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "=HYPERLINK(\"x\")",
                                  "＝1+1", " =1+1"])
def test_formula_like_text_is_stored_as_text(tmp_path, text):
    book = openpyxl.Workbook()
    put(book.active, 1, 1, text)
    path = tmp_path / "out.xlsx"
    book.save(path)
    sheet_xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml
    reopened = openpyxl.load_workbook(path).active["A1"]
    assert reopened.value == text and reopened.data_type == "s"


def test_numbers_dates_and_plain_text_keep_their_type(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    append_row(sheet, ["王芳", 12.5, None, "含\x07控制符"])
    # A character XML cannot hold is written the way Excel writes it, to read back as it was.
    assert [c.value for c in sheet[1]] == ["王芳", 12.5, None, "含_x0007_控制符"]


def test_text_is_cut_at_the_excel_limit():
    book = openpyxl.Workbook()
    cell = put(book.active, 1, 1, "长" * (EXCEL_CELL_LIMIT + 10))
    assert len(cell.value) == EXCEL_CELL_LIMIT
