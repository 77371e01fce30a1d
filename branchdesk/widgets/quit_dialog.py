"""Asked when the app is quit while a screen holds unsaved changes: quit anyway or stay."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label

from branchdesk.i18n import t
from branchdesk.widgets.translated_bindings import translate_bindings

QUIT, STAY = "quit", "stay"


class QuitWithUnsavedScreen(ModalScreen[bool]):
    """Dismisses with True to quit (the changes are lost), False to go back to them."""

    DEFAULT_CSS = """
    QuitWithUnsavedScreen { align: center middle; }
    QuitWithUnsavedScreen > Vertical {
        width: 64; max-width: 100%; height: auto; padding: 1 2;
        border: thick $warning; background: $surface;
    }
    QuitWithUnsavedScreen Horizontal { height: auto; margin-top: 1; }
    QuitWithUnsavedScreen Button { margin-right: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "choose(True)", "app.key.quit_anyway"),
        Binding("escape", "choose(False)", "app.key.keep_editing"),
    ]

    def __init__(self, where: list[str]) -> None:
        super().__init__()
        self.where = where
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        with Vertical():
            where = t("roster_fields.list_separator").join(self.where)
            yield Label(t("app.quit_unsaved", where=where), markup=False, id="quit-question")
            with Horizontal():
                yield Button(t("app.quit_unsaved_stay"), id=STAY, variant="primary")
                yield Button(t("app.quit_unsaved_quit"), id=QUIT, variant="error")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == QUIT)

    def action_choose(self, quit_anyway: bool) -> None:
        self.dismiss(quit_anyway)
