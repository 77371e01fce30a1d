"""Delimited text (.csv, .tsv, .txt, and the text files brokers save as .xls), read in-process.

The csv module is C and linear, and every way a text file could cost too much is bounded
here: a line may hold at most `_MAX_LINE` characters (read with a limit, never whole), a field
at most the csv module's default 131,072, a sheet `max_rows` rows and `max_cells` cells, and
the whole read the caller's timeout.
Encodings: a UTF-16 BOM (Excel's "Unicode text"), else UTF-8 (with or without BOM) decoded
strictly, else GB18030 (a superset of GBK/GB2312, what Chinese Excel and WPS write). A file
that is valid UTF-8 is nearly never meant as GB18030, so the order decides well enough.
"""

from __future__ import annotations

import codecs
import csv
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from branchdesk.importers.safety import Limits, refuse, too_many_rows

Cell = str | None

_MAX_LINE = 1_000_000
_SAMPLE_LINES = 50
_SAMPLE_CHARS = 65_536
_DELIMITERS = ",\t;"
# ="000123": how exports keep leading zeros when Excel opens the file
_EXCEL_TEXT = re.compile(r'^="(.*)"$', re.DOTALL)


def read_delimited(path: Path, limits: Limits, timeout: float) -> tuple[list[list[Cell]], int, int]:
    """Rows (blank → None, padded to one width), first_row (1-based) and first_col (0-based)."""
    deadline = time.monotonic() + timeout
    for encoding in _encodings(path):
        try:
            with path.open(encoding=encoding, errors="strict", newline="") as f:
                return _parse(f, path, limits, deadline, timeout)
        except UnicodeDecodeError:
            continue
    raise refuse("encoding", path)


def _encodings(path: Path) -> list[str]:
    with path.open("rb") as f:
        head = f.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return ["utf-16"]
    return ["utf-8-sig", "gb18030"]


def _lines(f: TextIO, path: Path) -> Iterator[str]:
    while line := f.readline(_MAX_LINE):
        if len(line) == _MAX_LINE and not line.endswith(("\n", "\r")):
            raise refuse("line_too_long", path, limit=f"{_MAX_LINE:,}")
        yield line


def _parse(f: TextIO, path: Path, limits: Limits, deadline: float,
           timeout: float) -> tuple[list[list[Cell]], int, int]:
    lines = _lines(f, path)
    sample: list[str] = []
    for line in lines:  # up to 50 lines or 64 KB, whichever comes first
        sample.append(line)
        if len(sample) == _SAMPLE_LINES or sum(map(len, sample)) > _SAMPLE_CHARS:
            break
    delimiter = sniff_delimiter(sample)
    unwrap = any('="' in line for line in sample)

    def all_lines() -> Iterator[str]:
        yield from sample
        yield from lines

    rows: list[list[Cell]] = []
    width = cells = 0
    try:
        for number, record in enumerate(csv.reader(all_lines(), delimiter=delimiter), 1):
            if number % 10_000 == 0 and time.monotonic() > deadline:
                raise refuse("timeout", path, seconds=f"{timeout:g}")
            if too_many_rows(number, limits):
                raise refuse("too_many_rows", path, sheet=path.stem,
                             rows=f"{number - 1 - limits.max_title_rows:,}+",
                             limit=f"{limits.max_rows:,}")
            cells += len(record)
            if cells > limits.max_cells:
                raise refuse("too_many_cells", path, limit=f"{limits.max_cells:,}")
            if record and max(map(len, record)) > limits.max_cell_chars:
                _too_long(record, number, path, limits)
            if unwrap:
                record = [_unwrap(v) for v in record]
            rows.append([v or None for v in record])
            width = max(width, len(record))
    except csv.Error as error:
        if "field larger" in str(error):  # past csv's own 131,072 (or a quote never closed)
            raise refuse("cell_too_long", path, limit=f"{limits.max_cell_chars:,}") from None
        raise refuse("not_spreadsheet", path) from None
    return trim_blank_edges(rows, width)


def sniff_delimiter(sample: list[str]) -> str:
    """The delimiter that splits the first lines into the most equal, widest rows."""
    best, best_score = ",", (0.0, 0)
    text = [line for line in sample if line.strip()]
    if not text:
        return best
    for delimiter in _DELIMITERS:
        try:
            widths = [len(r) for r in csv.reader(text, delimiter=delimiter)]
        except csv.Error:  # a field past csv's limit: the read proper will say so
            continue
        common = max(set(widths), key=widths.count)
        if common < 2:
            continue
        score = (widths.count(common) / len(widths), common)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _unwrap(value: str) -> str:
    match = _EXCEL_TEXT.match(value) if value[:2] == '="' else None
    return match.group(1).replace('""', '"') if match else value


def _too_long(record: list[str], number: int, path: Path, limits: Limits) -> None:
    from branchdesk.importers.worker import cell_name

    col = next(i for i, v in enumerate(record) if len(v) > limits.max_cell_chars)
    raise refuse("cell_too_long_at", path, sheet=path.stem, cell=cell_name(number, col),
                 limit=f"{limits.max_cell_chars:,}")


def trim_blank_edges(rows: list[list[Cell]], width: int) -> tuple[list[list[Cell]], int, int]:
    """Pad to one width and drop blank rows and columns around the data, as calamine does.

    Each `all(...)` stops at the first row with a value in that column, so this is cheap.
    """
    while rows and not any(rows[-1]):
        rows.pop()
    top = next((i for i, r in enumerate(rows) if any(r)), len(rows))
    rows = rows[top:]
    if not rows:
        return [], 1, 0

    def blank(col: int) -> bool:
        return all(len(r) <= col or r[col] is None for r in rows)

    right = width
    while right > 1 and blank(right - 1):
        right -= 1
    left = 0
    while left < right - 1 and blank(left):
        left += 1
    out = []
    for r in rows:
        if len(r) < right:
            r = r + [None] * (right - len(r))
        out.append(r[left:right] if left or len(r) > right else r)
    return out, top + 1, left
