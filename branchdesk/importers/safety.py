"""Look before reading: whether a file is safe to hand to a parser (sniff.py says what it is).

Everything here reads a bounded amount of the file at a time. The zip checks use the central
directory first (sizes, ratios, entry count) and then inflate each part in 1 MiB pieces with a
byte budget, so a zip bomb never becomes more than one piece in memory. The scan of the XML
looks for DOCTYPE/ENTITY declarations, text runs longer than a cell may hold, and cell
references far enough apart that calamine would try to allocate the whole rectangle (it aborts
the process on A1 + XFD1048576: calamine issue #693).
"""

from __future__ import annotations

import codecs
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import BinaryIO, Literal

from branchdesk.errors import UserError
from branchdesk.importers.cell_extent import Extent, measure_cells

Kind = Literal["xlsx", "xlsb", "ods", "xls", "text", "html"]


@dataclass(frozen=True)
class Limits:
    """What any one import may cost. Tests swap in smaller ones through `LIMITS`."""

    max_file_bytes: int = 512 << 20
    max_rows: int = 500_000            # data rows of one sheet: the rows under its header
    # Rows a sheet may hold above its header (titles; the header row is found among the
    # first rows: importers.headers scans this many). Before the header is known a sheet is
    # refused only when its rows leave more than `max_rows` under the lowest possible header.
    max_title_rows: int = 30
    max_cells: int = 10_000_000        # cells of all sheets read, blanks inside the area included
    max_cell_chars: int = 32_767       # Excel's own limit for one cell
    max_zip_entries: int = 10_000
    max_unzipped_bytes: int = 1 << 30  # 10 M cells of sheet XML is about 500 MB
    max_ratio: int = 200               # deflate of a real sheet: 5-50x; a crafted bomb ~1000x
    ratio_floor: int = 1 << 20         # small parts may compress as well as they like
    child_memory_bytes: int = 3 << 30  # address space of the parsing process (POSIX only)


LIMITS = Limits()

_CHUNK = 1 << 20


def refuse(key: str, file: Path, **params: object) -> UserError:
    # A path with no name of its own ("." or "..") is shown as typed, not as a blank.
    return UserError(f"reader.{key}", file=file.name or str(file), **params)


def too_many_rows(height: int, limits: Limits) -> bool:
    """True when a sheet of `height` rows holds more than `max_rows` data rows wherever its
    header is (the header row is not data, nor the title rows above it)."""
    return height - 1 - limits.max_title_rows > limits.max_rows


def check_data_rows(path: Path, sheet: str, data_rows: int, limits: Limits) -> None:
    """The exact check, once the header row is known: the rows under it are the data."""
    if data_rows > limits.max_rows:
        raise refuse("too_many_rows", path, sheet=sheet, rows=f"{data_rows:,}",
                     limit=f"{limits.max_rows:,}")


def _refuse_rows(path: Path, sheet: str, height: int, limits: Limits) -> UserError:
    """Too many rows found before the header is known: at least this many are data."""
    return refuse("too_many_rows", path, sheet=sheet,
                  rows=f"{height - 1 - limits.max_title_rows:,}+", limit=f"{limits.max_rows:,}")


# ---------------------------------------------------------------- zip containers


def check_end_record(path: Path, limits: Limits) -> None:
    """The entry count from the end record, before zipfile builds an object per entry."""
    with path.open("rb") as f:
        size = f.seek(0, 2)
        f.seek(max(0, size - 65_557))
        tail = f.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) < at + 22:
        raise refuse("corrupt", path)
    entries, directory_size = struct.unpack_from("<HI", tail, at + 10)
    # 0xFFFF / 0xFFFFFFFF mean "see the zip64 record": only files far beyond our caps need it
    if entries > limits.max_zip_entries or directory_size > limits.max_zip_entries * 1024:
        raise refuse("zip_bomb", path)


def check_zip_directory(path: Path, limits: Limits) -> None:
    """Refuse on the central directory alone: cheap, and done before any process starts."""
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        raise refuse("corrupt", path) from None
    if len(infos) > limits.max_zip_entries:
        raise refuse("zip_bomb", path)
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise refuse("encrypted", path)
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise refuse("corrupt", path)
        total += info.file_size
        ratio_bad = info.file_size > max(limits.ratio_floor, limits.max_ratio * info.compress_size)
        if total > limits.max_unzipped_bytes or ratio_bad:
            raise refuse("zip_bomb", path)


def scan_zip_parts(path: Path, kind: Kind, limits: Limits) -> None:
    """Inflate every part calamine may read, within its declared size, and scan the XML."""
    sheet_names = _xlsx_sheet_parts(path) if kind == "xlsx" else {}
    try:
        with zipfile.ZipFile(path) as z, path.open("rb") as raw:
            for info in sorted(z.infolist(), key=lambda i: i.header_offset):
                name = info.filename
                is_xml = name.endswith((".xml", ".rels"))
                if not (is_xml or name.endswith(".bin")):
                    continue  # pictures and the like: calamine never inflates them
                pieces = _inflate(raw, info, path)
                if not is_xml:
                    for _ in pieces:
                        pass
                    continue
                sheet = sheet_names.get(name, name)
                extent = _scan_xml(pieces, path, limits, with_cells=(kind == "xlsx"),
                                   declared=(sheet, info.file_size) if name in sheet_names
                                   else None)
                if extent is not None:
                    _check_extent(extent, sheet, path, limits)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, struct.error):
        raise refuse("corrupt", path) from None


def _inflate(raw: BinaryIO, info: zipfile.ZipInfo, path: Path) -> Iterator[bytes]:
    """The part's bytes in pieces. A little more than the directory declared is a damaged
    file (calamine refuses it too); far more is a bomb, stopped as soon as it shows."""
    bound = max(2 * info.file_size, info.file_size + (16 << 20))
    raw.seek(info.header_offset)
    local = raw.read(30)
    if len(local) < 30 or local[:4] != b"PK\x03\x04":
        raise refuse("corrupt", path)
    name_len, extra_len = struct.unpack_from("<HH", local, 26)
    raw.seek(info.header_offset + 30 + name_len + extra_len)
    left = info.compress_size
    produced = 0
    inflater = zlib.decompressobj(-zlib.MAX_WBITS) if info.compress_type else None
    pending = b""
    while True:
        if not pending:
            if left <= 0:
                break
            pending = raw.read(min(left, 1 << 16))
            if not pending:
                raise refuse("corrupt", path)  # the file ends inside the part
            left -= len(pending)
        if inflater is None:
            piece, pending = pending, b""
        else:
            try:
                piece = inflater.decompress(pending, _CHUNK)
            except zlib.error:
                raise refuse("corrupt", path) from None
            pending = inflater.unconsumed_tail
        produced += len(piece)
        if produced > bound:
            raise refuse("zip_bomb", path)
        if piece:
            yield piece
        if inflater is not None and inflater.eof:
            break
    if produced != info.file_size:
        raise refuse("corrupt", path)


def _xlsx_sheet_parts(path: Path) -> dict[str, str]:
    """Part name → sheet name, best effort, for messages only."""
    try:
        with zipfile.ZipFile(path) as z:
            book = z.read("xl/workbook.xml")[:1 << 20].decode("utf-8", "replace")
            rels = z.read("xl/_rels/workbook.xml.rels")[:1 << 20].decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error):
        return {}  # names for messages only: a damaged part is reported by the scan
    targets = {}
    for rel in re.findall(r"<Relationship\b[^>]*>", rels):
        rid, target = re.search(r'\bId="([^"]*)"', rel), re.search(r'\bTarget="([^"]*)"', rel)
        if rid and target:
            part = target.group(1).lstrip("/")
            targets[rid.group(1)] = part if part.startswith("xl/") else f"xl/{part}"
    out = {}
    for sheet in re.findall(r"<(?:\w+:)?sheet\b[^>]*>", book):
        name, rid = re.search(r'\bname="([^"]*)"', sheet), re.search(r'\br:id="([^"]*)"', sheet)
        if name and rid and rid.group(1) in targets:
            out[targets[rid.group(1)]] = unescape(name.group(1))
    return out


# ---------------------------------------------------------------- XML scan

_DOCTYPE = re.compile(rb"<!(?i:doctype|entity)")

_DIMENSION = re.compile(rb'<(?:[\w.-]+:)?dimension\s[^>]*?\bref\s*=\s*["\'][A-Za-z]*([0-9]+)'
                        rb'(?::[A-Za-z]*([0-9]+))?["\']')
MIN_ROW_BYTES = 16  # <row r="1"></row>: a part this small holds no more rows than bytes / 16


def _check_declared(piece: bytes, sheet: str, size: int, path: Path, limits: Limits) -> None:
    """Refuse a sheet whose declared size (<dimension ref="A1:M600003"/>, written by Excel
    and most tools at the top of the sheet) leaves too many data rows, when its part is big
    enough to hold them (a tool that declares a whole empty grid is not believed)."""
    match = _DIMENSION.search(piece[:4096])
    if match is None:
        return
    first, last = int(match.group(1)), int(match.group(2) or match.group(1))
    height = last - first + 1
    if too_many_rows(height, limits) and size >= height * MIN_ROW_BYTES:
        raise _refuse_rows(path, sheet, height, limits)


def _scan_xml(pieces: Iterator[bytes], path: Path, limits: Limits, with_cells: bool,
              declared: tuple[str, int] | None = None) -> Extent | None:
    """One pass over an XML part in pieces: refuse DOCTYPE and over-long text; measure cells.

    A piece is cut after its last '<' so no tag is split; the rest waits for the next one.
    `declared`: (sheet name, part size) of a worksheet, whose declared and measured height
    are checked as the scan goes, so a sheet too big is refused before calamine, parsing
    beside the scan, has read it whole.
    """
    extent = Extent() if with_cells else None
    carry = b""
    decoder = None
    first = True
    window = limits.max_cell_chars // 2 + 1
    for piece in pieces:
        if first:
            first = False
            if piece.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                decoder = codecs.getincrementaldecoder("utf-16")()
            elif declared is not None:
                _check_declared(piece, *declared, path, limits)
        elif extent is not None and declared is not None and extent.max_row:
            rows, _ = extent.size()
            if too_many_rows(rows, limits):
                raise _refuse_rows(path, declared[0], rows, limits)
        if decoder is not None:
            piece = decoder.decode(piece).encode("utf-8")
        data = carry + piece
        cut = _cut_before_open_cell(data, data.rfind(b"<"))
        if cut <= 0:
            carry = data
            if len(carry) > 10 * limits.max_cell_chars:  # no tag in 320 KB: a giant text
                raise refuse("cell_too_long", path, limit=f"{limits.max_cell_chars:,}")
            continue
        body, carry = data[:cut], data[cut:]
        _scan_body(body, path, limits, window, extent)
    if carry:
        _scan_body(carry, path, limits, window, extent)
    return extent


# A cell's opening tag, then nothing but spaces: its <v>, <is> or <f> has not come yet.
_OPEN_CELL = re.compile(rb"<(?:[\w.-]+:)?c(?=[\s>/])[^>]*(?<!/)>\s*")


def _cut_before_open_cell(data: bytes, cut: int) -> int:
    """Where to cut ``data`` (before its last '<'), so that no tag is split and a cell whose
    opening tag ends the body while its value starts the rest is kept whole with the rest:
    cut there, neither part would show a cell with a value, and a far cell could pass unseen."""
    last = data.rfind(b"<", 0, cut) if cut > 0 else -1
    if last >= 0 and _OPEN_CELL.fullmatch(data, last, cut):
        return last
    return cut


def _scan_body(body: bytes, path: Path, limits: Limits, window: int,
               extent: Extent | None) -> None:
    if _DOCTYPE.search(body):
        raise refuse("xml_entities", path)
    # A run of text longer than the limit fills at least one whole aligned window.
    for start in range(0, len(body) - window + 1, window):
        if body.find(b"<", start, start + window) < 0:
            _check_run(body, start, path, limits)
    if extent is not None:
        measure_cells(body, extent)


def _check_run(body: bytes, inside: int, path: Path, limits: Limits) -> None:
    """Measure the text around a window with no tag: characters, not bytes, decide."""
    start = body.rfind(b">", 0, inside) + 1
    end = body.find(b"<", inside)
    end = len(body) if end < 0 else end
    if end - start > 10 * limits.max_cell_chars:
        raise refuse("cell_too_long", path, limit=f"{limits.max_cell_chars:,}")
    if len(unescape(body[start:end].decode("utf-8", "replace"))) > limits.max_cell_chars:
        raise refuse("cell_too_long", path, limit=f"{limits.max_cell_chars:,}")


def _check_extent(extent: Extent, sheet: str, path: Path, limits: Limits) -> None:
    rows, cols = extent.size()
    if too_many_rows(rows, limits):
        raise _refuse_rows(path, sheet, rows, limits)
    if rows * cols > limits.max_cells:
        raise refuse("sheet_too_large", path, sheet=sheet, rows=f"{rows:,}", cols=f"{cols:,}",
                     limit=f"{limits.max_cells:,}")
