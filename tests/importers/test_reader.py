"""Reading spreadsheets: what comes back from good files, and what every hostile file yields.

Hostile files are built here with zipfile; each must end in a UserError with the right key,
quickly, with no child process left behind, and the next read must work as usual.
"""

from __future__ import annotations

import dataclasses
import datetime
import multiprocessing
import re
import struct
import subprocess
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from branchdesk.errors import UserError
from branchdesk.i18n import catalog
from branchdesk.importers import csv_reader, safety, sandbox
from branchdesk.importers.reader import SUPPORTED_EXTENSIONS, SheetData, read_workbook

DATA = Path(__file__).parent.parent / "data"
PACKAGE = Path(safety.__file__).parent


def error_of(path: Path, **kwargs: object) -> UserError:
    started = time.monotonic()
    with pytest.raises(UserError) as caught:
        read_workbook(path, **kwargs)
    assert time.monotonic() - started < 5
    assert path.name in caught.value.message  # every message names the file
    assert not caught.value.message.startswith("[")  # the key has a text
    return caught.value


@pytest.fixture(autouse=True)
def still_works_afterwards():
    """After any file, good or hostile: no child left running, and the next read works."""
    yield
    assert multiprocessing.active_children() == []
    with pytest.MonkeyPatch.context() as patch:  # whatever limits the test set
        patch.setattr(safety, "LIMITS", safety.Limits())
        assert read_workbook(DATA / "roster.ods")[0].rows[1][0] == "张三"


@pytest.fixture
def limits(monkeypatch):
    def set_limits(**changes: int) -> None:
        monkeypatch.setattr(safety, "LIMITS", dataclasses.replace(safety.LIMITS, **changes))

    return set_limits


def by_name(sheets: list[SheetData]) -> dict[str, SheetData]:
    return {s.name: s for s in sheets}


# ---------------------------------------------------------------- building files

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument'
    '.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/></Types>')
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
CELL_X = '<c r="A1" t="inlineStr"><is><t>x</t></is></c>'


def sheet_xml(rows: str, dimension: str = "A1", prolog: str = "") -> str:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + prolog +
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>')


def raw_xlsx(path: Path, sheet: str, shared: str | None = None, parts: dict[str, str] | None = None,
             method: int = zipfile.ZIP_DEFLATED) -> Path:
    """A minimal .xlsx from its XML parts, written as given."""
    files = {"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": ROOT_RELS,
             "xl/workbook.xml": WORKBOOK, "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
             "xl/worksheets/sheet1.xml": sheet}
    if shared is not None:
        files["xl/sharedStrings.xml"] = shared
    files.update(parts or {})
    with zipfile.ZipFile(path, "w", method) as z:
        for name, text in files.items():
            z.writestr(name, text)
    return path


def ole_file(path: Path, names: list[str]) -> Path:
    """A minimal OLE (Compound File): header, one FAT sector, one directory sector."""
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIII", header, 44, 1, 1, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
    header[76:512] = struct.pack("<I", 0) + b"\xff" * 432  # DIFAT: the FAT is sector 0
    fat = struct.pack("<II", 0xFFFFFFFD, 0xFFFFFFFE) + b"\xff" * 504
    directory = bytearray(512)
    for i, name in enumerate(["Root Entry", *names][:4]):
        entry = name.encode("utf-16-le")
        directory[i * 128:i * 128 + len(entry)] = entry
        struct.pack_into("<HB", directory, i * 128 + 64, len(entry) + 2, 5 if i == 0 else 2)
    path.write_bytes(bytes(header) + fat + bytes(directory))
    return path


def roster_rows(count: int) -> list[list[object]]:
    return [[f"客户{i}", 13800000000 + i, f"{i:06d}", datetime.date(2020, 1, 1)] for i in range(count)]


# ---------------------------------------------------------------- good files


def test_openpyxl_workbook_keeps_offsets_merged_title_and_values(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "客户"
    ws["B3"] = "浦东营业部客户名单"
    ws.merge_cells("B3:F3")
    ws.append([])
    for row in (["客户姓名", "手机号码", "资金账号", "开户日期", "备注"],
                [" 张三 ", 13849593103, "000123", datetime.date(2020, 1, 2), None],
                ["李四", 13900001111, "000456", datetime.datetime(2021, 3, 4, 9, 30), "VIP"]):
        ws.append([None, *row])
    book.create_sheet("空表")
    book.create_sheet("说明")["A1"] = "第二张表"
    book.save(tmp_path / "roster.xlsx")

    sheets = read_workbook(tmp_path / "roster.xlsx")

    assert [s.name for s in sheets] == ["客户", "说明"]  # empty sheets are left out
    roster = sheets[0]
    assert (roster.first_row, roster.first_col) == (3, 1)
    assert roster.rows[0] == ["浦东营业部客户名单", None, None, None, None]
    assert roster.rows[1] == [None] * 5  # the blank row between title and header stays
    assert roster.rows[3] == [" 张三 ", 13849593103.0, "000123", datetime.date(2020, 1, 2), None]
    assert roster.rows[4][3] == datetime.datetime(2021, 3, 4, 9, 30)
    assert {len(r) for r in roster.rows} == {5}


def test_xlsxwriter_workbook_with_types_and_sheet_choice(tmp_path):
    path = tmp_path / "export.xlsx"
    book = xlsxwriter.Workbook(path)
    first = book.add_worksheet("汇总")
    first.write_row(2, 3, ["合计", 3])  # D3: leading blank rows and columns
    roster = book.add_worksheet("客户")
    roster.write_row(0, 0, ["姓名", "手机", "是否VIP", "开户日期", "资产"])
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    for r, (name, phone, vip) in enumerate([("张三", 13849593103, True), ("李四", 13900001111, False)], 1):
        roster.write_string(r, 0, name)
        roster.write_number(r, 1, phone)
        roster.write_boolean(r, 2, vip)
        roster.write_datetime(r, 3, datetime.datetime(2020, 1, r + 1), date)
        roster.write_formula(r, 4, f"=B{r + 1}*0", None, 0)
    book.close()

    sheets = by_name(read_workbook(path))
    assert (sheets["汇总"].first_row, sheets["汇总"].first_col) == (3, 3)
    assert sheets["汇总"].rows == [["合计", 3.0]]
    assert sheets["客户"].rows[1] == ["张三", 13849593103.0, True, datetime.date(2020, 1, 2), 0.0]

    only = read_workbook(path, sheet="客户")
    assert [s.name for s in only] == ["客户"]
    assert read_workbook(path, sheet=" 汇总 ")[0].name == "汇总"  # forgiving about spaces

    error = error_of(path, sheet="名单")
    assert error.key == "reader.sheet_not_found"
    assert "汇总, 客户" in error.message


def test_a_chosen_empty_sheet_and_a_workbook_without_data(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "空"
    book.save(tmp_path / "empty.xlsx")
    assert error_of(tmp_path / "empty.xlsx").key == "reader.no_data"
    assert error_of(tmp_path / "empty.xlsx", sheet="空").key == "reader.sheet_empty"


def test_xls_fixture():
    sheets = by_name(read_workbook(DATA / "roster.xls"))
    assert list(sheets) == ["客户", "说明"]
    roster = sheets["客户"]
    assert roster.first_row == 1 and roster.first_col == 0
    assert roster.rows[0] == ["浦东营业部客户名单", None, None, None, None]
    assert roster.rows[2] == ["张三", 13849593103.0, "000123", datetime.date(2020, 1, 2), 12.5]
    assert roster.rows[3][4] is None
    assert (sheets["说明"].first_row, sheets["说明"].first_col) == (4, 2)


def test_ods_fixture():
    [roster] = read_workbook(DATA / "roster.ods")
    assert (roster.name, roster.first_row, roster.first_col) == ("客户", 2, 1)
    assert roster.rows[0] == ["客户姓名", "手机号码", "资金账号", "开户日期", "总资产"]
    assert roster.rows[1] == ["张三", 13849593103.0, "000123", datetime.date(2020, 1, 2), 12.5]


def test_an_xlsx_renamed_xls_is_read_for_what_it_is(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["姓名", "手机"])
    book.active.append(["张三", 13849593103])
    book.save(tmp_path / "export.xls")
    [sheet] = read_workbook(tmp_path / "export.xls")
    assert sheet.rows == [["姓名", "手机"], ["张三", 13849593103.0]]


def test_times_and_durations(tmp_path):
    book = openpyxl.Workbook()
    book.active.append([datetime.time(9, 30), datetime.timedelta(hours=1, minutes=30),
                        datetime.timedelta(hours=30)])
    book.save(tmp_path / "times.xlsx")
    [sheet] = read_workbook(tmp_path / "times.xlsx")
    assert sheet.rows == [[datetime.time(9, 30), datetime.time(1, 30), "30:00:00"]]


# ---------------------------------------------------------------- text files


def test_gb18030_csv_with_chinese_header_leading_blanks_and_excel_text(tmp_path):
    text = '\r\n\r\n,客户姓名,手机号码,资金账号\r\n,张三,13849593103,="000123"\r\n,李四,,="000456"\r\n\r\n'
    path = tmp_path / "名单.csv"
    path.write_bytes(text.encode("gb18030"))
    [sheet] = read_workbook(path)
    assert (sheet.name, sheet.first_row, sheet.first_col) == ("名单", 3, 1)
    assert sheet.rows == [["客户姓名", "手机号码", "资金账号"],
                          ["张三", "13849593103", "000123"],
                          ["李四", None, "000456"]]


@pytest.mark.parametrize(("encoding", "delimiter", "suffix"), [
    ("utf-8-sig", ",", ".csv"), ("utf-8", ";", ".csv"), ("gbk", "\t", ".xls"),
    ("utf-16", "\t", ".txt"),  # Excel's "Unicode text"
])
def test_delimited_text_encodings_and_delimiters(tmp_path, encoding, delimiter, suffix):
    rows = [["姓名", "手机", "备注"], ["张三", "138", "含,逗号"], ["李四", "139", ""]]
    lines = [delimiter.join(f'"{v}"' if "," in v else v for v in r) for r in rows]
    path = tmp_path / f"export{suffix}"
    path.write_bytes("\n".join(lines).encode(encoding))
    [sheet] = read_workbook(path)
    assert sheet.rows == [["姓名", "手机", "备注"], ["张三", "138", "含,逗号"], ["李四", "139", None]]


def test_html_table_saved_as_xls(tmp_path):
    html = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head>'
            '<body><table><tr><th colspan="3">客户名单</th></tr>'
            '<tr><td>姓名</td><td>手机</td><td>账号</td></tr>'
            '<tr><td>张三&nbsp;</td><td>13849593103</td><td>000123</td></tr></table></body></html>')
    path = tmp_path / "broker.xls"
    path.write_bytes(html.encode("gb18030"))
    [sheet] = read_workbook(path)
    assert sheet.rows == [["客户名单", None, None], ["姓名", "手机", "账号"],
                          ["张三", "13849593103", "000123"]]


def test_csv_sheet_name_is_the_file_name(tmp_path):
    path = tmp_path / "名单.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    assert read_workbook(path, sheet="名单")[0].rows == [["a", "b"], ["1", "2"]]
    assert error_of(path, sheet="Sheet1").key == "reader.sheet_not_found"


def test_text_in_no_known_encoding(tmp_path):
    path = tmp_path / "odd.csv"
    path.write_bytes(b"a,b\n\xff\xfe\xfd,\x80\n")
    assert error_of(path).key == "reader.encoding"


def test_delimiter_sniffing():
    assert csv_reader.sniff_delimiter(["a;b;c\n", "1;2,5;3\n"]) == ";"
    assert csv_reader.sniff_delimiter(["a\tb\n", "1\t2\n"]) == "\t"
    assert csv_reader.sniff_delimiter(["only one column\n"]) == ","


# ---------------------------------------------------------------- the file itself


def test_missing_folder_empty_and_unsupported(tmp_path):
    assert error_of(tmp_path / "nowhere.xlsx").key == "reader.missing_file"
    (tmp_path / "folder.xlsx").mkdir()
    assert error_of(tmp_path / "folder.xlsx").key == "reader.is_folder"
    (tmp_path / "empty.xlsx").write_bytes(b"")
    assert error_of(tmp_path / "empty.xlsx").key == "reader.empty_file"
    (tmp_path / "roster.pdf").write_bytes(b"%PDF-1.4")
    error = error_of(tmp_path / "roster.pdf")
    assert error.key == "reader.unsupported_extension"
    assert all(ext in error.message for ext in SUPPORTED_EXTENSIONS)


def test_not_a_spreadsheet(tmp_path):
    (tmp_path / "random.xlsx").write_bytes(bytes(range(256)) * 40)
    assert error_of(tmp_path / "random.xlsx").key == "reader.not_spreadsheet"
    (tmp_path / "report.xls").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    assert error_of(tmp_path / "report.xls").key == "reader.not_spreadsheet"
    with zipfile.ZipFile(tmp_path / "letter.xlsx", "w") as z:
        z.writestr("word/document.xml", "<document/>")
    assert error_of(tmp_path / "letter.xlsx").key == "reader.not_spreadsheet"
    assert error_of(ole_file(tmp_path / "letter.xls", ["WordDocument"])).key == "reader.not_spreadsheet"


def test_xml_spreadsheet_2003(tmp_path):
    path = tmp_path / "export.xls"
    path.write_text('<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?>'
                    '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>')
    assert error_of(path).key == "reader.xml_spreadsheet"


def test_too_large_a_file(tmp_path, limits):
    limits(max_file_bytes=100)
    path = tmp_path / "big.csv"
    path.write_text("a,b\n" * 100)
    assert error_of(path).key == "reader.file_too_large"


# ---------------------------------------------------------------- hostile and broken files


def test_truncated_xlsx(tmp_path):
    good = raw_xlsx(tmp_path / "good.xlsx", sheet_xml(CELL_X)).read_bytes()
    (tmp_path / "cut.xlsx").write_bytes(good[: len(good) // 2])
    assert error_of(tmp_path / "cut.xlsx").key == "reader.corrupt"


def test_damaged_xlsx_part(tmp_path):
    path = raw_xlsx(tmp_path / "bad.xlsx", sheet_xml(CELL_X * 50))
    data = bytearray(path.read_bytes())
    at = data.index(b"xl/worksheets/sheet1.xml") + len("xl/worksheets/sheet1.xml")
    data[at + 5:at + 60] = b"\xff" * 55  # inside the deflated sheet
    path.write_bytes(bytes(data))
    assert error_of(path).key == "reader.corrupt"


def test_truncated_xls(tmp_path):
    data = (DATA / "roster.xls").read_bytes()
    (tmp_path / "cut.xls").write_bytes(data[:1500])
    assert error_of(tmp_path / "cut.xls").key == "reader.corrupt"


@pytest.mark.parametrize("name", ["password.xlsx", "password.xls"])
def test_password_protected_fixtures(name):
    assert error_of(DATA / name).key == "reader.encrypted"


def test_encrypted_looking_ole_file(tmp_path):
    path = ole_file(tmp_path / "roster.xlsx", ["EncryptionInfo", "EncryptedPackage"])
    assert error_of(path).key == "reader.encrypted"


def test_zip_bomb_by_ratio(tmp_path):
    padding = " " * 50_000_000  # 50 MB of spaces deflate to ~50 KB
    path = raw_xlsx(tmp_path / "bomb.xlsx", sheet_xml(CELL_X).replace("<sheetData>", padding + "<sheetData>"))
    assert path.stat().st_size < 200_000
    assert error_of(path).key == "reader.zip_bomb"


def claim_size(path: Path, claimed: int) -> Path:
    """Rewrite the sheet's declared uncompressed size in both zip headers."""
    name = b"xl/worksheets/sheet1.xml"
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(name.decode())
    struct.pack_into("<I", data, info.header_offset + 22, claimed)  # local header
    central = data.index(b"PK\x01\x02")
    while data[central + 46:central + 46 + len(name)] != name:
        central = data.index(b"PK\x01\x02", central + 4)
    struct.pack_into("<I", data, central + 24, claimed)  # central directory
    path.write_bytes(bytes(data))
    return path


def test_zip_bomb_that_lies_about_its_size(tmp_path):
    """The directory claims a modest size (no suspicious ratio); inflating stops past it."""
    body = sheet_xml(CELL_X).replace("<sheetData>", "<a/>" * 15_000_000 + "<sheetData>")
    path = raw_xlsx(tmp_path / "liar.xlsx", body)
    claim_size(path, zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml").compress_size * 3)
    assert error_of(path).key == "reader.zip_bomb"


def test_a_part_a_little_larger_than_declared_is_damaged(tmp_path):
    path = raw_xlsx(tmp_path / "off.xlsx", sheet_xml(CELL_X * 100))
    claim_size(path, zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml").file_size - 10)
    assert error_of(path).key == "reader.corrupt"


def test_too_many_zip_entries(tmp_path, limits):
    limits(max_zip_entries=20)
    extra = {f"xl/media/image{i}.png": "x" for i in range(30)}
    path = raw_xlsx(tmp_path / "parts.xlsx", sheet_xml(CELL_X), parts=extra)
    assert error_of(path).key == "reader.zip_bomb"


@pytest.mark.parametrize("far", [
    '<c r="XFD1048576" t="inlineStr"><is><t>y</t></is></c>',
    '<c t="inlineStr" r="XFD1048576"><is><t>y</t></is></c>',   # r not first
    '<x:c r="xfd1048576" t="inlineStr"><is><t>y</t></is></x:c>',  # prefix, lower case
    '<c r="XFD1048576">\n  <v>1</v></c>',                        # pretty-printed
    '<c t="inlineStr"><is><t>y</t></is></c>',                  # no r: row number counts
])
def test_sheet_claiming_a_million_rows(tmp_path, far):
    """calamine would allocate all 17 billion cells and abort the process (issue #693)."""
    rows = f'<row r="1">{CELL_X}</row><row r="1048576">{far}</row>'
    path = raw_xlsx(tmp_path / "huge.xlsx", sheet_xml(rows, dimension="A1:XFD1048576"))
    assert path.stat().st_size < 5000
    error = error_of(path)
    assert error.key == "reader.too_many_rows"
    assert "名单" in error.message


def test_sheet_too_wide_and_tall(tmp_path):
    rows = f'<row r="1">{CELL_X}</row><row r="2000"><c r="XFD2000"><v>1</v></c></row>'
    assert error_of(raw_xlsx(tmp_path / "wide.xlsx", sheet_xml(rows))).key == "reader.sheet_too_large"


def test_far_empty_styled_cells_are_harmless(tmp_path):
    """Gnumeric writes styled empty cells down to row 1,048,576; calamine skips them, so do we."""
    rows = (f'<row r="1">{CELL_X}</row>\n<row r="1048576">\n  <c r="ZZ1048576" s="1"/>\n</row>'
            '<row r="1048575"><c r="XFD1048575" s="2"></c></row>')
    path = raw_xlsx(tmp_path / "gnumeric.xlsx", sheet_xml(rows, "A1:XFD1048576"))
    assert read_workbook(path)[0].rows == [["x"]]


def test_a_dimension_claim_alone_is_harmless(tmp_path):
    """calamine sizes the sheet from its cells, not from <dimension>: such a file reads."""
    path = raw_xlsx(tmp_path / "claim.xlsx", sheet_xml(f'<row r="1">{CELL_X}</row>', "A1:XFD1048576"))
    assert read_workbook(path)[0].rows == [["x"]]


def test_ods_repeating_one_cell_over_the_whole_sheet(tmp_path):
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
        '<table:table table:name="S"><table:table-row table:number-rows-repeated="1048576">'
        '<table:table-cell table:number-columns-repeated="16384" office:value-type="string">'
        "<text:p>x</text:p></table:table-cell></table:table-row></table:table>"
        "</office:spreadsheet></office:body></office:document-content>")
    path = tmp_path / "repeat.ods"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
        z.writestr("META-INF/manifest.xml", '<?xml version="1.0"?><manifest:manifest xmlns:manifest='
                   '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>')
    assert error_of(path).key == "reader.too_many_cells"  # calamine's own cap, reported as ours


def test_a_crash_in_the_child_is_reported_not_shared(tmp_path, monkeypatch):
    monkeypatch.setattr(safety, "scan_zip_parts", lambda *args: None)  # let calamine meet it
    rows = f'<row r="1">{CELL_X}</row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    assert error_of(raw_xlsx(tmp_path / "abort.xlsx", sheet_xml(rows))).key == "reader.crashed"
    monkeypatch.undo()
    test_an_xlsx_renamed_xls_is_read_for_what_it_is(tmp_path)  # and the next read works


@pytest.mark.parametrize("part", ["sheet", "shared", "workbook"])
def test_doctype_and_entities_are_refused(tmp_path, part):
    doctype = '<!DOCTYPE lol [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
    sheet = sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
                      prolog=doctype if part == "sheet" else "")
    shared = ('<?xml version="1.0"?>' + (doctype if part == "shared" else "") +
              '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol2;</t>'
              '</si></sst>')
    workbook = WORKBOOK.replace("?>", "?>" + doctype, 1) if part == "workbook" else WORKBOOK
    path = raw_xlsx(tmp_path / "entities.xlsx", sheet, shared, {"xl/workbook.xml": workbook})
    assert error_of(path).key == "reader.xml_entities"


@pytest.mark.parametrize("method", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_twenty_million_character_cell(tmp_path, method):
    """Stored, it is a plain long cell; deflated, its ratio alone gives it away as well."""
    shared = ('<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
              'main"><si><t>' + "x" * 20_000_000 + "</t></si></sst>")
    path = raw_xlsx(tmp_path / "long.xlsx", sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'),
                    shared, method=method)
    tracemalloc.start()
    try:
        key = error_of(path).key
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert key == ("reader.cell_too_long" if method == zipfile.ZIP_STORED else "reader.zip_bomb")
    assert peak < 8_000_000  # looked at in pieces, never held whole


def test_cell_just_over_the_limit_inline(tmp_path):
    rows = f'<row r="1"><c r="A1" t="inlineStr"><is><t>{"中" * 32_768}</t></is></c></row>'
    assert error_of(raw_xlsx(tmp_path / "inline.xlsx", sheet_xml(rows))).key == "reader.cell_too_long"
    rows = f'<row r="1"><c r="A1" t="inlineStr"><is><t>{"中" * 32_767}</t></is></c></row>'
    assert len(read_workbook(raw_xlsx(tmp_path / "ok.xlsx", sheet_xml(rows)))[0].rows[0][0]) == 32_767


def test_long_cell_split_in_rich_text_runs_is_refused_with_its_place(tmp_path):
    run = "<r><t>" + "a" * 20_000 + "</t></r>"
    shared = ('<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
              f'main"><si>{run * 2}</si></sst>')
    rows = '<row r="3"><c r="B3" t="s"><v>0</v></c></row>'
    error = error_of(raw_xlsx(tmp_path / "runs.xlsx", sheet_xml(rows), shared))
    assert error.key == "reader.cell_too_long_at"
    assert "B3" in error.message


def test_long_csv_fields(tmp_path):
    (tmp_path / "long.csv").write_text("a,b\n1," + "x" * 40_000 + "\n")
    error = error_of(tmp_path / "long.csv")
    assert (error.key, "B2" in error.message) == ("reader.cell_too_long_at", True)
    (tmp_path / "huge.csv").write_text('a,"' + "x" * 200_000 + '"\n')
    assert error_of(tmp_path / "huge.csv").key == "reader.cell_too_long"
    (tmp_path / "line.csv").write_text("," * 1_200_000)
    assert error_of(tmp_path / "line.csv").key == "reader.line_too_long"


def test_too_many_rows_means_split_the_file(tmp_path, limits):
    limits(max_rows=3, max_title_rows=0)  # data rows: the first row is the header
    book = openpyxl.Workbook()
    for row in roster_rows(8):
        book.active.append(row)
    book.save(tmp_path / "rows.xlsx")
    error = error_of(tmp_path / "rows.xlsx")
    assert error.key == "reader.too_many_rows"
    assert "Split" in error.message
    assert error_of(DATA / "roster.xls").key == "reader.too_many_rows"  # counted in the child
    (tmp_path / "rows.csv").write_text("a\n" * 8)
    assert error_of(tmp_path / "rows.csv").key == "reader.too_many_rows"


def test_too_many_cells(tmp_path, limits):
    limits(max_cells=20)
    assert error_of(DATA / "roster.xls").key == "reader.too_many_cells"
    (tmp_path / "cells.csv").write_text("a,b,c\n" * 8)
    assert error_of(tmp_path / "cells.csv").key == "reader.too_many_cells"


def test_timeout_stops_the_child(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["x"])
    book.save(tmp_path / "slow.xlsx")
    error = error_of(tmp_path / "slow.xlsx", timeout=0.0)
    assert error.key == "reader.timeout"
    (tmp_path / "slow.csv").write_text("a,b\n" * 20_000)
    assert error_of(tmp_path / "slow.csv", timeout=0.0).key == "reader.timeout"


def test_spawn_as_on_windows(tmp_path, monkeypatch):
    """Windows has no fork server: the same reads through spawn."""
    monkeypatch.setattr(sandbox, "_context", multiprocessing.get_context("spawn"))
    assert read_workbook(DATA / "roster.xls")[0].rows[2][0] == "张三"
    assert error_of(DATA / "password.xls").key == "reader.encrypted"


def test_a_script_without_a_main_guard_can_read(tmp_path):
    """The child must not run the caller's script again (spawn and forkserver would)."""
    book = openpyxl.Workbook()
    book.active.append(["x"])
    book.save(tmp_path / "a.xlsx")
    script = tmp_path / "unguarded.py"
    script.write_text("from branchdesk.importers.reader import read_workbook\n"
                      f"print(read_workbook({str(tmp_path / 'a.xlsx')!r})[0].rows)\n")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "[['x']]", done.stderr


# ---------------------------------------------------------------- the texts


def test_every_reader_key_has_a_text_in_both_languages():
    used = set()
    for path in PACKAGE.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        used |= {f"reader.{k}" for k in re.findall(r'refuse\(\s*"(\w+)"', source)}
        used |= set(re.findall(r'"(reader\.\w+)"', source))
    assert len(used) > 20
    for language in ("en", "zh"):
        assert used <= set(catalog(language)), used - set(catalog(language))
        assert {k for k in catalog(language) if k.startswith("reader.")} == used
