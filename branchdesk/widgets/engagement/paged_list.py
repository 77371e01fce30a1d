"""A list that holds only what is on screen: the engagement lists (reactivation, follow-ups,
complaints) through one widget.

Like the roster table, a `ScrollView` with the Line API: the virtual height is the number of
items, and `render_line` draws a row from a cache of pages a worker thread fetched from a
`ListSource`. Results travel as typed messages tagged with a generation, so a page of an
older load is dropped. Rows styled "alert" (overdue, in red) or "muted" (done) say so through
component classes, themed in the screen's .tcss.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from rich.cells import cell_len
from textual import events, on, work
from textual.binding import BindingType
from textual.message import Message
from textual.strip import Strip

from branchdesk.i18n import t
from branchdesk.widgets.cursor_rows import CursorRows, cells_strip, cursor_bindings
from branchdesk.widgets.errors import error_text
from branchdesk.widgets.roster_columns import GAP, fit
from branchdesk.widgets.translated_bindings import translate_bindings

PAGE_SIZE = 100


class ListSource(Protocol):
    """Where the items come from. Called from worker threads (each gets its own connection)."""

    def count(self) -> int: ...

    def page(self, offset: int, limit: int) -> Sequence[Any]: ...


@dataclass(frozen=True)
class ListColumn:
    key: str
    title_key: str                  # catalog key of the column title
    width: int                      # the cells it needs (at least its title's)
    value: Callable[[Any], str]
    flexible: bool = False          # takes the room left over
    drop: int = 0                   # on a narrow terminal, higher numbers are left out first
    fits: Callable[[], Sequence[str]] | None = None  # values it should show whole (labels)

    @property
    def title(self) -> str:
        return t(self.title_key)

    def cells(self) -> int:
        widest = max((cell_len(v) for v in self.fits()), default=0) if self.fits else 0
        return max(self.width, cell_len(self.title), widest)


def layout(columns: Sequence[ListColumn], width: int) -> list[tuple[ListColumn, int]]:
    """The columns that fit `width`, leaving out the most droppable first; the flexible ones
    share what is left."""
    shown = list(columns)
    while shown and sum(c.cells() for c in shown) + GAP * (len(shown) - 1) + 1 > width:
        candidates = [c for c in shown if c.drop > 0]
        if not candidates:
            break
        shown.remove(max(candidates, key=lambda c: c.drop))
    spare = max(width - 1 - sum(c.cells() for c in shown) - GAP * (len(shown) - 1), 0)
    flexible = [c for c in shown if c.flexible]
    out = []
    for column in shown:
        extra = 0
        if flexible and column is flexible[-1]:
            extra = spare - (spare // len(flexible)) * (len(flexible) - 1)
        elif column.flexible:
            extra = spare // len(flexible)
        out.append((column, column.cells() + extra))
    return out


@dataclass
class _Loaded(Message, bubble=False):
    generation: int
    count: int
    pages: dict[int, list[Any]]


@dataclass
class _Page(Message, bubble=False):
    generation: int
    number: int
    items: list[Any]


@dataclass
class _Failed(Message, bubble=False):
    generation: int
    error: Exception


class PagedList(CursorRows, can_focus=True):
    """Items of a source, one line each, with a cursor row and a title line."""

    HELP_SECTION = "engagement_screens.help.list"
    BINDINGS: ClassVar[list[BindingType]] = cursor_bindings("engagement_screens.key", "choose")
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "paged-list--header", "paged-list--cursor", "paged-list--cursor-blurred",
        "paged-list--alert", "paged-list--muted", "paged-list--placeholder",
    }

    @dataclass
    class Chosen(Message):
        """Enter (or a click on the cursor row) on an item."""

        list_view: PagedList
        item: Any

        @property
        def control(self) -> PagedList:
            return self.list_view

    @dataclass
    class Counted(Message):
        """A load finished: how many items there are."""

        list_view: PagedList
        count: int

        @property
        def control(self) -> PagedList:
            return self.list_view

    def __init__(self, columns: Sequence[ListColumn], source: ListSource, *,
                 row_style: Callable[[Any], str | None] | None = None,
                 empty_key: str = "engagement_screens.empty", id: str | None = None) -> None:
        super().__init__(id=id)
        translate_bindings(self)
        self.columns = list(columns)
        self.source = source
        self.row_style = row_style or (lambda item: None)
        self.empty_key = empty_key
        self.busy = True
        self._pages: dict[int, list[Any]] = {}
        self._pending: set[int] = set()
        self._generation = 0

    # --- loading ---------------------------------------------------------------------------------

    def load(self, *, keep_position: bool = False) -> None:
        """Read the source again; the cursor stays on its row number when `keep_position`."""
        self._generation += 1
        self.busy = True
        if not keep_position:
            self.cursor_row = 0
        top = round(self.scroll_y) if keep_position else 0
        last = max(top + self.visible_rows, self.cursor_row)
        self._load(self._generation, sorted({0, *range(top // PAGE_SIZE, last // PAGE_SIZE + 1)}))

    @work(thread=True, exclusive=True, group="paged-list-load", exit_on_error=False)
    def _load(self, generation: int, wanted: list[int]) -> None:
        try:
            pages = {n: list(self.source.page(n * PAGE_SIZE, PAGE_SIZE)) for n in wanted}
            count = len(pages[0]) if len(pages[0]) < PAGE_SIZE else self.source.count()
            self.post_message(_Loaded(generation, count, pages))
        except Exception as error:  # shown as a notification; what is on screen stays
            self.post_message(_Failed(generation, error))

    @work(thread=True, group="paged-list-pages", exit_on_error=False)
    def _fetch(self, generation: int, number: int) -> None:
        try:
            self.post_message(_Page(generation, number,
                                    list(self.source.page(number * PAGE_SIZE, PAGE_SIZE))))
        except Exception as error:
            self.post_message(_Failed(generation, error))

    @on(_Loaded)
    def _loaded(self, message: _Loaded) -> None:
        if message.generation != self._generation:
            return
        self.busy = False
        self._pages = dict(message.pages)
        self._pending.clear()
        self.row_count = message.count
        self.cursor_row = max(0, min(self.cursor_row, self.row_count - 1))
        self._update_virtual_size()
        self._scroll_cursor_into_view()
        self.refresh()
        self.post_message(self.Counted(self, message.count))

    @on(_Page)
    def _page_arrived(self, message: _Page) -> None:
        if message.generation == self._generation:
            self._pages[message.number] = message.items
            self._pending.discard(message.number)
            self.refresh()

    @on(_Failed)
    def _failed(self, message: _Failed) -> None:
        if message.generation == self._generation:
            self.busy = False
            self._pending.clear()
            self.notify(error_text(message.error), severity="error")
            self.refresh()

    # --- items and the cursor ----------------------------------------------------------------------

    def item_at(self, row: int) -> Any | None:
        page = self._pages.get(row // PAGE_SIZE)
        if page is None or row % PAGE_SIZE >= len(page):
            return None
        return page[row % PAGE_SIZE]

    @property
    def cursor_item(self) -> Any | None:
        return self.item_at(self.cursor_row) if self.row_count else None

    def items_loaded(self) -> list[Any]:
        """The items in memory, in order (for tests and small lists)."""
        return [item for n in sorted(self._pages) for item in self._pages[n]]

    def action_choose(self) -> None:
        if self.cursor_item is not None:
            self.post_message(self.Chosen(self, self.cursor_item))

    def on_click(self, event: events.Click) -> None:
        row = self._clicked_row(event)
        if row is None:
            return
        if row == self.cursor_row or event.chain > 1:
            item = self.item_at(row)
            if item is not None:
                self.post_message(self.Chosen(self, item))
        else:
            self.move_cursor(row)

    # --- drawing -------------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        columns = layout(self.columns, width)
        if y == 0:
            header = base + self.get_component_rich_style("paged-list--header")
            return cells_strip([(fit(c.title, w), None) for c, w in columns], width, header)
        row = round(self.scroll_y) + y - 1
        if row >= self.row_count:
            if y == 1 and not self.row_count and not self.busy:
                muted = self.get_component_rich_style("paged-list--placeholder")
                return cells_strip([(fit(t(self.empty_key), width - 1), muted)], width, base)
            return Strip.blank(width, base)
        cursor = self.cursor_style("paged-list", row)
        item = self.item_at(row)
        if item is None:
            number = row // PAGE_SIZE
            if number not in self._pending:
                self._pending.add(number)
                self.call_later(self._fetch, self._generation, number)
            muted = self.get_component_rich_style("paged-list--placeholder")
            return cells_strip([(fit(t("engagement_screens.loading"), width - 1), muted)], width,
                               base, cursor)
        kind = self.row_style(item)
        style = self.get_component_rich_style(f"paged-list--{kind}") if kind else None
        return cells_strip([(fit(c.value(item), w), style) for c, w in columns], width, base, cursor)

    def relabel(self) -> None:
        self.refresh()
