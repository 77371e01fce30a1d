"""A big activity sheet is parsed in the reader's processes, in two parts: the activities, their
row numbers and the rows' issues are exactly what parsing the whole sheet in one piece gives,
and a totals row in the first part still ends the table there."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import openpyxl
import pytest

from branchdesk import datetimes
from branchdesk.importers.activity_child import read_and_parse
from branchdesk.importers.activity_sheet import ActivityColumns, choose_sheet, parse_rows
from branchdesk.importers.reader import TWO_PARTS_FROM, read_workbook

ROWS = TWO_PARTS_FROM + 3_000
KINDS = ("电话", "私聊", "面谈", "群内回复", "拜访", "其他")


def _sheet(path, *, footer_at: int | None = None):
    rng = random.Random(4)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("互动记录")
    sheet.append(["2026年11月客户互动记录"])
    sheet.append(["资金账号", "手机号码", "客户姓名", "联系时间", "类型", "沟通内容", "记录人"])
    start = datetime(2026, 10, 1, 9, 0)
    for i in range(ROWS):
        if i == footer_at:
            sheet.append(["合计", f"{i}条"])
            continue
        moment = start + timedelta(seconds=rng.randint(0, 40 * 86400))
        cells = [f"3100{rng.randint(1, 500):08d}", "", "", moment, rng.choice(KINDS),
                 f"第{i}次", rng.choice(("周明远", "林晓雯", ""))]
        roll = rng.random()
        if roll < 0.01:
            cells[3] = "明年某天"  # unreadable moment
        elif roll < 0.02:
            cells[4] = "喝茶"  # unknown kind
        elif roll < 0.03:
            cells[0], cells[1], cells[2] = "", f"139{rng.randrange(10**8):08d}", "王芳"
        elif roll < 0.035:
            cells = [None] * 7  # blank row
        sheet.append(cells)
    book.save(path)
    return path


def _in_one_piece(path, now):
    sheets = read_workbook(path)
    chosen, header = choose_sheet(sheets, None, path.name)
    parsed, issues = parse_rows(chosen, header, now)
    return ActivityColumns.of(parsed), [(i.row, i.column, i.reason, i.value) for i in issues]


@pytest.mark.parametrize("footer_at", [None, 5_000])
def test_two_parts_give_what_one_piece_gives(tmp_path, footer_at):
    path = _sheet(tmp_path / "互动.xlsx", footer_at=footer_at)
    now = datetimes.now()
    _, _, columns, issues = read_and_parse(path, sheet=None, now=now,
                                           choose=lambda s: choose_sheet(s, None, path.name))
    expected_columns, expected_issues = _in_one_piece(path, now)
    assert columns == expected_columns
    assert [(i.row, i.column, i.reason, i.value) for i in issues] == expected_issues
    if footer_at is None:
        assert columns.row[-1] == ROWS + 2 and len(columns) + len(issues) > ROWS * 0.9
    else:
        assert max(columns.row) < footer_at + 3  # nothing under the totals row
    # the second part's issues come back too (from the copy), unless the table ended before it
    assert any(i.row > ROWS // 2 + 100 for i in issues) == (footer_at is None)
