"""Amounts of money in yuan, with the units people write (万, 万元, k…)."""

from __future__ import annotations

import math
import re

from branchdesk.importers.normalize.cells import (
    PLACEHOLDERS,
    REASON,
    Cell,
    fold,
)

AMOUNT_FORMAT = REASON + "amount_format"
AMOUNT_NEGATIVE = REASON + "amount_negative"

UNIT_MULTIPLIERS: dict[str, float] = {
    "元": 1.0, "rmb": 1.0, "cny": 1.0, "yuan": 1.0,
    "千": 1e3, "千元": 1e3, "k": 1e3,
    "万": 1e4, "万元": 1e4, "w": 1e4,
    "百万": 1e6, "百万元": 1e6, "m": 1e6,
    "亿": 1e8, "亿元": 1e8,
}
_AMOUNT = re.compile(
    r"([+-]?)[¥$]?([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:e([+-]?[0-9]+))?\s*"
    r"(元|rmb|cny|yuan|千元|千|k|万元|万|w|百万元|百万|m|亿元|亿)?"
)
_AMOUNT_JUNK = str.maketrans("", "", ", ￥¥$\t")


def normalize_amount(cell: Cell, multiplier: float = 1.0) -> float | None:
    """An amount of money in yuan, rounded to the fen.

    `multiplier` is the unit of the column's header (万元 → 10000). A unit written in the
    cell itself ("1.2万", "12万元") is more specific and replaces it.
    """
    kind = type(cell)
    if kind is float or kind is int:
        return _checked_amount(cell * multiplier)
    if kind is str:
        return _amount_from_text(cell, multiplier)
    if cell is None:
        return None
    raise ValueError(AMOUNT_FORMAT)


def _amount_from_text(text: str, multiplier: float) -> float | None:
    plain = text.replace(".", "", 1)
    if plain.isdigit() and plain.isascii():  # "12345.67", the usual text of a CSV export
        return _checked_amount(float(text) * multiplier)
    text = fold(text).lower()
    if text in PLACEHOLDERS:
        return None
    negative = text.startswith("(") and text.endswith(")")  # accounting style (1,234)
    match = _AMOUNT.fullmatch(text.strip("()").translate(_AMOUNT_JUNK))
    if match is None:
        raise ValueError(AMOUNT_FORMAT)
    sign, number, exponent, unit = match.groups()
    value = float(number) * (10.0 ** int(exponent) if exponent else 1.0)
    if sign == "-" or negative:
        value = -value
    if unit:
        multiplier = UNIT_MULTIPLIERS[unit]
    return _checked_amount(value * multiplier)


def _checked_amount(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError(AMOUNT_FORMAT)
    if value < 0:
        raise ValueError(AMOUNT_NEGATIVE)
    # 1.2 × 10000 is 12000.000000000002 in binary floating point: round to the fen
    return round(float(value), 2)
