"""Column widths that fit what a column holds, for every workbook BranchDesk writes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from rich.cells import cell_len


def text_width(values: list[Any], floor: int = 6, ceiling: int = 50) -> int:
    """A column width (in Excel's character units) that fits CJK text: by terminal cells,
    where a Chinese character takes two, as it does in Excel's default fonts."""
    widest = floor
    for value in values:
        if value is None:
            continue
        if isinstance(value, datetime):
            size = 16
        elif isinstance(value, date):
            size = 10
        elif isinstance(value, float):
            size = len(f"{value:,.1f}")
        elif isinstance(value, int):
            size = len(f"{value:,}")
        else:
            size = max((cell_len(line) for line in str(value).splitlines()), default=0)
        widest = max(widest, size)
    return min(widest + 2, ceiling)
