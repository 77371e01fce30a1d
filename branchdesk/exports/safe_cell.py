"""The one way text goes into a spreadsheet cell.

openpyxl writes the *string* "=1+1" as a live formula, so a member's note or a chat message
starting with = + - @ would run in the manager's Excel (formula injection). Every text cell
of every export goes through `put`, which stores any text as a plain string (never a formula,
whatever it starts with; Excel's quote prefix on formula-like text), escapes characters XML
cannot hold so the text reads back exactly as it was, and cuts text to Excel's cell limit.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

EXCEL_CELL_LIMIT = 32_767
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
# Characters XML cannot hold (and CR, which XML turns into LF) are written the way Excel
# writes them, _xHHHH_, so the text reads back as it was; text that already looks like such
# an escape gets its underscore escaped (_x005F_), for the same reason.
_LOOKS_ESCAPED = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_NEEDS_ESCAPE = re.compile(r"[\x00-\x08\x0b\x0c\x0d\x0e-\x1f\ufffe\uffff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")  # a lone half of a pair: no file can hold it


def _escape(text: str) -> str:
    text = _LOOKS_ESCAPED.sub(r"_x005F_\1", text)
    text = _NEEDS_ESCAPE.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    return _SURROGATE.sub("\ufffd", text)


def clean_text(text: str) -> str:
    """Text as a cell holds it: escaped so it reads back unchanged, cut to Excel's limit."""
    escaped = _escape(text)
    keep = EXCEL_CELL_LIMIT - 1
    while len(escaped) > EXCEL_CELL_LIMIT:  # cut the text, never an escape in half
        escaped = _escape(text[:keep]) + "…"
        keep -= max(1, len(escaped) - EXCEL_CELL_LIMIT)
    return escaped


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


def write_text_xlsxwriter(sheet: Any, row: int, col: int, value: Any, fmt: Any = None) -> int:
    """Text into an xlsxwriter cell (0-based): always `write_string`, so never a formula, a
    number or a link, whatever it starts with. xlsxwriter itself writes characters XML cannot
    hold, and text that looks like such an escape, as Excel does (measured: `clean_text` first
    would escape them twice), so only what no file can hold is replaced and the text cut to
    Excel's limit here."""
    return sheet.write_string(row, col, xlsx_text(value), fmt)


def xlsx_text(value: Any) -> str:
    """Text as an xlsxwriter cell takes it: only what no file can hold replaced, cut to
    Excel's limit (xlsxwriter escapes the rest itself; `clean_text` is for openpyxl)."""
    text = _SURROGATE.sub("\ufffd", str(value))
    return text if len(text) <= EXCEL_CELL_LIMIT else text[:EXCEL_CELL_LIMIT - 1] + "…"


class XlsxCells:
    """The same rule for workbooks written with xlsxwriter (the weekly review: its charts keep
    cached values, openpyxl's do not). Text always goes through `write_string` — never a
    formula, whatever it starts with — as `xlsx_text` prepares it (xlsxwriter escapes what XML
    cannot hold itself, in either mode: `clean_text` first would escape it twice); formula-like
    text also gets Excel's quote prefix.
    Formats are made through `format` so that each has a quote-prefixed twin."""

    def __init__(self, workbook: Any) -> None:
        self.workbook = workbook
        self._properties: dict[int, dict[str, Any]] = {}
        self._quoted: dict[int | None, Any] = {}

    def format(self, **properties: Any) -> Any:
        made = self.workbook.add_format(properties)
        self._properties[id(made)] = properties
        return made

    def _quote(self, fmt: Any) -> Any:
        key = None if fmt is None else id(fmt)
        if key not in self._quoted:
            self._quoted[key] = self.workbook.add_format(
                {**self._properties.get(key, {}), "quote_prefix": True})  # type: ignore[arg-type]
        return self._quoted[key]

    def put(self, sheet: Any, row: int, column: int, value: Any, fmt: Any = None) -> None:
        """Write `value` to (row, column), 0-based as xlsxwriter counts."""
        if value is None:
            sheet.write_blank(row, column, None, fmt)
        elif isinstance(value, bool):
            sheet.write_boolean(row, column, value, fmt)
        elif isinstance(value, int | float):
            sheet.write_number(row, column, value, fmt)
        elif isinstance(value, date | datetime):
            sheet.write_datetime(row, column, value, fmt)
        else:
            text = xlsx_text(value)
            sheet.write_string(row, column, text, self._quote(fmt) if is_formula_like(text) else fmt)

    def row(self, sheet: Any, row: int, values: list[Any], formats: list[Any] | None = None,
            first_column: int = 0) -> None:
        for offset, value in enumerate(values):
            self.put(sheet, row, first_column + offset, value,
                     formats[offset] if formats and offset < len(formats) else None)
