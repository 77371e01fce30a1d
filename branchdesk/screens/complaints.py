"""Complaints (投诉): the list — overdue first, in red — and the card, where a complaint is
assigned, answered and resolved. Deadlines are Chinese working days; a deadline counted across
a year without an official schedule says so on both."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Label, Static

from branchdesk.engagement_enums import ComplaintStatus
from branchdesk.i18n import t
from branchdesk.screens.base import AppContext
from branchdesk.screens.engagement_base import EngagementScreen, PaletteCommand
from branchdesk.services import complaints
from branchdesk.services.complaints import Complaint, calendar_notice
from branchdesk.widgets.app_header import AppHeader
from branchdesk.widgets.engagement.dialogs import (
    assign_dialog,
    new_complaint_dialog,
    resolve_dialog,
    respond_dialog,
)
from branchdesk.widgets.engagement.log_contact import today_of
from branchdesk.widgets.engagement.paged_list import ListColumn, PagedList
from branchdesk.widgets.translated_bindings import translate_bindings

VIEWS = ("open", "overdue", "all")


def next_due_text(complaint: Complaint, today: date) -> str:
    due = complaint.next_due()
    if due is None:
        return complaint.resolved_at.strftime("%m-%d") if complaint.resolved_at else ""
    if due < today:
        return t("engagement_screens.late_days", day=due.strftime("%m-%d"), days=(today - due).days)
    return due.strftime("%m-%d") + (" " + t("engagement_screens.answer_mark")
                                    if complaint.responded_at is None else "")


def row_style(complaint: Complaint) -> str | None:
    if complaint.overdue:
        return "alert"
    return "muted" if complaint.status == ComplaintStatus.RESOLVED else None


class ComplaintSource:
    def __init__(self, screen: ComplaintsScreen) -> None:
        self.items = complaints.list_complaints(
            screen.store, screen.today, overdue_only=screen.view == "overdue",
            open_only=screen.view == "open", member_id=screen.member_id)

    def count(self) -> int:
        return len(self.items)

    def page(self, offset: int, limit: int) -> Sequence[Complaint]:
        return self.items[offset:offset + limit]


class ComplaintsScreen(EngagementScreen):
    HELP_SECTION = "engagement_screens.help.complaints"
    TITLE_KEY = "engagement_screens.complaints_title"
    AREA_HELP = "engagement_screens.cmd.complaints_help"
    AUTO_FOCUS = "#complaints"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new", "engagement_screens.key.new_complaint"),
        Binding("f", "next_view", "engagement_screens.key.complaint_view"),
    ]

    def __init__(self, member_id: int | None = None) -> None:
        super().__init__()
        self.view = "open"
        self.member_id = member_id

    def compose(self) -> ComposeResult:
        today = self.today
        yield AppHeader(self.TITLE_KEY)
        yield Label("", id="engagement-heading", markup=False)
        yield PagedList((
            ListColumn("id", "engagement_screens.col.id", 4, lambda c: str(c.id)),
            ListColumn("status", "engagement_screens.col.status", 6,
                       lambda c: t("engagement_screens.overdue") if c.overdue else c.status.label(),
                       fits=lambda: [t("engagement_screens.overdue"), *(s.label() for s in ComplaintStatus)]),
            ListColumn("due", "engagement_screens.col.next_due", 13, lambda c: next_due_text(c, today)),
            ListColumn("member", "engagement_screens.col.member", 6, lambda c: c.member_name),
            ListColumn("category", "engagement_screens.col.category", 8, lambda c: c.category.label(),
                       drop=2),
            ListColumn("owner", "engagement_screens.col.owner", 6, lambda c: c.owner or "", drop=1),
            ListColumn("summary", "engagement_screens.col.summary", 8, lambda c: c.summary,
                       flexible=True),
        ), ComplaintSource(self), row_style=row_style,
            empty_key="engagement_screens.no_complaints", id="complaints")
        yield Static("", id="engagement-notice", markup=False)
        yield Footer()

    @property
    def list(self) -> PagedList:
        return self.query_one("#complaints", PagedList)

    def reload_data(self) -> None:
        source = ComplaintSource(self)
        self.list.source = source
        years = sorted({y for c in source.items if c.status != ComplaintStatus.RESOLVED
                        for y in c.assumed_years})
        notice = self.query_one("#engagement-notice", Static)
        notice.update(calendar_notice(years) if years else "")
        notice.display = bool(years)
        super().reload_data()

    @on(PagedList.Counted)
    def _counted(self, event: PagedList.Counted) -> None:
        counts = complaints.complaint_counts(self.store, self.today)
        self.show_heading(t("engagement_screens.complaints_heading", shown=event.count,
                            view=t(f"engagement_screens.view_{self.view}"), **counts))

    @on(PagedList.Chosen)
    def _chosen(self, event: PagedList.Chosen) -> None:
        self.app.push_screen(ComplaintCardScreen(event.item.id), lambda _: self.reload_data())

    def action_new(self) -> None:
        def opened(complaint: Complaint) -> None:
            self.reload_data()

        self.app.push_screen(new_complaint_dialog(self, self.member_id, opened))

    def action_next_view(self) -> None:
        self.view = VIEWS[(VIEWS.index(self.view) + 1) % len(VIEWS)]
        self.list.cursor_row = 0
        self.reload_data()

    def palette_commands(self) -> list[PaletteCommand]:
        return [
            (t("engagement_screens.cmd.new_complaint"), t("engagement_screens.cmd.new_complaint_help"),
             self.action_new),
            (t("engagement_screens.cmd.complaint_view"), t("engagement_screens.cmd.complaint_view_help"),
             self.action_next_view),
        ]


class ComplaintCardScreen(AppContext, Screen[None]):
    """One complaint: who, what, when received, the deadlines and where it stands."""

    HELP_SECTION = "engagement_screens.help.complaint_card"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "respond", "engagement_screens.key.respond"),
        Binding("x", "resolve", "engagement_screens.key.resolve"),
        Binding("a", "assign", "engagement_screens.key.assign"),
        Binding("m", "open_member", "engagement_screens.key.member", show=False),
        Binding("escape", "close", "engagement_screens.key.close"),
    ]

    def __init__(self, complaint_id: int) -> None:
        super().__init__()
        translate_bindings(self)
        self.complaint_id = complaint_id

    def compose(self) -> ComposeResult:
        yield AppHeader("engagement_screens.complaint_card_title")
        yield Label("", id="complaint-title", markup=False)
        with VerticalScroll(id="complaint-body"):
            yield Static("", id="complaint-detail")
        yield Static("", id="engagement-notice", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.reload_data()

    @property
    def complaint(self) -> Complaint:
        return complaints.get_complaint(self.store, self.complaint_id, today_of(self.app))

    def reload_data(self) -> None:
        complaint = self.complaint
        title = t("engagement_screens.complaint_card_heading", id=complaint.id,
                  name=complaint.member_name, phone=complaint.masked_phone,
                  status=complaint.status.label())
        self.query_one("#complaint-title", Label).update(title)
        self.query_one("#complaint-detail", Static).update(detail_text(complaint, today_of(self.app)))
        notice = self.query_one("#engagement-notice", Static)
        notice.update(calendar_notice(complaint.assumed_years) if complaint.assumed_years else "")
        notice.display = bool(complaint.assumed_years)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("respond", "resolve", "assign"):
            complaint = self.complaint
            if complaint.status == ComplaintStatus.RESOLVED:
                return None  # shown greyed: a resolved complaint is closed
            if action == "respond" and complaint.responded_at is not None:
                return None
        return True

    def relabel(self) -> None:
        self.query_one(AppHeader).refresh()
        self.reload_data()

    def _dialog(self, dialog: Any) -> None:
        self.app.push_screen(dialog, lambda done: self.reload_data() if done else None)

    def action_respond(self) -> None:
        self._dialog(respond_dialog(self, self.complaint_id))

    def action_resolve(self) -> None:
        self._dialog(resolve_dialog(self, self.complaint_id))

    def action_assign(self) -> None:
        self._dialog(assign_dialog(self, self.complaint_id))

    def action_open_member(self) -> None:
        from branchdesk.screens.member_card import MemberCardScreen

        self.app.push_screen(MemberCardScreen(self.complaint.member_id))

    def action_close(self) -> None:
        self.dismiss(None)

    def palette_commands(self) -> list[PaletteCommand]:
        return [
            (t("engagement_screens.cmd.respond"), t("engagement_screens.cmd.respond_help"),
             self.action_respond),
            (t("engagement_screens.cmd.resolve"), t("engagement_screens.cmd.resolve_help"),
             self.action_resolve),
            (t("engagement_screens.cmd.assign"), t("engagement_screens.cmd.assign_help"),
             self.action_assign),
        ]


def detail_text(c: Complaint, today: date) -> Text:
    """The complaint as a person reads it: each line a label and a value."""
    text = Text()
    labels = ("channel", "category", "opened", "owner", "first_due", "resolution_due", "summary",
              "response", "resolved_at", "resolution")
    width = max(cell_len(t(f"engagement_screens.field.{name}")) for name in labels)

    def line(label_key: str, value: str, style: str = "") -> None:
        label = t(label_key)
        text.append(label + " " * (width - cell_len(label) + 2), "dim")
        text.append(value + "\n", style)

    line("engagement_screens.field.channel", c.channel.label())
    line("engagement_screens.field.category", c.category.label())
    line("engagement_screens.field.opened", c.opened_at.strftime("%Y-%m-%d %H:%M"))
    line("engagement_screens.field.owner", c.owner or "—")
    late_answer = c.response_late(today)
    answer = c.first_response_due.isoformat()
    if c.responded_at is not None:
        answer += "  " + t("engagement_screens.answered_at", at=c.responded_at.strftime("%Y-%m-%d %H:%M"))
    elif late_answer:
        answer += "  " + t("engagement_screens.late_by", days=(today - c.first_response_due).days)
    line("engagement_screens.field.first_due", answer, "bold red" if late_answer else "")
    late_resolve = c.status != ComplaintStatus.RESOLVED and c.resolution_due < today
    resolve = c.resolution_due.isoformat()
    if late_resolve:
        resolve += "  " + t("engagement_screens.late_by", days=(today - c.resolution_due).days)
    line("engagement_screens.field.resolution_due", resolve, "bold red" if late_resolve else "")
    text.append("\n")
    line("engagement_screens.field.summary", c.summary)
    if c.response:
        line("engagement_screens.field.response", c.response)
    if c.resolved_at is not None:
        line("engagement_screens.field.resolved_at", c.resolved_at.strftime("%Y-%m-%d %H:%M"))
        line("engagement_screens.field.resolution", c.resolution or "")
    return text
