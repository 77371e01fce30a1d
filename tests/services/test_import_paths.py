"""`branchdesk import roster` parses in the reader's processes (two on a big sheet) and lets
SQLite settle the plain rows; the wizard parses here. Both must give the same members and the
same report, row for row."""

from __future__ import annotations

import openpyxl
import pytest
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from branchdesk.errors import UserError
from branchdesk.importers import reader
from branchdesk.services import import_prepare, importing
from branchdesk.store.database import Store

HEADER = ["序号", "客户姓名", "手机号码", "资金账号", "风险等级", "客户需求", "开户日期", "备注"]


def _rows(changed: bool) -> list[list[object]]:
    """600 rows: past the reader's previews (240 rows), so both processes parse some."""
    rows: list[list[object]] = []
    for i in range(1, 601):
        rows.append([i, f"客户{i}", f"139{i:08d}", f"3100{i:08d}" if i % 4 else "",
                     ["C1", "稳健型", "7"][i % 3], "解套；宝妈" if i % 2 else "赚钱",
                     "2024/2/30" if i % 11 == 0 else f"2024-01-{1 + i % 28:02d}",
                     "改过" if changed and i % 10 == 0 else ""])
    rows[5][3] = rows[70][3] = "310099999999"         # one member listed twice, far apart
    rows[70][7] = "第二次的备注"
    rows[20][3] = rows[90][3] = ""                     # two rows with one phone, no account:
    rows[90][2] = rows[20][2]                          # a family sharing a phone
    rows[30][1] = ""                                   # no name: invalid
    rows[40][2], rows[40][3] = "12345", ""             # no usable phone or account: invalid
    rows[10][3] = rows[500][3] = "310088888888"        # listed twice, once in each part
    rows[25][3] = rows[450][3] = ""                    # a phone shared across the parts
    rows[450][2] = rows[25][2]
    rows[400][1] = None                                # no name, in the second part
    rows.insert(480, [None] * len(HEADER))
    rows.insert(60, [None] * len(HEADER))              # a blank row
    rows.insert(80, HEADER)                            # the header again, as printed pages do
    rows.insert(520, HEADER)
    return rows


def _workbook(path, changed=False):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "客户"
    sheet.append(["某营业部客户名单"])
    sheet.append(HEADER)
    for row in _rows(changed):
        sheet.append(row)
    sheet.append(["合计", "600人"])
    book.save(path)
    return path


def _members(store: Store) -> list[tuple]:
    return store.conn.execute(
        "SELECT id, name, phone, account_no, risk_level, needs, tags, opened_on, notes, extra,"
        " search_text FROM members ORDER BY id").fetchall()


def _report(report: importing.ImportReport) -> dict:
    return {k: v for k, v in report.to_json().items() if k != "batch_id"}


@pytest.mark.parametrize("parts_from", [1, 10_000])  # two processes, one
def test_reader_processes_and_the_wizard_import_alike(tmp_path, monkeypatch, parts_from):
    monkeypatch.setattr(reader, "TWO_PARTS_FROM", parts_from)
    cli, wizard = Store(tmp_path / "cli.db"), Store(tmp_path / "wizard.db")
    for changed in (False, True, True):  # import, import changes, import them again
        path = _workbook(tmp_path / f"名单{changed}.xlsx", changed)
        by_cli = importing.import_roster(cli, path, "tester")
        loaded = import_prepare.load(path)
        by_wizard = importing.apply(wizard, import_prepare.prepare(loaded), "tester")
        assert _report(by_cli) == _report(by_wizard)
        assert _members(cli) == _members(wizard)
    assert by_cli.unchanged > 500 and by_cli.merged >= 2 and by_cli.invalid == 3
    cli.close()
    wizard.close()


def test_a_first_import_counts_what_the_file_holds(tmp_path, monkeypatch):
    monkeypatch.setattr(reader, "TWO_PARTS_FROM", 1)
    store = Store(tmp_path / "b.db")
    report = importing.import_roster(store, _workbook(tmp_path / "a.xlsx"), "tester")
    # 600 rows: 3 invalid, two members listed twice; a shared phone holds two people
    assert (report.created, report.merged, report.invalid) == (595, 2, 3)
    assert [m[1] for m in _members(store)][:3] == ["客户1", "客户2", "客户3"]  # file order
    assert len(report.warnings) >= 10  # 2024/2/30 and the repeat, with their rows
    store.close()


@pytest.mark.parametrize("parts_from", [1, 10_000])
def test_a_cell_over_the_limit_deep_in_the_sheet_is_named(tmp_path, monkeypatch, parts_from):
    """Rich text in runs under the limit passes the zip scan; the parsing process measures
    the whole cell, wherever it is (here in the second part), and names it."""
    monkeypatch.setattr(reader, "TWO_PARTS_FROM", parts_from)
    path = _workbook(tmp_path / "long.xlsx")
    book = openpyxl.load_workbook(path, rich_text=True)
    run = TextBlock(InlineFont(b=True), "长" * 20_000)
    book["客户"]["H560"] = CellRichText(run, run)
    book.save(path)
    store = Store(tmp_path / "c.db")
    with pytest.raises(UserError) as caught:
        importing.import_roster(store, path, "tester")
    assert caught.value.key == "reader.cell_too_long_at"
    assert "H560" in caught.value.message and "long.xlsx" in caught.value.message
    assert store.conn.execute("SELECT count(*) FROM members").fetchone()[0] == 0
    store.close()
