"""What the paged tables share: one line a row under a title line, and a cursor row.

`CursorRows` is a `ScrollView` with the Line API whose virtual height is `row_count` rows
plus the title line; it moves the cursor (keys, page keys, home/end) and keeps it in view.
Loading rows and drawing them is the subclass's job (`RosterTable`, `PagedList`);
`cells_strip` draws one line of cells for both.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from branchdesk.widgets.roster_columns import GAP, LEFT_PAD


def cursor_bindings(key_prefix: str, choose_action: str) -> list[BindingType]:
    """Enter on the cursor row, and the keys that move the cursor; their descriptions are the
    catalog keys ``<key_prefix>.open``, ``.up``, ``.down``, ``.page_up``, ``.page_down``,
    ``.first`` and ``.last``."""
    return [
        Binding("enter", choose_action, f"{key_prefix}.open"),
        Binding("up", "cursor_up", f"{key_prefix}.up", show=False),
        Binding("down", "cursor_down", f"{key_prefix}.down", show=False),
        Binding("pageup", "page_up", f"{key_prefix}.page_up", show=False),
        Binding("pagedown", "page_down", f"{key_prefix}.page_down", show=False),
        Binding("home", "first", f"{key_prefix}.first", show=False),
        Binding("end", "last", f"{key_prefix}.last", show=False),
    ]


def cells_strip(cells: Iterable[tuple[str, Style | None]], width: int, base: Style,
                cursor: Style | None = None) -> Strip:
    """One line: cells separated by gaps; the cursor style goes over everything."""
    row = base + cursor if cursor else base
    segments = [Segment(" " * LEFT_PAD, row)]
    gap = Segment(" " * GAP, row)
    for index, (text, style) in enumerate(cells):
        if index:
            segments.append(gap)
        cell = base + style if style else base
        segments.append(Segment(text, cell + cursor if cursor else cell))
    return Strip(segments).adjust_cell_length(width, row)


class CursorRows(ScrollView, can_focus=True):
    """`row_count` rows under a title line, with a cursor on `cursor_row`."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.row_count = 0
        self.cursor_row = 0

    @property
    def visible_rows(self) -> int:
        """Rows that fit under the title line."""
        return max(self.scrollable_content_region.height - 1, 1)

    def _update_virtual_size(self) -> None:
        # +1: the title line sits in the first line of the viewport.
        self.virtual_size = Size(self.scrollable_content_region.width, self.row_count + 1)

    def on_resize(self, event: events.Resize) -> None:
        self._update_virtual_size()
        self._scroll_cursor_into_view()

    def _scroll_cursor_into_view(self) -> None:
        top = round(self.scroll_y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row >= top + self.visible_rows:
            self.scroll_to(y=self.cursor_row - self.visible_rows + 1, animate=False, immediate=True)

    def move_cursor(self, row: int) -> None:
        if not self.row_count:
            return
        self.cursor_row = max(0, min(row, self.row_count - 1))
        self._scroll_cursor_into_view()
        self.refresh()

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor_row + 1)

    def action_page_up(self) -> None:
        self.move_cursor(self.cursor_row - self.visible_rows)

    def action_page_down(self) -> None:
        self.move_cursor(self.cursor_row + self.visible_rows)

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(self.row_count - 1)

    def _clicked_row(self, event: events.Click) -> int | None:
        """The row under a click, None for the title line or below the last row."""
        row = round(self.scroll_y) + event.y - 1
        if event.y == 0 or row >= self.row_count:
            return None
        return row

    def cursor_style(self, component_prefix: str, row: int) -> Style | None:
        """The cursor's style when `row` holds it (dimmer while the widget has no focus)."""
        if row != self.cursor_row:
            return None
        suffix = "cursor" if self.has_focus else "cursor-blurred"
        return self.get_component_rich_style(f"{component_prefix}--{suffix}")

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.refresh()  # a new theme: component styles are read again on the next render
