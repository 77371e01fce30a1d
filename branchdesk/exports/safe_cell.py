"""The one way text goes into a spreadsheet cell.

openpyxl writes the *string* "=1+1" as a live formula, so a member's note or a chat message
starting with = + - @ would run in the manager's Excel (formula injection). Every text cell
of every export goes through `put`, which stores such text as a plain string with Excel's
quote prefix, removes characters XML cannot hold, and cuts text to Excel's cell limit.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

EXCEL_CELL_LIMIT = 32_767
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def clean_text(text: str) -> str:
    text = _ILLEGAL_XML.sub("", text)
    if len(text) > EXCEL_CELL_LIMIT:
        text = text[: EXCEL_CELL_LIMIT - 1] + "…"
    return text


def is_formula_like(text: str) -> bool:
    return text.lstrip(" ").startswith(_FORMULA_START)


def put(sheet: Any, row: int, column: int, value: Any) -> Any:
    """Write `value` to sheet[row, column] (1-based) safely; returns the cell."""
    cell = sheet.cell(row=row, column=column)
    if value is None or isinstance(value, bool | int | float | date | datetime):
        cell.value = value
        return cell
    text = clean_text(str(value))
    cell.value = text
    if cell.data_type != "s" or is_formula_like(text):
        cell.data_type = "s"      # never a formula, whatever it starts with
        cell.quotePrefix = True   # and Excel keeps it text when the user edits the cell
    return cell


def append_row(sheet: Any, values: list[Any]) -> int:
    """Append a row of values through `put`; returns its row number."""
    row = sheet.max_row + 1 if sheet.max_row > 1 or sheet.cell(1, 1).value is not None else 1
    for column, value in enumerate(values, start=1):
        put(sheet, row, column, value)
    return row
