"""One line of choices picked with a digit or the arrow keys: ``1 私聊  [2 电话]  3 面谈``.

Enter is left to the dialog (it saves), so "l, Enter" logs a call and "l, 1, Enter" a chat.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from branchdesk.widgets.translated_bindings import translate_bindings


class ChoiceRow(Widget, can_focus=True):
    DEFAULT_CSS = """
    ChoiceRow { height: auto; width: 1fr; }
    ChoiceRow:focus { background: $boost; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "move(-1)", "engagement_screens.key.previous_choice", show=False),
        Binding("right", "move(1)", "engagement_screens.key.next_choice", show=False),
        *(Binding(str(n), f"pick({n - 1})", "engagement_screens.key.pick_choice", show=False)
          for n in range(1, 10)),
    ]
    index: reactive[int] = reactive(0)

    @dataclass
    class Changed(Message):
        row: ChoiceRow
        value: str

        @property
        def control(self) -> ChoiceRow:
            return self.row

    def __init__(self, options: Sequence[tuple[str, str]], value: str | None = None, *,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        translate_bindings(self)
        self.options = list(options)  # (code, label)
        codes = [code for code, _ in self.options]
        self.set_reactive(ChoiceRow.index, codes.index(value) if value in codes else 0)

    @property
    def value(self) -> str:
        return self.options[self.index][0]

    def set_labels(self, options: Sequence[tuple[str, str]]) -> None:
        self.options = list(options)
        self.refresh(layout=True)

    def render(self) -> Content:
        parts: list[str | tuple[str, str]] = []
        for number, (_, label) in enumerate(self.options, start=1):
            if number > 1:
                parts.append("  ")
            text = f"{number} {label}"
            parts.append((f"[{text}]", "bold reverse $accent") if number - 1 == self.index else f" {text} ")
        return Content.assemble(*parts)

    def watch_index(self) -> None:
        self.post_message(self.Changed(self, self.value))

    def action_move(self, step: int) -> None:
        self.index = (self.index + step) % len(self.options)

    def action_pick(self, position: int) -> None:
        if position < len(self.options):
            self.index = position
