"""Parse a big sheet's rows on two cores: the last part in a helper process, the rest here.

Parsing 100,000 roster rows is about 1 s of Python in one process. A helper process, forked
from the reader's fork server (sandbox.py), parses the last `HELPER_SHARE` of the rows while
this process parses the others, so both cores work. The helper's part goes out as the rows
are (already decoded by the reader), pickled without a memo and sent from a thread, and comes
back as plain tuples of stored values, read with the reader's restricted unpickler. The
helper also unpickles and pickles, so it takes less than half.

Whatever goes wrong with the helper (no fork server on this platform, it fails, it dies),
its part is parsed here instead: slower, never different.
"""

from __future__ import annotations

import io
import pickle
import threading
from collections.abc import Iterator
from dataclasses import replace
from multiprocessing.connection import Connection
from typing import Any

from branchdesk.i18n import get_language, set_language
from branchdesk.importers import sandbox
from branchdesk.importers.headers import HeaderMatch, SheetLike
from branchdesk.importers.reader import SheetData
from branchdesk.importers.rows import Issue, ParsedRow, StoredForm, parse_rows

MIN_ROWS = 20_000     # below this, starting a process costs more than it saves
HELPER_SHARE = 0.35   # measured best on 100k rows (0.3-0.4): the helper also unpickles and pickles
HELPER_TIMEOUT = 600  # seconds; far more than any sheet within the reader's limits needs


def parse_stored_rows(sheet: SheetLike, header: HeaderMatch,
                      stored_form: StoredForm) -> Iterator[ParsedRow]:
    """What ``parse_rows(sheet, header, stored_form=stored_form)`` yields, in the same order."""
    start = header.row_index + 1
    data_rows = len(sheet.rows) - start
    if data_rows < MIN_ROWS or not sandbox.forks_cheaply():
        yield from parse_rows(sheet, header, stored_form=stored_form)
        return
    split = len(sheet.rows) - int(data_rows * HELPER_SHARE)
    mine = SheetData(sheet.name, sheet.rows[:split], sheet.first_row, sheet.first_col)
    theirs = _last_part(sheet, header, split)
    helper = _Helper(theirs, replace(header, row_index=0), stored_form)
    try:
        yield from parse_rows(mine, header, stored_form=stored_form)
        yield from helper.results()
    finally:
        helper.close()


def _last_part(sheet: SheetLike, header: HeaderMatch, split: int) -> SheetData:
    """Rows from `split` on, under a copy of the header row, numbered as in the file."""
    rows = [sheet.rows[header.row_index], *sheet.rows[split:]]
    return SheetData(sheet.name, rows, sheet.first_row + split - 1, sheet.first_col)


class _Helper:
    """One helper process parsing one part; falls back to parsing it here."""

    def __init__(self, sheet: SheetData, header: HeaderMatch, stored_form: StoredForm) -> None:
        self._sheet, self._header, self._stored_form = sheet, header, stored_form
        self._process: Any = None
        self._conn: Connection | None = None
        self._sender: threading.Thread | None = None
        try:
            self._start()
        except (OSError, ValueError, TypeError, AttributeError, pickle.PicklingError):
            self.close()

    def _start(self) -> None:
        ctx = sandbox.context()
        sandbox.warm_up()
        self._conn, child_end = ctx.Pipe()
        self._process = ctx.Process(target=helper_main, args=(child_end,),
                                    name=sandbox.PARSER_NAME, daemon=True)
        try:
            self._process.start()
        finally:
            child_end.close()
        request = (self._sheet.name, self._sheet.first_row, self._sheet.first_col,
                   self._header, self._stored_form, get_language())
        messages = (pickle.dumps(request, pickle.HIGHEST_PROTOCOL), _dumps_rows(self._sheet.rows))
        # The helper imports the parser before it reads its part; sending from a thread lets
        # this process parse meanwhile rather than wait on the pipe (0.04-0.05 s).
        self._sender = threading.Thread(target=self._send, args=messages,
                                        name="parse-helper-send", daemon=True)
        self._sender.start()

    def _send(self, *messages: bytes) -> None:
        assert self._conn is not None
        try:
            for message in messages:
                self._conn.send_bytes(message)
        except OSError:
            pass  # the helper is gone: `results` parses its part here

    def results(self) -> Iterator[ParsedRow]:
        parsed = self._receive()
        if parsed is None:  # the helper could not do it: parse the part here
            yield from parse_rows(self._sheet, self._header, stored_form=self._stored_form)
            return
        for row, values, extra, warnings, error in parsed:
            yield ParsedRow(row, values, extra, [Issue(*w) for w in warnings],
                            Issue(*error) if error else None)

    def _receive(self) -> list[tuple] | None:
        if self._conn is None:
            return None
        if self._sender is not None:
            self._sender.join()  # done once the helper has read its part, or is gone
        try:
            if not self._conn.poll(HELPER_TIMEOUT):
                return None
            answer = sandbox.load_plain(self._conn.recv_bytes())
        except (EOFError, OSError, pickle.UnpicklingError, ValueError, TypeError):
            return None
        return answer[1] if answer[0] == "rows" else None

    def close(self) -> None:
        if self._process is not None and self._process.pid is not None:
            if self._process.is_alive():
                self._process.kill()
            self._process.join(5)
        if self._sender is not None:
            self._sender.join()  # its pipe's reader has ended, so it cannot block any more
        if self._conn is not None:
            self._conn.close()


def helper_main(conn: Connection) -> None:
    """Entry point of the helper process."""
    import gc

    gc.disable()  # short-lived, no reference cycles: the collector would only rescan rows
    try:
        name, first_row, first_col, header, stored_form, language = (
            pickle.loads(conn.recv_bytes()))
        rows = pickle.loads(conn.recv_bytes())
        set_language(language)
        sheet = SheetData(name, rows, first_row, first_col)
        parsed = [(p.row, p.values, p.extra, [_plain_issue(w) for w in p.warnings],
                   _plain_issue(p.error) if p.error else None)
                  for p in parse_rows(sheet, header, stored_form=stored_form)]
        conn.send_bytes(pickle.dumps(("rows", parsed), pickle.HIGHEST_PROTOCOL))
    except Exception as error:  # the parent parses the part itself
        conn.send_bytes(pickle.dumps(("error", repr(error))))
    finally:
        conn.close()


def _dumps_rows(rows: list[list[Any]]) -> bytes:
    """The rows pickled without the memo (`Pickler.fast`): 0.013 s instead of 0.06 s for
    35,000 rows. Rows are lists of cell values, never cyclic; a value two cells share is
    simply written twice."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, pickle.HIGHEST_PROTOCOL)
    pickler.fast = True
    pickler.dump(rows)
    return buffer.getvalue()


def _plain_issue(issue: Issue) -> tuple[int, str, str, str]:
    return (issue.row, issue.column, issue.reason, issue.value)
