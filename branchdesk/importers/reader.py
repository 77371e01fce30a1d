"""Read any roster spreadsheet safely and hand back its cells.

    sheets = read_workbook("名单.xlsx")            # every non-empty sheet, in workbook order
    sheets = read_workbook(path, sheet="客户")      # only that one

.xlsx .xlsm .xls .xlsb .ods are parsed by python-calamine in a child process (see sandbox.py);
.csv .tsv .txt by the csv module here. The format is taken from the bytes, not the name: an
.xls that is really HTML, text or an .xlsx is read as what it is. Cheap checks come first
(name, size, magic bytes, the zip directory, the OLE directory); the scan of every zip part
(safety.py) runs while the child parses and ends it on any finding. Every problem a user can
cause becomes a UserError whose key is ``reader.<name>``. Values come back as the parser gives
them (numbers as floats, a phone as 13849593103.0); blanks are None; strings are left exactly
as they are. Callable from any thread, and from scripts without a ``__main__`` guard.
"""

from __future__ import annotations

import datetime
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from branchdesk.errors import UserError
from branchdesk.gc_pause import gc_paused
from branchdesk.importers import rowcodec, safety
from branchdesk.importers.safety import refuse
from branchdesk.importers.sniff import detect

Cell = str | int | float | bool | datetime.date | datetime.datetime | datetime.time | None

SUPPORTED_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".csv", ".tsv", ".txt")
_ZIPPED = ("xlsx", "xlsb", "ods")
_HEAD_BYTES = 8192
TWO_PARTS_FROM = 20_000  # data rows from which read_and_stage parses on two processes


@dataclass
class SheetData:
    name: str
    rows: list[list[Cell]]  # blank cells are None; every row has the same length
    first_row: int          # 1-based spreadsheet row number of rows[0]
    first_col: int          # 0-based column index of rows[i][0]
    height: int | None = None  # rows in the sheet, when `rows` holds only its top (a preview)

    @property
    def complete(self) -> bool:
        return self.height is None or self.height <= len(self.rows)


@dataclass
class StagedRead:
    """A workbook read and its roster sheet parsed and staged by the reader (read_and_stage)."""

    sheets: list[SheetData]  # previews: the top rows of every sheet
    sheet: SheetData
    header: Any              # HeaderMatch
    paths: list[Path]        # staging files, one per part, in row order
    parts: list[Any]         # PartResult of each


def read_workbook(path: str | Path, *, sheet: str | None = None,
                  timeout: float = 120.0) -> list[SheetData]:
    """All non-empty sheets in workbook order (only the named one when `sheet` is given).

    `timeout` bounds the whole read, in seconds; past it the parsing process is killed.
    Raises UserError (reader.*) for anything wrong with the file.
    """
    path = Path(path)
    limits = safety.LIMITS
    timeout = min(max(float(timeout), 0.0), 86_400.0)
    head = _look(path, limits)
    kind = detect(path, head, limits)
    if kind == "text":
        sheets = _read_text(path, sheet, limits, timeout)
    else:
        from branchdesk.importers.sandbox import Child

        if kind in _ZIPPED:
            safety.check_zip_directory(path, limits)
        with Child(kind, path, sheet, limits, timeout) as child:
            if kind in _ZIPPED:  # runs while the child parses; its findings win
                safety.scan_zip_parts(path, kind, limits)
            sheets = _collect(child.messages(), path)
    if not sheets:
        if sheet is not None:
            raise refuse("sheet_empty", path, sheet=sheet)
        raise refuse("no_data", path)
    return sheets


def read_and_stage(path: str | Path, *, sheet: str | None,
                   choose: Callable[[list[SheetData]], tuple[SheetData, Any]],
                   stage_dir: Path, timeout: float = 120.0,
                   derive: bool = True,
                   started: Callable[[], None] | None = None) -> StagedRead | None:
    """Read a workbook and have the reader's process parse and stage the roster sheet.

    `choose(previews)` picks the sheet and its header from the top rows of every sheet (it may
    raise UserError). `derive`: see stage.stage_part. Sheets of TWO_PARTS_FROM data rows or
    more are parsed in two processes. `started()` is called once the reader's process runs
    and this process has scanned the file, while the reader still reads it (this process may
    start threads from then on: nothing more is forked from it).
    None for files the reader does not parse in a child (CSV and text): read those with
    `read_workbook`. Raises UserError (reader.*) as `read_workbook` does.
    """
    from branchdesk.i18n import get_language
    from branchdesk.importers import stage_child
    from branchdesk.importers.sandbox import Child

    path = Path(path)
    limits = safety.LIMITS
    timeout = min(max(float(timeout), 0.0), 86_400.0)
    head = _look(path, limits)
    kind = detect(path, head, limits)
    if kind in ("text", "html"):
        return None
    if kind in _ZIPPED:
        safety.check_zip_directory(path, limits)
    with Child(kind, path, sheet, limits, timeout, target=stage_child.main) as child:
        if kind in _ZIPPED:
            safety.scan_zip_parts(path, kind, limits)
        if started is not None:  # after the scan, which it would slow: the reader still reads
            started()
        messages = child.messages()
        previews = _previews(next(messages), path)
        if not previews:
            raise refuse("sheet_empty", path, sheet=sheet) if sheet else refuse("no_data", path)
        chosen, header = choose(previews)
        data_rows = (chosen.height or len(chosen.rows)) - header.row_index - 1
        safety.check_data_rows(path, chosen.name, data_rows, limits)  # before any row is parsed
        parts = 2 if data_rows >= TWO_PARTS_FROM else 1
        paths = [stage_dir / f"part{n}.db" for n in range(parts)]
        child.send((chosen.name, header, get_language(), [str(p) for p in paths], derive))
        results = [_part(message, path) for message in messages if message[0] != "done"]
    from branchdesk.importers.stage import PartResult

    return StagedRead(previews, chosen, header, paths, [PartResult.from_plain(r) for r in results])


def _previews(message: tuple[Any, ...], path: Path) -> list[SheetData]:
    if message[0] == "error":
        raise UserError(message[1], **{**message[2], "file": path.name})
    sheets = [SheetData(name, rows, first_row, first_col, height)
              for name, first_row, first_col, rows, height in message[1]]
    return [s for s in sheets if any(any(v is not None for v in r) for r in s.rows)]


def _part(message: tuple[Any, ...], path: Path) -> Any:
    if message[0] == "error":
        raise UserError(message[1], **{**message[2], "file": path.name})
    return message[1]


def _look(path: Path, limits: safety.Limits) -> bytes:
    """The checks that need only the name and the first bytes."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise refuse("missing_file", path) from None
    except OSError as error:
        raise refuse("cannot_open", path, reason=error.strerror or str(error)) from None
    if stat.S_ISDIR(info.st_mode):
        raise refuse("is_folder", path)
    if path.suffix.lower() not in SUPPORTED_EXTENSIONS:
        raise refuse("unsupported_extension", path, extension=path.suffix or "(none)",
                     supported=" ".join(SUPPORTED_EXTENSIONS))
    if not stat.S_ISREG(info.st_mode):  # a pipe or a device would block or never end
        raise refuse("not_spreadsheet", path)
    if info.st_size == 0:
        raise refuse("empty_file", path)
    if info.st_size > limits.max_file_bytes:
        raise refuse("file_too_large", path, size=_megabytes(info.st_size),
                     limit=_megabytes(limits.max_file_bytes))
    try:
        with path.open("rb") as f:  # a workbook open in Excel on Windows fails here
            return f.read(_HEAD_BYTES)
    except OSError as error:
        raise refuse("cannot_open", path, reason=error.strerror or str(error)) from None


def _megabytes(size: int) -> str:
    return f"{size / 1e6:,.0f} MB"


def _read_text(path: Path, sheet: str | None, limits: safety.Limits,
               timeout: float) -> list[SheetData]:
    from branchdesk.importers.csv_reader import read_delimited

    name = path.stem
    if sheet is not None and sheet.strip().casefold() != name.casefold():
        raise refuse("sheet_not_found", path, sheet=sheet, sheets=name)
    rows, first_row, first_col = read_delimited(path, limits, timeout)
    return [SheetData(name, rows, first_row, first_col)] if rows else []


def _collect(messages: Any, path: Path) -> list[SheetData]:
    """Assemble the child's messages into sheets, converting each batch as it arrives."""
    sheets: list[SheetData] = []
    with gc_paused():
        for message in messages:
            _take(message, sheets, path)
    return [s for s in sheets if any(any(v is not None for v in r) for r in s.rows)]


def _take(message: tuple[Any, ...], sheets: list[SheetData], path: Path) -> None:
    tag = message[0]
    if tag == "rows":
        sheets[-1].rows.extend(rowcodec.decode(message[2], columnar=message[1]))
    elif tag == "sheet":
        sheets.append(SheetData(message[1], [], message[2], message[3]))
    elif tag == "error":
        raise UserError(message[1], **{**message[2], "file": path.name})
