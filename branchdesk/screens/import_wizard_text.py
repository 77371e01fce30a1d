"""The import wizard's report lines (preview and summary), in the current language."""

from __future__ import annotations

from typing import TYPE_CHECKING

from branchdesk.i18n import t

if TYPE_CHECKING:
    from branchdesk.services.importing import ImportReport


def counts_line(report: ImportReport) -> str:
    return t("import_wizard.counts", created=report.created, updated=report.updated,
             unchanged=report.unchanged, merged=report.merged, invalid=report.invalid)


def left_out_lines(report: ImportReport, shown: int = 2) -> list[str]:
    """The totals and notes rows the import left out (合计 at the foot of a sheet)."""
    lines = [t("import_report.left_out", row=f.row, text=f.value or f.column)
             for f in report.footers[:shown]]
    if len(report.footers) > shown:
        lines.append(t("import_report.left_out_more", count=len(report.footers) - shown))
    return lines


def preview_lines(report: ImportReport, file_name: str) -> list[str]:
    lines = [t("import_wizard.plan_for", file=file_name, sheet=report.sheet), counts_line(report)]
    if report.unknown_columns:
        lines.append(t("import_wizard.unknown_columns", columns="、".join(report.unknown_columns)))
    return lines + left_out_lines(report)


def issues_title(report: ImportReport, shown: int) -> str:
    if not (report.errors or report.warnings):
        return t("import_wizard.no_issues")
    if len(report.errors) + len(report.warnings) > shown:
        return t("import_wizard.issues_first", shown=shown, invalid=len(report.errors),
                 adjusted=len(report.warnings))
    return t("import_wizard.issues", invalid=len(report.errors), adjusted=len(report.warnings))


def summary_lines(report: ImportReport, file_name: str) -> list[str]:
    if report.batch_id is None:  # nothing new: nothing was written, nothing to undo
        key = "import_wizard.nothing_new_some_invalid" if report.errors else \
            "import_wizard.nothing_new"
        lines = [t(key, file=file_name, sheet=report.sheet), counts_line(report)]
        if report.errors:
            lines.append(t("import_wizard.invalid_left_out", count=len(report.errors)))
        return [*lines, *left_out_lines(report), "", t("import_wizard.summary_keys_nothing")]
    lines = [t("import_wizard.done", file=file_name, sheet=report.sheet, batch=report.batch_id),
             counts_line(report)]
    if report.errors:
        lines.append(t("import_wizard.invalid_left_out", count=len(report.errors)))
    if report.warnings:
        lines.append(t("import_wizard.adjusted", count=len(report.warnings)))
    return [*lines, *left_out_lines(report), "", t("import_wizard.summary_keys", batch=report.batch_id)]
