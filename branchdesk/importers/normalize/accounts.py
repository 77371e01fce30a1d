"""Account numbers (资金账号): text exactly as the broker wrote it, leading zeros kept."""

from __future__ import annotations

import math
import re

from branchdesk.importers.normalize.cells import (
    FLOAT_TEXT,
    PLACEHOLDERS,
    REASON,
    SCIENTIFIC,
    WHITESPACE,
    Cell,
    fold,
)
from branchdesk.member_fields import DASHES_AND_INVISIBLES

ACCOUNT_INVALID = REASON + "account_invalid"
ACCOUNT_SCIENTIFIC = REASON + "account_scientific"
ACCOUNT_TOO_LONG = REASON + "account_too_long"

_ACCOUNT = re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]*")
# Excel keeps 15 significant digits: a longer number typed into a cell has lost its tail.
_EXCEL_EXACT_LIMIT = 1e15


def normalize_account(cell: Cell) -> str | None:
    """An account number as text, exactly as the broker wrote it (leading zeros kept)."""
    kind = type(cell)
    if kind is str:
        text = cell.strip()
        if text.isascii() and text.isalnum():
            return text
        text = WHITESPACE.sub("", fold(text).translate(DASHES_AND_INVISIBLES))
        if text.lower() in PLACEHOLDERS:
            return None
        if match := FLOAT_TEXT.fullmatch(text):
            return match.group(1)  # "123456789.0" written out from a numeric cell
        if SCIENTIFIC.fullmatch(text):
            # text such as "1.23457E+11" is what Excel showed, not the number: digits are gone
            raise ValueError(ACCOUNT_SCIENTIFIC)
        if not _ACCOUNT.fullmatch(text):
            raise ValueError(ACCOUNT_INVALID)
        return text
    if kind is float:
        if not math.isfinite(cell) or not cell.is_integer() or cell < 0:
            raise ValueError(ACCOUNT_INVALID)
        if cell >= _EXCEL_EXACT_LIMIT:
            raise ValueError(ACCOUNT_TOO_LONG)
        return str(int(cell))
    if kind is int:
        if cell < 0:
            raise ValueError(ACCOUNT_INVALID)
        return str(cell)
    if cell is None:
        return None
    raise ValueError(ACCOUNT_INVALID)
