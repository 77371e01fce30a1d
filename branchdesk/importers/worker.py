"""The child process that parses a workbook: limits first, then calamine (or the HTML reader).

It sends plain tuples back, pickled, one message at a time:
``("sheet", name, first_row, first_col)``, ``("rows", columnar, payload)`` in batches
(see rowcodec), ``("error", key, params)`` and finally ``("done",)``. Rows go in batches of
about 50,000 cells so the parent decodes one batch while this process converts the next.
Anything that goes wrong becomes an ``error`` message; a crash (calamine aborts on some
inputs) shows up in the parent as a dead child.
"""

from __future__ import annotations

import contextlib
import faulthandler
import gc
import os
import pickle
from collections.abc import Iterable, Iterator
from itertools import islice
from multiprocessing.connection import Connection
from typing import Any

from branchdesk.errors import UserError
from branchdesk.importers import rowcodec
from branchdesk.importers.safety import Limits, too_many_rows

BATCH_CELLS = 50_000
# name, first_row (1-based), first_col (0-based), width, height, rows
SheetRows = tuple[str, int, int, int, int, Iterator[list[Any]]]
_EXTENSIONS = {"xlsx": (".xlsx", ".xlsm"), "xlsb": (".xlsb",), "ods": (".ods",), "xls": (".xls",)}


def main(conn: Connection, kind: str, path: str, sheet: str | None, limits: Limits,
         timeout: float) -> None:
    """Entry point of the child."""
    _confine(limits, timeout)

    def send(message: tuple[Any, ...]) -> None:
        conn.send_bytes(pickle.dumps(message, pickle.HIGHEST_PROTOCOL))

    try:
        if kind == "html":
            from branchdesk.importers.html_reader import read_tables

            sheets = read_tables(path, limits)
        else:
            sheets = _calamine_sheets(kind, path, sheet, limits)
        _send_sheets(send, sheets, limits)
        send(("done",))
    except BaseException as error:  # calamine's PanicException is not an Exception
        send(failure(error, limits))
    finally:
        conn.close()


def failure(error: BaseException, limits: Limits) -> tuple[str, str, dict[str, object]]:
    """The ``error`` message for anything that stopped the read."""
    if isinstance(error, UserError):  # the parent names the file
        return "error", error.key, {k: v for k, v in error.params.items() if k != "file"}
    if isinstance(error, MemoryError):
        return "error", "reader.out_of_memory", {}
    return ("error", *_calamine_error(error, limits))


def _confine(limits: Limits, timeout: float) -> None:
    """Memory and CPU ceilings (POSIX), no core dumps, and no output over the user's screen."""
    gc.disable()  # a short life making rows without cycles: the collector would only rescan them
    faulthandler.disable()  # forked from a process that had it (pytest): a crash stays quiet
    devnull = os.open(os.devnull, os.O_WRONLY)
    for fd in (1, 2):  # calamine prints a backtrace when it aborts: keep it off the TUI
        with contextlib.suppress(OSError):
            os.dup2(devnull, fd)
    os.environ["RUST_BACKTRACE"] = "0"
    try:
        import resource
    except ImportError:  # Windows: the parent's timeout still applies
        return
    cpu = int(timeout) + 2
    for name, value in (("RLIMIT_AS", limits.child_memory_bytes), ("RLIMIT_CPU", cpu),
                        ("RLIMIT_CORE", 0)):
        which = getattr(resource, name, None)
        if which is None:
            continue
        try:
            _, hard = resource.getrlimit(which)
            if hard != resource.RLIM_INFINITY:
                value = min(value, hard)
            resource.setrlimit(which, (value, value if name != "RLIMIT_CPU" else value + 2))
        except (ValueError, OSError):  # macOS refuses RLIMIT_AS: the timeout still applies
            pass


def _calamine_error(error: BaseException, limits: Limits) -> tuple[str, dict[str, object]]:
    from python_calamine import PasswordError

    if isinstance(error, PasswordError):
        return "reader.encrypted", {}
    if "limit exceeded" in str(error).lower():  # calamine's own cap, e.g. ODS repeated cells
        return "reader.too_many_cells", {"limit": f"{limits.max_cells:,}"}
    return "reader.corrupt", {}


def _calamine_sheets(kind: str, path: str, wanted: str | None,
                     limits: Limits) -> Iterator[SheetRows]:
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    if path.lower().endswith(_EXTENSIONS[kind]):
        book = CalamineWorkbook.from_path(path)
    else:  # an .xlsx saved as .xls and the like: let calamine look at the bytes
        with open(path, "rb") as f:
            book = CalamineWorkbook.from_filelike(f)
    names = [m.name for m in book.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
    if wanted is not None:
        names = [_find_sheet(wanted, book.sheet_names)]
    cells = 0
    for name in names:
        sheet = book.get_sheet_by_name(name)
        start = sheet.start
        if start is None:
            continue
        height, width = sheet.height, sheet.width
        if too_many_rows(height, limits):
            raise UserError("reader.too_many_rows", sheet=name,
                            rows=f"{height - 1 - limits.max_title_rows:,}+",
                            limit=f"{limits.max_rows:,}")
        cells += height * width
        if cells > limits.max_cells:
            raise UserError("reader.too_many_cells", limit=f"{limits.max_cells:,}")
        yield name, start[0] + 1, start[1], width, height, _data_rows(sheet.iter_rows(), start[0])


def _data_rows(rows: Iterator[list[Any]], start_row: int) -> Iterator[list[Any]]:
    """python-calamine 0.9's iter_rows() first yields `start_row` blank rows (to_python() does
    not): skip them, but only while they are blank, in case a later version stops."""
    first = next(rows, None)
    if first is None:
        return
    if start_row and all(v == "" for v in first):
        for _ in islice(rows, start_row - 1):
            pass
        first = next(rows, None)
        if first is None:
            return
    yield first
    yield from rows


def _find_sheet(wanted: str, names: list[str]) -> str:
    if wanted in names:
        return wanted
    loose = [n for n in names if n.strip().casefold() == wanted.strip().casefold()]
    if len(loose) == 1:
        return loose[0]
    raise UserError("reader.sheet_not_found", sheet=wanted, sheets=", ".join(names))


def _send_sheets(send: Any, sheets: Iterable[SheetRows], limits: Limits) -> None:
    for name, first_row, first_col, width, _, rows in sheets:
        send(("sheet", name, first_row, first_col))
        it = iter(rows)
        number = first_row
        per_batch = max(1, BATCH_CELLS // max(1, width))
        while batch := list(islice(it, per_batch)):
            try:
                payload = rowcodec.encode(batch, limits.max_cell_chars)
            except rowcodec.CellTooLong as long:
                raise UserError("reader.cell_too_long_at", sheet=name,
                                cell=cell_name(number + long.row, first_col + long.col),
                                limit=f"{limits.max_cell_chars:,}") from None
            send(("rows", payload is not batch, payload))
            number += len(batch)


def cell_name(row: int, col: int) -> str:
    """1-based row, 0-based column → "B12"."""
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row}"
