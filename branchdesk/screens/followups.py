"""Today (今日回访): the follow-ups due today or overdue (or due this week), per advisor, overdue
first in red; and the members with a birthday in the coming 7 days (生日关怀), phones masked.
Logging a contact from here offers to clear or move the follow-up."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Label

from branchdesk.i18n import t
from branchdesk.screens.engagement_base import EngagementScreen, PaletteCommand
from branchdesk.services import followups, roster
from branchdesk.services.followups import Birthday, FollowUp
from branchdesk.widgets.app_header import AppHeader
from branchdesk.widgets.engagement.dialogs import follow_up_dialog
from branchdesk.widgets.engagement.paged_list import ListColumn, PagedList


class Listed:
    """A short list read whole, served a page at a time."""

    def __init__(self, items: Sequence[Any]) -> None:
        self.items = list(items)

    def count(self) -> int:
        return len(self.items)

    def page(self, offset: int, limit: int) -> Sequence[Any]:
        return self.items[offset:offset + limit]


class FollowUpSource(Listed):
    def __init__(self, screen: FollowUpsScreen) -> None:
        # One list without advisor headings: by date, the advisor in its column.
        super().__init__(followups.due_follow_ups(screen.store, screen.today, screen.due,
                                                  screen.advisor, by_advisor=False))


class BirthdaySource(Listed):
    def __init__(self, screen: FollowUpsScreen) -> None:
        super().__init__(followups.upcoming_birthdays(screen.store, screen.today,
                                                      advisor=screen.advisor))


def _due_text(item: FollowUp, today: date) -> str:
    if item.due_on < today:
        return t("engagement_screens.late_days", day=item.due_on.strftime("%m-%d"),
                 days=(today - item.due_on).days)
    if item.due_on == today:
        return t("engagement_screens.due_today")
    return item.due_on.strftime("%m-%d")


def _birthday_text(item: Birthday, today: date) -> str:
    days = (item.next_on - today).days
    when = t("engagement_screens.due_today") if days == 0 else t("engagement_screens.in_days", days=days)
    return f"{item.next_on:%m-%d} {when}"


class FollowUpsScreen(EngagementScreen):
    HELP_SECTION = "engagement_screens.help.followups"
    TITLE_KEY = "engagement_screens.followups_title"
    AREA_HELP = "engagement_screens.cmd.followups_help"
    AUTO_FOCUS = "#follow-ups"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("l", "log_contact", "engagement_screens.key.log_contact"),
        Binding("n", "move", "engagement_screens.key.move_follow_up"),
        Binding("x", "clear", "engagement_screens.key.clear_follow_up"),
        Binding("a", "next_advisor", "engagement_screens.key.advisor", show=False),
        Binding("d", "toggle_due", "engagement_screens.key.due_range"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.advisor: str | None = None
        self.due: followups.Due = "today"

    def compose(self) -> ComposeResult:
        today = self.today
        yield AppHeader(self.TITLE_KEY)
        yield Label("", id="engagement-heading", markup=False)
        yield PagedList((
            ListColumn("due", "engagement_screens.col.due", 11, lambda f: _due_text(f, self.today)),
            ListColumn("name", "engagement_screens.col.member", 8, lambda f: f.member_name),
            ListColumn("phone", "engagement_screens.col.phone", 11,
                       lambda f: followups.mask_phone(f.phone), drop=2),
            ListColumn("advisor", "engagement_screens.col.advisor", 6, lambda f: f.advisor or "—",
                       drop=1),
            ListColumn("reason", "engagement_screens.col.reason", 8, lambda f: f.reason,
                       flexible=True),
        ), FollowUpSource(self), row_style=lambda f: "alert" if f.due_on < self.today else None,
            empty_key="engagement_screens.no_follow_ups", id="follow-ups")
        yield Label(t("engagement_screens.birthdays_heading"), id="birthdays-heading", markup=False)
        yield PagedList((
            ListColumn("on", "engagement_screens.col.birthday", 14, lambda b: _birthday_text(b, today)),
            ListColumn("name", "engagement_screens.col.member", 8, lambda b: b.name, flexible=True),
            ListColumn("phone", "engagement_screens.col.phone", 11, lambda b: b.masked_phone),
            ListColumn("advisor", "engagement_screens.col.advisor", 6, lambda b: b.advisor or "—",
                       drop=1),
        ), BirthdaySource(self), empty_key="engagement_screens.no_birthdays", id="birthdays")
        yield Footer()

    @property
    def follow_list(self) -> PagedList:
        return self.query_one("#follow-ups", PagedList)

    @property
    def birthday_list(self) -> PagedList:
        return self.query_one("#birthdays", PagedList)

    def reload_data(self) -> None:
        self.follow_list.source = FollowUpSource(self)
        self.birthday_list.source = BirthdaySource(self)
        super().reload_data()

    def relabel(self) -> None:
        self.query_one("#birthdays-heading", Label).update(t("engagement_screens.birthdays_heading"))
        super().relabel()

    @on(PagedList.Counted, "#follow-ups")
    def _counted(self, event: PagedList.Counted) -> None:
        source: Any = self.follow_list.source
        late = sum(1 for f in source.items if f.due_on < self.today)
        key = "engagement_screens.follow_heading_" + self.due
        self.show_heading(t(key, count=event.count, late=late, day=self.today.isoformat(),
                            advisor=self.advisor or t("engagement_screens.all_advisors")))

    @on(PagedList.Chosen)
    def _chosen(self, event: PagedList.Chosen) -> None:
        self.open_member(event.item.member_id)

    def _member_id(self) -> int | None:
        focused = self.focused if isinstance(self.focused, PagedList) else self.follow_list
        item: Any = focused.cursor_item
        return item.member_id if item is not None else None

    def _follow_up(self) -> FollowUp | None:
        item = self.follow_list.cursor_item
        if item is None:
            self.notify(t("engagement_screens.no_follow_up_selected"), severity="warning")
        return item

    def action_log_contact(self) -> None:
        self.log_contact(self._member_id())

    def action_move(self) -> None:
        item = self._follow_up()
        if item is not None:
            self.app.push_screen(follow_up_dialog(self, item.member_id),
                                 lambda done: self.reload_data() if done else None)

    def action_clear(self) -> None:
        item = self._follow_up()
        if item is None:
            return
        followups.clear_follow_up(self.store, self.operator, item.member_id)
        self.notify(t("engagement_screens.follow_up_cleared", name=item.member_name), markup=False)
        self.reload_data()

    def action_next_advisor(self) -> None:
        choices: list[str | None] = [None, *roster.filter_options(self.store)["advisor"]]
        index = choices.index(self.advisor) if self.advisor in choices else 0
        self.advisor = choices[(index + 1) % len(choices)]
        self.reload_data()

    def action_toggle_due(self) -> None:
        self.due = "week" if self.due == "today" else "today"
        self.reload_data()

    def palette_commands(self) -> list[PaletteCommand]:
        return [
            (t("engagement_screens.cmd.log_contact"), t("engagement_screens.cmd.log_contact_help"),
             self.action_log_contact),
            (t("engagement_screens.cmd.move_follow_up"), t("engagement_screens.cmd.move_follow_up_help"),
             self.action_move),
            (t("engagement_screens.cmd.clear_follow_up"),
             t("engagement_screens.cmd.clear_follow_up_help"), self.action_clear),
            (t("engagement_screens.cmd.advisor"), t("engagement_screens.cmd.advisor_help"),
             self.action_next_advisor),
            (t("engagement_screens.cmd.due_range"), t("engagement_screens.cmd.due_range_help"),
             self.action_toggle_due),
        ]
