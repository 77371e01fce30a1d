"""The rectangle calamine will allocate for a sheet, measured from the sheet's XML (safety.py).

calamine places a cell by its r="…" and skips cells without a value, so the rectangle comes
from cells that hold a <v>, <is> or <f> (Gnumeric writes empty styled cells down to row
1,048,576: they must not count). A piece of the XML is measured by `measure_cells`.

The exact measure is one findall over every content cell (one tuple per cell: most of the
scan's cost). A piece of an ordinary sheet adds nothing but its rows: its cells sit in the
columns already seen and between its first and last content cell. So the piece's first and
last content cells are found, and one search with a pattern built for them proves that no
content cell lies outside: none with letters not yet seen, none with a row number below the
lower bound or above the upper one (digit-range alternations), none nested in another cell's
tag (which would make it a different cell to findall). Only when that search finds something
is the piece measured by findall. Either way the Extent is the same, to the last field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter

# Fast pattern for the form every writer uses; any other form in a piece (prefix, r not
# first or missing, odd spacing) sends it to the general one.
_CONTENT_CELL = re.compile(rb'<c r="([A-Za-z]+)([0-9]+)"[^>]*(?<!/)>\s*<[vif]')
_ODD_CELL = re.compile(rb'<c(?:[>/\t\r\n]| (?!r="))')  # one literal start each: fast search
_PREFIXED_CELL = re.compile(rb":c[\s>/]")
_ANY_CELL = re.compile(
    rb"<(?:[\w.-]+:)?c(?=[\s>/])(?:[^>]*?\sr\s*=\s*[\"']([A-Za-z]+)([0-9]+)[\"'])?[^>]*(?<!/)>"
    rb"\s*<(?:[\w.-]+:)?[vif]"
)
_ROW_REF = re.compile(rb"<(?:[\w.-]+:)?row\s[^>]*?\br\s*=\s*[\"']([0-9]+)[\"']")
_letters, _digits = itemgetter(0), itemgetter(1)

_CELL_START = b'<c r="'
_LAST_TRIES = 16  # cell starts tried backwards from a piece's end for its last content cell
_MAX_KNOWN = 64   # more distinct column spellings than this: measure by findall
_MAX_ROW_BOUND = 10 ** 12  # rows this long (no sheet has them): measure by findall


@dataclass
class Extent:
    """The rectangle calamine will allocate for a sheet: from its cells with references."""

    min_row: int = 1 << 62
    max_row: int = 0
    columns: set[bytes] = field(default_factory=set)
    cells_without_refs: bool = False  # then calamine counts rows from <row r=…>
    max_row_element: int = 0
    # The <row r=…> last opened in an earlier piece: cells without references at the start of
    # the next piece sit in that row, though its tag was measured with the piece before.
    open_row: int = 0

    def add(self, refs: list[tuple[bytes, bytes]], letters: set[bytes]) -> None:
        digits = list(filter(None, map(_digits, refs)))
        if b"" in letters:
            self.cells_without_refs = True
        if digits:
            if len(set(map(len, digits))) == 1:  # usual: compare the bytes, no int() per cell
                low, high = int(min(digits)), int(max(digits))
            else:
                numbers = list(map(int, digits))
                low, high = min(numbers), max(numbers)
            self.min_row, self.max_row = min(self.min_row, low), max(self.max_row, high)
        self.columns |= letters

    def size(self) -> tuple[int, int]:
        max_row = max(self.max_row, self.max_row_element if self.cells_without_refs else 0)
        if max_row == 0:
            return 0, 0
        low = 1 if self.cells_without_refs else min(self.min_row, max_row)
        cols = [_column_number(c) for c in self.columns if c]
        width = (max(cols) - min(cols) + 1) if cols else 1
        return max_row - low + 1, width


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper()[:8]:  # more than 8 letters is absurd either way
        n = n * 26 + ch - 64
    return n


def measure_cells(body: bytes, extent: Extent) -> None:
    """Add the content cells of `body` (whole tags: safety._scan_xml cuts before a '<')."""
    opened_before = extent.open_row
    extent.open_row = _last_row_opened(body, opened_before)
    if _ODD_CELL.search(body) or _PREFIXED_CELL.search(body):
        refs = _ANY_CELL.findall(body)
        rows = _ROW_REF.findall(body)
        extent.max_row_element = max(extent.max_row_element, opened_before, *map(int, rows))
    elif _within_known(body, extent):
        return
    else:
        refs = _CONTENT_CELL.findall(body)
    if refs:
        extent.add(refs, set(map(_letters, refs)))


def _last_row_opened(body: bytes, before: int) -> int:
    """The number of the last <row r=…> tag in `body`, else `before` (none in this piece)."""
    end = len(body)
    while (at := max(body.rfind(b"<row", 0, end), body.rfind(b":row", 0, end))) >= 0:
        found = _ROW_REF.match(body, body.rfind(b"<", 0, at + 1))
        if found:
            return int(found.group(1))
        end = at  # <rowBreaks…> or the like: look further back
    return before


def _within_known(body: bytes, extent: Extent) -> bool:
    """Measure `body` without a tuple per cell when its content cells widen nothing but the
    rows, and say so; False (extent untouched) when findall must decide."""
    known = frozenset(extent.columns - {b""})
    if not known or len(known) > _MAX_KNOWN:
        return False
    first = _CONTENT_CELL.search(body)
    if first is None:
        return True  # findall would find nothing either
    last = _last_content_cell(body, first)
    if last is None:
        return False
    # first and last are cells findall returns, so the new bounds are met by real cells;
    # the new extent is theirs when no content cell lies outside them.
    low = min(extent.min_row, int(first[2]), int(last[2]))
    high = max(extent.max_row, int(first[2]), int(last[2]))
    if high >= _MAX_ROW_BOUND:
        return False
    if _outside(low, high, known).search(body, first.start()) is not None:
        return False
    extent.min_row, extent.max_row = low, high
    return True


def _last_content_cell(body: bytes, first: re.Match[bytes]) -> re.Match[bytes] | None:
    """The content cell nearest the end of `body`, if it is one findall returns: no cell
    start between it and the '>' before it (else it may sit inside an earlier cell's tag)."""
    end = len(body)
    for _ in range(_LAST_TRIES):
        at = body.rfind(_CELL_START, first.start(), end)
        if at <= first.start():
            return first
        cell = _CONTENT_CELL.match(body, at)
        if cell is not None:
            tag_start = body.rfind(b">", 0, at) + 1
            return cell if body.find(_CELL_START, tag_start, at) < 0 else None
        end = at
    return None


@lru_cache(maxsize=64)
def _outside(low: int, high: int, known: frozenset[bytes]) -> re.Pattern[bytes]:
    """A content cell unless its letters are in `known` and its row, written without
    leading zeros, is in [low, high]. (A leading zero is only sent to findall.)"""
    letters = b"|".join(re.escape(k) for k in sorted(known))
    return re.compile(rb'<c r="(?!(?:' + letters + rb")(?:" + _between(low, high)
                      + rb')")[A-Za-z]+[0-9]+"[^>]*(?<!/)>\s*<[vif]')


def _between(low: int, high: int) -> bytes:
    """Decimal numbers without leading zeros from low to high (0 <= low <= high)."""
    alternatives = []
    for width in range(len(str(low)), len(str(high)) + 1):
        start = low if width == len(str(low)) else 10 ** (width - 1)
        stop = high if width == len(str(high)) else 10 ** width - 1
        alternatives.append(_same_width(str(start), str(stop)))
    return "|".join(reversed(alternatives)).encode()  # the widest, most numerous, first


def _same_width(low: str, high: str) -> str:
    """Digit strings of one width from low to high (low <= high)."""
    if low == high:
        return low
    if low == "0" * len(low) and high == "9" * len(high):
        return f"[0-9]{{{len(low)}}}" if len(low) > 1 else "[0-9]"
    if len(low) == 1:
        return f"[{low}-{high}]"
    if low[0] == high[0]:
        return low[0] + _group(_same_width(low[1:], high[1:]))
    rest = len(low) - 1
    parts = [low[0] + _group(_same_width(low[1:], "9" * rest))]
    if int(high[0]) - int(low[0]) > 1:
        parts.append(f"[{int(low[0]) + 1}-{int(high[0]) - 1}]" + _same_width("0" * rest,
                                                                           "9" * rest))
    parts.append(high[0] + _group(_same_width("0" * rest, high[1:])))
    return "|".join(reversed(parts))  # rows ascend: the newest near the top bound first


def _group(pattern: str) -> str:
    return f"(?:{pattern})" if "|" in pattern else pattern
