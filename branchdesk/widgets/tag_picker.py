"""Pick a member's needs and tags from one list: the four needs first, then the tags already in
use, then new ones typed below the list and added with Enter."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Label, SelectionList
from textual.widgets.selection_list import Selection

from branchdesk.enums import Need
from branchdesk.i18n import t

NEED = "need"
TAG = "tag"
Choice = tuple[str, str]  # (NEED, code) or (TAG, text)


class TagPicker(Vertical):
    """Needs and tags as one selection list (space or Enter toggles) plus a box for new tags."""

    @dataclass
    class Changed(Message):
        picker: TagPicker

        @property
        def control(self) -> TagPicker:
            return self.picker

    def __init__(self, needs: list[Need], tags: list[str], known_tags: list[str], *,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self._needs = list(needs)
        # The member's own tags keep their order; other tags in use follow, sorted.
        self._tags = list(dict.fromkeys(tags))
        self._known = sorted(set(known_tags) - set(self._tags))

    def compose(self) -> ComposeResult:
        choices: list[Selection[Choice]] = [
            Selection(self._need_prompt(need), (NEED, need.value), need in self._needs)
            for need in Need
        ]
        choices += [Selection(Text(tag), (TAG, tag), True) for tag in self._tags]
        choices += [Selection(Text(tag), (TAG, tag), False) for tag in self._known]
        self._order: list[Choice] = [c.value for c in choices]
        yield SelectionList[Choice](*choices, id="tag-choices")
        yield Label(t("member_card.new_tag_label"), classes="field-label", id="new-tag-label",
                    markup=False)
        yield Input(placeholder=t("member_card.new_tag_placeholder"), id="new-tag", compact=True)

    def relabel(self) -> None:
        """The language changed: the needs' names and the new-tag box; the selection stays."""
        for index, need in enumerate(Need):  # the needs are always the first options
            self.choices.replace_option_prompt_at_index(index, self._need_prompt(need))
        self.query_one("#new-tag-label", Label).update(t("member_card.new_tag_label"))
        self.query_one("#new-tag", Input).placeholder = t("member_card.new_tag_placeholder")

    @staticmethod
    def _need_prompt(need: Need) -> Text:
        return Text.assemble((need.label(), "bold"), ("  " + t("member_card.need_marker"), "dim"))

    @property
    def choices(self) -> SelectionList[Choice]:
        return self.query_one("#tag-choices", SelectionList)

    def _selected_in_order(self) -> list[Choice]:
        chosen = set(self.choices.selected)
        return [value for value in self._order if value in chosen]

    @property
    def needs(self) -> list[Need]:
        return [Need(code) for kind, code in self._selected_in_order() if kind == NEED]

    @property
    def tags(self) -> list[str]:
        return [text for kind, text in self._selected_in_order() if kind == TAG]

    @on(SelectionList.SelectedChanged, "#tag-choices")
    def _selection_changed(self, event: SelectionList.SelectedChanged) -> None:
        event.stop()
        self.post_message(self.Changed(self))

    @on(Input.Submitted, "#new-tag")
    def _add_tag(self, event: Input.Submitted) -> None:
        event.stop()
        self.add(event.value)
        event.input.value = ""

    def add(self, text: str) -> None:
        """Select `text`: a need when it names one (赚钱 / profit), else a tag, new if need be."""
        text = text.strip()
        if not text:
            return
        choices = self.choices
        value: Choice = (TAG, text)
        for need in Need:
            if text.lower() in (need.value, need.zh, need.en):
                value = (NEED, need.value)
        if value not in self._order:
            choices.add_option(Selection(Text(text), value, False))
            self._order.append(value)
        choices.select(value)  # posts SelectedChanged, hence our Changed
        choices.highlighted = self._order.index(value)
