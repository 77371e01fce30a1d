"""Import a roster step by step: choose a file, check the sheet and the column mapping,
preview what would change, apply (cancellable, all or nothing), read the summary, undo.

Reading, parsing and applying run in thread workers so the app stays responsive; the
services report progress through callbacks and never see a widget, and each worker reports
its end as a typed message (import_wizard_messages.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import (
    ContentSwitcher,
    DataTable,
    DirectoryTree,
    Footer,
    Input,
    Label,
    ProgressBar,
    Select,
    Static,
)
from textual.worker import Worker, WorkerState, get_current_worker

from branchdesk.errors import UserError
from branchdesk.i18n import t
from branchdesk.screens import import_wizard_text as report_text
from branchdesk.screens.base import AppContext
from branchdesk.screens.import_wizard_messages import (
    Checked,
    ImportApplied,
    ImportStopped,
    ImportUndone,
    RosterChecked,
    StepFailed,
)
from branchdesk.user_state import remember, remembered
from branchdesk.widgets.app_header import AppHeader
from branchdesk.widgets.import_wizard_dialogs import NOT_IMPORTED, ConfirmScreen, FieldChooserScreen
from branchdesk.widgets.import_wizard_file_tree import ROSTER_SUFFIXES, RosterFileTree
from branchdesk.widgets.import_wizard_tables import ISSUES_SHOWN, IssuesTable, MappingTable
from branchdesk.widgets.member_card_form import field_label
from branchdesk.widgets.member_card_history import local_time
from branchdesk.widgets.translated_bindings import translate_bindings

if TYPE_CHECKING:
    from branchdesk.services.importing import ImportReport, LoadedRoster, PreparedRoster

STEPS = ("file", "mapping", "preview", "applying", "summary")
LAST_FOLDER = "import_folder"  # user_state key: the folder the last roster was chosen in


def last_folder() -> Path | None:
    """The folder the last roster came from, if it is still there."""
    remembered_folder = remembered(LAST_FOLDER)
    if remembered_folder is None:
        return None
    path = Path(remembered_folder)
    try:
        return path if path.is_dir() else None
    except OSError:
        return None


NUMBERED_STEPS = ("file", "mapping", "preview", "summary")  # applying is part of step 3 → 4


class ImportWizardScreen(AppContext, Screen[bool]):
    CSS_PATH = "import_wizard.tcss"
    HELP_SECTION = "import_wizard.help.screen"
    BINDINGS: ClassVar[list[BindingType]] = [
        # One key, three meanings; check_action lets the one that fits the step through.
        Binding("escape", "cancel_import", "import_wizard.key.cancel_import"),
        Binding("escape", "back", "import_wizard.key.back"),
        Binding("escape", "close", "import_wizard.key.close"),
        Binding("p", "preview", "import_wizard.key.preview"),
        Binding("a", "apply", "import_wizard.key.apply"),
        Binding("n", "new_file", "import_wizard.key.new_file"),
        Binding("ctrl+z", "undo", "import_wizard.key.undo"),
    ]

    step: reactive[str] = reactive("file", init=False)

    def __init__(self, start: Path | None = None) -> None:
        super().__init__()
        translate_bindings(self)
        self.start = start or last_folder() or Path.cwd()
        self.checked: Checked | None = None
        self.result: ImportReport | None = None
        self.changed = False  # something imported or undone: the roster should refresh
        self._undo_batch: dict[str, Any] | None = None
        self._cancel = threading.Event()
        self._sheet_names: list[str] = []

    # The app shell provides these (BranchDeskApp.store / .settings).
    # --- layout -----------------------------------------------------------------------------------

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

    def on_mount(self) -> None:
        self.query_one("#read-busy").display = False
        self._show_step()
        self._show_last_batch()
        self.query_one("#file-tree").focus()

    def watch_step(self) -> None:
        self._show_step()

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

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        step = self.step
        allowed = {
            "cancel_import": step == "applying",
            "back": step in ("mapping", "preview"),
            "close": step in ("file", "summary"),
            "preview": step == "mapping",
            "apply": step == "preview",
            "new_file": step == "summary",
            "undo": step in ("file", "summary") and self._undo_target() is not None,
        }
        return allowed.get(action, True)

    # --- step 1: the file -------------------------------------------------------------------------

    @on(DirectoryTree.FileSelected, "#file-tree")
    def _file_chosen(self, event: DirectoryTree.FileSelected) -> None:
        self.query_one("#path", Input).value = str(event.path)
        self.open_file(event.path)

    @on(Input.Submitted, "#path")
    def _path_typed(self, event: Input.Submitted) -> None:
        text = event.value.strip().strip('"')  # Windows "Copy as path" adds quotes
        if not text:
            return
        path = Path(text).expanduser()
        if path.is_dir():  # a folder: browse it rather than read it
            self.query_one(RosterFileTree).path = path
            self.query_one(RosterFileTree).focus()
            return
        self.open_file(path)

    def open_file(self, path: Path) -> None:
        with suppress(OSError):
            remember(LAST_FOLDER, str(path.resolve().parent))  # the tree starts there next time
        self._message("#file-message", "")
        self.query_one("#read-status", Label).update(t("import_wizard.reading", file=path.name))
        self.query_one("#read-progress", ProgressBar).update(total=None, progress=0)
        self.query_one("#read-busy").display = True
        self._read(path)

    def _report(self, message: Message) -> None:
        """Post a worker's result, unless the worker was cancelled (a newer one replaced it)."""
        if not get_current_worker().is_cancelled:
            self.post_message(message)

    @work(thread=True, exclusive=True, group="read", name="read", exit_on_error=False)
    def _read(self, path: Path) -> None:
        from branchdesk.services import importing

        try:
            self._report(RosterChecked(self._check(importing.load(path)), first=True))
        except UserError as error:
            self._report(StepFailed("read", error.message))
        except Exception as error:  # a reader bug must not take the app down
            self._report(StepFailed("read", t("import_wizard.unexpected", file=path.name,
                                               error=repr(error))))
        finally:
            self.store.close()  # this worker thread's connection

    def _check(self, loaded: LoadedRoster) -> Checked:
        """Parse and preview (in a worker thread)."""
        from branchdesk.services import importing

        worker = get_current_worker()
        prepared = importing.prepare(loaded, progress=self._progress_callback(),
                                     cancelled=lambda: worker.is_cancelled)
        return Checked(loaded, prepared, importing.preview(self.store, prepared))

    def _progress_callback(self) -> Callable[[int, int], None]:
        def report(done: int, total: int) -> None:
            # RuntimeError: the app is closing; the worker learns it from is_cancelled.
            with suppress(RuntimeError):
                self.app.call_from_thread(self._show_progress, done, total)

        return report

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

    # --- step 2: sheet and columns ------------------------------------------------------------------

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

    @on(Select.Changed, "#sheet")
    def _sheet_chosen(self, event: Select.Changed) -> None:
        if self.checked is None or event.value is Select.NULL:
            return
        if event.value != self.checked.loaded.sheet.name:
            self._message("#mapping-status", t("import_wizard.checking"))
            self._recheck(self.checked.loaded, sheet=str(event.value))

    @on(DataTable.RowSelected, "#mapping")
    def _column_chosen(self, event: DataTable.RowSelected) -> None:
        from branchdesk.services import import_steps

        if self.checked is None or event.row_key.value is None:
            return
        loaded = self.checked.loaded
        column = int(event.row_key.value)
        info = next(c for c in import_steps.columns(loaded) if c.index == column)
        holders = {c.field: c for c in import_steps.columns(loaded) if c.field}
        choices = []
        for name in import_steps.MAPPABLE_FIELDS:
            label = field_label(name)
            if name in holders and holders[name].index != column:
                label = t("import_wizard.field_taken", field=label, letter=holders[name].letter,
                          header=holders[name].header)
            choices.append((name, label))

        def chosen(field: str | None) -> None:
            if field is None or field == (info.field or NOT_IMPORTED):
                return
            remapped = import_steps.remap(loaded, column, field or None)
            self._message("#mapping-status", t("import_wizard.checking"))
            self._recheck(remapped)

        self.app.push_screen(FieldChooserScreen(f"{info.letter} {info.header}", choices, info.field),
                             chosen)

    @work(thread=True, exclusive=True, group="read", name="recheck", exit_on_error=False)
    def _recheck(self, loaded: LoadedRoster, sheet: str | None = None) -> None:
        from branchdesk.services import import_steps

        try:
            if sheet is not None:
                loaded = import_steps.switch_sheet(loaded, sheet)
            self._report(RosterChecked(self._check(loaded), first=False))
        except UserError as error:
            self._report(StepFailed("recheck", error.message))
        except Exception as error:
            self._report(StepFailed("recheck", t("import_wizard.unexpected", file=loaded.path.name,
                                                  error=repr(error))))
        finally:
            self.store.close()

    # --- step 3: preview, apply -------------------------------------------------------------------

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

    @on(DataTable.RowHighlighted, "#issues")
    def _issue_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_issue(event.cursor_row)

    def _show_issue(self, index: int) -> None:
        self.query_one("#issue-detail", Static).update(self.query_one(IssuesTable).describe(index))

    def action_preview(self) -> None:
        from branchdesk.services import import_steps

        if self.checked is None or self._busy("read"):
            self.notify(t("import_wizard.still_checking"), markup=False)
            return
        if import_steps.missing_required(self.checked.loaded):
            self.notify(t("import_wizard.fix_mapping_first"), severity="warning", markup=False)
            return
        self.step = "preview"

    def action_apply(self) -> None:
        if self.checked is None:
            return
        self._cancel.clear()
        self.query_one("#apply-status", Label).update(
            t("import_wizard.applying", file=self.checked.loaded.path.name))
        self.query_one("#apply-progress", ProgressBar).update(total=None, progress=0)
        self.step = "applying"
        self._apply(self.checked.prepared)

    @work(thread=True, exclusive=True, group="apply", name="apply", exit_on_error=False)
    def _apply(self, prepared: PreparedRoster) -> None:
        from branchdesk.services import importing

        worker = get_current_worker()
        # Our own flag, not worker.cancel(): a cancelled thread worker stops being watched
        # while its thread runs on, and we must report what the database really holds.
        try:
            self.post_message(ImportApplied(importing.apply(
                self.store, prepared, self.operator, progress=self._progress_callback(),
                cancelled=lambda: self._cancel.is_set() or worker.is_cancelled)))
        except importing.ImportCancelled as error:
            self.post_message(ImportStopped(error.message))
        except UserError as error:
            self.post_message(StepFailed("apply", error.message))
        except Exception as error:
            self.post_message(StepFailed("apply", t(
                "import_wizard.unexpected", file=prepared.loaded.path.name, error=repr(error))))
        finally:
            self.store.close()

    def action_cancel_import(self) -> None:
        self._cancel.set()
        self.query_one("#apply-status", Label).update(t("import_wizard.cancelling"))

    # --- step 4: summary, undo --------------------------------------------------------------------

    def _show_summary(self, report: ImportReport) -> None:
        name = self.checked.loaded.path.name if self.checked else ""
        self.query_one("#summary", Static).update("\n".join(report_text.summary_lines(report, name)))

    def _undo_target(self) -> dict[str, Any] | None:
        if self.step == "summary" and self.result is not None:
            batch = self._undo_batch
            return batch if batch and batch["id"] == self.result.batch_id else None
        return self._undo_batch if self.step == "file" else None

    def action_undo(self) -> None:
        batch = self._undo_target()
        if batch is None:
            return
        question = t("import_wizard.undo_question", id=batch["id"], file=batch["file_name"],
                     created=batch["created"], updated=batch["updated"])

        def answered(yes: bool | None) -> None:
            if yes:
                self.changed = True  # even if the wizard is closed before the undo reports
                self._undo(batch["id"])

        self.app.push_screen(ConfirmScreen(question), answered)

    @work(thread=True, exclusive=True, group="apply", name="undo", exit_on_error=False)
    def _undo(self, batch_id: int) -> None:
        from branchdesk.services import importing

        try:
            result = importing.undo(self.store, batch_id, self.operator)
            self.post_message(ImportUndone({"batch": batch_id, **result}))
        except UserError as error:
            self.post_message(StepFailed("undo", error.message))
        finally:
            self.store.close()

    def action_new_file(self) -> None:
        self.checked = self.result = None
        self.query_one("#path", Input).value = ""
        self.query_one(RosterFileTree).reload()
        self.step = "file"

    # --- moving between steps -----------------------------------------------------------------------

    def action_back(self) -> None:
        self.step = {"preview": "mapping", "mapping": "file"}.get(self.step, "file")

    def action_close(self) -> None:
        for worker in self.workers:  # a read still running is of no use any more
            if worker.node is self and worker.group == "read":
                worker.cancel()
        self.dismiss(self.changed)

    # --- worker results (on the main thread) --------------------------------------------------------

    def _busy(self, group: str) -> bool:
        return any(w.group == group and w.is_running for w in self.workers if w.node is self)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # exit_on_error=False: an unforeseen error lands here instead of ending the app.
        if event.state == WorkerState.ERROR and event.worker.node is self:
            self._failed(event.worker.name, t("import_wizard.unexpected", file="",
                                              error=repr(event.worker.error)))

    def on_roster_checked(self, message: RosterChecked) -> None:
        self.query_one("#read-busy").display = False
        self._show_checked(message.checked)
        if message.first:
            self.step = "mapping"

    def on_import_applied(self, message: ImportApplied) -> None:
        self.result, self.changed = message.report, True
        self._show_summary(message.report)
        self._show_last_batch()
        self.step = "summary"

    def on_import_stopped(self, message: ImportStopped) -> None:
        self.step = "preview"
        self._message("#preview-status", message.text, error=True)
        self.notify(message.text, markup=False)

    def on_import_undone(self, message: ImportUndone) -> None:
        self.changed = True
        self.notify(t("import_wizard.undone", **message.counts), markup=False)
        self._show_last_batch()
        if self.step == "summary":
            self.action_new_file()

    def on_step_failed(self, message: StepFailed) -> None:
        self._failed(message.step, message.text)

    def _failed(self, name: str, message: str) -> None:
        self.notify(message, severity="error", timeout=10, markup=False)
        if name == "read":
            self.query_one("#read-busy").display = False
            self._message("#file-message", message, error=True)
        elif name == "recheck":
            self._message("#mapping-status", message, error=True)
            if self.checked is not None:  # the sheet list shows a sheet we could not use
                self.query_one("#sheet", Select).value = self.checked.loaded.sheet.name
        elif name == "apply":
            self.step = "preview"
            self._message("#preview-status", message, error=True)

    def _message(self, selector: str, text: str, *, error: bool = False) -> None:
        widget = self.query_one(selector, Static)
        widget.update(text)
        widget.set_class(error, "error")
