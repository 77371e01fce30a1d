"""What the import wizard shows: the layout of its four steps and how each step shows what
the workers found (the sheet and its column mapping, the preview, the summary, the last batch).

Mixed into `ImportWizardScreen`: `self` is the screen; nothing here changes the step or
starts work.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import (
    ContentSwitcher,
    Footer,
    Input,
    Label,
    ProgressBar,
    Select,
    Static,
)

from branchdesk.errors import UserError
from branchdesk.i18n import t
from branchdesk.screens import import_wizard_text as report_text
from branchdesk.screens.import_wizard_messages import Checked
from branchdesk.widgets.app_header import AppHeader
from branchdesk.widgets.import_wizard_file_tree import ROSTER_SUFFIXES, RosterFileTree
from branchdesk.widgets.import_wizard_tables import ISSUES_SHOWN, IssuesTable, MappingTable
from branchdesk.widgets.member_card_form import field_label
from branchdesk.widgets.member_card_history import local_time

if TYPE_CHECKING:
    from branchdesk.services.importing import ImportReport

NUMBERED_STEPS = ("file", "mapping", "preview", "summary")  # applying is part of step 3 → 4


class WizardViews:
    """Layout and display of the wizard's steps."""

    checked: Checked | None
    result: ImportReport | None
    _undo_batch: dict[str, Any] | None
    _sheet_names: list[str]

    def compose(self) -> ComposeResult:
        yield AppHeader("import_wizard.name")
        yield Static("", id="wizard-title", markup=False)
        with ContentSwitcher(initial="step-file", id="wizard-steps"):
            with Vertical(id="step-file"):
                with Horizontal(classes="line"):
                    yield Label(t("import_wizard.path_label"), id="path-label", classes="line-label",
                                markup=False)
                    yield Input(placeholder=t("import_wizard.path_placeholder"), id="path",
                                compact=True)
                yield Label(self._tree_hint(), id="tree-hint", classes="hint", markup=False)
                yield RosterFileTree(self.start, id="file-tree")
                with Horizontal(id="read-busy", classes="busy"):
                    yield Label("", id="read-status", markup=False)
                    yield ProgressBar(id="read-progress", show_eta=False)
                yield Static("", id="file-message", classes="message", markup=False)
                yield Static("", id="last-batch", classes="hint", markup=False)
            with Vertical(id="step-mapping"):
                with Horizontal(classes="line"):
                    yield Label(t("import_wizard.sheet_label"), id="sheet-label", classes="line-label",
                                markup=False)
                    yield Select[str]([], id="sheet", compact=True, allow_blank=True,
                                      prompt=t("import_wizard.sheet_prompt"))
                yield Static("", id="header-info", classes="hint", markup=False)
                yield MappingTable(id="mapping")
                yield Static("", id="mapping-status", classes="message", markup=False)
            with Vertical(id="step-preview"):
                yield Static("", id="preview-counts", markup=False)
                yield Label("", id="issues-title", markup=False)
                yield IssuesTable(id="issues")
                yield Static("", id="issue-detail", markup=False)
                yield Static("", id="preview-status", classes="message", markup=False)
            with Vertical(id="step-applying"):
                yield Label("", id="apply-status", markup=False)
                yield ProgressBar(id="apply-progress", show_eta=True)
                yield Label(t("import_wizard.cancel_hint"), id="cancel-hint", classes="hint",
                            markup=False)
            with Vertical(id="step-summary"):
                yield Static("", id="summary", markup=False)
        yield Footer()

    @staticmethod
    def _tree_hint() -> str:
        return t("import_wizard.tree_hint", suffixes=" ".join(sorted(ROSTER_SUFFIXES)))

    def relabel(self) -> None:
        """The language changed (the app calls this): relabel in place, keeping the step."""
        for selector, key in (("#path-label", "path_label"), ("#sheet-label", "sheet_label"),
                              ("#cancel-hint", "cancel_hint")):
            self.query_one(selector, Label).update(t(f"import_wizard.{key}"))
        self.query_one("#tree-hint", Label).update(self._tree_hint())
        self.query_one("#path", Input).placeholder = t("import_wizard.path_placeholder")
        self.query_one("#sheet", Select).prompt = t("import_wizard.sheet_prompt")
        self.query_one(MappingTable).relabel()
        self.query_one(IssuesTable).relabel()
        self.query_one(AppHeader).refresh()
        self._show_title()
        self._show_last_batch()
        if self.checked is not None:
            self._show_checked(self.checked)
        if self.result is not None:
            self._show_summary(self.result)

    def _show_title(self) -> None:
        shown = "preview" if self.step == "applying" else self.step
        self.query_one("#wizard-title", Static).update(t(
            "import_wizard.title", number=NUMBERED_STEPS.index(shown) + 1,
            count=len(NUMBERED_STEPS), step=t(f"import_wizard.step_{self.step}")))

    def _show_step(self) -> None:
        self.query_one(ContentSwitcher).current = f"step-{self.step}"
        self._show_title()
        self.refresh_bindings()
        focus = {"file": "#file-tree", "mapping": "#mapping", "preview": "#issues"}.get(self.step)
        if focus:
            self.query_one(focus).focus()
        else:
            self.set_focus(None)

    def _show_progress(self, done: int, total: int) -> None:
        if not self.is_attached:
            return
        bar_id = "#apply-progress" if self.step == "applying" else "#read-progress"
        self.query_one(bar_id, ProgressBar).update(total=total, progress=done)

    def _show_last_batch(self) -> None:
        from branchdesk.services import import_steps

        try:
            self._undo_batch = import_steps.last_undoable_batch(self.store)
        except UserError as error:
            self._undo_batch = None
            self.notify(error.message, severity="error", markup=False)
        batch = self._undo_batch
        text = t("import_wizard.no_batch") if batch is None else t(
            "import_wizard.last_batch", id=batch["id"], file=batch["file_name"],
            operator=batch["operator"], at=local_time(batch["imported_at"]),
            created=batch["created"], updated=batch["updated"])
        self.query_one("#last-batch", Static).update(text)
        self.refresh_bindings()

    def _show_checked(self, checked: Checked) -> None:
        from branchdesk.services import import_steps

        self.checked = checked
        loaded = checked.loaded
        sheet = self.query_one("#sheet", Select)
        names = [s.name for s in loaded.sheets]
        if names != self._sheet_names:
            self._sheet_names = names
            sheet.set_options([(Text(name), name) for name in names])
        if sheet.value != loaded.sheet.name:
            sheet.value = loaded.sheet.name
        self.query_one("#header-info", Static).update(t(
            "import_wizard.header_info", file=loaded.path.name,
            row=loaded.sheet.first_row + loaded.header.row_index,
            rows=max(len(loaded.sheet.rows) - loaded.header.row_index - 1, 0)))
        self.query_one(MappingTable).show(import_steps.columns(loaded))
        missing = import_steps.missing_required(loaded)
        if missing:
            labels = t("import_wizard.list_separator").join(
                t("import_wizard.phone_or_account") if f == "phone" else field_label(f)
                for f in missing)
            self._message("#mapping-status", t("import_wizard.missing_required", fields=labels),
                          error=True)
        else:
            self._message("#mapping-status", report_text.counts_line(checked.report) + "  "
                          + t("import_wizard.preview_hint"))
        self._show_preview(checked.report)

    def _show_preview(self, report: ImportReport) -> None:
        name = self.checked.loaded.path.name if self.checked else ""
        self.query_one("#preview-counts", Static).update(
            "\n".join(report_text.preview_lines(report, name)))
        issues = self.query_one(IssuesTable)
        issues.show(report.errors, report.warnings)
        issues.display = bool(report.errors or report.warnings)
        self.query_one("#issue-detail").display = issues.display
        self._show_issue(issues.cursor_row)
        self.query_one("#issues-title", Label).update(report_text.issues_title(report, ISSUES_SHOWN))
        self._message("#preview-status", t("import_wizard.apply_hint"))

    def _show_issue(self, index: int) -> None:
        self.query_one("#issue-detail", Static).update(self.query_one(IssuesTable).describe(index))

    def _show_summary(self, report: ImportReport) -> None:
        name = self.checked.loaded.path.name if self.checked else ""
        self.query_one("#summary", Static).update("\n".join(report_text.summary_lines(report, name)))

    def _message(self, selector: str, text: str, *, error: bool = False) -> None:
        widget = self.query_one(selector, Static)
        widget.update(text)
        widget.set_class(error, "error")
