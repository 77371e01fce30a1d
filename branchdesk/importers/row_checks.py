"""Rows under the header that hold no member: a totals or notes footer, the header again."""

from __future__ import annotations

from branchdesk.importers.headers import HeaderMatch, display_header
from branchdesk.importers.normalize.cells import Cell, fold

# A row whose first cells start with one of these closes the table: totals, signatures, notes.
FOOTER_WORDS = (
    "合计", "总计", "小计", "共计", "累计", "制表", "填表", "填报", "审核", "复核", "审批", "说明",
    "注:", "备注:", "以上", "打印", "导出时间", "数据截至", "数据来源", "统计时间", "total",
    "subtotal", "grand total", "prepared by", "note:",
)


def is_footer(row: list[Cell]) -> bool:
    """合计 / 制表人 / 说明… in one of the first two filled cells of the row."""
    seen = 0
    for cell in row:
        if cell is None or cell == "":
            continue
        if isinstance(cell, str) and fold(cell).lower().startswith(FOOTER_WORDS):
            return True
        seen += 1
        if seen == 2:
            return False
    return False


def is_repeated_header(row: list[Cell], header: HeaderMatch) -> bool:
    """Some exports repeat the header row on every printed page."""
    same = sum(
        1 for c in header.columns
        if isinstance(row[c.column], str) and display_header(row[c.column]) == c.header
    )
    return same >= 2
