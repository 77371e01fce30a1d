"""The import wizard's tables: the column mapping and the rows that will not be imported.

Cells from the file are Text, never str: DataTable reads a str as markup."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import DataTable

from branchdesk.i18n import t
from branchdesk.services.import_steps import ColumnInfo
from branchdesk.widgets.member_card_form import field_label
from branchdesk.widgets.translated_bindings import translate_bindings

ISSUES_SHOWN = 500  # a table of 50,000 bad rows would freeze the app; the count says the rest


class MappingTable(DataTable):
    """One row per column of the file: letter, header, the field it fills, a sample value.
    Enter on a row asks which field that column should fill."""

    HELP_SECTION = "import_wizard.help.mapping"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "import_wizard.key.change_field"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        translate_bindings(self)

    COLUMNS = ("letter", "header", "field", "sample")

    def on_mount(self) -> None:
        for key in self.COLUMNS:
            self.add_column(t(f"import_wizard.col_{key}"), key=key)

    def relabel(self) -> None:
        _relabel_columns(self)

    def show(self, columns: Sequence[ColumnInfo]) -> None:
        keep = self.cursor_row
        self.clear()
        for column in columns:
            if column.field:
                field = Text(field_label(column.field), "bold")
            elif column.ignored:
                field = Text(t("import_wizard.ignored"), "dim")
            else:
                field = Text(t("import_wizard.not_imported"), "dim")
            self.add_row(column.letter, Text(_cut(column.header, 20)), field,
                         Text(_cut(column.sample, 24)), key=str(column.index))
        if self.row_count:
            self.move_cursor(row=min(keep, self.row_count - 1))


class IssuesTable(DataTable):
    """Rows that will not be imported (✗) and values that were adjusted or left out (!):
    the row in Excel, the column, the value and why. Reasons are long; `describe` gives the
    highlighted one in full for a line under the table."""

    COLUMNS = ("kind", "row", "column", "value", "reason")

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.issues: list[tuple[bool, Any]] = []  # (is an error, Issue)

    def on_mount(self) -> None:
        for key in self.COLUMNS:
            self.add_column(t(f"import_wizard.col_{key}"), key=key)

    def relabel(self) -> None:
        _relabel_columns(self)

    def show(self, errors: Sequence[Any], warnings: Sequence[Any]) -> None:
        self.clear()
        self.issues = [(True, i) for i in errors[:ISSUES_SHOWN]]
        self.issues += [(False, i) for i in warnings[:max(ISSUES_SHOWN - len(self.issues), 0)]]
        for is_error, issue in self.issues:
            mark = Text("✗", "bold red") if is_error else Text("!", "yellow")
            self.add_row(mark, str(issue.row), Text(_cut(issue.column, 14)),
                         Text(_cut(getattr(issue, "value", "") or "", 14)), Text(issue.reason))

    def describe(self, index: int) -> str:
        """The issue on row `index`, whole, as a sentence."""
        if not 0 <= index < len(self.issues):
            return ""
        is_error, issue = self.issues[index]
        key = "import_wizard.issue_error" if is_error else "import_wizard.issue_warning"
        value = getattr(issue, "value", "") or ""
        where = t("import_wizard.issue_cell", column=issue.column, value=value) if value else (
            issue.column)
        return t(key, row=issue.row, where=where, reason=issue.reason)


def _relabel_columns(table: DataTable) -> None:
    """Column titles in the current language (the rows are redrawn by their owner)."""
    for key, column in table.columns.items():
        column.label = Text(t(f"import_wizard.col_{key.value}"))
    table.refresh()


def _cut(text: str, width: int) -> str:
    """Keep a long header or sample from pushing the other columns off an 80-column screen."""
    if cell_len(text) <= width:
        return text
    while cell_len(text) > width - 1:
        text = text[:-1]
    return text + "…"
