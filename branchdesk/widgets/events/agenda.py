"""The agenda: the events of a few weeks, grouped by day, one line each with its counts.

A ScrollView that draws only the lines on screen (like the roster's table): a thousand
events open as fast as ten. Day headings are lines the cursor skips. Lines are laid out by
terminal cells, so Chinese titles line up with English ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events as textual_events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from branchdesk.datetimes import weekday_name
from branchdesk.i18n import t
from branchdesk.services.event_model import Event
from branchdesk.widgets.roster_columns import fit
from branchdesk.widgets.translated_bindings import translate_bindings

KIND_WIDTH, COUNTS_WIDTH, STATUS_WIDTH = 10, 16, 8
Cells = list[tuple[str, str | None]]  # (text, component class or None)


def counts_text(event: Event) -> str:
    seats = f"{event.seated}/{event.capacity}" if event.capacity else str(event.seated)
    text = t("events_screen.seats", seats=seats)
    waiting = event.counts.get("waitlisted", 0)
    if waiting:
        text += " " + t("events_screen.waiting", count=waiting)
    return text


def event_cells(event: Event, tz: tzinfo, now: datetime, width: int) -> Cells:
    """`14:00–16:00  沙龙  价值投资沙龙 @301  12/40 +3  报名中`, fitted to `width` cells."""
    start, end = event.start.astimezone(tz), event.end.astimezone(tz)
    hours = f"{start:%H:%M}–{end:%H:%M}"
    status = event.status(now)
    fixed = 2 + cell_len(hours) + 2 + KIND_WIDTH + 2 + 2 + COUNTS_WIDTH + 1 + STATUS_WIDTH
    middle = max(width - fixed, 12)
    place = event.room or (t("events_screen.online") if event.link else "")
    place_width = min(cell_len(place) + 2, middle // 3) if place else 0
    return [
        ("  ", None), (hours, "agenda--time"), ("  ", None),
        (fit(event.kind.label(), KIND_WIDTH), None), ("  ", None),
        (fit(event.title, middle - place_width), None),
        (fit(" @" + place, place_width) if place else "", "agenda--muted"), ("  ", None),
        (fit(counts_text(event), COUNTS_WIDTH), None), (" ", None),
        (fit(status.label(), STATUS_WIDTH), f"agenda--{status.value}"),
    ]


def day_cells(day: date, today: date, count: int) -> Cells:
    label = f" {day:%m-%d} {weekday_name(day)}"
    if day == today:
        label += "  " + t("events_screen.today")
    return [(label, "agenda--day"), ("  ", None),
            (t("events_screen.day_count", count=count), "agenda--muted")]


@dataclass(frozen=True)
class Row:
    day: date | None = None  # a day heading
    count: int = 0
    event: Event | None = None


def agenda_rows(events: Sequence[Event], tz: tzinfo) -> list[Row]:
    rows: list[Row] = []
    current: date | None = None
    heading = 0
    for event in events:
        day = event.start.astimezone(tz).date()
        if day != current:
            current, heading = day, len(rows)
            rows.append(Row(day=day))
        rows[heading] = Row(day=day, count=rows[heading].count + 1)
        rows.append(Row(event=event))
    return rows


class AgendaList(ScrollView, can_focus=True):
    """Days and their events, a cursor on one event; Enter opens it."""

    HELP_SECTION = "events_screen.help.list"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "events_screen.key.open"),
        Binding("up", "cursor_up", "events_screen.key.up", show=False),
        Binding("down", "cursor_down", "events_screen.key.down", show=False),
        Binding("pageup", "page_up", "events_screen.key.page_up", show=False),
        Binding("pagedown", "page_down", "events_screen.key.page_down", show=False),
        Binding("home", "first", "events_screen.key.first", show=False),
        Binding("end", "last", "events_screen.key.last", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "agenda--day", "agenda--time", "agenda--muted", "agenda--cursor",
        "agenda--cursor-blurred", "agenda--planned", "agenda--open", "agenda--full",
        "agenda--done", "agenda--cancelled",
    }

    @dataclass
    class Chosen(Message):
        event_id: int

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        translate_bindings(self)
        self.rows: list[Row] = []
        self.cursor = -1
        self.tz: tzinfo | None = None
        self.now: datetime | None = None
        self.empty_text = ""

    def show(self, events: Sequence[Event], tz: tzinfo, now: datetime, keep: int | None,
             empty_text: str) -> None:
        """Show these events; the cursor stays on `keep`, else goes to the next event to
        come, else the first."""
        self.tz, self.now, self.empty_text = tz, now, empty_text
        self.rows = agenda_rows(events, tz)
        indexes = [i for i, row in enumerate(self.rows) if row.event is not None]
        target = next((i for i in indexes if self.rows[i].event.id == keep), None)  # type: ignore[union-attr]
        if target is None:
            target = next((i for i in indexes if self.rows[i].event.end > now), None)  # type: ignore[union-attr]
        if target is None and indexes:
            target = indexes[0]
        self.cursor = -1 if target is None else target
        self.virtual_size = Size(self.scrollable_content_region.width, max(len(self.rows), 1))
        self._cursor_into_view(centre=True)
        self.refresh()

    @property
    def event_id(self) -> int | None:
        if 0 <= self.cursor < len(self.rows) and self.rows[self.cursor].event is not None:
            return self.rows[self.cursor].event.id  # type: ignore[union-attr]
        return None

    def select_event(self, event_id: int) -> None:
        for index, row in enumerate(self.rows):
            if row.event is not None and row.event.id == event_id:
                self._move_to(index)
                return

    # --- drawing -------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        index = round(self.scroll_y) + y
        if not self.rows:
            if y == 0:
                return self._strip([(" " + self.empty_text, "agenda--muted")], width, base)
            return Strip.blank(width, base)
        if index >= len(self.rows) or self.tz is None or self.now is None:
            return Strip.blank(width, base)
        row = self.rows[index]
        if row.event is None:
            assert row.day is not None
            return self._strip(day_cells(row.day, self.now.astimezone(self.tz).date(), row.count),
                               width, base)
        cursor = None
        if index == self.cursor:
            cursor = self.get_component_rich_style(
                "agenda--cursor" if self.has_focus else "agenda--cursor-blurred")
        return self._strip(event_cells(row.event, self.tz, self.now, width), width, base, cursor)

    def _strip(self, cells: Cells, width: int, base: Style, cursor: Style | None = None) -> Strip:
        line = base + cursor if cursor else base
        segments = []
        for text, component in cells:
            style = base + self.get_component_rich_style(component) if component else base
            segments.append(Segment(text, style + cursor if cursor else style))
        return Strip(segments).adjust_cell_length(width, line)

    def on_resize(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, max(len(self.rows), 1))
        self._cursor_into_view()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # --- the cursor ----------------------------------------------------------------------------

    @property
    def visible_rows(self) -> int:
        return max(self.scrollable_content_region.height, 1)

    def _cursor_into_view(self, centre: bool = False) -> None:
        if self.cursor < 0:
            return
        top = round(self.scroll_y)
        off_screen = not top <= self.cursor - 1 < top + self.visible_rows - 1
        # Above the top (or anywhere off screen when centring): its day heading comes too.
        if self.cursor - 1 < top or (centre and off_screen):
            self.scroll_to(y=max(self.cursor - 1, 0), animate=False, immediate=True)
        elif self.cursor >= top + self.visible_rows:
            self.scroll_to(y=self.cursor - self.visible_rows + 1, animate=False, immediate=True)

    def _move_to(self, index: int) -> None:
        self.cursor = index
        self._cursor_into_view()
        self.refresh()

    def _step(self, start: int, step: int) -> None:
        """To the nearest event from `start` in direction `step` (headings are skipped)."""
        index = start
        while 0 <= index < len(self.rows):
            if self.rows[index].event is not None:
                self._move_to(index)
                return
            index += step

    def action_cursor_up(self) -> None:
        self._step(self.cursor - 1, -1)

    def action_cursor_down(self) -> None:
        self._step(self.cursor + 1, 1)

    def action_page_up(self) -> None:
        self._step(max(self.cursor - self.visible_rows, 0), 1)

    def action_page_down(self) -> None:
        self._step(min(self.cursor + self.visible_rows, len(self.rows) - 1), -1)

    def action_first(self) -> None:
        self._step(0, 1)

    def action_last(self) -> None:
        self._step(len(self.rows) - 1, -1)

    def action_open(self) -> None:
        if self.event_id is not None:
            self.post_message(self.Chosen(self.event_id))

    def on_click(self, event: textual_events.Click) -> None:
        index = round(self.scroll_y) + event.y
        if 0 <= index < len(self.rows) and self.rows[index].event is not None:
            if index == self.cursor:
                self.action_open()
            else:
                self._move_to(index)
