"""What the engagement screens share: the header, a heading line that says what is listed, the
footer, Esc back to the roster, F5 to read again, and the member card and contact dialog one
key away."""

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
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)

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

    def open_member(self, member_id: int) -> None:
        from branchdesk.screens.member_card import MemberCardScreen

        self.app.push_screen(MemberCardScreen(member_id), lambda _saved: self.reload_data())

    def log_contact(self, member_id: int | None) -> None:
        if member_id is None:
            self.notify(t("engagement_screens.no_member_selected"), severity="warning")
            return
        open_log_contact(self, member_id, lambda _activity: self.reload_data())
