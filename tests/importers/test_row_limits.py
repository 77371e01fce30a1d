"""The row limit counts data rows (not the title rows or the header), and a sheet over it is
refused from its declared or measured size, before it is parsed whole."""

from __future__ import annotations

import dataclasses

import openpyxl
import pytest

from branchdesk.errors import UserError
from branchdesk.importers import reader, safety
from branchdesk.services import import_prepare, importing
from branchdesk.store.database import Store


@pytest.fixture
def limits(monkeypatch):
    def set_limits(**changes: int) -> None:
        monkeypatch.setattr(safety, "LIMITS", dataclasses.replace(safety.LIMITS, **changes))

    return set_limits


def _roster(path, members: int, title_rows: int = 2):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "客户"
    for n in range(title_rows):
        sheet.append([f"某营业部客户名单 {n + 1}"])
    sheet.append(["客户姓名", "手机号码", "资金账号"])
    for i in range(1, members + 1):
        sheet.append([f"客户{i}", f"139{i:08d}", f"3100{i:08d}"])
    book.save(path)
    return path


@pytest.mark.parametrize("parts_from", [1, 10_000])  # two parsing processes, one
def test_exactly_the_limit_under_title_rows_imports(tmp_path, limits, monkeypatch, parts_from):
    """A file of exactly max_rows members under two title rows is accepted whole."""
    monkeypatch.setattr(reader, "TWO_PARTS_FROM", parts_from)
    limits(max_rows=50)
    store = Store(tmp_path / "b.db")
    report = importing.import_roster(store, _roster(tmp_path / "50.xlsx", 50), "tester")
    assert (report.created, report.invalid) == (50, 0)
    store.close()


@pytest.mark.parametrize("wizard", [False, True])
def test_one_member_over_the_limit_is_refused_naming_the_data_rows(tmp_path, limits, wizard):
    limits(max_rows=50)
    store = Store(tmp_path / "b.db")
    path = _roster(tmp_path / "51.xlsx", 51)
    with pytest.raises(UserError) as caught:
        if wizard:  # read here, then the header found: refused before a row is parsed
            import_prepare.load(path)
        else:
            importing.import_roster(store, path, "tester")
    assert caught.value.key == "reader.too_many_rows"
    assert "51 rows of data" in caught.value.message and "50" in caught.value.message
    assert store.conn.execute("SELECT count(*) FROM members").fetchone()[0] == 0
    store.close()


def test_a_csv_counts_its_data_rows_too(tmp_path, limits):
    limits(max_rows=5)
    text = "名单\n客户姓名,手机号码\n" + "".join(f"客户{i},139{i:08d}\n" for i in range(5))
    (tmp_path / "ok.csv").write_text(text, encoding="utf-8")
    store = Store(tmp_path / "b.db")
    assert importing.import_roster(store, tmp_path / "ok.csv", "tester").created == 5
    (tmp_path / "over.csv").write_text(text + "客户9,13900000009\n", encoding="utf-8")
    with pytest.raises(UserError) as caught:
        importing.import_roster(store, tmp_path / "over.csv", "tester")
    assert caught.value.key == "reader.too_many_rows" and "6 rows of data" in caught.value.message
    store.close()


def _sheet(rows: int, dimension: str, filler: int = 0) -> bytes:
    cells = "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>客户{r}{"x" * filler}'
                    f'</t></is></c></row>' for r in range(1, rows + 1))
    return ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxml'
            f'formats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/>'
            f"<sheetData>{cells}</sheetData></worksheet>").encode()


def test_a_declared_size_over_the_limit_is_refused_at_the_first_bytes(limits, tmp_path):
    """Excel declares a sheet's size at its top: too many rows there ends the read before
    the rest is looked at (the scan never asks for the next piece)."""
    limits(max_rows=50, max_title_rows=30)
    first = _sheet(10, "A1:C200", filler=400)  # big enough to hold the 200 rows it declares

    def pieces():
        yield first
        raise AssertionError("read past the declared size")

    with pytest.raises(UserError) as caught:
        safety._scan_xml(pieces(), tmp_path / "big.xlsx", safety.LIMITS, with_cells=True,
                         declared=("客户", 200 * 500))
    assert caught.value.key == "reader.too_many_rows" and "客户" in caught.value.message


def test_a_declared_size_is_not_believed_from_a_small_part(limits, tmp_path):
    """A tool that declares a whole empty grid (A1:XFD1048576) over a few rows is read."""
    limits(max_rows=50, max_title_rows=30)
    extent = safety._scan_xml(iter([_sheet(10, "A1:XFD1048576")]), tmp_path / "small.xlsx",
                              safety.LIMITS, with_cells=True, declared=("客户", 2000))
    assert extent.size() == (10, 1)


def test_a_measured_size_over_the_limit_stops_the_scan_as_it_passes(limits, tmp_path):
    """Without a declared size, the scan refuses as soon as the rows it has seen leave too
    many under any header, without reading the rest of the sheet."""
    limits(max_rows=50, max_title_rows=30)
    xml = _sheet(300, "A1")
    chunk = 2000

    def pieces():
        for start in range(0, len(xml), chunk):
            if start > len(xml) // 2:
                raise AssertionError("read the whole sheet")
            yield xml[start:start + chunk]

    with pytest.raises(UserError) as caught:
        safety._scan_xml(pieces(), tmp_path / "tall.xlsx", safety.LIMITS, with_cells=True,
                         declared=("客户", len(xml)))
    assert caught.value.key == "reader.too_many_rows"
