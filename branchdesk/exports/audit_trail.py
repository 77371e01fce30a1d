"""The audit trail of a member, a message or a date range as an Excel workbook, for an
inspection: one row per entry, what changed in words, the raw values, and a sheet that says
what was exported, from which database, with its head and whether it verified.

Every text cell goes through the safe-cell helper; phones stay masked (the trail is no way
around an audited reveal); the file is written in one step (exports/atomic.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from branchdesk import datetimes
from branchdesk.errors import UserError
from branchdesk.exports.atomic import save_workbook
from branchdesk.exports.safe_cell import append_row
from branchdesk.i18n import t

COLUMNS = ("seq", "time", "operator", "action", "entity", "entity_id", "change", "before",
           "after", "hash")
WIDTHS = (8, 20, 12, 18, 14, 10, 50, 40, 40, 20)


def check_path(path: Path) -> Path:
    if path.suffix.lower() != ".xlsx":
        raise UserError("report.not_xlsx", file=str(path))
    if not path.parent.is_dir():
        raise UserError("report.no_folder", file=str(path), folder=str(path.parent))
    return path


def _raw(text: str | None) -> str:
    from branchdesk.services.audit_trail import _json, _masked

    value = _json(text)
    if value is None:
        return ""
    return json.dumps(_masked(value), ensure_ascii=False) if not isinstance(value, str) else value


def write_trail_workbook(path: Path, store: Any, scope: Any, entries: list[dict[str, Any]],
                         operator: str) -> Path:
    import openpyxl  # heavy: imported only when a workbook is written
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from branchdesk.services import audit_trail

    path = check_path(path)
    verification = audit_trail.verify(store)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = t("audit_export.sheet_entries")
    append_row(sheet, [t(f"audit_export.col_{name}") for name in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for entry in entries:
        row = append_row(sheet, [
            entry["id"], audit_trail.local_time(entry["at"]), entry["operator"],
            audit_trail.action_label(entry["action"]), audit_trail.entity_label(entry["entity"]),
            entry["entity_id"] or "",
            "\n".join(audit_trail.change_lines(entry)), _raw(entry["before"]), _raw(entry["after"]),
            entry.get("hash") or ""])
        sheet.cell(row=row, column=7).alignment = wrap
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    about = book.create_sheet(t("audit_export.sheet_about"))
    facts = [
        (t("audit_export.scope"), scope.describe()),
        (t("audit_export.entries"), len(entries)),
        (t("audit_export.database"), str(store.path)),
        (t("audit_export.generated"), datetimes.now().strftime("%Y-%m-%d %H:%M:%S")),
        (t("audit_export.by"), operator),
        (t("audit_export.head"), verification.head.anchor),
        (t("audit_export.verified"), t("audit_export.verified_yes") if verification.ok
         else t("audit_export.verified_no")),
        *((t("audit_export.problem"), line) for line in verification.problems()),
        (t("audit_export.phones"), t("audit_export.phones_masked")),
    ]
    for label, value in facts:
        append_row(about, [label, value])
    about.column_dimensions["A"].width = 16
    about.column_dimensions["B"].width = 90
    return save_workbook(book, path, example="audit-trail.xlsx")
