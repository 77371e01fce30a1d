"""Rows parsed on two cores come out exactly as parsed in one process, helper or no helper."""

from __future__ import annotations

from datetime import date

import pytest

from branchdesk.i18n import set_language
from branchdesk.importers import parallel
from branchdesk.importers.headers import find_header
from branchdesk.importers.reader import SheetData
from branchdesk.importers.rows import parse_rows
from branchdesk.store.members import STORED_FORM

HEADER = ["序号", "客户姓名", "手机号码", "资金账号", "风险承受能力", "客户需求", "标签",
          "所在社群", "开户日期", "总资产（万元）", "微信昵称"]


def _row(i: int) -> list[object]:
    """Every fourth row has something to warn about, every ninth cannot be imported."""
    return [i, "" if i % 9 == 0 else f"客户{i}", f"138{i:08d}" if i % 4 else "138****5678",
            float(310000000000 + i) if i % 5 else "", ["C1", "R3", "稳健型"][i % 3],
            "赚钱；解套" if i % 2 else "回本", "VIP" if i % 3 else "", "价值1群/价值2群",
            date(2020, 1, 1 + i % 28) if i % 2 else "2024-02-30", i % 7 or "-5", f"nick{i}"]


def _sheet(rows: int) -> SheetData:
    data = [["XX营业部客户名单"], HEADER] + [_row(i) for i in range(1, rows + 1)]
    for at in (40, -20):  # a blank row and a repeated header, in each part
        data[at:at] = [[None] * len(HEADER), HEADER]
    data.append(["合计", None, None])
    return SheetData("客户", data, first_row=3, first_col=0)


def _plain(parsed) -> list[tuple]:
    return [(p.row, p.values, p.extra, p.warnings, p.error) for p in parsed]


@pytest.fixture
def small_threshold(monkeypatch):
    monkeypatch.setattr(parallel, "MIN_ROWS", 10)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_two_processes_give_what_one_gives(small_threshold, language):
    set_language(language)
    sheet = _sheet(300)
    header = find_header(sheet.rows)
    alone = _plain(parse_rows(sheet, header, stored_form=STORED_FORM))
    assert any(error for *_, error in alone) and any(warnings for *_, warnings, _ in alone)
    assert _plain(parallel.parse_stored_rows(sheet, header, STORED_FORM)) == alone


def test_a_helper_that_dies_leaves_its_part_parsed_here(small_threshold, monkeypatch):
    sheet = _sheet(300)
    header = find_header(sheet.rows)
    start = parallel._Helper._start

    def start_then_die(self):
        start(self)
        self._process.kill()

    monkeypatch.setattr(parallel._Helper, "_start", start_then_die)
    alone = _plain(parse_rows(sheet, header, stored_form=STORED_FORM))
    assert _plain(parallel.parse_stored_rows(sheet, header, STORED_FORM)) == alone


def test_a_helper_that_cannot_start_leaves_its_part_parsed_here(small_threshold):
    sheet = _sheet(300)
    header = find_header(sheet.rows)
    stored_form = {**STORED_FORM, "notes": lambda text: text.upper()}  # cannot be pickled
    alone = _plain(parse_rows(sheet, header, stored_form=stored_form))
    assert _plain(parallel.parse_stored_rows(sheet, header, stored_form)) == alone


def test_small_sheets_stay_in_one_process(monkeypatch):
    sheet = _sheet(30)
    header = find_header(sheet.rows)
    monkeypatch.setattr(parallel, "_Helper", None)  # would fail if used
    assert _plain(parallel.parse_stored_rows(sheet, header, STORED_FORM)) == _plain(
        parse_rows(sheet, header, stored_form=STORED_FORM))
