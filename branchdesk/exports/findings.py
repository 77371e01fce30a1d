"""Excel workbook of compliance findings, for the compliance officer's files."""

from __future__ import annotations

from pathlib import Path

from branchdesk.errors import UserError
from branchdesk.exports.atomic import save_workbook
from branchdesk.exports.safe_cell import append_row
from branchdesk.i18n import t


def check_report_path(path: str | Path) -> Path:
    """Refuse a report path that cannot work before any checking is done."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise UserError("report.not_xlsx", file=str(path))
    if not path.parent.is_dir():
        raise UserError("report.no_folder", file=str(path), folder=str(path.parent))
    return path


def write_findings_report(path: str | Path, results: list, pack_version: str) -> Path:
    """One row per finding (and one per clean message), every text through the safe-cell helper."""
    import openpyxl  # heavy: imported only when a report is written
    from openpyxl.styles import Font

    from branchdesk.compliance.basis import basis_text

    path = check_report_path(path)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = t("report.sheet_findings")
    headers = [t(f"report.col_{name}") for name in (
        "id", "verdict", "rule", "category", "severity", "start", "end", "match",
        "explanation", "suggestion", "basis", "text")]
    append_row(sheet, headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for item, result in results:
        verdict = t(f"report.verdict_{result.verdict.value}")
        if not result.findings:
            append_row(sheet, [item.id, verdict, "", "", "", None, None, "", "", "", "", item.text])
        for f in result.findings:
            append_row(sheet, [item.id, verdict, f.rule, f.category.label(), f.severity.label(),
                               f.start, f.end, f.match, f.explanation, f.suggestion,
                               basis_text(f.basis), item.text])
    for letter, width in zip("ABCDEFGHIJKL", (8, 8, 22, 12, 8, 6, 6, 16, 40, 40, 30, 60), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    info = book.create_sheet(t("report.sheet_about"))
    append_row(info, [t("report.pack_version"), pack_version])
    append_row(info, [t("report.messages"), len(results)])
    return save_workbook(book, path, example="findings.xlsx")  # a temporary file, renamed when complete
