"""A list of records as the screens show them: the cursor on whole rows, zebra stripes, and
its key labels in the current language."""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable

from branchdesk.widgets.translated_bindings import translate_bindings


class RowTable(DataTable[Any]):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        translate_bindings(self)
