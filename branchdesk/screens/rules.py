"""The branch's compliance rules: every rule with its category, severity, where it comes
from (shipped, edited here, or the branch's own) and whether it is on. Space switches one
on or off; Enter or `e` edits it as TOML; `n` adds a branch rule; `x` resets an edit.

Changes go through services.rules (validated and audited); the next check uses them. Each
change takes a reviewer's or manager's name and password in a dialog (the signed-in person's
name is filled in), like an approval; the audit row names the person whose password it was.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Label

from branchdesk.errors import UserError
from branchdesk.i18n import t
from branchdesk.screens.base import PaletteCommand
from branchdesk.screens.record_list import RecordListScreen
from branchdesk.services import rule_toml, rules, staff
from branchdesk.widgets.app_header import AppHeader
from branchdesk.widgets.form_dialog import FormDialog, Values
from branchdesk.widgets.row_table import RowTable
from branchdesk.widgets.rule_editor import RuleEditor
from branchdesk.widgets.signin.approval import approver_fields, approver_from
from branchdesk.widgets.translated_bindings import translate_bindings

COLUMNS = ("on", "id", "category", "severity", "source")


class RuleTable(RowTable):
    HELP_SECTION = "rules_screen.help.list"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "rules_screen.key.edit", show=False),
    ]


class RulesScreen(RecordListScreen):
    DEFAULT_CSS = """
    RulesScreen #rules-heading { height: 1; padding: 0 1; background: $panel; color: $text-muted;
                                 width: 100%; }
    RulesScreen #rules-list { height: 1fr; }
    """
    HELP_SECTION = "rules_screen.help.screen"
    TITLE_KEY = "rules_screen.title"
    AREA_HELP = "rules_screen.cmd.open_help"  # the palette's "Go to …" line
    AUTO_FOCUS = "#rules-list"
    COLUMNS = COLUMNS
    COLUMN_TITLES = "rules_screen.col"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_rule", "rules_screen.key.toggle"),
        Binding("e", "edit_rule", "rules_screen.key.edit"),
        Binding("n", "new_rule", "rules_screen.key.new"),
        Binding("x", "reset_rule", "rules_screen.key.reset"),
        Binding("escape", "leave", "rules_screen.key.roster"),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self.rules: dict[str, dict[str, Any]] = {}

    def compose(self) -> ComposeResult:
        yield AppHeader(self.TITLE_KEY)
        yield Label("", id="rules-heading", markup=False)
        yield RuleTable(id="rules-list")
        yield Footer()

    def reload_data(self) -> None:
        found = rules.list_rules(self.store)
        self.rules = {row["id"]: row for row in found}
        table = self.table
        keep = self.current
        table.clear()
        for row in found:
            rule = row["rule"] or {}
            on = not row["disabled"]
            severity = str(rule.get("severity", ""))
            table.add_row(
                # Rich Text: DataTable measures it (a Content cell is cut to the header's width).
                Text(t("rules_screen.on") if on else t("rules_screen.off"),
                     style="green" if on else "dim"),
                Text(row["id"]),
                t(f"compliance.category.{rule.get('category')}") if rule.get("category") else "",
                Text(t(f"compliance.severity.{severity}") if severity else "",
                     style="red" if severity == "block" else "yellow"),
                t(f"rules.source.{row['source']}"), key=row["id"])
        if keep is not None and keep["id"] in self.rules:
            table.move_cursor(row=table.get_row_index(keep["id"]))
        off = sum(1 for row in found if row["disabled"])
        self.query_one("#rules-heading", Label).update(
            t("rules_screen.heading", count=len(found), off=off))

    @property
    def current(self) -> dict[str, Any] | None:
        return self.record_at_cursor(self.rules)

    # --- actions -------------------------------------------------------------------------------

    def _can_authorise(self) -> bool:
        """A branch without staff has nobody whose password could allow a change: say how
        to set one up instead of asking for a password nobody has."""
        if staff.has_staff(self.store):
            return True
        self.notify(t("signin.not_set_up"), severity="warning", markup=False)
        return False

    def _authorise(self, title: str, submit: Callable[[Values], object],
                   closed: Callable[[bool | None], None]) -> None:
        """A reviewer's or manager's name and password, then `submit` (the dialog stays open
        on a wrong password or a role that may not)."""
        self.app.push_screen(FormDialog(title, approver_fields(self.operator), submit,
                                        note=t("signin.rule_note")), closed)

    def action_toggle_rule(self) -> None:
        row = self.current
        if row is None or not self._can_authorise():
            return
        enabled = bool(row["disabled"])

        def submit(values: Values) -> None:
            rules.set_enabled(self.store, approver_from(values), row["id"], enabled=enabled)

        def closed(done: bool | None) -> None:
            if done:
                key = "rules_screen.switched_on" if enabled else "rules_screen.switched_off"
                self.notify(t(key, id=row["id"]), markup=False)
                self.reload_data()

        title = "signin.rule_on_title" if enabled else "signin.rule_off_title"
        self._authorise(t(title, id=row["id"]), submit, closed)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_edit_rule()

    def action_edit_rule(self) -> None:
        row = self.current
        if row is None:
            return
        self._open_editor(t("rules_screen.edit_title", id=row["id"]),
                          rule_toml.editable_toml(row["rule"] or {"id": row["id"]}))

    def action_new_rule(self) -> None:
        self._open_editor(t("rules_screen.new_title"), rule_toml.to_toml(rule_toml.NEW_RULE))

    def _open_editor(self, title: str, text: str) -> None:
        saved: list[str] = []

        def save(toml_text: str) -> bool:
            """A valid rule first (errors stay in the editor), then a reviewer's password."""
            definition = rule_toml.parse_toml(toml_text)
            rule = rules.validate_rule(definition)
            if not staff.has_staff(self.store):
                raise UserError("signin.not_set_up")

            def submit(values: Values) -> None:
                saved.append(rules.save_rule(self.store, approver_from(values), definition).id)

            def approved(done: bool | None) -> None:
                if done:
                    editor.dismiss(True)

            self._authorise(t("signin.rule_save_title", id=rule.id), submit, approved)
            return False  # the editor stays open until the rule is saved

        def closed(done: bool | None) -> None:
            if done and saved:
                self.notify(t("rules_screen.saved", id=saved[-1]), markup=False)
                self.reload_data()
                self.table.move_cursor(row=self.table.get_row_index(saved[-1]))

        editor = RuleEditor(title, text, save)
        self.app.push_screen(editor, closed)

    def action_reset_rule(self) -> None:
        row = self.current
        if row is None:
            return
        if row["source"] == "shipped" and not row["disabled"]:
            self.notify(t("rules.no_change", id=row["id"]), severity="warning", markup=False)
            return
        if not self._can_authorise():
            return

        def submit(values: Values) -> None:
            rules.reset_rule(self.store, approver_from(values), row["id"])

        def closed(done: bool | None) -> None:
            if done:
                self.notify(t("rules_screen.reset_done", id=row["id"]), markup=False)
                self.reload_data()

        # The dialog is the confirmation: its title says what will happen.
        title = "signin.rule_delete_title" if row["source"] == "custom" else "signin.rule_reset_title"
        self._authorise(t(title, id=row["id"]), submit, closed)

    def palette_commands(self) -> list[PaletteCommand]:
        return [
            PaletteCommand(t("rules_screen.cmd.new"), t("rules_screen.cmd.new_help"),
                           self.action_new_rule, "new_rule"),
            PaletteCommand(t("rules_screen.cmd.toggle"), t("rules_screen.cmd.toggle_help"),
                           self.action_toggle_rule, "toggle_rule"),
        ]
