"""What every normaliser shares: the cell type, blank placeholders, width folding, cell text."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time
from typing import TypeAlias

Cell: TypeAlias = str | int | float | bool | date | datetime | time | None

REASON = "roster_fields.reason."  # catalog prefix of every reason a normaliser gives

# Words people type into a cell to mean "nothing here".
PLACEHOLDERS = frozenset(
    {"", "-", "--", "---", "—", "——", "/", "\\", "无", "暂无", "空", "未知", "不详", "未填",
     "未填写", "n/a", "na", "null", "none", "nil", "#n/a"}
)

# Patterns more than one kind of value meets.
SCIENTIFIC = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?[eE][+-]?[0-9]+")
FLOAT_TEXT = re.compile(r"([0-9]+)\.0+")  # "13812345678.0": a number cell written out as text
WHITESPACE = re.compile(r"\s+")

_nfkc = unicodedata.normalize


def fold(text: str) -> str:
    """Full-width → half-width (``１３８`` → ``138``, ``（`` → ``(``), stripped.

    NFKC is skipped for pure ASCII, which is most cells.
    """
    text = text.strip()
    return text if text.isascii() else _nfkc("NFKC", text).strip()


def is_blank(cell: Cell) -> bool:
    """None, an empty or whitespace-only string, or a placeholder such as ``-`` or ``无``."""
    if cell is None:
        return True
    if type(cell) is str:
        return fold(cell).lower() in PLACEHOLDERS
    return False


def cell_text(cell: Cell) -> str:
    """A cell as the user would read it: ``5.0`` → ``"5"``, dates ISO, text stripped."""
    if cell is None:
        return ""
    kind = type(cell)
    if kind is str:
        return cell.strip()
    if kind is float:
        return str(int(cell)) if cell.is_integer() else repr(cell)
    if kind is bool:
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, datetime):
        return cell.isoformat(sep=" ")
    if isinstance(cell, date | time):
        return cell.isoformat()
    return str(cell)
