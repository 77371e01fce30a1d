"""The line under the roster: how many members are shown of how many, the active filters,
and the sort order. Plain text, cut with an ellipsis on a narrow terminal."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Label


class StatusLine(Horizontal):
    """Left: counts and filters (shrinks first). Right: the sort."""

    def compose(self) -> ComposeResult:
        yield Label("", id="status-counts")
        yield Label("", id="status-sort")

    def show(self, counts: str, sort: str) -> None:
        # Content, not markup: advisor and community names are data.
        self.query_one("#status-counts", Label).update(Content(counts))
        self.query_one("#status-sort", Label).update(Content(sort))

    @property
    def text(self) -> str:
        """What the line says (for tests and screen readers)."""
        left = self.query_one("#status-counts", Label).content
        right = self.query_one("#status-sort", Label).content
        return f"{left}  {right}"
