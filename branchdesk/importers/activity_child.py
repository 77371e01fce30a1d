"""The reader child of an activity import: it reads, shows the app the top of each sheet, then
parses the sheet the app chose where its cells are, and sends back activities, not cells.

Sending 100,000 rows of cells to the app and parsing them there cost the app ~1 s of decoding
and ~2 s of parsing, one after the other. Here the cells stay where calamine made them, as in
the roster import (stage_child.py): the app finds the header in the top rows, and gets back the
parsed activities column by column (activity_sheet.ActivityColumns) with the rows' issues.

Messages to the app, plain values as in worker.py: ``("previews", …)`` as stage_child sends
it; then, after the app's answer ``(sheet, header, language, zone, now)`` (or None to stop),
``("parsed", columns, issues)`` and ``("done",)``; or ``("error", key, params)``.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import datetime
from itertools import islice
from multiprocessing import Pipe
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from branchdesk import datetimes
from branchdesk.errors import UserError
from branchdesk.i18n import get_language
from branchdesk.importers import lifeline, rowcodec, safety, stage_child, worker
from branchdesk.importers.activity_sheet import ActivityColumns, ActivityHeader, parse_rows
from branchdesk.importers.reader import TWO_PARTS_FROM, SheetData, _look, _previews
from branchdesk.importers.rows import Issue
from branchdesk.importers.safety import Limits, refuse
from branchdesk.importers.sniff import detect

_BATCH = 4096


def main(conn: Connection, kind: str, path: str, sheet: str | None, limits: Limits,
         timeout: float) -> None:
    """Entry point of the child."""
    def parse(name: str, cells: stage_child.KeptSheet, header: ActivityHeader,
              more: list[Any]) -> Iterator[bytes]:
        zone, now = more
        datetimes.set_branch_zone(zone)
        columns, issues = _parse(name, *cells, header, now, limits)
        yield pickle.dumps(("parsed", columns.to_plain(), issues), pickle.HIGHEST_PROTOCOL)

    stage_child.serve(conn, kind, path, sheet, limits, timeout, parse)


Plain = tuple[ActivityColumns, list[tuple[int, str, str, str]]]


def _parse(name: str, first_row: int, first_col: int, height: int, top: list[list[Any]],
           rest: Iterator[list[Any]], header: ActivityHeader, now: datetime,
           limits: Limits) -> Plain:
    """The sheet's activities and issues, parsed in one part, or in two on two processes
    (stage_child does the same for a roster): a copy of this process parses the second
    half while this one parses the first."""
    if height < TWO_PARTS_FROM or not hasattr(os, "fork"):
        rows = _rows(top, rest, name, first_row, first_col, limits)
        return _parsed(SheetData(name, rows, first_row, first_col), header, now)[0]
    middle = max(len(top), header.row_index + 1 + (height - header.row_index - 1) // 2)
    answers, answer = Pipe(duplex=False)  # the copy's result
    pid = os.fork()
    if pid == 0:  # the copy: rows from `middle` on, under a copy of the header row
        try:
            lifeline.watch_after_fork()  # ends with the app, as this process does
            answers.close()
            for _ in islice(rest, middle - len(top)):
                pass
            rows = _rows([], rest, name, first_row + middle, first_col, limits)
            part = SheetData(name, [top[header.row_index], *rows], first_row + middle - 1,
                             first_col)
            result = _parsed(part, replace(header, row_index=0), now)[0]
            answer.send_bytes(pickle.dumps(("part", result[0].to_plain(), result[1]),
                                           pickle.HIGHEST_PROTOCOL))
        except BaseException as error:
            answer.send_bytes(pickle.dumps(worker.failure(error, limits)))
        finally:
            os._exit(0)
    answer.close()
    try:
        rows = _rows(top, islice(rest, middle - len(top)), name, first_row, first_col, limits)
        (columns, issues), ended = _parsed(SheetData(name, rows, first_row, first_col), header,
                                           now)
        del rows
        try:
            other = pickle.loads(answers.recv_bytes())
        except EOFError:  # the copy died without a word
            raise UserError("reader.crashed") from None
        if other[0] == "error":
            raise UserError(other[1], **other[2])
        if not ended:  # a totals row in the first half ends the table there
            columns.extend(ActivityColumns.from_plain(other[1]))
            issues += other[2]
        return columns, issues
    finally:
        answers.close()
        os.waitpid(pid, 0)


def _rows(top: list[list[Any]], rest: Iterable[list[Any]], name: str, first_row: int,
          first_col: int, limits: Limits) -> list[list[Any]]:
    """The rows as the app's reader would hand them over (blanks None, durations as times),
    every text checked against the cell limit."""
    rows = rowcodec.decode(top, False)  # checked as it was read
    it = iter(rest)
    while batch := list(islice(it, _BATCH)):
        checked = stage_child._checked_batch(batch, name, first_row + len(rows), first_col,
                                             limits)
        rows += rowcodec.decode(checked, False)
    return rows


def _parsed(sheet: SheetData, header: ActivityHeader, now: datetime) -> tuple[Plain, bool]:
    """(columns, plain issues) of a part, and whether a totals or notes row ended it."""
    footer: list[int] = []
    parsed, issues = parse_rows(sheet, header, now, footer)
    return ((ActivityColumns.of(parsed), [(i.row, i.column, i.reason, i.value) for i in issues]),
            bool(footer))


def read_and_parse(path: Path, *, sheet: str | None, now: datetime,
                   choose: Callable[[list[SheetData]], tuple[SheetData, ActivityHeader]],
                   timeout: float = 120.0
                   ) -> tuple[SheetData, ActivityHeader, ActivityColumns, list[Issue]] | None:
    """Read a workbook safely and have the reader's process parse the activity sheet that
    `choose(previews)` picks (it may raise UserError). None for CSV, text and HTML files, which
    are read with reader.read_workbook and parsed here. Raises UserError (reader.*) as
    read_workbook does."""
    from branchdesk.importers.sandbox import Child

    limits = safety.LIMITS
    timeout = min(max(float(timeout), 0.0), 86_400.0)
    kind = detect(path, _look(path, limits), limits)
    if kind in ("text", "html"):
        return None
    zipped = kind in ("xlsx", "xlsb", "ods")
    if zipped:
        safety.check_zip_directory(path, limits)
    with Child(kind, path, sheet, limits, timeout, target=main) as child:
        if zipped:
            safety.scan_zip_parts(path, kind, limits)
        messages = child.messages()
        previews = _previews(next(messages), path)
        if not previews:
            raise refuse("sheet_empty", path, sheet=sheet) if sheet else refuse("no_data", path)
        chosen, header = choose(previews)
        child.send((chosen.name, header, get_language(), datetimes.branch_zone().key, now))
        for message in messages:
            if message[0] == "error":
                raise UserError(message[1], **{**message[2], "file": path.name})
            if message[0] == "parsed":
                columns = ActivityColumns.from_plain(message[1])
                issues = [Issue(*issue) for issue in message[2]]
    return chosen, header, columns, issues
