"""The side panel of a check: one line per finding (up/down selects, Enter applies its fix)
and, under it, why the selected one is a problem and what to write instead."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from branchdesk.i18n import t
from branchdesk.widgets.findings_view import FindingItem
from branchdesk.widgets.translated_bindings import translate_bindings

if TYPE_CHECKING:
    from branchdesk.compliance import Finding

MARK = {"block": ("■", "bold $text-error"), "warn": ("▲", "bold $text-warning")}


def fix_hint(finding: Finding) -> str:
    """What the apply key will do to this finding, in words."""
    if finding.action == "append":
        return t("compose.fix_append")
    if finding.action == "replace" and finding.replacement is not None:
        return t("compose.fix_replace", text=finding.replacement)
    return t("compose.fix_manual")


def finding_line(item: FindingItem) -> Content:
    mark, style = MARK.get(item.severity, ("•", ""))
    category = t(f"compliance.category.{item.category}")
    # The words first: they are what the writer recognises; the category explains them.
    return Content.assemble((mark + " ", style), ("«" + item.match + "» ", "bold"),
                            (category, "$text-muted"))


def finding_detail(item: FindingItem, fix_hint: str = "") -> Content:
    """What kind of problem it is (severity and category, in the reader's language), what to
    write instead and what the apply key does, why; the rule's id last and muted, for asking
    compliance about it or finding it in the rules screen."""
    parts: list[str | tuple[str, str]] = [
        (t(f"compliance.severity.{item.severity}") + " · "
         + t(f"compliance.category.{item.category}") + "\n", "bold"),
    ]
    # Which law it breaks, in one short line: the writer's answer to "says who?".
    if item.basis:
        parts += [(t("compliance.basis_label"), "bold"), (item.basis + "\n", "$text-muted")]
    # What to change next: at 80x24 the box shows four or five lines.
    # The label's own punctuation (zh "：" has no space, so the text wraps right after it).
    if item.suggestion:
        parts += [(t("compose.suggestion_label"), "bold"), item.suggestion + "\n"]
    if fix_hint:
        parts.append((fix_hint + "\n", "$text-accent"))
    parts += [(t("compose.why_label"), "bold"), item.explanation + "\n"]
    parts.append((t("findings_panel.rule_id", rule=item.rule), "$text-muted"))
    return Content.assemble(*parts)


class FindingList(OptionList):
    HELP_SECTION = "compose.help.findings"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "compose.key.apply_selected"),
    ]

    def __init__(self, *, applicable: bool = True, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        translate_bindings(self)
        self.applicable = applicable

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A saved message under review is read, not rewritten: no Enter-to-apply there.
        return self.applicable or action != "select"


class FindingsPanel(Vertical):
    """Shows a list of FindingItems; tells the screen which one is chosen or applied."""

    class Chosen(Message):
        """The reader moved to finding `index`."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    class Applied(Message):
        """Enter on finding `index`: apply its fix."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, *, applicable: bool = True, id: str | None = None,
                 classes: str | None = None) -> None:
        """`applicable`: Enter on a finding asks to apply its fix (the compose screen)."""
        super().__init__(id=id, classes=classes)
        self.applicable = applicable
        self.items: list[FindingItem] = []
        self.hints: list[str] = []

    def compose(self) -> ComposeResult:
        yield FindingList(applicable=self.applicable, id="findings-list", compact=True)
        with VerticalScroll(id="finding-detail-box", can_focus=False):
            yield Static("", id="finding-detail")

    @property
    def option_list(self) -> OptionList:
        return self.query_one(FindingList)

    def show(self, items: list[FindingItem], selected: int | None,
             hints: list[str] | None = None) -> None:
        """Fill the list; `hints[i]` says what applying finding i does (or "")."""
        self.items, self.hints = items, hints or [""] * len(items)
        options = self.option_list
        with options.prevent(OptionList.OptionHighlighted):
            options.set_options([Option(finding_line(item)) for item in items])
            if items:
                options.highlighted = selected if selected is not None else 0
        self._show_detail(selected)

    def select(self, index: int | None) -> None:
        options = self.option_list
        with options.prevent(OptionList.OptionHighlighted):
            options.highlighted = index
        self._show_detail(index)

    def _show_detail(self, index: int | None) -> None:
        detail = self.query_one("#finding-detail", Static)
        if index is None or not 0 <= index < len(self.items):
            detail.update(Content.styled(t("compliance.no_findings"), "$text-muted"))
            return
        detail.update(finding_detail(self.items[index], self.hints[index]))

    @on(OptionList.OptionHighlighted, "#findings-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._show_detail(event.option_index)
        self.post_message(self.Chosen(event.option_index))

    @on(OptionList.OptionSelected, "#findings-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.Applied(event.option_index))
