"""The roster as a table that holds only what is on screen.

A `ScrollView` with the Line API: the virtual height is the number of members in the current
query, so the scrollbar spans all of them, and `render_line` draws a row from an LRU cache of
pages. A missing page is fetched by a worker thread and drawn as a placeholder until it lands.
(Textual's DataTable measured every row up front: 17 s for 100,000 rows; this shows the first
screen in milliseconds.)

The table knows nothing of SQL: it asks a `RowSource` for pages and counts. Results are tagged
with a generation number, so a page or count for an older query is simply dropped: the newest
query wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Protocol

from rich.style import Style
from textual import events, on, work
from textual.binding import BindingType
from textual.cache import LRUCache
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip

from branchdesk.i18n import get_language, t
from branchdesk.models import Member, MemberQuery
from branchdesk.widgets.cursor_rows import CursorRows, cells_strip, cursor_bindings
from branchdesk.widgets.errors import error_text
from branchdesk.widgets.roster_columns import GAP, LEFT_PAD, SORT_MARK, Column, fit, layout
from branchdesk.widgets.translated_bindings import translate_bindings

PAGE_SIZE = 100
CACHE_PAGES = 64  # 6,400 rows: a few screens either way of the one shown


class RowSource(Protocol):
    """Where rows come from (the screen wraps the roster service). Called from worker threads."""

    def page(self, query: MemberQuery, offset: int, limit: int) -> list[Member]: ...

    def count(self, query: MemberQuery) -> int: ...

    def is_dormant(self, member: Member) -> bool: ...


@dataclass
class _Pages(Message, bubble=False):
    """Pages fetched in a worker; `count` is None while it is still being counted."""

    generation: int
    query: MemberQuery
    pages: dict[int, list[Member]]
    count: int | None
    first: bool  # the first answer to a new query: swap what is shown
    keep_position: bool


@dataclass
class _Counted(Message, bubble=False):
    generation: int
    count: int


@dataclass
class _Failed(Message, bubble=False):
    generation: int
    error: Exception


class RosterTable(CursorRows, can_focus=True):
    """Members of one query, one line each, with a cursor row."""

    HELP_SECTION = "roster_screen.help.table"
    BINDINGS: ClassVar[list[BindingType]] = cursor_bindings("roster_screen.key", "open")
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "roster-table--header",
        "roster-table--sorted",
        "roster-table--cursor",
        "roster-table--cursor-blurred",
        "roster-table--dormant",
        "roster-table--placeholder",
    }

    @dataclass
    class MemberChosen(Message):
        """Enter (or a click on the cursor row) on a member."""

        member_id: int

    @dataclass
    class CountChanged(Message):
        """The number of members shown changed; `count` is None while counting."""

        count: int | None

    @dataclass
    class SortClicked(Message):
        """A click on a sortable column's title."""

        sort_field: str

    def __init__(self, source: RowSource, *, id: str | None = None) -> None:
        super().__init__(id=id)
        translate_bindings(self)
        self.source = source
        self.query_shown = MemberQuery()
        self.counting = False
        self.busy = False
        self._cache: LRUCache[int, list[Member]] = LRUCache(CACHE_PAGES)
        self._pending: set[int] = set()
        self._latest = 0  # generation of the newest query asked for
        self._shown = 0  # generation of the rows on screen
        self._layout_key: tuple[int, str] | None = None
        self._columns: list[tuple[Column, int]] = []

    # --- loading -----------------------------------------------------------------------------

    def load(self, query: MemberQuery, *, keep_position: bool = False) -> None:
        """Show `query`: rows stay as they are until its first page arrives, then swap at once."""
        self._latest += 1
        self.busy = True
        wanted = [0]  # a new query starts at the top: one page, one query
        if keep_position:  # and a reload also needs the rows on screen, to swap without a flash
            top = round(self.scroll_y)
            last = max(top + self.visible_rows - 1, self.cursor_row)
            wanted = sorted({0, *range(top // PAGE_SIZE, last // PAGE_SIZE + 1)})
        self._load(self._latest, query, wanted, keep_position)

    def reload(self) -> None:
        """Read the shown query again (after an edit or an import), keeping the cursor."""
        self.load(self.query_shown, keep_position=True)

    @work(thread=True, exclusive=True, group="roster-load", exit_on_error=False)
    def _load(self, generation: int, query: MemberQuery, wanted: list[int], keep: bool) -> None:
        try:
            pages: dict[int, list[Member]] = {}
            for number in wanted:
                if generation != self._latest:
                    return  # a newer query was asked for: do not spend time on this one
                pages[number] = self.source.page(query, number * PAGE_SIZE, PAGE_SIZE)
            # A short first page is the whole answer: no need to count.
            count = len(pages[0]) if len(pages[0]) < PAGE_SIZE else None
            self.post_message(_Pages(generation, query, pages, count, True, keep))
            if count is None and generation == self._latest:
                self.post_message(_Counted(generation, self.source.count(query)))
        except Exception as error:  # shown as a notification; the rows on screen stay
            self.post_message(_Failed(generation, error))

    @work(thread=True, group="roster-pages", exit_on_error=False)
    def _fetch(self, generation: int, query: MemberQuery, numbers: list[int]) -> None:
        try:
            for number in numbers:
                if generation != self._shown:
                    return
                rows = self.source.page(query, number * PAGE_SIZE, PAGE_SIZE)
                self.post_message(_Pages(generation, query, {number: rows}, None, False, True))
        except Exception as error:
            self.post_message(_Failed(generation, error))

    @on(_Pages)
    def _pages_arrived(self, message: _Pages) -> None:
        if message.first:
            if message.generation != self._latest:
                return
            self._shown = message.generation
            self.query_shown = message.query
            self._cache.clear()
            self._pending.clear()
            self.busy = False
            self.counting = message.count is None
            if message.count is not None:
                self.row_count = message.count
            else:  # until counted: at least what we hold, and no fewer than before
                held = max(n * PAGE_SIZE + len(rows) for n, rows in message.pages.items())
                self.row_count = max(held, self.row_count if message.keep_position else 0)
        elif message.generation != self._shown:
            return
        for number, rows in message.pages.items():
            self._cache.set(number, rows)
            self._pending.discard(number)
        if message.first:
            self._after_count_change(reset=not message.keep_position)
        self.refresh()

    @on(_Counted)
    def _counted(self, message: _Counted) -> None:
        if message.generation != self._shown:
            return
        self.counting = False
        self.row_count = message.count
        self._after_count_change(reset=False)

    @on(_Failed)
    def _failed(self, message: _Failed) -> None:
        if message.generation == self._latest:
            self.busy = self.counting = False
        self._pending.clear()  # let the rows on screen be asked for again
        self.notify(error_text(message.error), severity="error")

    def _after_count_change(self, *, reset: bool) -> None:
        self._update_virtual_size()
        if reset:
            self.cursor_row = 0
            self.scroll_to(y=0, animate=False, immediate=True)
        else:
            self.cursor_row = max(0, min(self.cursor_row, self.row_count - 1))
        self.refresh()
        self.post_message(self.CountChanged(None if self.counting else self.row_count))

    # --- rows ----------------------------------------------------------------------------------

    def member_at(self, row: int) -> Member | None:
        """The member on `row` if its page is in memory (it is, for every row on screen)."""
        page = self._cache.get(row // PAGE_SIZE)
        if page is None or row % PAGE_SIZE >= len(page):
            return None
        return page[row % PAGE_SIZE]

    @property
    def cursor_member(self) -> Member | None:
        return self.member_at(self.cursor_row) if self.row_count else None

    def _request_pages(self, first_row: int, last_row: int) -> None:
        """Fetch the pages for these rows (and one either side) unless held or on their way."""
        first_page = max(first_row - PAGE_SIZE // 2, 0) // PAGE_SIZE
        last_page = min(last_row + PAGE_SIZE // 2, max(self.row_count - 1, 0)) // PAGE_SIZE
        missing = [
            n for n in range(first_page, last_page + 1)
            if n not in self._cache and n not in self._pending
        ]
        if not missing:
            return
        # The pages the user is looking at first, the ones either side after.
        missing.sort(key=lambda n: 0 if first_row // PAGE_SIZE <= n <= last_row // PAGE_SIZE else 1)
        self._pending.update(missing)
        # Start the worker after this render pass, not in the middle of it.
        self.call_later(self._fetch, self._shown, self.query_shown, missing)

    def action_open(self) -> None:
        member = self.cursor_member
        if member is not None and member.id is not None:
            self.post_message(self.MemberChosen(member.id))

    def _column_at(self, x: int) -> Column | None:
        left = LEFT_PAD
        for column, width in self._columns:
            if left <= x < left + width + GAP:
                return column
            left += width + GAP
        return None

    def on_click(self, event: events.Click) -> None:
        if event.y == 0:
            column = self._column_at(event.x)
            if column is not None and column.sort_field:
                self.post_message(self.SortClicked(column.sort_field))
            return
        row = self._clicked_row(event)
        if row is None:
            return
        if row == self.cursor_row or event.chain > 1:
            self.cursor_row = row
            self.action_open()
        else:
            self.move_cursor(row)

    # --- drawing -------------------------------------------------------------------------------

    def _layout(self, width: int) -> list[tuple[Column, int]]:
        key = (width, get_language())
        if key != self._layout_key:
            self._layout_key = key
            self._columns = layout(width)
        return self._columns

    @property
    def shown_sort_fields(self) -> list[str]:
        """The sort fields of the columns on screen now, left to right."""
        columns = self._layout(self.scrollable_content_region.width)
        return [column.sort_field for column, _width in columns if column.sort_field]

    def relabel(self) -> None:
        """The language changed: titles and labels have new widths."""
        self._layout_key = None
        self.refresh()

    def render_lines(self, crop: Region) -> list[Strip]:
        top = round(self.scroll_y)
        if self.row_count:
            last = min(top + self.visible_rows, self.row_count) - 1
            self._request_pages(top, last)
        return super().render_lines(crop)

    def _empty_reason(self) -> str:
        """No filter and still no row: the roster itself is empty (a first start)."""
        filtered = self.query_shown.filtered
        return "roster_screen.no_matches" if filtered else "roster_screen.empty_roster"

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        columns = self._layout(width)
        if y == 0:
            return self._title_strip(columns, width, base)
        row = round(self.scroll_y) + y - 1
        if row >= self.row_count:
            if y == 1 and not self.row_count and not self.busy:  # say why the list is empty
                muted = self.get_component_rich_style("roster-table--placeholder")
                text = fit(t(self._empty_reason()), width - LEFT_PAD)
                return cells_strip([(text, muted)], width, base)
            return Strip.blank(width, base)
        member = self.member_at(row)
        cursor = self.cursor_style("roster-table", row)
        if member is None:
            placeholder = self.get_component_rich_style("roster-table--placeholder")
            return cells_strip([(fit(t("roster_screen.loading"), width - LEFT_PAD), placeholder)],
                               width, base, cursor)
        dormant = self.source.is_dormant(member)
        dormant_style = self.get_component_rich_style("roster-table--dormant")
        cells: list[tuple[str, Style | None]] = []
        for column, cell_width in columns:
            text = fit(column.value(member, dormant, cell_width), cell_width)
            style = dormant_style if dormant and column.key in ("dormant", "last_active") else None
            cells.append((text, style))
        return cells_strip(cells, width, base, cursor)

    def _title_strip(self, columns: list[tuple[Column, int]], width: int, base: Style) -> Strip:
        header = base + self.get_component_rich_style("roster-table--header")
        sorted_style = header + self.get_component_rich_style("roster-table--sorted")
        query = self.query_shown
        cells: list[tuple[str, Style | None]] = []
        for column, cell_width in columns:
            if column.sort_field == query.sort:
                title = f"{column.title} {SORT_MARK[query.descending]}"
                cells.append((fit(title, cell_width), sorted_style))
            else:
                cells.append((fit(column.title, cell_width), None))
        return cells_strip(cells, width, header)
