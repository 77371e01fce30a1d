"""Import a roster step by step: choose a file, check the sheet and the column mapping,
preview what would change, apply (cancellable, all or nothing), read the summary, undo.

Reading, parsing and applying run in thread workers so the app stays responsive; the
services report progress through callbacks and never see a widget, and each worker reports
its end as a typed message (import_wizard_messages.py). This module holds the flow between
the steps, the keys and the handling of the workers' results; what each step shows is in
import_wizard_views.py and the workers are in import_wizard_workers.py.
"""

from __future__ import annotations

import threading
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import (
    DataTable,
    DirectoryTree,
    Input,
    Label,
    ProgressBar,
    Select,
)
from textual.worker import Worker, WorkerState

from branchdesk.i18n import t
from branchdesk.screens.base import AppContext
from branchdesk.screens.import_wizard_messages import (
    Checked,
    ImportApplied,
    ImportStopped,
    ImportUndone,
    RosterChecked,
    StepFailed,
)
from branchdesk.screens.import_wizard_views import WizardViews
from branchdesk.screens.import_wizard_workers import WizardWorkers
from branchdesk.user_state import remember, remembered
from branchdesk.widgets.import_wizard_dialogs import NOT_IMPORTED, ConfirmScreen, FieldChooserScreen
from branchdesk.widgets.import_wizard_file_tree import RosterFileTree
from branchdesk.widgets.member_card_form import field_label
from branchdesk.widgets.translated_bindings import translate_bindings

if TYPE_CHECKING:
    from branchdesk.services.importing import ImportReport

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


class ImportWizardScreen(WizardWorkers, WizardViews, AppContext, Screen[bool]):
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
    # Layout and display: import_wizard_views.py; thread workers: import_wizard_workers.py.

    def on_mount(self) -> None:
        self.query_one("#read-busy").display = False
        self._show_step()
        self._show_last_batch()
        self.query_one("#file-tree").focus()

    def watch_step(self) -> None:
        self._show_step()

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

    # --- step 2: sheet and columns ------------------------------------------------------------------

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

    # --- step 3: preview, apply -------------------------------------------------------------------

    @on(DataTable.RowHighlighted, "#issues")
    def _issue_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_issue(event.cursor_row)

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

    def action_cancel_import(self) -> None:
        self._cancel.set()
        self.query_one("#apply-status", Label).update(t("import_wizard.cancelling"))

    # --- step 4: summary, undo --------------------------------------------------------------------

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
