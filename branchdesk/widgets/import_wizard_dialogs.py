"""Small questions the import wizard asks: which field a column fills, and "are you sure"."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from branchdesk.i18n import t
from branchdesk.widgets.translated_bindings import translate_bindings

NOT_IMPORTED = ""  # the chooser's value for "keep this column as an extra column"

_DIALOG_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 64; max-width: 100%; height: auto; max-height: 100%;
    padding: 0 1; border: thick $primary; background: $surface;
}}
{name} Label {{ margin-bottom: 1; width: 1fr; }}
"""


class FieldChooserScreen(ModalScreen[str | None]):
    """Pick the member field a column fills; None when the user backs out."""

    DEFAULT_CSS = _DIALOG_CSS.format(name="FieldChooserScreen") + """
    FieldChooserScreen OptionList { height: auto; max-height: 18; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss_none", "import_wizard.key.back")]

    def __init__(self, header: str, fields: list[tuple[str, str]], current: str | None) -> None:
        """`fields`: (code, label) pairs; `current`: the field the column fills now."""
        super().__init__()
        translate_bindings(self)
        self._header = header
        self._fields = fields
        self._current = current

    def compose(self) -> ComposeResult:
        # Text, not str: a header from the file must never be read as markup.
        options = [Option(Text(t("import_wizard.choose_not_imported")), id="-")]
        options += [Option(Text(label), id=code) for code, label in self._fields]
        with Vertical():
            yield Label(t("import_wizard.choose_field", header=self._header), markup=False)
            yield OptionList(*options, id="field-options")

    def on_mount(self) -> None:
        chooser = self.query_one(OptionList)
        chooser.highlighted = 0 if self._current is None else chooser.get_option_index(self._current)
        chooser.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        option_id = event.option.id or "-"
        self.dismiss(NOT_IMPORTED if option_id == "-" else option_id)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class ConfirmScreen(ModalScreen[bool]):
    """A yes / no question: y or Enter says yes, n or Escape says no."""

    DEFAULT_CSS = _DIALOG_CSS.format(name="ConfirmScreen")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,enter", "answer(True)", "import_wizard.key.yes"),
        Binding("n,escape", "answer(False)", "import_wizard.key.no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        translate_bindings(self)
        self._question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self._question, markup=False)
            yield Label(t("import_wizard.confirm_keys"), markup=False)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class PlaceChooserScreen(ModalScreen[Path | None]):
    """Pick a folder to browse from: another drive, the home folder, downloads…"""

    DEFAULT_CSS = _DIALOG_CSS.format(name="PlaceChooserScreen") + """
    PlaceChooserScreen OptionList { height: auto; max-height: 16; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss_none", "import_wizard.key.back")]

    def __init__(self, places: list[Path]) -> None:
        super().__init__()
        translate_bindings(self)
        self._places = places

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(t("import_wizard.places_title"), markup=False)
            yield OptionList(*[Option(Text(str(place))) for place in self._places],
                             id="place-options")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self._places[event.option_index])

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
