"""The reader child of a roster import: it reads, shows the app the top of each sheet, and
then parses and stages the sheet the app chose, on two cores, without sending its rows.

Handing 100,000 rows to the app cost 0.3 s (packing here, unpacking there) before any parse
began. Here the rows stay where calamine made them: once the app has found the header in the
top rows, this process forks; the copy parses the second half while this one parses the first,
and each writes its part to a staging file (importers/stage.py). Only the counts, invalid rows
and warnings travel back.

Messages to the app, plain values as in worker.py: ``("previews", [(name, first_row, first_col,
rows, height), …])``; then, after the app's answer ``(sheet, header, language, paths,
derive)`` (or None to stop), ``("part", plain PartResult)`` for each path and ``("done",)``; or
``("error", key, params)``.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from itertools import islice
from multiprocessing import Pipe
from multiprocessing.connection import Connection
from typing import Any

from branchdesk import pinyin_sort
from branchdesk.errors import UserError
from branchdesk.i18n import set_language
from branchdesk.importers import lifeline, rowcodec, worker
from branchdesk.importers.headers import HeaderMatch
from branchdesk.importers.reader import SheetData
from branchdesk.importers.rows import ColumnCheck
from branchdesk.importers.safety import Limits
from branchdesk.importers.stage import PartResult, stage_part

PREVIEW_ROWS = 240  # enough to find a header (30 rows) and look under it (200)
_SHARE = 0.53  # of the rows, for this process when two parse


def main(conn: Connection, kind: str, path: str, sheet: str | None, limits: Limits,
         timeout: float) -> None:
    """Entry point of the child."""
    def stage(name: str, cells: KeptSheet, header: HeaderMatch,
              more: list[Any]) -> Iterator[bytes]:
        paths, derive = more
        return _stage(name, *cells, header, paths, limits, derive)

    serve(conn, kind, path, sheet, limits, timeout, stage)


# (first_row, first_col, height, top rows, the rest still to come) of a sheet read
KeptSheet = tuple[int, int, int, list[list[Any]], Iterator[list[Any]]]
Kept = dict[str, KeptSheet]
# what a child does with the sheet the app chose: (name, its cells, the header the app found,
# the rest of the app's answer) → the pickled messages for the app
Work = Callable[[str, KeptSheet, Any, list[Any]], Iterable[bytes]]


def serve(conn: Connection, kind: str, path: str, sheet: str | None, limits: Limits,
          timeout: float, work: Work) -> None:
    """The reader child's side of the talk with the app, for the roster and the activity
    import alike: confined to the limits, it sends the previews, waits for the app's answer
    ``(sheet, header, language, *more)`` (None: stop), sends what `work` makes of the chosen
    sheet, then ``("done",)``; a failure as ``("error", key, params)``."""
    worker._confine(limits, timeout)

    def send(message: tuple[Any, ...]) -> None:
        conn.send_bytes(pickle.dumps(message, pickle.HIGHEST_PROTOCOL))

    try:
        kept, previews = read_previews(kind, path, sheet, limits)
        send(("previews", previews))
        request = pickle.loads(conn.recv_bytes())  # from the app: trusted
        if request is None:
            return
        chosen, header, language, *more = request
        set_language(language)
        cells = kept.pop(chosen)
        kept.clear()  # the other sheets' cells: not needed any more
        for message in work(chosen, cells, header, more):
            conn.send_bytes(message)
        send(("done",))
    except BaseException as error:
        send(worker.failure(error, limits))
    finally:
        conn.close()


def read_previews(kind: str, path: str, sheet: str | None,
                  limits: Limits) -> tuple[Kept, list[tuple[Any, ...]]]:
    """Every sheet read, its top rows for the app (the ``previews`` message's list) and, kept
    here by name: (first_row, first_col, height, top rows, the rest still to come)."""
    kept: Kept = {}
    previews = []
    for name, first_row, first_col, _, height, rows in worker._calamine_sheets(
            kind, path, sheet, limits):
        top = _checked_batch(list(islice(rows, PREVIEW_ROWS)), name, first_row, first_col,
                             limits)
        kept[name] = (first_row, first_col, height, top, rows)
        previews.append((name, first_row, first_col, rowcodec.decode(top, False), height))
    return kept, previews


def _stage(name: str, first_row: int, first_col: int, height: int, top: list[list[Any]],
           rest: Iterator[list[Any]], header: HeaderMatch, paths: list[str],
           limits: Limits, derive: bool = True) -> Iterator[bytes]:
    """Parse and stage the sheet, in one part or in two on two processes: the ``part``
    messages for the app, pickled, each as soon as it is ready (the copy's as it sent it,
    not unpickled on the way; the copy's exit, slow for a big process, is awaited last)."""
    check = _column_check(name, first_col, limits)
    if len(paths) == 1 or not hasattr(os, "fork"):
        rows = top + list(rest)
        yield _part_message(stage_part(SheetData(name, rows, first_row, first_col), header,
                                       paths[0], check=check, derive=derive))
        return
    # The copy first steps over the rows before its part (making each row costs ~0.6 µs of
    # the ~9 µs its parse does): this process takes a little more than half.
    middle = max(len(top), header.row_index + 1 + int((height - header.row_index - 1) * _SHARE))
    if derive:
        pinyin_sort.load()  # once, before the copy is made: both parts sort names by it
    answers, answer = Pipe(duplex=False)  # the copy's result, relayed by this process
    pid = os.fork()
    if pid == 0:  # the copy: rows from `middle` on, under a copy of the header row
        try:
            lifeline.watch_after_fork()  # ends with the app, as this process does
            answers.close()
            for _ in islice(rest, middle - len(top)):
                pass
            part = SheetData(name, [top[header.row_index], *rest], first_row + middle - 1,
                             first_col)
            answer.send_bytes(_part_message(
                stage_part(part, replace(header, row_index=0), paths[1], check=check,
                           derive=derive)))
        except BaseException as error:
            answer.send_bytes(pickle.dumps(worker.failure(error, limits)))
        finally:
            os._exit(0)
    answer.close()
    try:
        rows = top + list(islice(rest, middle - len(top)))
        yield _part_message(stage_part(SheetData(name, rows, first_row, first_col), header,
                                       paths[0], check=check, derive=derive))
        try:
            yield answers.recv_bytes()  # a part, or the copy's error: the app reads both
        except EOFError:  # the copy died without a word
            raise UserError("reader.crashed") from None
    finally:
        answers.close()
        os.waitpid(pid, 0)


def _part_message(result: PartResult) -> bytes:
    return pickle.dumps(("part", result.to_plain()), pickle.HIGHEST_PROTOCOL)


def _column_check(name: str, first_col: int, limits: Limits) -> ColumnCheck:
    """The reader's limits on each block of cells a part parses (rows.parse_blocks)."""
    def check(columns: list[Sequence[Any]], number: int) -> list[Sequence[Any]]:
        try:
            return rowcodec.check_columns(columns, limits.max_cell_chars)
        except rowcodec.CellTooLong as long:
            raise _too_long(name, number + long.row, first_col + long.col, limits) from None

    return check


def _checked_batch(batch: list[list[Any]], name: str, number: int, first_col: int,
                   limits: Limits) -> list[list[Any]]:
    try:
        return rowcodec.check_rows(batch, limits.max_cell_chars)
    except rowcodec.CellTooLong as long:
        raise _too_long(name, number + long.row, first_col + long.col, limits) from None


def _too_long(sheet: str, row: int, col: int, limits: Limits) -> UserError:
    return UserError("reader.cell_too_long_at", sheet=sheet, cell=worker.cell_name(row, col),
                     limit=f"{limits.max_cell_chars:,}")
