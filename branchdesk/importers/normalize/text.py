"""Free text: names, branches and advisors on one line; notes as written."""

from __future__ import annotations

import re

from branchdesk.importers.normalize.cells import (
    PLACEHOLDERS,
    WHITESPACE,
    Cell,
    cell_text,
)

_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")


def normalize_text(cell: Cell) -> str | None:
    """Free text on one line (name, branch, advisor): spaces collapsed, placeholders blank.

    Spaces between Chinese characters go ("张  三" padded for alignment → "张三"), spaces
    between Latin words stay ("Li Wei").
    """
    if cell is None:
        return None
    text = cell.strip() if type(cell) is str else cell_text(cell)
    if text.isalnum():  # most names (张三, 客户0): nothing to tidy
        return None if text.lower() in PLACEHOLDERS else text
    if not text:
        return None
    if WHITESPACE.search(text):
        text = _CJK_GAP.sub("", WHITESPACE.sub(" ", text))
    if text.lower() in PLACEHOLDERS:
        return None
    return text


def normalize_notes(cell: Cell) -> str | None:
    """Free text kept as written, line breaks included; only surrounding space is removed."""
    if cell is None:
        return None
    text = cell_text(cell)
    if text.lower() in PLACEHOLDERS:
        return None
    return text
