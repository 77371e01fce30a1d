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
            bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
            day = book.add_format({"num_format": "yyyy-mm-dd"})
            money = book.add_format({"num_format": "#,##0.00"})
            for col, name in enumerate(names):
                sheet.set_column(col, col, _width(name))
            for col, header in enumerate(headers()):
                write_text_xlsxwriter(sheet, 0, col, header, bold)
            sheet.freeze_panes(1, 0)
            sheet.set_landscape()   # printed or previewed: every column across one page wide,
            sheet.fit_to_pages(1, 0)  # the header on each page
            sheet.repeat_rows(0)
            row = 0
            for batch in roster_listing.json_batches(store, query, reveal=reveal, today=today):
                if cancelled is not None and cancelled():
                    raise Cancelled
                for text in batch:
                    row += 1
                    member = json.loads(text)
                    for col, name in enumerate(names):
                        _cell(sheet, row, col, name, member.get(name), labels, day, money, yes, no)
                written = row
                if progress is not None:
                    progress(written)
            sheet.autofilter(0, 0, max(row, 1), len(names) - 1)
        finally:
            try:
                book.close()
            except xlsxwriter.exceptions.FileCreateError as error:
                raise OSError(str(error)) from error

    write_atomically(path, write)
    return written


def _width(name: str) -> int:
    return {"name": 12, "phone": 14, "account_no": 16, "branch": 22, "needs": 18, "tags": 18,
            "communities": 20, "total_assets": 14, "notes": 30}.get(name, 12)


def _cell(sheet: Any, row: int, col: int, name: str, value: Any, labels: dict[str, dict[str, str]],
          day: Any, money: Any, yes: str, no: str) -> None:
    if value is None or value == "" or value == []:
        return
    if name == "dormant":
        write_text_xlsxwriter(sheet, row, col, yes if value else no)
    elif name == "total_assets" and isinstance(value, int | float):
        sheet.write_number(row, col, value, money)
    elif isinstance(value, list):
        words = labels.get(name, {})
        write_text_xlsxwriter(sheet, row, col, "、".join(words.get(str(v), str(v)) for v in value))
    elif name in labels:
        write_text_xlsxwriter(sheet, row, col, labels[name].get(str(value), str(value)))
    elif name in ("opened_on", "birthday", "last_active_on") and isinstance(value, str):
        try:
            sheet.write_datetime(row, col, date.fromisoformat(value[:10]), day)
        except ValueError:
            write_text_xlsxwriter(sheet, row, col, value)
    else:
        write_text_xlsxwriter(sheet, row, col, value)
