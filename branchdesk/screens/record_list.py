"""What the screens of one record list share (rules, staff, communities, review): a RowTable
whose column titles come from the catalog, read again when the screen is shown, when it is
come back to and when the language changes; the record at the cursor; escape to the roster.

Textual calls `on_mount` and `on_screen_resume` of the base class as well as a subclass's
own: a subclass defines them only for work of its own, and does not read the list again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar, TypeVar

from textual.screen import Screen

from branchdesk.i18n import t
from branchdesk.screens.base import AppContext
from branchdesk.widgets.app_header import AppHeader
from branchdesk.widgets.row_table import RowTable

Record = TypeVar("Record")


class RecordListScreen(AppContext, Screen[None]):
    COLUMNS: ClassVar[Sequence[str]] = ()  # the table's column keys, in order
    COLUMN_TITLES: ClassVar[str] = ""  # catalog prefix of their titles: "<prefix>.<key>"

    def reload_data(self) -> None:
        """Read the records and show them, the cursor staying on its record."""
        raise NotImplementedError

    @property
    def table(self) -> RowTable:
        return self.query_one(RowTable)

    def on_mount(self) -> None:
        self._set_columns()
        self.reload_data()

    def on_screen_resume(self) -> None:
        # After a dialog of this screen, or back from another area: records may have changed.
        self.reload_data()

    def _set_columns(self) -> None:
        table = self.table
        table.clear(columns=True)
        for name in self.COLUMNS:
            table.add_column(t(f"{self.COLUMN_TITLES}.{name}"), key=name)

    def record_at_cursor(self, records: Mapping[Any, Record],
                         key: Callable[[str], Any] = str) -> Record | None:
        """The record of the cursor row (`records` by row key, read through `key`)."""
        table = self.table
        if not records or not 0 <= table.cursor_row < table.row_count:
            return None
        row_key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return records.get(key(row_key)) if row_key is not None else None

    def action_leave(self) -> None:
        self.app.switch_mode("roster")

    def relabel(self) -> None:
        """The language changed: titles, column titles and the records' labels."""
        self.query_one(AppHeader).refresh()
        self._set_columns()
        self.reload_data()
