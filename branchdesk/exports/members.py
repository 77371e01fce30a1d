"""The members of a roster filter as an Excel workbook, streamed.

One row per member with every declared field (member_fields; the import's extra columns
left out), the asset tier and whether the member is dormant, in the user's language. Phone
and account numbers are masked unless revealed (the caller audits the reveal). Rows are read
from SQLite a batch at a time and written by xlsxwriter in constant-memory mode, so a roster
of a million members is never held in memory; every text cell goes through the safe-cell
helper; the file is written under a temporary name and renamed (exports/atomic.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from rich.cells import cell_len

from branchdesk import datetimes
from branchdesk.enums import Experience, Need, RiskLevel, ValueTier
from branchdesk.exports.atomic import write_atomically
from branchdesk.exports.safe_cell import write_text_xlsxwriter
from branchdesk.i18n import t
from branchdesk.member_fields import FIELDS
from branchdesk.member_query import MemberQuery
from branchdesk.services import roster_listing
from branchdesk.store.database import Store

# The columns: every declared field but the import's leftovers, the tier after the assets,
# and the dormant flag last.
_FIELDS = tuple(f for f in FIELDS if f.kind != "extra")
# Columns that may hold more than fits: lists of words and free text (not names or numbers).
WRAPPED = frozenset(f.name for f in _FIELDS if f.kind == "words" or f.name == "notes")
Progress = Callable[[int], None]


class Cancelled(Exception):
    """The person stopped the export; nothing was written."""


def columns() -> list[str]:
    names = []
    for field in _FIELDS:
        names.append(field.name)
        if field.name == "total_assets":
            names.append("value_tier")
    return [*names, "dormant"]


def headers() -> list[str]:
    return [t(f"member_export.column.{c}") if c in ("value_tier", "dormant")
            else t(f"roster_fields.field.{c}") for c in columns()]


def _labels() -> dict[str, dict[str, str]]:
    return {"needs": {n.value: n.label() for n in Need},
            "experience": {e.value: e.label() for e in Experience},
            "risk_level": {r.value: f"{r.value} {r.label()}" for r in RiskLevel},
            "value_tier": {v.value: v.label() for v in ValueTier}}


def export_members(store: Store, operator: str, query: MemberQuery, path: str | Path, *,
                   reveal: bool = False, today: date | None = None,
                   progress: Progress | None = None,
                   cancelled: Callable[[], bool] | None = None) -> int:
    """The export as a person asks for it (CLI or roster screen): a reveal is audited before
    anything is written (who, how many, the filter), a whole number searched for is audited as
    in a listing; then `write_members`."""
    from branchdesk.services import roster

    today = today or datetimes.today()
    if reveal:
        roster_listing.record_reveal(store, operator, roster.count_members(store, query, today),
                                     query)
    roster_listing.audit_number_search(store, operator, query)
    return write_members(store, query, path, reveal=reveal, today=today, progress=progress,
                         cancelled=cancelled)


def write_members(store: Store, query: MemberQuery, path: str | Path, *, reveal: bool = False,
                  today: date | None = None, progress: Progress | None = None,
                  cancelled: Callable[[], bool] | None = None) -> int:
    """Write the members `query` selects to `path` (.xlsx); returns how many. `progress`
    hears the count written so far after each batch; `cancelled` is asked as often."""
    import xlsxwriter
    import xlsxwriter.exceptions

    today = today or datetimes.today()
    names = columns()
    labels = _labels()
    yes, no = t("member_export.yes"), t("member_export.no")
    written = 0

    def write(temporary: Path) -> None:
        nonlocal written
        book = xlsxwriter.Workbook(str(temporary), {"constant_memory": True,
                                                    "tmpdir": str(temporary.parent)})
        try:
            sheet = book.add_worksheet(t("member_export.sheet"))
            bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1,
                                    "text_wrap": True, "valign": "vcenter"})
            # Every cell at the top: a wrapped list makes its row taller, and the row's other
            # values read on its first line.
            day = book.add_format({"num_format": "yyyy-mm-dd", "valign": "top"})
            money = book.add_format({"num_format": "#,##0.00", "valign": "top"})
            plain = book.add_format({"valign": "top"})
            wrap = book.add_format({"text_wrap": True, "valign": "top"})
            header = headers()
            sheet.set_row(0, HEADER_HEIGHT)  # before row 0 is written (rows are streamed)
            for col, text in enumerate(header):
                write_text_xlsxwriter(sheet, 0, col, text, bold)
            sheet.freeze_panes(1, 0)
            _print_setup(sheet)
            sample: list[list[Any]] = []  # the first rows, to fit the columns to
            row = 0
            for batch in roster_listing.json_batches(store, query, reveal=reveal, today=today):
                if cancelled is not None and cancelled():
                    raise Cancelled
                for text in batch:
                    row += 1
                    member = json.loads(text)
                    shown = [_shown(name, member.get(name), labels, yes, no) for name in names]
                    if len(sample) < SAMPLE_ROWS:
                        sample.append(shown)
                    for col, name in enumerate(names):
                        _cell(sheet, row, col, name, shown[col], day, money,
                              wrap if name in WRAPPED else plain)
                written = row
                if progress is not None:
                    progress(written)
            sheet.autofilter(0, 0, max(row, 1), len(names) - 1)
            # Set after the rows (xlsxwriter writes the widths when it closes, even streaming).
            for col, width in enumerate(fitted_widths(header, sample)):
                sheet.set_column(col, col, width)
        finally:
            try:
                book.close()
            except xlsxwriter.exceptions.FileCreateError as error:
                raise OSError(str(error)) from error

    write_atomically(path, write, example="members.xlsx")
    return written


SAMPLE_ROWS = 500      # rows measured to fit the columns to
FILTER_BUTTON = 2      # the header's filter arrow covers about two characters
PADDING = 2
WIDEST = 26            # longer lists and notes wrap within their cell
HEADER_HEIGHT = 30     # points: two lines, so a long header wraps instead of widening


def _header_room(text: str) -> int:
    """The width a header needs on two lines: half of it (a Chinese header breaks anywhere),
    but never less than its longest word (an English one breaks at spaces)."""
    words = text.split()
    half = -(-cell_len(text) // 2)
    if len(words) <= 1 and cell_len(text) == 2 * len(text):  # Chinese: whole characters
        return half + half % 2
    return max(half, *(cell_len(w) for w in words))


def fitted_widths(header: list[str], sample: list[list[Any]]) -> list[int]:
    """Each column as wide as its widest value in the sample or its header on two lines
    (with its filter arrow), by display width (a Chinese character counts two, as in
    Excel's fonts); long lists and notes wrap at WIDEST."""
    from branchdesk.exports.widths import text_width

    return [max(_header_room(name) + PADDING + FILTER_BUTTON,
                text_width([r[col] for r in sample], floor=4, ceiling=WIDEST))
            for col, name in enumerate(header)]


def _print_setup(sheet: Any) -> None:
    """Printed or previewed: A4 landscape, every column on one page wide, narrow margins,
    the header row on every page and page numbers at the foot."""
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(0.3, 0.3, 0.5, 0.5)
    sheet.repeat_rows(0)
    sheet.set_footer("&C&P / &N")


def _shown(name: str, value: Any, labels: dict[str, dict[str, str]], yes: str, no: str) -> Any:
    """A member's value as the sheet shows it: words for codes, a date for a date, the amount
    as a number; None for an empty cell."""
    if value is None or value == "" or value == []:
        return None
    if name == "dormant":
        return yes if value else no
    if name == "total_assets" and isinstance(value, int | float):
        return float(value)
    if isinstance(value, list):
        words = labels.get(name, {})
        return "、".join(words.get(str(v), str(v)) for v in value)
    if name in labels:
        return labels[name].get(str(value), str(value))
    if name in ("opened_on", "birthday", "last_active_on") and isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return value
    return value


def _cell(sheet: Any, row: int, col: int, name: str, value: Any, day: Any, money: Any,
          wrap: Any) -> None:
    if value is None:
        return
    if isinstance(value, date):
        sheet.write_datetime(row, col, value, day)
    elif name == "total_assets" and isinstance(value, float):
        sheet.write_number(row, col, value, money)
    else:
        write_text_xlsxwriter(sheet, row, col, value, wrap)
