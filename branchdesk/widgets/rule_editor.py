"""A rule as TOML in a text area: Ctrl+S saves (through the caller's `save`, which validates),
Esc cancels. What is wrong is shown under the text and the dialog stays open. A `save` that
returns False has more to ask first (a reviewer's password): the editor stays open and the
caller dismisses it once the rule is saved."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static, TextArea

from branchdesk.errors import UserError
from branchdesk.i18n import t
from branchdesk.widgets.translated_bindings import translate_bindings


class RuleEditor(ModalScreen[bool]):
    DEFAULT_CSS = """
    RuleEditor { align: center middle; background: $background 60%; }
    RuleEditor > #rule-box {
        width: 100; max-width: 100%; height: 90%; padding: 0 1;
        border: round $accent; background: $surface;
    }
    RuleEditor #rule-title { width: 100%; text-style: bold; color: $accent; }
    RuleEditor #rule-text { height: 1fr; }
    RuleEditor #rule-error { color: $text-error; height: auto; max-height: 6; }
    RuleEditor #rule-hint { color: $text-muted; height: auto; }
    """
    HELP_SECTION = "rules_screen.help.editor"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "rules_screen.key.save"),
        Binding("escape", "cancel", "rules_screen.key.cancel"),
    ]

    def __init__(self, title: str, text: str, save: Callable[[str], bool | None]) -> None:
        super().__init__()
        translate_bindings(self)
        self.title_text = title
        self.text = text
        self.save = save

    def compose(self) -> ComposeResult:
        with Vertical(id="rule-box"):
            yield Label(self.title_text, id="rule-title", markup=False)
            yield TextArea(self.text, id="rule-text", soft_wrap=True, show_line_numbers=True)
            yield Static("", id="rule-error", markup=False)
            yield Label(t("rules_screen.editor_hint"), id="rule-hint")

    def on_mount(self) -> None:
        self.query_one("#rule-error").display = False
        self.query_one("#rule-text").focus()

    def relabel(self) -> None:
        """The language changed while editing: keep the text (recomposing would lose it)."""
        self.query_one("#rule-hint", Label).update(t("rules_screen.editor_hint"))

    @property
    def editor(self) -> TextArea:
        return self.query_one("#rule-text", TextArea)

    def action_save(self) -> None:
        try:
            if self.save(self.editor.text) is False:
                return
        except UserError as error:
            message = self.query_one("#rule-error", Static)
            message.update(error.message)
            message.display = True
            self.notify(error.message, severity="error", markup=False)
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
