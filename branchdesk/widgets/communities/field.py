"""The member card's communities: the names, and Enter to pick them from the branch's list
(so a typo cannot quietly start a new group)."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from branchdesk.i18n import t
from branchdesk.widgets.translated_bindings import translate_bindings

SEPARATOR = "、"


class CommunitiesField(Static, can_focus=True):
    """Shows the communities a member is in; Enter (or a click) asks to pick them."""

    HELP_SECTION = "communities.help.field"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,space", "pick", "communities.key.pick"),
    ]
    DEFAULT_CSS = """
    CommunitiesField { width: 1fr; height: 1; background: $boost; padding: 0 1 0 0; }
    CommunitiesField:focus { background: $primary 30%; }
    """

    class PickRequested(Message):
        def __init__(self, field: CommunitiesField) -> None:
            super().__init__()
            self.field = field

    def __init__(self, names: list[str], *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        translate_bindings(self)
        self._names = list(names)

    def on_mount(self) -> None:
        self._show()

    @property
    def names(self) -> list[str]:
        return list(self._names)

    @names.setter
    def names(self, names: list[str]) -> None:
        self._names = list(dict.fromkeys(names))
        self._show()

    def relabel(self) -> None:
        self._show()

    def _show(self) -> None:
        if self._names:
            self.update(Content(SEPARATOR.join(self._names)))
        else:
            self.update(Content.styled(t("communities.field_empty"), "$text-muted"))

    def action_pick(self) -> None:
        self.post_message(self.PickRequested(self))

    def on_click(self) -> None:
        self.focus()
        self.action_pick()
