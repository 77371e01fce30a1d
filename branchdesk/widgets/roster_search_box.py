"""The roster's search field: what is typed in the list is carried over to it; Down or Enter
goes back to the list, Esc clears it."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import Input

from branchdesk.widgets.roster_table import RosterTable
from branchdesk.widgets.translated_bindings import translate_bindings


class SearchBox(Input):
    """The search field: Down or Enter goes to the list, Esc clears (then goes to the list)."""

    HELP_SECTION = "roster_screen.help.search"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "leave", "roster_screen.key.to_table"),
        Binding("escape", "clear_or_leave", "roster_screen.key.clear_search"),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        translate_bindings(self)

    def type_in(self, text: str) -> None:
        """Take over what was typed in the list: focus here and add it to the search. (Focus
        selects the whole search, so that "/" then typing replaces it; text carried over from
        the list must not be replaced by the next key of the same word.)"""
        self.select_on_focus = False
        self.focus()
        self.insert_text_at_cursor(text)

    def on_focus(self) -> None:
        # Runs before Input's own focus handler: select as usual from the next focus on.
        if not self.select_on_focus:
            self.call_later(setattr, self, "select_on_focus", True)

    def action_leave(self) -> None:
        self.screen.query_one(RosterTable).focus()

    def action_clear_or_leave(self) -> None:
        if self.value:
            self.value = ""
        else:
            self.action_leave()
