"""Pick a member's communities from the branch's list. A new one is added only on purpose,
in the box under the list; a name that only differs from an existing one by spaces, case or
full-width letters ticks the existing one instead."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, SelectionList, Static
from textual.widgets.selection_list import Selection

from branchdesk.i18n import t
from branchdesk.widgets.translated_bindings import translate_bindings


class CommunityPicker(ModalScreen[list[str] | None]):
    """Dismisses with the ticked names in list order, or None when cancelled."""

    DEFAULT_CSS = """
    CommunityPicker { align: center middle; background: $background 60%; }
    CommunityPicker > #picker-box {
        width: 60; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    CommunityPicker #picker-title { width: 100%; text-style: bold; color: $accent; }
    CommunityPicker #picker-hint { color: $text-muted; height: auto; }
    CommunityPicker #picker-list { height: auto; max-height: 12; border: none; }
    CommunityPicker #picker-new { width: 1fr; background: $boost; }
    CommunityPicker #picker-note { height: auto; color: $text-accent; }
    """
    HELP_SECTION = "communities.help.picker"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "done", "communities.key.done"),
        Binding("escape", "cancel", "communities.key.cancel"),
    ]

    def __init__(self, member: str, chosen: list[str], known: list[str],
                 same_as: Callable[[str, str], bool]) -> None:
        """`same_as(a, b)`: whether two names mean the same group (the service decides)."""
        super().__init__()
        translate_bindings(self)
        self.member = member
        self.chosen = list(chosen)
        # The member's own first, in their order; then the others.
        self.names = list(dict.fromkeys([*chosen, *sorted(known)]))
        self.known = set(known)
        self.same_as = same_as

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-box"):
            yield Label(t("communities.picker_title", name=self.member), id="picker-title",
                        markup=False)
            yield Static(t("communities.picker_hint"), id="picker-hint", markup=False)
            yield SelectionList[str](*[self._option(name) for name in self.names],
                                     id="picker-list")
            yield Label(t("communities.picker_new_label"), markup=False)
            yield Input(placeholder=t("communities.picker_new_placeholder"), id="picker-new",
                        compact=True)
            yield Static("", id="picker-note", markup=False)

    def _option(self, name: str) -> Selection[str]:
        prompt = Text(name)
        if name not in self.known:
            prompt.append("  " + t("communities.picker_new_marker"), style="italic")
        return Selection(prompt, name, name in self.chosen)

    @property
    def selection(self) -> SelectionList[str]:
        return self.query_one("#picker-list", SelectionList)

    @on(Input.Submitted, "#picker-new")
    def _add(self, event: Input.Submitted) -> None:
        event.stop()
        name = " ".join(event.value.split())
        if not name:
            return
        note = self.query_one("#picker-note", Static)
        existing = next((n for n in self.names if n == name or self.same_as(n, name)), None)
        if existing is not None:
            self.selection.select(existing)
            note.update(t("communities.picker_existing", name=existing))
        else:
            self.names.append(name)
            self.selection.add_option(self._option(name))
            self.selection.select(name)
            note.update(t("communities.picker_added", name=name))
        self.selection.highlighted = self.names.index(existing or name)
        event.input.value = ""

    def action_done(self) -> None:
        ticked = set(self.selection.selected)
        self.dismiss([name for name in self.names if name in ticked])

    def action_cancel(self) -> None:
        self.dismiss(None)
