"""Log a contact in two or three keys: the dialog opens on the kind (a call is chosen), so
Enter saves a call now; a digit picks another kind first. The time and a note are optional.
When the member has a follow-up, the dialog offers to clear it (chosen when it is due) or move
it. Dismisses with the Activity logged, or None.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from branchdesk import datetimes
from branchdesk.engagement_enums import LOGGABLE_KINDS, ActivityKind
from branchdesk.errors import UserError
from branchdesk.i18n import t
from branchdesk.screens.base import AppContext
from branchdesk.services import activities, followups, roster
from branchdesk.services.activities import Activity, FollowUpChange
from branchdesk.widgets.engagement.choice_row import ChoiceRow
from branchdesk.widgets.translated_bindings import translate_bindings

FOLLOW_UP_CHOICES = ("keep", "clear", "move")


class LogContactDialog(AppContext, ModalScreen["Activity | None"]):
    DEFAULT_CSS = """
    LogContactDialog { align: center middle; background: $background 60%; }
    LogContactDialog > #log-box {
        width: 76; max-width: 100%; height: auto; max-height: 100%;
        padding: 0 1; border: round $accent; background: $surface;
    }
    LogContactDialog #log-title { width: 100%; text-style: bold; color: $accent; }
    LogContactDialog .log-row { height: auto; margin-top: 1; }
    LogContactDialog .log-label { width: 10; color: $text-muted; }
    LogContactDialog Input { width: 1fr; background: $boost; }
    LogContactDialog Input:focus { background: $primary 30%; }
    LogContactDialog #log-follow-info { color: $text-warning; height: auto; margin-top: 1; }
    LogContactDialog #log-move-on { width: 20; }
    LogContactDialog #log-error { color: $text-error; height: auto; }
    LogContactDialog #log-hint { color: $text-muted; height: auto; margin-top: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "save", "engagement_screens.key.save"),
        Binding("ctrl+s", "save", "engagement_screens.key.save", show=False),
        Binding("escape", "cancel", "engagement_screens.key.cancel"),
    ]
    HELP_SECTION = "engagement_screens.help.log_contact"

    def __init__(self, member_id: int, kind: ActivityKind = ActivityKind.CALL) -> None:
        super().__init__()
        translate_bindings(self)
        self.member_id = member_id
        self.kind = kind

    def compose(self) -> ComposeResult:
        member = roster.get_member(self.store, self.member_id)
        self.follow_up = followups.get_follow_up(self.store, self.member_id)
        today = getattr(self.app, "today", None) or datetimes.today()
        with Vertical(id="log-box"):
            yield Label(t("engagement_screens.log_title", name=member.name,
                          phone=member.masked_phone), id="log-title", markup=False)
            with Horizontal(classes="log-row"):
                yield Label(t("engagement_screens.log_kind"), classes="log-label")
                yield ChoiceRow([(k.value, k.label()) for k in LOGGABLE_KINDS], self.kind.value,
                                id="log-kind")
            with Horizontal(classes="log-row"):
                yield Label(t("engagement_screens.log_when"), classes="log-label")
                yield Input(placeholder=t("engagement_screens.log_when_placeholder"), compact=True,
                            id="log-at")
            with Horizontal(classes="log-row"):
                yield Label(t("engagement_screens.log_note"), classes="log-label")
                yield Input(placeholder=t("engagement_screens.log_note_placeholder"), compact=True,
                            id="log-note")
            if self.follow_up is not None:
                due = self.follow_up.due_on
                state = t("engagement_screens.follow_due") if due <= today else ""
                yield Static(t("engagement_screens.log_follow_info", day=due.isoformat(),
                               reason=self.follow_up.reason or "—", state=state),
                             id="log-follow-info", markup=False)
                with Horizontal(classes="log-row"):
                    yield Label(t("engagement_screens.log_follow"), classes="log-label")
                    yield ChoiceRow([(c, t(f"engagement_screens.follow_{c}")) for c in FOLLOW_UP_CHOICES],
                                    "clear" if due <= today else "keep", id="log-follow")
                    yield Input(placeholder=t("engagement_screens.follow_move_placeholder"),
                                compact=True, id="log-move-on")
            yield Static("", id="log-error", markup=False)
            yield Static(t("engagement_screens.log_hint"), id="log-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#log-error").display = False
        self._show_move()
        self.query_one("#log-kind").focus()

    @on(ChoiceRow.Changed, "#log-follow")
    def _follow_changed(self) -> None:
        self._show_move()

    def _show_move(self) -> None:
        if self.follow_up is not None:
            self.query_one("#log-move-on").display = self.query_one("#log-follow", ChoiceRow).value == "move"

    @on(Input.Submitted)
    def _enter(self) -> None:
        self.action_save()

    def _follow_change(self) -> FollowUpChange | None:
        if self.follow_up is None:
            return None
        choice = self.query_one("#log-follow", ChoiceRow).value
        if choice == "move":
            text = self.query_one("#log-move-on", Input).value
            return FollowUpChange("move", datetimes.parse_date(text, prefer="future"))
        return FollowUpChange(choice)

    def action_save(self) -> None:
        kind = self.query_one("#log-kind", ChoiceRow).value
        when = self.query_one("#log-at", Input).value.strip()
        note = self.query_one("#log-note", Input).value
        try:
            at = datetimes.parse_datetime(when, prefer="past") if when else None
            activity = activities.log_activity(self.store, self.operator, self.member_id, kind,
                                               at=at, note=note, follow_up=self._follow_change())
        except UserError as error:
            box = self.query_one("#log-error", Static)
            box.update(error.message)
            box.display = True
            return
        self.dismiss(activity)

    def action_cancel(self) -> None:
        self.dismiss(None)


def logged_text(activity: Activity, name: str, dormant_days: int) -> str:
    """What the notification says after a contact was logged."""
    text = t("engagement_screens.logged", kind=activity.kind.label(), name=name,
             at=activity.at.strftime("%m-%d %H:%M"))
    if activity.reactivated(dormant_days):
        text += " " + t("engagement_screens.logged_woke", days=activity.gap_days)
    return text


def open_log_contact(screen: Any, member_id: int, done: Any = None,
                     kind: ActivityKind = ActivityKind.CALL) -> None:
    """Push the dialog over `screen`; on a save, notify and call `done(activity)`."""
    def closed(activity: Activity | None) -> None:
        if activity is None:
            return
        name = roster.get_member(screen.app.store, member_id).name
        screen.notify(logged_text(activity, name, screen.app.settings.dormant_days), markup=False)
        if done is not None:
            done(activity)

    screen.app.push_screen(LogContactDialog(member_id, kind), closed)


def today_of(app: Any) -> date:
    """The app's "today" (fixed in tests), else the branch's date."""
    return getattr(app, "today", None) or datetimes.today()
