"""The agenda: the events of a few weeks, grouped by day, one line each with its counts.

Day headings are disabled options (the cursor skips them); an event's option id is its id.
Lines are laid out by terminal cells, so Chinese titles line up with English ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, tzinfo
from itertools import groupby
from typing import ClassVar

from rich.cells import cell_len
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from branchdesk.datetimes import weekday_name
from branchdesk.event_types import EventStatus
from branchdesk.i18n import t
from branchdesk.services.event_model import Event
from branchdesk.widgets.roster_columns import fit
from branchdesk.widgets.translated_bindings import translate_bindings

KIND_WIDTH, COUNTS_WIDTH, STATUS_WIDTH = 8, 13, 8
STATUS_STYLE = {EventStatus.PLANNED: "$text-muted", EventStatus.OPEN: "$success",
                EventStatus.FULL: "$warning", EventStatus.DONE: "$text-muted",
                EventStatus.CANCELLED: "$error strike"}


def counts_text(event: Event) -> str:
    seats = f"{event.seated}/{event.capacity}" if event.capacity else str(event.seated)
    text = t("events_screen.seats", seats=seats)
    waiting = event.counts.get("waitlisted", 0)
    if waiting:
        text += " " + t("events_screen.waiting", count=waiting)
    return text


def event_line(event: Event, tz: tzinfo, now: datetime, width: int) -> Content:
    """`14:00–16:00  沙龙  价值投资沙龙 @301  12/40 +3  报名中`, fitted to `width` cells."""
    start, end = event.start.astimezone(tz), event.end.astimezone(tz)
    hours = f"{start:%H:%M}–{end:%H:%M}"
    status = event.status(now)
    kind = fit(event.kind.label(), KIND_WIDTH)
    counts = fit(counts_text(event), COUNTS_WIDTH)
    status_text = fit(status.label(), STATUS_WIDTH)
    fixed = 2 + cell_len(hours) + 2 + KIND_WIDTH + 2 + 2 + COUNTS_WIDTH + 1 + STATUS_WIDTH
    middle = max(width - fixed, 12)
    place = event.room or (t("events_screen.online") if event.link else "")
    place_width = min(cell_len(place) + 2, middle // 3) if place else 0
    title = fit(event.title, middle - place_width)
    place_text = fit(" @" + place, place_width) if place else ""
    return Content.assemble(
        "  ", (hours, "bold"), "  ", kind, "  ", title, (place_text, "$text-muted"), "  ",
        counts, " ", (status_text, STATUS_STYLE[status]))


def day_heading(day: date, today: date, count: int) -> Content:
    label = f"{day:%m-%d} {weekday_name(day)}"
    if day == today:
        label += "  " + t("events_screen.today")
    return Content.assemble((label, "bold $accent"), "  ",
                            (t("events_screen.day_count", count=count), "$text-muted"))


def agenda_options(events: Sequence[Event], tz: tzinfo, now: datetime, width: int) -> list[Option]:
    today = now.astimezone(tz).date()
    options: list[Option] = []
    for day, group in groupby(events, key=lambda e: e.start.astimezone(tz).date()):
        items = list(group)
        options.append(Option(day_heading(day, today, len(items)), disabled=True))
        options.extend(Option(event_line(e, tz, now, width), id=str(e.id)) for e in items)
    return options


class AgendaList(OptionList):
    HELP_SECTION = "events_screen.help.list"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "events_screen.key.open"),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        translate_bindings(self)

    @property
    def event_id(self) -> int | None:
        option = self.highlighted_option
        return int(option.id) if option is not None and option.id else None
