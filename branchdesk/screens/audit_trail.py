"""The audit trail for an inspection: the log's head and whether it verifies, the entries
about one member, one message or a date range, what each changed, and an export to Excel.

Verifying reads the whole log and every tracked table (about a second on 100,000 members),
so it runs in a worker thread and reports back with a message; the entries come straight
from the service.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Label, Static

from branchdesk.errors import UserError
from branchdesk.i18n import t
from branchdesk.screens.base import AppContext
from branchdesk.services import audit_trail
from branchdesk.widgets.app_header import AppHeader
from branchdesk.widgets.form_dialog import FormDialog, FormField, Values
from branchdesk.widgets.row_table import RowTable
from branchdesk.widgets.translated_bindings import translate_bindings

PaletteCommand = tuple[str, str, Callable[[], Any]]
COLUMNS = ("seq", "time", "operator", "action", "record")


class Verified(Message):
    """The worker's verification, for the status line."""

    def __init__(self, result: audit_trail.Verification) -> None:
        super().__init__()
        self.result = result


class EntryTable(RowTable):
    HELP_SECTION = "audit_screen.help.list"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "screen.focus_scope", "audit_screen.key.scope"),
    ]


class AuditTrailScreen(AppContext, Screen[None]):
    DEFAULT_CSS = """
    AuditTrailScreen #audit-status { height: auto; max-height: 3; padding: 0 1;
                                     background: $panel; width: 100%; }
    AuditTrailScreen #audit-status.-broken { background: $error 40%; }
    AuditTrailScreen #audit-scope-row { height: 1; }
    AuditTrailScreen #audit-scope-label { width: auto; padding: 0 1; color: $text-muted; }
    AuditTrailScreen #audit-scope { width: 1fr; background: $boost; }
    AuditTrailScreen #audit-scope:focus { background: $primary 30%; }
    AuditTrailScreen #audit-heading { height: 1; padding: 0 1; color: $text-muted; }
    AuditTrailScreen #audit-list { height: 1fr; min-height: 4; }
    AuditTrailScreen #audit-detail { height: 7; padding: 0 1; background: $boost; }
    """
    HELP_SECTION = "audit_screen.help.screen"
    TITLE_KEY = "audit_screen.title"
    AREA_HELP = "audit_screen.cmd.open_help"
    AUTO_FOCUS = "#audit-list"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x", "export", "audit_screen.key.export"),
        Binding("r", "verify", "audit_screen.key.verify"),
        Binding("escape", "leave", "audit_screen.key.leave"),
    ]

    def __init__(self, scope_text: str = "") -> None:
        super().__init__()
        translate_bindings(self)
        self.scope_text = scope_text
        self.scope: audit_trail.Scope | None = None
        self.entries: list[dict[str, Any]] = []
        self.verification: audit_trail.Verification | None = None

    def compose(self) -> ComposeResult:
        yield AppHeader(self.TITLE_KEY)
        yield Label(t("audit_screen.verifying"), id="audit-status", markup=False)
        with Horizontal(id="audit-scope-row"):
            yield Label(t("audit_screen.scope"), id="audit-scope-label", markup=False)
            yield Input(self.scope_text, placeholder=t("audit_screen.scope_placeholder"),
                        id="audit-scope", compact=True)
        yield Label("", id="audit-heading", markup=False)
        yield EntryTable(id="audit-list")
        with VerticalScroll(id="audit-detail"):
            yield Static("", id="audit-change", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self._set_columns()
        self.load(self.scope_text)
        self.action_verify()

    def _set_columns(self) -> None:
        table = self.query_one(EntryTable)
        table.clear(columns=True)
        for name in COLUMNS:
            table.add_column(t(f"audit_screen.col.{name}"), key=name)

    # --- entries -----------------------------------------------------------------------------

    def load(self, text: str) -> None:
        try:
            scope = audit_trail.parse_scope(text)  # audit times are real: the real today
            found = audit_trail.entries(self.store, scope, limit=audit_trail.SCREEN_LIMIT)
        except UserError as error:
            self.notify(error.message, severity="error", markup=False)
            return
        self.scope, self.scope_text = scope, text
        self.entries = found
        table = self.query_one(EntryTable)
        table.clear()
        for entry in reversed(self.entries):  # newest first
            record = f"{audit_trail.entity_label(entry['entity'])} {entry['entity_id'] or ''}".strip()
            table.add_row(str(entry["id"]), audit_trail.local_time(entry["at"]), entry["operator"],
                          audit_trail.action_label(entry["action"]), record, key=str(entry["id"]))
        more = len(self.entries) >= audit_trail.SCREEN_LIMIT
        self.query_one("#audit-heading", Label).update(
            t("audit_screen.heading_more" if more else "audit_screen.heading",
              scope=scope.describe(), count=len(self.entries)))
        self._show_selected()

    @property
    def current(self) -> dict[str, Any] | None:
        table = self.query_one(EntryTable)
        if not self.entries or not 0 <= table.cursor_row < table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((e for e in self.entries if str(e["id"]) == key), None)

    def _show_selected(self) -> None:
        entry = self.current
        text = "\n".join(audit_trail.change_lines(entry)) if entry else ""
        self.query_one("#audit-change", Static).update(text or t("audit_screen.no_change"))

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_selected()

    @on(Input.Submitted, "#audit-scope")
    def _scope_entered(self, event: Input.Submitted) -> None:
        self.load(event.value)
        self.query_one(EntryTable).focus()

    def action_focus_scope(self) -> None:
        self.query_one("#audit-scope", Input).focus()

    # --- verification ------------------------------------------------------------------------

    def action_verify(self) -> None:
        status = self.query_one("#audit-status", Label)
        status.update(t("audit_screen.verifying"))
        status.remove_class("-broken")
        self._verify()

    @work(thread=True, exclusive=True, group="audit-verify")
    def _verify(self) -> None:
        result = audit_trail.verify(self.store)
        self.post_message(Verified(result))

    def on_verified(self, message: Verified) -> None:
        self.verification = message.result
        self._show_status()

    def _show_status(self) -> None:
        result = self.verification
        if result is None:
            return
        status = self.query_one("#audit-status", Label)
        head = result.head
        short = f"{head.seq}:{head.hash[:12]}…{head.hash[-6:]}"  # the whole one: ctrl+p, or the CLI
        if result.ok:
            status.update(t("audit_screen.status_ok", anchor=short))
            status.remove_class("-broken")
        else:
            status.update(t("audit_screen.status_broken", anchor=short,
                            problem=result.problems()[0]))
            status.add_class("-broken")

    def action_show_head(self) -> None:
        head = audit_trail.head(self.store)
        self.notify(t("audit_screen.full_head", anchor=head.anchor), timeout=60, markup=False)

    # --- export ------------------------------------------------------------------------------

    def default_export_path(self) -> Path:
        scope = self.scope
        name = "audit-trail"
        if scope is not None and scope.kind == "member":
            name += f"-member-{scope.member_id}"
        elif scope is not None and scope.kind == "message":
            name += f"-message-{scope.message_id}"
        elif scope is not None:
            name += f"-{scope.start}-{scope.end}"
        return Path.home() / f"{name}.xlsx"

    def action_export(self) -> None:
        if self.scope is None:
            return
        written: list[Path] = []

        def submit(values: Values) -> None:
            from branchdesk.exports.audit_trail import write_trail_workbook

            assert self.scope is not None
            path = Path(values["path"].strip()).expanduser()
            found = audit_trail.entries(self.store, self.scope)
            written.append(write_trail_workbook(path, self.store, self.scope, found,
                                                operator=self.operator))

        def closed(done: bool | None) -> None:
            if done and written:
                self.notify(t("audit_screen.exported", file=str(written[-1])), markup=False)

        self.app.push_screen(FormDialog(
            t("audit_screen.export_title", scope=self.scope.describe()),
            [FormField("path", t("audit_screen.export_path"), value=str(self.default_export_path()))],
            submit, ok_label=t("audit_screen.export_ok")), closed)

    def action_leave(self) -> None:
        if self.app.screen_stack[0] is not self:  # opened over a member card
            self.app.pop_screen()
        else:
            self.app.switch_mode("roster")

    def relabel(self) -> None:
        self.query_one(AppHeader).refresh()
        self.query_one("#audit-scope-label", Label).update(t("audit_screen.scope"))
        self.query_one("#audit-scope", Input).placeholder = t("audit_screen.scope_placeholder")
        self._set_columns()
        self.load(self.scope_text)
        self._show_status()

    def palette_commands(self) -> list[PaletteCommand]:
        return [
            (t("audit_screen.cmd.export"), t("audit_screen.cmd.export_help"), self.action_export),
            (t("audit_screen.cmd.verify"), t("audit_screen.cmd.verify_help"), self.action_verify),
            (t("audit_screen.cmd.head"), t("audit_screen.cmd.head_help"), self.action_show_head),
        ]
