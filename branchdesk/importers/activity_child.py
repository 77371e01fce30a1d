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

import pickle
from collections.abc import Callable
from datetime import datetime
from itertools import islice
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from branchdesk import datetimes
from branchdesk.errors import UserError
from branchdesk.i18n import get_language, set_language
from branchdesk.importers import rowcodec, safety, stage_child, worker
from branchdesk.importers.activity_sheet import ActivityColumns, ActivityHeader, parse_rows
from branchdesk.importers.reader import SheetData, _look, _previews
from branchdesk.importers.rows import Issue
from branchdesk.importers.safety import Limits, refuse
from branchdesk.importers.sniff import detect

_BATCH = 4096


def main(conn: Connection, kind: str, path: str, sheet: str | None, limits: Limits,
         timeout: float) -> None:
    """Entry point of the child."""
    worker._confine(limits, timeout)

    def send(message: tuple[Any, ...]) -> None:
        conn.send_bytes(pickle.dumps(message, pickle.HIGHEST_PROTOCOL))

    try:
        kept, previews = stage_child.read_previews(kind, path, sheet, limits)
        send(("previews", previews))
        request = pickle.loads(conn.recv_bytes())  # from the app: trusted
        if request is None:
            return
        chosen, header, language, zone, now = request
        set_language(language)
        datetimes.set_branch_zone(zone)
        first_row, first_col, _, top, rest = kept.pop(chosen)
        kept.clear()  # the other sheets' cells: not needed any more
        rows = rowcodec.decode(top, False)  # checked as it was read
        while batch := list(islice(rest, _BATCH)):
            checked = stage_child._checked_batch(batch, chosen, first_row + len(rows), first_col,
                                                 limits)
            rows += rowcodec.decode(checked, False)
        parsed, issues = parse_rows(SheetData(chosen, rows, first_row, first_col), header, now)
        del rows
        send(("parsed", ActivityColumns.of(parsed).to_plain(),
              [(i.row, i.column, i.reason, i.value) for i in issues]))
        send(("done",))
    except BaseException as error:
        send(worker.failure(error, limits))
    finally:
        conn.close()


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
