"""The top line of every screen: the app and branch, where we are, the database file and
the operator — so nobody edits the demo file thinking it is the real one."""

from __future__ import annotations

from rich.cells import cell_len
from textual.content import Content
from textual.widget import Widget

from branchdesk.i18n import t
from branchdesk.widgets.roster_columns import fit


class AppHeader(Widget):
    """One line, drawn from the app's settings each time it renders (so a language switch
    only needs a refresh)."""

    def __init__(self, title_key: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.title_key = title_key  # catalog key of the screen's name

    def render(self) -> Content:
        app = self.app
        settings = getattr(app, "settings", None)
        store = getattr(app, "store", None)
        branch = (settings.branch_name if settings else "") or t("app.default_branch")
        left = f" {t('app.name')} │ {branch} │ {t(self.title_key)}"
        right_parts = []
        if store is not None:
            right_parts.append(store.path.name)
        if settings is not None:
            right_parts.append(t("app.operator", name=settings.operator))
        right = " · ".join(right_parts) + " "
        width = self.size.width
        if cell_len(left) + cell_len(right) + 1 > width:
            # Narrow: the branch and screen matter more than the file name.
            return Content(fit(left, width))
        # Content, not a str: a branch or file name must never be read as markup.
        return Content(left + " " * (width - cell_len(left) - cell_len(right)) + right)
