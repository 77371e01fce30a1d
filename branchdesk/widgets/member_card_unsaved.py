"""Asked when a card with unsaved edits is closed: save, discard, or keep editing."""

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

SAVE, DISCARD, STAY = "save", "discard", "stay"


class UnsavedChangesScreen(ModalScreen[str]):
    DEFAULT_CSS = """
    UnsavedChangesScreen { align: center middle; }
    UnsavedChangesScreen > Vertical {
        width: 60; max-width: 100%; height: auto; padding: 1 2;
        border: thick $warning; background: $surface;
    }
    UnsavedChangesScreen Horizontal { height: auto; margin-top: 1; }
    UnsavedChangesScreen Button { margin-right: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s,ctrl+s", "choose('save')", "member_card.key.save"),
        Binding("d", "choose('discard')", "member_card.key.discard"),
        Binding("escape", "choose('stay')", "member_card.key.keep_editing"),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(t("member_card.unsaved_question"), markup=False)
            with Horizontal():
                yield Button(t("member_card.unsaved_save"), id=SAVE, variant="primary")
                yield Button(t("member_card.unsaved_discard"), id=DISCARD, variant="error")
                yield Button(t("member_card.unsaved_stay"), id=STAY)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id or STAY)

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)
