"""The events area: the agenda of this week and the coming weeks, by day, with counts.

From here a person plans an event (n), opens its card (Enter), edits it (e), opens the door
check-in (d), exports the calendar (x) and moves through the weeks ([ and ], t for today).
The events service does the work; this screen gathers keys and shows results.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Label

from branchdesk import datetimes
from branchdesk.i18n import t
from branchdesk.screens.base import AppContext
from branchdesk.services import events
from branchdesk.widgets.app_header import AppHeader
from branchdesk.widgets.events.agenda import AgendaList
from branchdesk.widgets.events.event_form import EventForm, FormResult
from branchdesk.widgets.form_dialog import FormDialog, FormField, Values
from branchdesk.widgets.translated_bindings import translate_bindings

PaletteCommand = tuple[str, str, Callable[[], Any]]
WEEKS_SHOWN = 4


class EventsScreen(AppContext, Screen[None]):
    HELP_SECTION = "events_screen.help.screen"
    TITLE_KEY = "events_screen.title"
    AREA_HELP = "events_screen.cmd.open_help"
    AUTO_FOCUS = "#agenda"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new_event", "events_screen.key.new"),
        Binding("e", "edit_event", "events_screen.key.edit"),
        Binding("d", "door", "events_screen.key.door"),
        Binding("x", "export", "events_screen.key.export", show=False),
        Binding("left_square_bracket", "earlier", "events_screen.key.earlier", show=False),
        Binding("right_square_bracket", "later", "events_screen.key.later", show=False),
        Binding("t", "this_week", "events_screen.key.today", show=False),
        Binding("f5", "reload", "events_screen.key.reload", show=False),
        Binding("escape", "leave", "events_screen.key.roster", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self.week_offset = 0
        self.shown: list[events.Event] | None = None
        self._width = 0
        self._fresh = False  # the agenda was read since the screen was last left

    @property
    def tz(self):
        return self.app.settings.tz  # type: ignore[attr-defined]

    def now(self) -> datetime:
        return datetimes.now().astimezone(self.tz)

    def compose(self) -> ComposeResult:
        yield AppHeader(self.TITLE_KEY)
        yield Label("", id="agenda-heading", markup=False)
        yield AgendaList(id="agenda")
        yield Footer()

    def on_screen_resume(self) -> None:
        # Also when the area first opens; counts change on the card and at the door.
        if not self._fresh:
            self.reload_data()

    def on_screen_suspend(self) -> None:
        self._fresh = False

    @property
    def agenda(self) -> AgendaList:
        return self.query_one(AgendaList)

    # --- reading -------------------------------------------------------------------------------

    def window(self) -> tuple[date, date]:
        today = self.now().date()
        monday = today - timedelta(days=today.weekday()) + timedelta(weeks=self.week_offset)
        return monday, monday + timedelta(days=7 * WEEKS_SHOWN - 1)

    def reload_data(self) -> None:
        first, last = self.window()
        self.shown = events.list_events(self.store, self.tz, first, last)
        self.agenda.show(self.shown, self.tz, self.now(), self.agenda.event_id,
                         t("events_screen.empty"))
        self._width = self.line_width()
        self._fresh = True
        self.query_one("#agenda-heading", Label).update(t(
            "events_screen.heading", first=f"{first:%m-%d}", last=f"{last:%m-%d}",
            count=len(self.shown)))

    def line_width(self) -> int:
        return max(self.app.size.width, 40) - 2

    def on_resize(self) -> None:
        # Lines are laid out for a width: lay them out again when it changes.
        if self.shown is not None and self.line_width() != self._width:
            self.reload_data()

    def _chosen(self) -> events.Event | None:
        event_id = self.agenda.event_id
        if event_id is None:
            self.notify(t("events_screen.nothing_chosen"), severity="warning", markup=False)
            return None
        return events.get_event(self.store, event_id)

    # --- actions -------------------------------------------------------------------------------

    @on(AgendaList.Chosen)
    def _chosen_event(self, message: AgendaList.Chosen) -> None:
        self.open_event(message.event_id)

    def open_event(self, event_id: int) -> None:
        from branchdesk.screens.event_card import EventCardScreen

        self.app.push_screen(EventCardScreen(event_id))

    def action_new_event(self) -> None:
        self.app.push_screen(EventForm(self.store, self.operator, self.tz), self._saved)

    def action_edit_event(self) -> None:
        chosen = self._chosen()
        if chosen is not None:
            self.app.push_screen(EventForm(self.store, self.operator, self.tz, chosen),
                                 self._saved)

    def _saved(self, result: FormResult | None) -> None:
        if result is None:
            return
        saved = result.saved
        first = saved.events[0]
        local = first.start.astimezone(self.tz).date()
        start, end = self.window()
        if not start <= local <= end:  # show the week it went to
            this_monday = self.now().date() - timedelta(days=self.now().weekday())
            self.week_offset = (local - this_monday).days // 7
        self.reload_data()
        self.agenda.select_event(first.id)
        self.notify(t("events_screen.saved", count=len(saved.events), title=first.title),
                    markup=False)
        for warning in saved.warnings:
            self.notify(warning, severity="warning", markup=False, timeout=10)
        if saved.promoted:
            names = "、".join(m["name"] for m in saved.promoted)
            self.notify(t("events_screen.moved_up", names=names), markup=False, timeout=15)

    def action_door(self) -> None:
        chosen = self._chosen()
        if chosen is not None:
            from branchdesk.screens.checkin import CheckInScreen

            self.app.push_screen(CheckInScreen(chosen.id))

    def action_export(self) -> None:
        first, _ = self.window()

        def submit(values: Values) -> None:
            from branchdesk.datetimes import parse_range
            from branchdesk.exports.calendar import write_calendar

            start, end = parse_range(values["from"].strip() or None, values["to"].strip() or None,
                                     today=self.now().date())
            found = events.list_events(self.store, self.tz, start, end)
            settings = self.app.settings  # type: ignore[attr-defined]
            path = write_calendar(self.store, found, values["file"].strip() or "events.ics",
                                  tz=self.tz,
                                  calendar_name=settings.branch_name or t("app.default_branch"))
            self.notify(t("events_screen.exported", count=len(found), file=str(path)),
                        markup=False)

        fields = [FormField("file", t("events_screen.export_file"), value="events.ics"),
                  FormField("from", t("events_screen.export_from"), value=first.isoformat()),
                  FormField("to", t("events_screen.export_to"))]
        self.app.push_screen(FormDialog(t("events_screen.export_title"), fields, submit,
                                        note=t("events_screen.export_note")))

    def action_earlier(self) -> None:
        self.week_offset -= 1
        self.reload_data()

    def action_later(self) -> None:
        self.week_offset += 1
        self.reload_data()

    def action_this_week(self) -> None:
        self.week_offset = 0
        self.reload_data()

    def action_reload(self) -> None:
        self.reload_data()

    def action_leave(self) -> None:
        self.app.switch_mode("roster")

    def show_day(self, day: date) -> None:
        """Move the agenda to the weeks that hold `day`."""
        this_monday = self.now().date() - timedelta(days=self.now().weekday())
        self.week_offset = (day - this_monday).days // 7
        self.reload_data()

    def events_today(self) -> list[events.Event]:
        today = self.now().date()
        return [e for e in events.list_events(self.store, self.tz, today, today)
                if e.stored_status != "cancelled"]

    # --- language and palette ------------------------------------------------------------------

    def relabel(self) -> None:
        self.query_one(AppHeader).refresh()
        self.reload_data()

    def palette_commands(self) -> list[PaletteCommand]:
        return [
            (t("events_screen.cmd.new"), t("events_screen.cmd.new_help"), self.action_new_event),
            (t("events_screen.cmd.edit"), t("events_screen.cmd.edit_help"),
             self.action_edit_event),
            (t("events_screen.cmd.door"), t("events_screen.cmd.door_help"), self.action_door),
            (t("events_screen.cmd.export"), t("events_screen.cmd.export_help"),
             self.action_export),
            (t("events_screen.cmd.earlier"), t("events_screen.cmd.earlier_help"),
             self.action_earlier),
            (t("events_screen.cmd.later"), t("events_screen.cmd.later_help"), self.action_later),
            (t("events_screen.cmd.today"), t("events_screen.cmd.today_help"),
             self.action_this_week),
        ]

