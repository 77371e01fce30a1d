"""What the engagement screens share: the header, a heading line that says what is listed, the
footer, Esc back to where the list was opened from (the dashboard, else the roster), F5 to read
again, and the member card and contact dialog one key away."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar

from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Label

from branchdesk.i18n import t
from branchdesk.screens.base import AppContext
from branchdesk.widgets.app_header import AppHeader
from branchdesk.widgets.engagement.log_contact import open_log_contact, today_of
from branchdesk.widgets.engagement.paged_list import PagedList
from branchdesk.widgets.translated_bindings import translate_bindings

PaletteCommand = tuple[str, str, Callable[[], Any]]


class EngagementScreen(AppContext, Screen[None]):
    """A top-level engagement area: subclasses compose their lists and say what they show."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f5", "reload", "engagement_screens.key.reload", show=False),
        Binding("escape", "leave", "engagement_screens.key.roster"),
        # Esc when the dashboard opened the list (its count of overdue complaints, of today's
        # follow-ups): back there. check_action shows one of the two.
        Binding("escape", "back", "engagement_back.dashboard"),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self.came_from: str | None = None  # the mode that opened this list, when not the roster

    def opened_from(self, mode: str) -> None:
        """Called by the area that switched here: Esc goes back to it."""
        self.came_from = mode
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "leave":
            return self.came_from is None
        if action == "back":
            return self.came_from is not None
        return True

    def on_screen_suspend(self) -> None:
        # Left for another area (not for a card over the list): the next visit starts afresh.
        if self.app.screen_stack and self.app.screen_stack[0] is not self:
            self.came_from = None
            self.refresh_bindings()

    @property
    def today(self) -> date:
        return today_of(self.app)

    @property
    def settings(self) -> Any:
        return self.app.settings  # type: ignore[attr-defined]

    def heading(self) -> Label:
        return self.query_one("#engagement-heading", Label)

    def show_heading(self, text: str) -> None:
        self.heading().update(text)

    def on_mount(self) -> None:
        self._focus_list()

    def on_screen_resume(self) -> None:
        self._focus_list()
        self.reload_data()  # something may have been logged elsewhere

    def _focus_list(self) -> None:
        if self.focused is None and self.AUTO_FOCUS:
            found = self.query(self.AUTO_FOCUS)
            if found:
                found.first().focus()

    def reload_data(self) -> None:
        for table in self.query(PagedList):
            table.load(keep_position=True)

    def relabel(self) -> None:
        self.query_one(AppHeader).refresh()
        for table in self.query(PagedList):
            table.relabel()
        self.reload_data()

    def action_reload(self) -> None:
        self.reload_data()

    def action_leave(self) -> None:
        self.app.switch_mode("roster")

    def action_back(self) -> None:
        self.app.switch_mode(self.came_from or "roster")

    def open_member(self, member_id: int) -> None:
        from branchdesk.screens.member_card import MemberCardScreen

        self.app.push_screen(MemberCardScreen(member_id), lambda _saved: self.reload_data())

    def log_contact(self, member_id: int | None) -> None:
        if member_id is None:
            self.notify(t("engagement_screens.no_member_selected"), severity="warning")
            return
        open_log_contact(self, member_id, lambda _activity: self.reload_data())
