"""An event's card: its details, who is listed in each state (the waitlist in its order),
who moved up, the invitation texts, and every action on the event one key away."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Label, Static, Tab, Tabs

from branchdesk.errors import UserError
from branchdesk.event_types import RegistrationState
from branchdesk.i18n import t
from branchdesk.screens.base import AppContext
from branchdesk.services import desk_lookup, events, messages, registrations, waitlist
from branchdesk.widgets.app_header import AppHeader
from branchdesk.widgets.events.event_form import EventForm, FormResult
from branchdesk.widgets.events.invite_dialog import InviteDialog
from branchdesk.widgets.form_dialog import FormDialog, FormField, Values
from branchdesk.widgets.import_wizard_dialogs import ConfirmScreen
from branchdesk.widgets.row_table import RowTable
from branchdesk.widgets.translated_bindings import translate_bindings

PaletteCommand = tuple[str, str, Callable[[], Any]]
LIST_LIMIT = 500  # rows shown per state; the counts say how many there are
VIEWS = ("registered", "waitlisted", "moved_up", "invited", "attended", "no_show", "cancelled")


class RegistrationTable(RowTable):
    HELP_SECTION = "event_card.help.list"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x", "cancel_registration", "event_card.key.cancel_registration"),
    ]

    def action_cancel_registration(self) -> None:
        self.screen.action_cancel_registration()  # type: ignore[attr-defined]


class EventCardScreen(AppContext, Screen[None]):
    HELP_SECTION = "event_card.help.screen"
    TITLE_KEY = "event_card.title"
    AUTO_FOCUS = "#card-list"
    # The footer has the keys used most (the list's x comes first); the event's own acts, shown
    # with show=False, are spelled out on the line above it (#card-keys), so all fit at 80.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "register", "event_card.key.register"),
        Binding("i", "invite", "event_card.key.invite"),
        Binding("d", "door", "event_card.key.door"),
        Binding("left_square_bracket", "previous_view", "event_card.key.previous_view",
                group=Binding.Group("event_card.key.views", compact=True)),
        Binding("right_square_bracket", "next_view", "event_card.key.next_view",
                group=Binding.Group("event_card.key.views", compact=True)),
        Binding("m", "write_invitation", "event_card.key.write"),
        Binding("e", "edit", "event_card.key.edit", show=False),
        Binding("k", "close_event", "event_card.key.close", show=False),
        Binding("c", "cancel_event", "event_card.key.cancel_event", show=False),
        Binding("s", "save_ics", "event_card.key.save_ics", show=False),
        Binding("escape", "back", "event_card.key.back", show=False),
    ]

    def __init__(self, event_id: int) -> None:
        super().__init__()
        translate_bindings(self)
        self.event_id = event_id
        self.view = "registered"
        self.event: events.Event | None = None

    @property
    def tz(self):
        return self.app.settings.tz  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        yield AppHeader(self.TITLE_KEY)
        yield Label("", id="card-heading", markup=False)
        yield Static("", id="card-details", markup=False)
        yield Tabs(*(Tab(t(f"event_card.view.{v}"), id=f"view-{v}") for v in VIEWS),
                   id="card-tabs")
        yield RegistrationTable(id="card-list")
        yield Static("", id="card-note", markup=False)
        yield Static(self._key_line(), id="card-keys")
        yield Footer(compact=True, id="card-footer")

    def _key_line(self) -> Text:
        """The event's own keys the footer leaves out: key in bold, what it does, from the
        bindings themselves (in the user's language)."""
        own = {b.action for b in self.BINDINGS if isinstance(b, Binding)}
        line = Text()
        for bindings in self._bindings.key_to_bindings.values():
            for binding in bindings:
                if not binding.show and binding.action in own:
                    line.append(self.app.get_key_display(binding), style="bold")
                    line.append(f" {binding.description}  ")
        return line

    def on_mount(self) -> None:
        self._columns()
        self.reload_data()

    def on_screen_resume(self) -> None:
        self.reload_data()

    def _columns(self) -> None:
        table = self.query_one(RegistrationTable)
        table.clear(columns=True)
        for name in ("name", "phone", "state", "risk", "note"):
            table.add_column(t(f"event_card.col.{name}"), key=name)

    # --- reading -------------------------------------------------------------------------------

    def reload_data(self) -> None:
        event = self.event = events.get_event(self.store, self.event_id)
        now = datetime.now(self.tz)
        self.query_one("#card-heading", Label).update(t(
            "event_card.heading", id=event.id, title=event.title, kind=event.kind.label(),
            status=event.status(now).label()))
        self.query_one("#card-details", Static).update(self._details(event, now))
        moved = registrations.moved_up(self.store, event.id)
        for view in VIEWS:
            count = len(moved) if view == "moved_up" else event.counts.get(view, 0)
            tab = self.query_one(f"#view-{view}", Tab)
            tab.label = f"{t(f'event_card.view.{view}')} {count:,}"
        self._fill(event, moved)

    def _details(self, event: events.Event, now: datetime) -> str:
        seats = f"{event.seated}/{event.capacity}" if event.capacity else str(event.seated)
        lines = [t("event_card.when", when=event.span(self.tz, now.date()),
                   place=event.place() or "—", seats=seats)]
        extra = []
        if event.speaker:
            extra.append(t("event_card.speaker", speaker=event.speaker))
        if event.topic:
            extra.append(t("event_card.topic", topic=event.topic))
        if event.product_risk:
            extra.append(t("event_card.product", risk=event.product_risk.value))
        if event.series_id:
            extra.append(t("event_card.series", id=event.series_id))
        if extra:
            lines.append(" · ".join(extra))
        if event.audience:
            parts = [f"{t(f'event_card.audience.{k}')} {'、'.join(v)}"
                     for k, v in event.audience.items()]
            lines.append(t("event_card.for", audience=" · ".join(parts)))
        texts = messages.for_event(self.store, event.id)
        if texts:
            shown = [f"#{m['id']} " + t("messages.status." + m["status"]) for m in texts[:4]]
            lines.append(t("event_card.invitations", list="、".join(shown)))
        if event.notes:
            lines.append(t("event_card.notes", notes=event.notes))
        return "\n".join(lines)

    def _fill(self, event: events.Event, moved: list[dict[str, Any]]) -> None:
        table = self.query_one(RegistrationTable)
        keep = table.cursor_row
        table.clear()
        if self.view == "moved_up":
            rows, total = moved, len(moved)
        else:
            rows = registrations.registrations(self.store, event.id, [self.view], limit=LIST_LIMIT)
            total = event.counts.get(self.view, 0)
        for row in rows:
            table.add_row(Text(row["name"]), row["phone"],
                          RegistrationState(row["state"]).label(), row.get("risk_level") or "—",
                          Text(self._note(row)), key=str(row["member_id"]))
        if rows:
            table.move_cursor(row=min(max(keep, 0), len(rows) - 1))
        note = ""
        if total > len(rows):
            note = t("event_card.more", shown=f"{len(rows):,}", total=f"{total:,}")
        elif not rows:
            note = t(f"event_card.empty.{self.view}")
        self.query_one("#card-note", Static).update(note)

    def _note(self, row: dict[str, Any]) -> str:
        parts = []
        if row.get("waitlist_position"):
            parts.append(t("event_card.position", n=row["waitlist_position"]))
        if row.get("promoted_at"):
            parts.append(t("event_card.moved_up_note"))
        if row.get("walk_in"):
            parts.append(t("event_card.walk_in"))
        if row.get("unsuitable_reason"):
            parts.append(t("event_card.included", reason=row["unsuitable_reason"]))
        return " · ".join(parts)

    @on(Tabs.TabActivated, "#card-tabs")
    def _view_changed(self, message: Tabs.TabActivated) -> None:
        if message.tab is None or message.tab.id is None:
            return
        self.view = message.tab.id.removeprefix("view-")
        if self.event is not None:
            self._fill(self.event, registrations.moved_up(self.store, self.event.id))

    def _step_view(self, step: int) -> None:
        index = (VIEWS.index(self.view) + step) % len(VIEWS)
        self.query_one(Tabs).active = f"view-{VIEWS[index]}"

    def action_previous_view(self) -> None:
        self._step_view(-1)

    def action_next_view(self) -> None:
        self._step_view(1)

    def chosen_member(self) -> int | None:
        table = self.query_one(RegistrationTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return int(key) if key is not None else None

    # --- actions -------------------------------------------------------------------------------

    def _done(self, message: str) -> None:
        self.notify(message, markup=False)
        self.reload_data()

    def action_invite(self) -> None:
        assert self.event is not None
        self.app.push_screen(InviteDialog(self.store, self.operator, self.event,
                                          self.app.settings),  # type: ignore[attr-defined]
                             self._invited)

    def _invited(self, result: registrations.Invitation | None) -> None:
        if result is None:
            return
        self.reload_data()
        self.notify(t("event_card.invited", count=len(result.invited),
                      left_out=len(result.unsuitable), already=len(result.already)),
                    markup=False, timeout=10)

    def action_register(self) -> None:
        event_id = self.event_id

        def submit(values: Values) -> None:
            member_id = desk_lookup.lookup_member(self.store, values["member"],
                                                  datetime.now(self.tz).date())
            done = registrations.register(self.store, self.operator, event_id, member_id,
                                          include_unsuitable=values["reason"] or None)
            key = "event_card.waitlisted" if done.position else "event_card.registered"
            self.notify(t(key, name=done.name, position=done.position or 0), markup=False)

        fields = [FormField("member", t("event_card.field_member"),
                            placeholder=t("event_card.member_placeholder")),
                  FormField("reason", t("event_card.field_reason"),
                            placeholder=t("event_card.reason_placeholder"))]
        self.app.push_screen(FormDialog(t("event_card.register_title"), fields, submit),
                             lambda done: self.reload_data() if done else None)

    def action_cancel_registration(self) -> None:
        """Asks first, naming the member and who moves up from the waitlist into the seat."""
        member_id = self.chosen_member()
        if member_id is None:
            self.notify(t("event_card.nobody_chosen"), severity="warning", markup=False)
            return
        table = self.query_one(RegistrationTable)
        name = str(table.get_cell_at((table.cursor_row, 0)))
        question = t("event_card.confirm_cancel_place", name=name)
        if self.view in ("registered", "moved_up"):
            following = waitlist.next_up(self.store, self.event_id)
            question += "\n" + (t("event_card.confirm_moves_up", name=following["name"])
                                 if following else t("event_card.confirm_nobody_waiting"))
        self.app.push_screen(ConfirmScreen(question),
                             lambda yes: self._cancel_registration(member_id) if yes else None)

    def _cancel_registration(self, member_id: int) -> None:
        try:
            done = registrations.cancel_registration(self.store, self.operator, self.event_id,
                                                     member_id)
        except UserError as error:
            self.notify(error.message, severity="error", markup=False)
            return
        self.reload_data()
        self.notify(t("event_card.cancelled", name=done.name), markup=False)
        if done.promoted:
            names = "、".join(f"{m['name']}" for m in done.promoted)
            self.notify(t("event_card.moved_up", names=names), markup=False, timeout=20,
                        title=t("event_card.moved_up_title"))

    def action_door(self) -> None:
        from branchdesk.screens.checkin import CheckInScreen

        self.app.push_screen(CheckInScreen(self.event_id))

    async def action_write_invitation(self) -> None:
        """The compose screen, linked to this event: the text goes through the same check and
        review as any message."""
        event = self.event
        assert event is not None
        from branchdesk.screens.compose import ComposeScreen

        await self.app.switch_mode("compose")
        if isinstance(self.app.screen, ComposeScreen):
            self.app.screen.link_event(event.id, event.title)

    def action_edit(self) -> None:
        assert self.event is not None
        self.app.push_screen(EventForm(self.store, self.operator, self.tz, self.event),
                             self._edited)

    def _edited(self, result: FormResult | None) -> None:
        if result is None:
            return
        self.reload_data()
        self.notify(t("event_card.saved"), markup=False)
        for warning in result.saved.warnings:
            self.notify(warning, severity="warning", markup=False, timeout=10)
        if result.saved.promoted:
            names = "、".join(m["name"] for m in result.saved.promoted)
            self.notify(t("event_card.moved_up", names=names), markup=False, timeout=20,
                        title=t("event_card.moved_up_title"))

    def action_close_event(self) -> None:
        try:
            event, no_shows = events.close_event(self.store, self.operator, self.event_id,
                                                 tz=self.tz)
        except UserError as error:
            self.notify(error.message, severity="error", markup=False)
            return
        self._done(t("event_card.closed", no_show=len(no_shows),
                     attended=event.counts["attended"]))

    def action_cancel_event(self) -> None:
        assert self.event is not None
        event = self.event
        fields = [FormField("confirm", t("event_card.confirm_cancel"),
                            placeholder=t("event_card.confirm_placeholder"))]
        if event.series_id:
            fields.append(FormField("scope", t("events_form.field.scope"), kind="select",
                                    value="this",
                                    options=((t("events_form.scope_this"), "this"),
                                             (t("events_form.scope_later"), "later"))))

        def submit(values: Values) -> None:
            if values["confirm"].strip().lower() not in ("y", "yes", "是", "确认"):
                raise UserError("event_card.not_confirmed")
            done = events.cancel_event(self.store, self.operator, event.id,
                                       later=values.get("scope") == "later")
            self.notify(t("event_card.event_cancelled", count=len(done)), markup=False)

        self.app.push_screen(FormDialog(t("event_card.cancel_title", title=event.title), fields,
                                        submit, note=t("event_card.cancel_note"),
                                        ok_label=t("event_card.cancel_ok"),
                                        cancel_key="event_card.keep_event"),
                             lambda done: self.reload_data() if done else None)

    def action_save_ics(self) -> None:
        event = self.event
        assert event is not None

        def submit(values: Values) -> None:
            from branchdesk.exports.calendar import write_calendar

            settings = self.app.settings  # type: ignore[attr-defined]
            path = write_calendar(self.store, [events.get_event(self.store, event.id)],
                                  values["file"].strip(), tz=self.tz,
                                  calendar_name=settings.branch_name or t("app.default_branch"))
            self.notify(t("event_card.ics_written", file=str(path)), markup=False)

        fields = [FormField("file", t("events_screen.export_file"), value=f"event-{event.id}.ics")]
        self.app.push_screen(FormDialog(t("event_card.ics_title"), fields, submit,
                                        note=t("event_card.ics_note")))

    def action_back(self) -> None:
        self.app.pop_screen()

    # --- language and palette ------------------------------------------------------------------

    def relabel(self) -> None:
        self.query_one(AppHeader).refresh()
        self.query_one("#card-keys", Static).update(self._key_line())
        self._columns()
        self.reload_data()

    def palette_commands(self) -> list[PaletteCommand]:
        return [(t(f"event_card.cmd.{name}"), t(f"event_card.cmd.{name}_help"), action)
                for name, action in (
                    ("invite", self.action_invite), ("register", self.action_register),
                    ("cancel_registration", self.action_cancel_registration),
                    ("next_view", self.action_next_view),
                    ("door", self.action_door), ("write", self.action_write_invitation),
                    ("edit", self.action_edit), ("close", self.action_close_event),
                    ("cancel_event", self.action_cancel_event), ("save_ics", self.action_save_ics),
                )]
