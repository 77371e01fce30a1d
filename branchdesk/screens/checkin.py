"""The door: a laptop at the entrance of a salon, seen by everyone who walks past.

It shows nobody until something is typed. Part of a name or the last four digits of a phone,
then Enter: one match on the event's list is checked in at once with a clear confirmation;
several are listed masked to choose from; someone already in is told so. Nobody on the list:
the roster's matches are offered, or a walk-in (name and mobile) is added with Ctrl+N.
Ctrl+Z takes the last check-in back.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.events import Key
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from branchdesk.errors import UserError
from branchdesk.event_types import RegistrationState
from branchdesk.i18n import t
from branchdesk.screens.base import AppContext
from branchdesk.services import events, registrations
from branchdesk.widgets.app_header import AppHeader
from branchdesk.widgets.form_dialog import FormDialog, FormField, Values
from branchdesk.widgets.roster_columns import fit
from branchdesk.widgets.translated_bindings import translate_bindings

PaletteCommand = tuple[str, str, Callable[[], Any]]
CLEAR_AFTER = 15.0  # seconds a confirmation stays up (the next person may be someone else)


class DoorInput(Input):
    HELP_SECTION = "checkin.help.input"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "submit", "checkin.key.check_in"),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        translate_bindings(self)


class MatchList(OptionList):
    HELP_SECTION = "checkin.help.matches"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "checkin.key.choose"),
        Binding("escape", "back_to_input", "checkin.key.back_to_input"),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        translate_bindings(self)

    def action_back_to_input(self) -> None:
        self.screen.clear_result()  # type: ignore[attr-defined]

    def on_key(self, event: Key) -> None:
        """Typing while the list is up: the keys go to the box (the list is for arrows)."""
        if event.is_printable and event.character:
            event.stop()
            box = self.screen.query_one(DoorInput)
            box.focus()
            box.insert_text_at_cursor(event.character)


class CheckInScreen(AppContext, Screen[None]):
    HELP_SECTION = "checkin.help.screen"
    TITLE_KEY = "checkin.title"
    AUTO_FOCUS = "#door-input"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "walk_in", "checkin.key.walk_in"),
        Binding("ctrl+z", "undo", "checkin.key.undo"),
        Binding("escape", "leave", "checkin.key.leave"),
    ]

    def __init__(self, event_id: int) -> None:
        super().__init__()
        translate_bindings(self)
        self.event_id = event_id
        self.checked: list[tuple[int, str]] = []  # (member id, name) checked in here, in order
        self._clear_timer = None

    @property
    def tz(self):
        return self.app.settings.tz  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        yield AppHeader(self.TITLE_KEY)
        yield Static("", id="door-event", markup=False)
        yield Static("", id="door-counts", markup=False)
        yield DoorInput(placeholder=t("checkin.placeholder"), id="door-input")
        yield Static("", id="door-result", markup=False)
        yield MatchList(id="door-matches", classes="-hidden")
        yield Footer()

    def on_mount(self) -> None:
        self._show_event()
        self.clear_result()

    def _show_event(self) -> None:
        event = events.get_event(self.store, self.event_id)
        now = datetime.now(self.tz)
        self.query_one("#door-event", Static).update(t(
            "checkin.event", id=event.id, title=event.title,
            when=event.span(self.tz, now.date()), place=event.place() or "—"))
        self._show_counts(event)

    def _show_counts(self, event: events.Event | None = None) -> None:
        event = event or events.get_event(self.store, self.event_id)
        registered = event.counts["registered"] + event.counts["attended"]
        self.query_one("#door-counts", Static).update(t(
            "checkin.counts", attended=event.counts["attended"], registered=registered))

    @property
    def input(self) -> DoorInput:
        return self.query_one(DoorInput)

    # --- what the door shows -------------------------------------------------------------------

    def _result(self, text: str, kind: str) -> None:
        box = self.query_one("#door-result", Static)
        box.update(text)
        box.set_classes(f"-{kind}" if kind else "")
        if self._clear_timer is not None:
            self._clear_timer.stop()
        self._clear_timer = self.set_timer(CLEAR_AFTER, self._fade) if kind == "ok" else None

    def _fade(self) -> None:
        """A confirmation does not stay on show for the next person walking past."""
        if not self.input.value:
            self.clear_result()

    def clear_result(self) -> None:
        self._result(t("checkin.ready"), "")
        matches = self.query_one(MatchList)
        matches.clear_options()
        matches.add_class("-hidden")
        self.input.focus()

    @on(Input.Changed, "#door-input")
    def _typing(self) -> None:
        # Typing hides what the last person saw.
        if not self.query_one(MatchList).has_class("-hidden") or \
                self.query_one("#door-result").has_class("-ok"):
            matches = self.query_one(MatchList)
            matches.clear_options()
            matches.add_class("-hidden")
            self._result(t("checkin.ready"), "")

    @on(Input.Submitted, "#door-input")
    def _submitted(self) -> None:
        text = self.input.value.strip()
        if not text:
            self._result(t("events.door_empty"), "warn")
            return
        try:
            found = registrations.door(self.store, self.operator, self.event_id, text, tz=self.tz)
        except UserError as error:
            self._result(error.message, "error")
            self.input.select_all()  # the next person's typing replaces it
            return
        if found.checked_in is not None:
            self._checked(found.checked_in)
            return
        if not found.matches:
            self._result(t("checkin.no_match", query=text), "warn")
            self.input.select_all()  # kept for a walk-in (ctrl+n); typing replaces it
            return
        self._offer(found)

    def _offer(self, found: registrations.DoorResult) -> None:
        matches = self.query_one(MatchList)
        matches.clear_options()
        for row in found.matches:
            state = RegistrationState(row["state"]).label() if row["state"] else \
                t("checkin.not_listed")
            matches.add_option(Option(f"{fit(row['name'], 12)}  {row['phone']}  {state}",
                                      id=str(row["member_id"])))
        matches.remove_class("-hidden")
        key = "checkin.choose_roster" if found.from_roster else "checkin.choose"
        self._result(t(key, count=len(found.matches)), "warn")
        matches.highlighted = 0
        matches.focus()

    @on(OptionList.OptionSelected, "#door-matches")
    def _chosen(self, message: OptionList.OptionSelected) -> None:
        if not message.option.id:
            return
        try:
            done = registrations.check_in(self.store, self.operator, self.event_id,
                                          int(message.option.id), tz=self.tz)
        except UserError as error:
            self._result(error.message, "error")
            return
        self._checked(done)

    def _checked(self, done: registrations.CheckIn) -> None:
        matches = self.query_one(MatchList)
        matches.clear_options()
        matches.add_class("-hidden")
        with self.prevent(Input.Changed):
            self.input.value = ""
        self.input.focus()
        if done.already:
            self._result(t("checkin.already", name=done.name, phone=done.phone, at=done.at),
                         "warn")
        else:
            self.checked.append((done.member_id, done.name))
            key = "checkin.walked_in" if done.walk_in else "checkin.done"
            self._result(t(key, name=done.name, phone=done.phone, at=done.at, count=done.count),
                         "ok")
        self._show_counts()

    # --- actions -------------------------------------------------------------------------------

    def action_walk_in(self) -> None:
        typed = self.input.value.strip()
        name = "" if typed.isdigit() else typed

        def submit(values: Values) -> None:
            done = registrations.walk_in(self.store, self.operator, self.event_id,
                                         values["name"], values["mobile"], tz=self.tz)
            self.call_after_refresh(self._checked, done)

        fields = [FormField("name", t("checkin.field_name"), value=name),
                  FormField("mobile", t("checkin.field_mobile"),
                            placeholder=t("checkin.mobile_placeholder"))]
        self.app.push_screen(FormDialog(t("checkin.walk_in_title"), fields, submit,
                                        note=t("checkin.walk_in_note")))

    def action_undo(self) -> None:
        if not self.checked:
            self._result(t("checkin.nothing_to_undo"), "warn")
            return
        member_id, _name = self.checked[-1]
        try:
            name = registrations.undo_check_in(self.store, self.operator, self.event_id,
                                               member_id, tz=self.tz)
        except UserError as error:
            self._result(error.message, "error")
            return
        self.checked.pop()
        self._result(t("checkin.undone", name=name), "warn")
        self._show_counts()

    def action_leave(self) -> None:
        self.app.pop_screen()

    def relabel(self) -> None:
        self.query_one(AppHeader).refresh()
        self.input.placeholder = t("checkin.placeholder")
        self._show_event()
        if not self.query_one("#door-result").classes:
            self._result(t("checkin.ready"), "")

    def palette_commands(self) -> list[PaletteCommand]:
        return [(t("checkin.cmd.walk_in"), t("checkin.cmd.walk_in_help"), self.action_walk_in),
                (t("checkin.cmd.undo"), t("checkin.cmd.undo_help"), self.action_undo)]
