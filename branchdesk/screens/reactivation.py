"""The reactivation list (唤醒名单): dormant members, highest value tier first, then by how long
they have been asleep; one key logs a contact. `w` shows who was reactivated this week."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Label

from branchdesk.datetimes import week_of
from branchdesk.enums import ValueTier
from branchdesk.i18n import t
from branchdesk.screens.engagement_base import EngagementScreen, PaletteCommand
from branchdesk.services import reactivation, roster
from branchdesk.services.reactivation import Reactivated, Sleeper
from branchdesk.widgets.app_header import AppHeader
from branchdesk.widgets.engagement.paged_list import ListColumn, PagedList


class SleeperSource:
    """The reactivation service as the list sees it (called from worker threads)."""

    def __init__(self, screen: ReactivationScreen) -> None:
        self.store = screen.store
        self.today = screen.today
        self.days = screen.settings.dormant_days
        self.thresholds = screen.settings.tier_thresholds
        self.advisor = screen.advisor
        self.longest_first = screen.longest_first

    def count(self) -> int:
        return reactivation.count_dormant(self.store, self.today, self.days, self.advisor)

    def page(self, offset: int, limit: int) -> Sequence[Sleeper]:
        return reactivation.reactivation_list(
            self.store, self.today, self.days, thresholds=self.thresholds, advisor=self.advisor,
            offset=offset, limit=limit, longest_first=self.longest_first)


class WokenSource:
    """Who was reactivated this week (a short list, read whole)."""

    def __init__(self, screen: ReactivationScreen) -> None:
        self.items = reactivation.reactivated_this_week(
            screen.store, screen.today, screen.settings.dormant_days, screen.advisor)

    def count(self) -> int:
        return len(self.items)

    def page(self, offset: int, limit: int) -> Sequence[Reactivated]:
        return self.items[offset:offset + limit]


def _days(days: int) -> str:
    return t("engagement_screens.days", days=days)


SLEEPER_COLUMNS = (
    ListColumn("name", "engagement_screens.col.member", 8, lambda s: s.name, flexible=True),
    ListColumn("phone", "engagement_screens.col.phone", 11, lambda s: s.masked_phone, drop=3),
    ListColumn("tier", "engagement_screens.col.tier", 4,
               lambda s: s.tier.label() if s.tier else "—",
               fits=lambda: [tier.label() for tier in ValueTier]),
    ListColumn("advisor", "engagement_screens.col.advisor", 6, lambda s: s.advisor or "", drop=2),
    ListColumn("heard", "engagement_screens.col.heard", 10,
               lambda s: s.heard_on.isoformat() if s.heard_on else "—"),
    ListColumn("asleep", "engagement_screens.col.asleep", 7, lambda s: _days(s.days_asleep)),
    ListColumn("follow_up", "engagement_screens.col.follow_up", 10,
               lambda s: s.follow_up_on.isoformat() if s.follow_up_on else "", drop=1),
)
WOKEN_COLUMNS = (
    ListColumn("on", "engagement_screens.col.on", 10, lambda w: w.on.isoformat()),
    ListColumn("name", "engagement_screens.col.member", 8, lambda w: w.name, flexible=True),
    ListColumn("advisor", "engagement_screens.col.advisor", 6, lambda w: w.advisor or "", drop=2),
    ListColumn("kind", "engagement_screens.col.kind", 6, lambda w: w.kind.label()),
    ListColumn("asleep", "engagement_screens.col.asleep_before", 7, lambda w: _days(w.days_asleep)),
)


class ReactivationScreen(EngagementScreen):
    HELP_SECTION = "engagement_screens.help.reactivation"
    TITLE_KEY = "engagement_screens.reactivation_title"
    AREA_HELP = "engagement_screens.cmd.reactivation_help"
    AUTO_FOCUS = "#sleepers"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("l", "log_contact", "engagement_screens.key.log_contact"),
        Binding("a", "next_advisor", "engagement_screens.key.advisor"),
        Binding("w", "toggle_woken", "engagement_screens.key.woken"),
        Binding("r", "reverse", "engagement_screens.key.reverse"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.advisor: str | None = None
        self.longest_first = False
        self.showing_woken = False

    def compose(self) -> ComposeResult:
        yield AppHeader(self.TITLE_KEY)
        yield Label("", id="engagement-heading", markup=False)
        yield PagedList(SLEEPER_COLUMNS, SleeperSource(self),
                        empty_key="engagement_screens.no_sleepers", id="sleepers")
        yield Footer()

    @property
    def list(self) -> PagedList:
        return self.query_one("#sleepers", PagedList)

    def reload_data(self) -> None:
        table = self.list
        table.source = WokenSource(self) if self.showing_woken else SleeperSource(self)
        table.load(keep_position=True)

    @on(PagedList.Counted)
    def _counted(self, event: PagedList.Counted) -> None:
        days = self.settings.dormant_days
        advisor = self.advisor or t("engagement_screens.all_advisors")
        if self.showing_woken:
            first, last = week_of(self.today)
            text = t("engagement_screens.woken_heading", count=event.count, first=first.strftime("%m-%d"),
                     last=last.strftime("%m-%d"), advisor=advisor)
        else:
            order = t("engagement_screens.order_longest" if self.longest_first
                      else "engagement_screens.order_recent")
            text = t("engagement_screens.sleepers_heading", count=f"{event.count:,}", days=days,
                     advisor=advisor, order=order)
        self.show_heading(text)

    @on(PagedList.Chosen)
    def _chosen(self, event: PagedList.Chosen) -> None:
        self.open_member(event.item.member_id)

    def _cursor_member(self) -> int | None:
        item: Any = self.list.cursor_item
        return item.member_id if item is not None else None

    def action_log_contact(self) -> None:
        self.log_contact(self._cursor_member())

    def advisors(self) -> list[str | None]:
        return [None, *roster.filter_options(self.store)["advisor"]]

    def action_next_advisor(self) -> None:
        choices = self.advisors()
        index = choices.index(self.advisor) if self.advisor in choices else 0
        self.advisor = choices[(index + 1) % len(choices)]
        self.list.cursor_row = 0
        self.reload_data()

    def action_toggle_woken(self) -> None:
        self.showing_woken = not self.showing_woken
        table = self.list
        table.columns = list(WOKEN_COLUMNS if self.showing_woken else SLEEPER_COLUMNS)
        table.empty_key = ("engagement_screens.no_woken" if self.showing_woken
                           else "engagement_screens.no_sleepers")
        table.cursor_row = 0
        self.reload_data()

    def action_reverse(self) -> None:
        self.longest_first = not self.longest_first
        self.list.cursor_row = 0
        self.reload_data()

    def palette_commands(self) -> list[PaletteCommand]:
        return [
            (t("engagement_screens.cmd.log_contact"), t("engagement_screens.cmd.log_contact_help"),
             self.action_log_contact),
            (t("engagement_screens.cmd.advisor"), t("engagement_screens.cmd.advisor_help"),
             self.action_next_advisor),
            (t("engagement_screens.cmd.woken"), t("engagement_screens.cmd.woken_help"),
             self.action_toggle_woken),
            (t("engagement_screens.cmd.reverse"), t("engagement_screens.cmd.reverse_help"),
             self.action_reverse),
        ]
