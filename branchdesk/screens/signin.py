"""Sign-in: once a branch has staff, the app starts here. Name (the OS login or --user by
default, when that is a staff member) and password; a wrong password says so and stays;
Esc or Ctrl+Q quits. The screen covers the whole terminal, so no member data shows behind
it. It dismisses with the signed-in person's name; the app then records everything under
that name.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, Static

from branchdesk.errors import UserError
from branchdesk.i18n import t
from branchdesk.screens.base import AppContext
from branchdesk.services import staff
from branchdesk.services.staff import Credentials
from branchdesk.widgets.translated_bindings import translate_bindings


class SignInScreen(AppContext, Screen[str]):
    DEFAULT_CSS = """
    SignInScreen { align: center middle; }
    SignInScreen #signin-top { dock: top; height: 1; width: 100%; padding: 0 1;
                               background: $panel; color: $text-muted; }
    SignInScreen #signin-box { width: 64; max-width: 100%; height: auto; padding: 0 2;
                               border: round $accent; background: $surface; }
    SignInScreen #signin-title { width: 100%; text-style: bold; color: $accent; }
    SignInScreen #signin-intro { color: $text-muted; height: auto; }
    SignInScreen .signin-row { height: auto; margin-top: 1; }
    SignInScreen .signin-label { width: 12; color: $text-muted; }
    SignInScreen .signin-row Input { width: 1fr; background: $boost; }
    SignInScreen .signin-row Input:focus { background: $primary 30%; }
    SignInScreen #signin-error { color: $text-error; height: auto; margin-top: 1; }
    SignInScreen #signin-buttons { height: auto; margin-top: 1; }
    SignInScreen #signin-forgotten { color: $text-muted; height: auto; margin-top: 1; }
    """
    HELP_SECTION = "signin.help.screen"
    TITLE_KEY = "signin.title"
    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority: shown in the footer although a field has focus (Enter in the name field
        # moves on to the password).
        Binding("enter", "sign_in", "signin.key.sign_in", priority=True),
        Binding("escape", "quit", "signin.key.quit"),
    ]

    def __init__(self, default_name: str = "") -> None:
        super().__init__()
        translate_bindings(self)
        self.default_name = default_name
        # Where typing starts: the password when the name is filled in.
        self.AUTO_FOCUS = "#signin-password" if default_name else "#signin-name"

    def compose(self) -> ComposeResult:
        yield Label("", id="signin-top", markup=False)
        with Vertical(id="signin-box"):
            yield Label("", id="signin-title", markup=False)
            yield Static("", id="signin-intro", markup=False)
            with Horizontal(classes="signin-row"):
                yield Label("", id="signin-name-label", classes="signin-label", markup=False)
                yield Input(self.default_name, id="signin-name", compact=True)
            with Horizontal(classes="signin-row"):
                yield Label("", id="signin-password-label", classes="signin-label", markup=False)
                yield Input(password=True, id="signin-password", compact=True)
            yield Static("", id="signin-error", markup=False)
            with Center(id="signin-buttons"):
                yield Button("", id="signin-ok", variant="primary", compact=True)
            yield Static("", id="signin-forgotten", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.relabel()
        self.query_one("#signin-error").display = False

    def relabel(self) -> None:
        """Labels in the current language; what was typed stays."""
        settings = self.app.settings  # type: ignore[attr-defined]
        branch = settings.branch_name or t("app.default_branch")
        self.query_one("#signin-top", Label).update(
            f"{t('app.name')} │ {branch} │ {t('signin.title')} · {self.store.path.name}")
        self.query_one("#signin-title", Label).update(t("signin.title"))
        self.query_one("#signin-intro", Static).update(t("signin.intro", branch=branch))
        self.query_one("#signin-name-label", Label).update(t("signin.field_name"))
        self.query_one("#signin-password-label", Label).update(t("signin.field_password"))
        self.query_one("#signin-ok", Button).label = t("signin.ok")
        self.query_one("#signin-forgotten", Static).update(t("signin.forgotten"))

    def action_quit(self) -> None:
        self.app.exit()

    @on(Button.Pressed, "#signin-ok")
    def _pressed(self) -> None:
        self.action_sign_in()

    def action_sign_in(self) -> None:
        name_field = self.query_one("#signin-name", Input)
        name = name_field.value.strip()
        password = self.query_one("#signin-password", Input)
        if self.focused is name_field and not password.value:
            password.focus()
            return
        try:
            person = staff.sign_in(self.store, Credentials(name, password.value))
        except UserError as error:
            message = self.query_one("#signin-error", Static)
            message.update(error.message)
            message.display = True
            password.value = ""
            password.focus()
            return
        self.dismiss(person["name"])
