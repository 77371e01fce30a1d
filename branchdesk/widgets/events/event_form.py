"""Create or edit an event from the keyboard: Tab or Enter moves on, Ctrl+S saves, Esc leaves.

Start and end take what people type (2026-12-05 14:00, 12-05 14:00, 周六 14:00, 明天 19:30,
Sat 14:00, tomorrow 19:30; an end may be a time alone, on the start's day); the examples
shown are in the user's language and dated from today. What the field will save is
shown under it as you type. The events service checks everything; its message appears in
the form, which stays open. A booked room or speaker shows the other event and a reason
field: saving again with a reason books it anyway (audited).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from branchdesk import datetimes
from branchdesk.datetimes import parse_date, parse_datetime, show_datetime
from branchdesk.enums import Experience, Need, ProductRisk
from branchdesk.errors import UserError
from branchdesk.event_types import TYPED_STATUSES, Cadence, EventKind
from branchdesk.i18n import t
from branchdesk.services import events
from branchdesk.services.event_model import Event
from branchdesk.store.database import Store
from branchdesk.widgets.translated_bindings import translate_bindings


@dataclass
class FormResult:
    saved: events.Saved


def _options(enum: Any, with_code: bool = False) -> list[tuple[str, str]]:
    return [(f"{m.value} {m.label()}" if with_code else m.label(), m.value) for m in enum]


def examples(today: date) -> dict[str, str]:
    """Dates for the form's examples, from today: the coming Saturday (a week on when today
    is one), so an example is never in the past; a last date for a series twelve weeks on."""
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
    return {"date": saturday.isoformat(), "until": (saturday + timedelta(weeks=12)).isoformat()}


def _labels(enum: Any, codes: list[str]) -> str:
    return ", ".join(enum(code).label() for code in codes)


class EventForm(ModalScreen[FormResult | None]):
    """Dismisses with what was saved, or None when left."""

    CSS_PATH = "event_form.tcss"
    HELP_SECTION = "events_form.help"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "events_form.key.save"),
        Binding("escape", "cancel", "events_form.key.cancel"),
    ]

    def __init__(self, store: Store, operator: str, tz: tzinfo, event: Event | None = None
                 ) -> None:
        super().__init__()
        translate_bindings(self)
        self.store, self.operator, self.tz, self.event = store, operator, tz, event
        self.conflicted = False
        self._as_opened: dict[str | None, Any] = {}  # each field's value when the form opened

    # --- layout --------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        e = self.event
        title = t("events_form.edit_title", id=e.id) if e else t("events_form.new_title")
        audience = e.audience if e else {}
        with Vertical(id="event-form-box"):
            yield Label(title, id="event-form-title", markup=False)
            yield Static("", id="event-form-error", markup=False)
            with VerticalScroll(id="event-form-fields"):
                yield from self._select("kind", _options(EventKind), e.kind.value if e else "salon")
                yield from self._input("title", e.title if e else "")
                yield from self._input("start", self._typed(e.start) if e else "",
                                       hint=True)
                yield from self._input("end", self._typed(e.end) if e else "", hint=True)
                yield from self._input("room", e.room or "" if e else "")
                yield from self._input("capacity", str(e.capacity or "") if e else "")
                yield from self._input("link", e.link or "" if e else "")
                yield from self._input("speaker", e.speaker or "" if e else "")
                yield from self._input("topic", e.topic or "" if e else "")
                yield from self._select("product_risk", _options(ProductRisk, True),
                                        e.product_risk.value if e and e.product_risk else None,
                                        blank=True)
                yield from self._input("needs", _labels(Need, audience.get("needs", [])))
                yield from self._input("experience",
                                       _labels(Experience, audience.get("experience", [])))
                yield from self._input("risk_levels", ", ".join(audience.get("risk_levels", [])))
                yield from self._input("communities", ", ".join(audience.get("communities", [])))
                yield from self._select("status", [(s.label(), s.value) for s in TYPED_STATUSES],
                                        e.stored_status if e else "planned")
                if e is None:
                    yield from self._select("repeat", _options(Cadence), None, blank=True)
                    yield from self._input("count", "")
                    yield from self._input("until", "")
                elif e.series_id is not None:
                    yield from self._select("scope", [(t("events_form.scope_this"), "this"),
                                                      (t("events_form.scope_later"), "later")],
                                            "this")
                yield from self._input("notes", e.notes or "" if e else "")
                yield from self._input("reason", "", row_classes="-hidden")
            yield Label(t("events_form.hint"), id="event-form-hint")

    def _typed(self, value: datetime) -> str:
        return value.astimezone(self.tz).strftime("%Y-%m-%d %H:%M")

    def _row(self, name: str, classes: str = "") -> Horizontal:
        return Horizontal(classes=f"form-row {classes}".strip(), id=f"row-{name}")

    def _input(self, name: str, value: str, *, hint: bool = False,
               row_classes: str = "") -> ComposeResult:
        with self._row(name, row_classes):
            yield Label(t(f"events_form.field.{name}"), classes="form-label", id=f"label-{name}")
            yield Input(value, placeholder=self._placeholder(name),
                        id=f"field-{name}", compact=True)
        if hint:
            yield Static("", id=f"hint-{name}", classes="form-hint", markup=False)

    def _placeholder(self, name: str) -> str:
        return t(f"events_form.placeholder.{name}", **examples(self._now().date()))

    def _select(self, name: str, options: list[tuple[str, str]], value: str | None, *,
                blank: bool = False) -> ComposeResult:
        with self._row(name):
            yield Label(t(f"events_form.field.{name}"), classes="form-label", id=f"label-{name}")
            yield Select(options, value=value if value is not None else Select.NULL,
                         allow_blank=blank, prompt=t("events_form.none"), id=f"field-{name}",
                         compact=True)

    def relabel(self) -> None:
        """The language changed: labels and hints in place, what was typed kept."""
        title = t("events_form.edit_title", id=self.event.id) if self.event else \
            t("events_form.new_title")
        self.query_one("#event-form-title", Label).update(title)
        for label in self.query(".form-label").results(Label):
            name = (label.id or "").removeprefix("label-")
            label.update(t(f"events_form.field.{name}"))
            field = self.query_one(f"#field-{name}")
            if isinstance(field, Input):
                field.placeholder = self._placeholder(name)
        self.query_one("#event-form-hint", Label).update(t("events_form.hint"))
        self._show_hints()

    def on_mount(self) -> None:
        self.query_one("#event-form-error").display = False
        self.query_one("#field-title", Input).focus()
        self._show_hints()
        self._as_opened = self._field_values()

    def _field_values(self) -> dict[str | None, Any]:
        return {field.id: field.value for field in self.query("Input, Select")}

    def has_unsaved_changes(self) -> bool:
        """Something typed or chosen since the form opened (screens.base.HoldsUnsavedWork)."""
        return bool(self._as_opened) and self._field_values() != self._as_opened

    def unsaved_work_title(self) -> str:
        return t("events_form.edit_title", id=self.event.id) if self.event else \
            t("events_form.new_title")

    # --- reading the fields --------------------------------------------------------------------

    def text(self, name: str) -> str:
        nodes = self.query(f"#field-{name}")
        if not nodes:
            return ""
        value = nodes.first().value
        return "" if value is Select.NULL or value is None else str(value).strip()

    def _now(self) -> datetime:
        return datetimes.now().astimezone(self.tz)

    def _start(self) -> datetime:
        # Editing: a time or a weekday alone is on the event's own day, in its own week.
        on = self.event.start.astimezone(self.tz).date() if self.event is not None else None
        return parse_datetime(self.text("start"), self.tz, now=self._now(), base=on,
                              default_time=None)

    def _end(self, start: datetime | None) -> datetime:
        e = self.event
        if e is not None and start is not None and start != e.start \
                and self.text("end") == self._typed(e.end):
            return e.end + (start - e.start)  # moved, end untouched: the same length
        return parse_datetime(self.text("end"), self.tz, now=self._now(),
                              base=start.astimezone(self.tz).date() if start else None,
                              default_time=None)

    def values(self) -> dict[str, Any]:
        start = self._start()
        return {
            "kind": self.text("kind"), "title": self.text("title"), "start": start,
            "end": self._end(start), "room": self.text("room") or None,
            "capacity": self.text("capacity") or None, "link": self.text("link") or None,
            "speaker": self.text("speaker") or None, "topic": self.text("topic") or None,
            "product_risk": self.text("product_risk") or None,
            "audience": {name: self.text(name) for name in
                         ("needs", "experience", "risk_levels", "communities")},
            "status": self.text("status"), "notes": self.text("notes") or None,
        }

    @on(Input.Changed, "#field-start, #field-end")
    def _show_hints(self) -> None:
        """Under each time: what will be saved, or why it cannot be read."""
        today = self._now().date()
        start: datetime | None = None
        for name in ("start", "end"):
            hint = self.query_one(f"#hint-{name}", Static)
            if not self.text(name):
                hint.update(t("events_form.time_hint", **examples(today)))
                continue
            try:
                value = self._start() if name == "start" else self._end(start)
            except UserError as error:
                hint.update("✗ " + error.message)
                hint.set_class(True, "-bad")
                continue
            if name == "start":
                start = value
            hint.update("→ " + show_datetime(value, self.tz, today=today))
            hint.set_class(False, "-bad")

    # --- saving --------------------------------------------------------------------------------

    def _show_error(self, message: str) -> None:
        error = self.query_one("#event-form-error", Static)
        error.update(message)
        error.display = True

    def action_save(self) -> None:
        try:
            saved = self._save()
        except UserError as error:
            if error.key.startswith("events.conflict_") and not self.conflicted:
                self.conflicted = True
                self.query_one("#row-reason").remove_class("-hidden")
                self.call_after_refresh(self.query_one("#field-reason", Input).focus)
                self._show_error(error.message + "\n" + t("events_form.reason_note"))
            else:
                self._show_error(error.message)
            return
        self.dismiss(FormResult(saved))

    def _save(self) -> events.Saved:
        values = self.values()
        reason = self.text("reason") or None
        if self.event is None:
            repeat = self.text("repeat") or None
            count_text, until_text = self.text("count"), self.text("until")
            count = None
            if count_text:
                if not count_text.isdigit():
                    raise UserError("events.bad_count", count=count_text,
                                    most=events.MAX_OCCURRENCES)
                count = int(count_text)
            until: date | None = parse_date(until_text, today=self._now().date(),
                                            prefer="future") if until_text else None
            return events.create_events(self.store, self.operator, values, tz=self.tz,
                                        repeat=repeat, count=count, until=until,
                                        allow_conflict=reason)
        # Every field is handed over; the service saves only what really changed.
        changes = values
        return events.update_event(self.store, self.operator, self.event.id, changes, tz=self.tz,
                                   later=self.text("scope") == "later", allow_conflict=reason)

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        # Enter moves on to the next field; on the last one it saves.
        fields = [w for w in self.query(Input) if w.display and w.parent.display]
        if event.input is fields[-1]:
            self.action_save()
        else:
            self.focus_next()

    def action_cancel(self) -> None:
        self.dismiss(None)
