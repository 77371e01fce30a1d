"""HTML tables saved under a .xls name, as many broker systems export them. Runs in the child.

Each non-empty <table> becomes a sheet. Cell text is whitespace-collapsed the way a browser
shows it (&nbsp; included); a colspan leaves blank cells after the value, like a merged
cell in Excel. Rowspan is not expanded.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from branchdesk.importers.csv_reader import trim_blank_edges
from branchdesk.importers.safety import Limits, refuse, too_many_rows
from branchdesk.importers.sniff import decode_sample

_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_-]+)""")
_CHUNK = 1 << 20


@dataclass
class _Table:
    rows: list[list[str | None]] = field(default_factory=list)
    row: list[str | None] | None = None
    cell: list[str] | None = None
    span: int = 1


class _TableParser(HTMLParser):
    def __init__(self, path: Path, limits: Limits) -> None:
        super().__init__(convert_charrefs=True)
        self.path, self.limits = path, limits
        self.tables: list[list[list[str | None]]] = []
        self.open: list[_Table] = []
        self.cells = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.open.append(_Table())
            return
        if not self.open:
            return
        table = self.open[-1]
        if tag == "tr":
            self._end_row(table)
            table.row = []
        elif tag in ("td", "th"):
            self._end_cell(table)
            if table.row is None:
                table.row = []
            table.cell = []
            span = dict(attrs).get("colspan") or "1"
            table.span = min(int(span), 1000) if span.isdigit() and int(span) > 0 else 1
        elif tag == "br" and table.cell is not None:
            table.cell.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if not self.open:
            return
        table = self.open[-1]
        if tag in ("td", "th"):
            self._end_cell(table)
        elif tag == "tr":
            self._end_row(table)
        elif tag == "table":
            self._end_row(table)
            self.open.pop()
            if table.rows:
                self.tables.append(table.rows)

    def handle_data(self, data: str) -> None:
        if self.open and self.open[-1].cell is not None:
            self.open[-1].cell.append(data)

    def _end_cell(self, table: _Table) -> None:
        if table.cell is None or table.row is None:
            return
        text = " ".join("".join(table.cell).split())
        if len(text) > self.limits.max_cell_chars:
            raise refuse("cell_too_long", self.path, limit=f"{self.limits.max_cell_chars:,}")
        table.row.append(text or None)
        table.row.extend([None] * (table.span - 1))
        table.cell, table.span = None, 1

    def _end_row(self, table: _Table) -> None:
        self._end_cell(table)
        if table.row is None:
            return
        table.rows.append(table.row)
        self.cells += len(table.row)
        table.row = None
        if too_many_rows(len(table.rows), self.limits):
            raise refuse("too_many_rows", self.path, sheet=self.path.stem,
                         rows=f"{len(table.rows) - 1 - self.limits.max_title_rows:,}+",
                         limit=f"{self.limits.max_rows:,}")
        if self.cells > self.limits.max_cells:
            raise refuse("too_many_cells", self.path, limit=f"{self.limits.max_cells:,}")


def read_tables(path: str, limits: Limits) -> Iterator[tuple[str, int, int, int, int, Any]]:
    """Each table as (name, first_row, first_col, width, height, rows), like the calamine
    sheets."""
    file = Path(path)
    parser = _TableParser(file, limits)
    with file.open("rb") as f:
        head = f.read(4096)
        decoder = codecs.getincrementaldecoder(_encoding(head))(errors="replace")
        f.seek(0)
        while chunk := f.read(_CHUNK):
            parser.feed(decoder.decode(chunk))
    parser.feed(decoder.decode(b"", final=True))
    parser.close()
    tables = parser.tables
    for number, rows in enumerate(tables, 1):
        width = max(map(len, rows))
        rows, first_row, first_col = trim_blank_edges(rows, width)
        if rows:
            name = file.stem if len(tables) == 1 else f"{file.stem}-{number}"
            yield name, first_row, first_col, len(rows[0]), len(rows), iter(rows)


def _encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    found = _CHARSET.search(head)
    if found:
        name = found.group(1).decode("ascii").lower()
        if name in ("gb2312", "gbk", "gb18030", "x-gbk", "cp936"):
            return "gb18030"
        try:
            return codecs.lookup(name).name
        except LookupError:
            pass
    try:
        decode_sample(head, "utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "gb18030"
