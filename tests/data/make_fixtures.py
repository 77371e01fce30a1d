"""Writes the small binary fixtures in this folder. Run once, by hand, with the writers on the path:

    pip install --target /tmp/gen xlwt==1.3.0 odfpy==1.4.1 msoffcrypto-tool==6.1.0
    PYTHONPATH=/tmp/gen python tests/data/make_fixtures.py

The writers are not dependencies of BranchDesk; the tests only read the files.
"""

from __future__ import annotations

import datetime
import io
from pathlib import Path

HERE = Path(__file__).parent
TITLE = "浦东营业部客户名单"
HEADER = ["客户姓名", "手机号码", "资金账号", "开户日期", "总资产"]
DATA = [
    ["张三", 13849593103, "000123", datetime.date(2020, 1, 2), 12.5],
    ["李四", 13900001111, "000456", datetime.date(2021, 3, 4), None],
    ["王五", 13712345678, "000789", datetime.date(2022, 5, 6), 300],
]


def xls() -> None:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("客户")
    sheet.write_merge(0, 0, 0, 4, TITLE)  # a merged title above the header
    for c, value in enumerate(HEADER):
        sheet.write(1, c, value)
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for r, row in enumerate(DATA, start=2):
        for c, value in enumerate(row):
            if isinstance(value, datetime.date):
                sheet.write(r, c, value, date_style)
            elif value is not None:
                sheet.write(r, c, value)
    book.add_sheet("说明").write(3, 2, "第一行是标题")  # data starting at C4
    book.add_sheet("空白")
    book.save(str(HERE / "roster.xls"))


def encrypted_xls() -> None:
    """roster.xls with its first INTERFACEHDR record retyped as FILEPASS (0x002F): how an
    .xls with a password to open starts. calamine stops there with a PasswordError."""
    data = bytearray((HERE / "roster.xls").read_bytes())
    at = data.index(b"\xe1\x00\x02\x00\xb0\x04")  # INTERFACEHDR, 2 bytes, codepage 1200
    data[at:at + 2] = b"\x2f\x00"
    (HERE / "password.xls").write_bytes(bytes(data))


def ods() -> None:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name="客户")
    doc.spreadsheet.addElement(table)
    table.addElement(TableRow())  # a blank first row: the data starts at B2
    for row in [HEADER, *DATA]:
        tr = TableRow()
        tr.addElement(TableCell())  # a blank first column
        for value in row:
            if value is None:
                cell = TableCell()
            elif isinstance(value, datetime.date):
                cell = TableCell(valuetype="date", datevalue=value.isoformat())
                cell.addElement(P(text=value.isoformat()))
            elif isinstance(value, (int, float)):
                cell = TableCell(valuetype="float", value=value)
                cell.addElement(P(text=str(value)))
            else:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=value))
            tr.addElement(cell)
        table.addElement(tr)
    doc.save(str(HERE / "roster.ods"))


def encrypted_xlsx() -> None:
    import openpyxl
    from msoffcrypto.format.ooxml import OOXMLFile

    book = openpyxl.Workbook()
    book.active.append(HEADER)
    plain = io.BytesIO()
    book.save(plain)
    plain.seek(0)
    with (HERE / "password.xlsx").open("wb") as out:
        OOXMLFile(plain).encrypt("secret", out)


if __name__ == "__main__":
    xls()
    encrypted_xls()
    ods()
    encrypted_xlsx()
