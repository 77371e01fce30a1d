"""Export the members the roster shows (its search, filters and sort) to an Excel workbook.

The workbook is written in a worker thread (exports/members.py streams it: a roster of any
size), with a progress bar; Esc during the export stops it and leaves no file. Numbers are
masked unless "reveal" is ticked; the reveal is audited before anything is written.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, ProgressBar, Static

from branchdesk.errors import UserError
from branchdesk.i18n import t, t_count
from branchdesk.member_query import MemberQuery
from branchdesk.store.database import Store
from branchdesk.widgets.errors import error_text
from branchdesk.widgets.translated_bindings import translate_bindings


def default_path(today: Any) -> Path:
    return Path.home() / f"{t('member_export.sheet')}-{today}.xlsx"


class MemberExportDialog(ModalScreen[Path | None]):
    CSS_PATH = "dialog.tcss"
    HELP_SECTION = "member_export.help_section"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "start", "member_export.key_start"),
        Binding("escape", "cancel", "member_export.key_cancel"),
    ]

    @dataclass
    class Progressed(Message):
        """Members written so far (from the worker thread)."""

        done: int

    @dataclass
    class Finished(Message):
        """The export ended: the file written, or why not."""

        path: Path | None
        count: int = 0
        error: str = ""

    def __init__(self, store: Store, operator: str, query: MemberQuery, count: int,
                 path: Path, today: date | None = None) -> None:
        super().__init__()
        translate_bindings(self)
        self.store, self.operator, self.member_query, self.count = store, operator, query, count
        self.path, self.today = path, today  # the roster's day (dormancy is counted from it)
        self.running = False
        self._stop = threading.Event()

    def compose(self) -> ComposeResult:
        with Vertical(id="export-box"):
            yield Label(t("member_export.title"), id="export-title", markup=False)
            yield Static(t_count("member_export.summary", self.count, count=f"{self.count:,}"),
                         id="export-summary", markup=False)
            with Horizontal(classes="export-row"):
                yield Label(t("member_export.prompt"), id="export-path-label", markup=False)
                yield Input(str(self.path), id="export-path", compact=True)
            yield Checkbox(t("member_export.reveal_choice"), id="export-reveal", compact=True)
            yield ProgressBar(total=max(self.count, 1), id="export-progress", show_eta=True)
            yield Static("", id="export-status", markup=False)
            yield Static("", id="export-error", markup=False)
            yield Label(t("member_export.hint"), id="export-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#export-progress").display = False
        self.query_one("#export-error").display = False
        self.query_one("#export-status").display = False
        self.query_one("#export-path", Input).focus()

    @on(Input.Submitted, "#export-path")
    def _submitted(self) -> None:
        self.action_start()

    def action_start(self) -> None:
        if self.running:
            return
        text = self.query_one("#export-path", Input).value.strip()
        if not text:
            self._show_error(t("member_export.no_path"))
            return
        path = Path(text).expanduser()
        if path.suffix.lower() != ".xlsx":
            path = path.with_suffix(".xlsx")
        self.running = True
        self._stop.clear()
        for widget in self.query("#export-path, #export-reveal"):
            widget.disabled = True
        self.query_one("#export-error").display = False
        self.query_one("#export-progress").display = True
        self.query_one("#export-status").display = True
        self.query_one("#export-status", Static).update(
            t("member_export.progress", done="0", total=f"{self.count:,}"))
        self._export(path, self.query_one("#export-reveal", Checkbox).value)

    @work(thread=True, exclusive=True, group="member-export")
    def _export(self, path: Path, reveal: bool) -> None:
        from branchdesk.exports.members import Cancelled, export_members

        try:
            count = export_members(self.store, self.operator, self.member_query, path,
                                   reveal=reveal, today=self.today,
                                   progress=lambda done: self.post_message(self.Progressed(done)),
                                   cancelled=self._stop.is_set)
        except Cancelled:
            self.post_message(self.Finished(None, error=t("member_export.cancelled")))
        except UserError as error:
            self.post_message(self.Finished(None, error=error_text(error)))
        else:
            self.post_message(self.Finished(path, count))

    def on_member_export_dialog_progressed(self, message: Progressed) -> None:
        self.query_one("#export-progress", ProgressBar).update(progress=message.done)
        self.query_one("#export-status", Static).update(
            t("member_export.progress", done=f"{message.done:,}", total=f"{self.count:,}"))

    def on_member_export_dialog_finished(self, message: Finished) -> None:
        self.running = False
        if message.path is not None:
            self.notify(t("member_export.done", count=f"{message.count:,}", file=str(message.path)),
                        markup=False)
            self.dismiss(message.path)
            return
        for widget in self.query("#export-path, #export-reveal"):
            widget.disabled = False
        self.query_one("#export-progress").display = False
        self.query_one("#export-status").display = False
        self._show_error(message.error)

    def _show_error(self, text: str) -> None:
        error = self.query_one("#export-error", Static)
        error.update(text)
        error.display = True

    def action_cancel(self) -> None:
        if self.running:  # stop the worker; it reports back, and the dialog stays open
            self._stop.set()
            return
        self.dismiss(None)
