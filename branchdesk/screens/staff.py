"""Who operates BranchDesk: staff with their roles. On a branch without staff, `n` sets it
up: the first person is its manager (like `branchdesk staff init`) and is signed in. After
that `n` adds someone (name, role, password typed twice), `r` changes a role, `p` sets a
password; each takes an active manager's name and password (or, for `p`, the person's own
current password). The forms ask; services.staff decides whether they are right.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Label

from branchdesk.i18n import t
from branchdesk.screens.base import PaletteCommand
from branchdesk.screens.record_list import RecordListScreen
from branchdesk.services import staff
from branchdesk.services.staff import ROLES, Credentials
from branchdesk.widgets.app_header import AppHeader
from branchdesk.widgets.form_dialog import FormDialog, FormField, Values
from branchdesk.widgets.row_table import RowTable
from branchdesk.widgets.signin.approval import new_password_fields
from branchdesk.widgets.translated_bindings import translate_bindings

COLUMNS = ("name", "role", "password", "active", "since")


def manager_from(values: Values) -> Credentials | None:
    """The manager's credentials typed into a form, or None when left blank."""
    name = values.get("manager", "").strip()
    return Credentials(name, values.get("manager_password", "")) if name else None


class StaffTable(RowTable):
    HELP_SECTION = "staff_screen.help.list"


class StaffScreen(RecordListScreen):
    DEFAULT_CSS = """
    StaffScreen #staff-heading { height: 1; padding: 0 1; background: $panel; color: $text-muted;
                                 width: 100%; }
    StaffScreen #staff-list { height: 1fr; }
    """
    HELP_SECTION = "staff_screen.help.screen"
    TITLE_KEY = "staff_screen.title"
    AREA_HELP = "staff_screen.cmd.open_help"  # the palette's "Go to …" line
    AUTO_FOCUS = "#staff-list"
    COLUMNS = COLUMNS
    COLUMN_TITLES = "staff_screen.col"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "add_staff", "staff_screen.key.add"),
        Binding("r", "change_role", "staff_screen.key.role"),
        Binding("p", "set_password", "staff_screen.key.password"),
        Binding("escape", "leave", "staff_screen.key.roster"),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self.people: dict[str, dict[str, Any]] = {}

    def compose(self) -> ComposeResult:
        yield AppHeader(self.TITLE_KEY)
        yield Label("", id="staff-heading", markup=False)
        yield StaffTable(id="staff-list")
        yield Footer()

    def reload_data(self) -> None:
        found = staff.list_staff(self.store)
        self.people = {p["name"]: p for p in found}
        table = self.table
        keep = self.current
        table.clear()
        for person in found:
            table.add_row(
                Text(person["name"]), t(f"staff.role.{person['role']}"),
                t("staff_screen.yes") if person["password_set"] else t("staff_screen.no"),
                t("staff_screen.yes") if person["active"] else t("staff_screen.no"),
                (person["created_at"] or "")[:10], key=person["name"])
        if keep is not None and keep["name"] in self.people:
            table.move_cursor(row=table.get_row_index(keep["name"]))
        heading = "staff_screen.heading" if found else "signin.staff_empty"
        self.query_one("#staff-heading", Label).update(t(heading, count=len(found)))

    @property
    def current(self) -> dict[str, Any] | None:
        return self.record_at_cursor(self.people)

    # --- forms ---------------------------------------------------------------------------------

    def _role_options(self) -> list[tuple[str, str]]:
        return [(t(f"staff.role.{role}"), role) for role in ROLES]

    def _manager_fields(self) -> list[FormField]:
        """An active manager's name (the signed-in person's, if a manager) and password."""
        me = self.people.get(self.operator)
        name = self.operator if me and me["role"] == "manager" and me["active"] else ""
        return [FormField("manager", t("staff_screen.field_manager"), value=name),
                FormField("manager_password", t("staff_screen.field_manager_password"),
                          kind="password")]

    def _open(self, title: str, fields: list[FormField], submit: Callable[[Values], object],
              done_key: str, note: str = "") -> None:
        def closed(done: bool | None) -> None:
            if done:
                self.notify(t(done_key), markup=False)
                self.reload_data()

        self.app.push_screen(FormDialog(title, fields, submit, note=note), closed)

    def action_add_staff(self) -> None:
        if not self.people:
            self._set_up_branch()
            return
        fields = [FormField("name", t("staff_screen.field_name")),
                  FormField("role", t("staff_screen.field_role"), kind="select", value="staff",
                            options=self._role_options()),
                  *new_password_fields(), *self._manager_fields()]

        def submit(values: Values) -> None:
            password = staff.confirm_password(values["password"], values["repeat"]) \
                if values["password"] or values["repeat"] else None
            staff.add_staff(self.store, manager_from(values), values["name"], values["role"],
                            password)

        self._open(t("staff_screen.add_title"), fields, submit, "staff_screen.added",
                   t("staff_screen.add_note_manager"))

    def _set_up_branch(self) -> None:
        """The first staff member, as the branch's manager; they are signed in at once."""
        fields = [FormField("name", t("staff_screen.field_name"), value=self.operator),
                  *new_password_fields()]
        made: list[str] = []

        def submit(values: Values) -> None:
            name = values["name"].strip()
            staff.init_branch(self.store, name,
                              staff.confirm_password(values["password"], values["repeat"]))
            made.append(name)

        def closed(done: bool | None) -> None:
            if done and made:
                self.app.signed_in(made[0])  # type: ignore[attr-defined]
                self.notify(t("signin.initialised", name=made[0]), markup=False)
                self.reload_data()

        self.app.push_screen(FormDialog(t("signin.init_title"), fields, submit,
                                        note=t("signin.init_note")), closed)

    def action_change_role(self) -> None:
        person = self.current
        if person is None:
            return
        fields = [FormField("role", t("staff_screen.field_role"), kind="select",
                            value=person["role"], options=self._role_options()),
                  *self._manager_fields()]

        def submit(values: Values) -> None:
            staff.set_role(self.store, manager_from(values), person["name"], values["role"])

        self._open(t("staff_screen.role_title", name=person["name"]), fields, submit,
                   "staff_screen.role_changed")

    def action_set_password(self) -> None:
        person = self.current
        if person is None:
            return
        fields = new_password_fields()
        if person["password_set"]:
            fields.append(FormField("old_password", t("staff_screen.field_old_password"),
                                    kind="password"))
        fields += self._manager_fields()

        def submit(values: Values) -> None:
            new = staff.confirm_password(values["password"], values["repeat"])
            staff.set_password(self.store, person["name"], new,
                               old_password=values.get("old_password") or None,
                               manager=manager_from(values))

        note = t("staff_screen.password_note") if person["password_set"] else \
            t("signin.first_password_note")
        self._open(t("staff_screen.password_title", name=person["name"]), fields, submit,
                   "staff_screen.password_set", note)

    def palette_commands(self) -> list[PaletteCommand]:
        return [
            PaletteCommand(t("staff_screen.cmd.add"), t("staff_screen.cmd.add_help"),
                           self.action_add_staff, "add_staff"),
            PaletteCommand(t("staff_screen.cmd.role"), t("staff_screen.cmd.role_help"),
                           self.action_change_role, "change_role"),
        ]
