"""A small modal form: a few labelled fields (text, password, choice), OK and Cancel.

The caller passes `submit(values)`, which calls the service and raises UserError when it
says no (a wrong password, a missing reason): the message is shown in the dialog and the
dialog stays open so the user can correct one field instead of starting over. It
dismisses with True once `submit` succeeds, False when cancelled.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import ClassVar, Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from branchdesk.errors import UserError
from branchdesk.i18n import t
from branchdesk.widgets.translated_bindings import translate_bindings

Values = dict[str, str]


@dataclass(frozen=True)
class FormField:
    id: str
    label: str
    kind: Literal["text", "password", "select"] = "text"
    value: str = ""
    options: Sequence[tuple[str, str]] = field(default_factory=tuple)  # (label, value)
    placeholder: str = ""


class FormDialog(ModalScreen[bool]):
    DEFAULT_CSS = """
    FormDialog { align: center middle; background: $background 60%; }
    FormDialog > #form-box {
        width: 70; max-width: 100%; height: auto; max-height: 100%;
        padding: 0 1; border: round $accent; background: $surface;
    }
    FormDialog #form-title { width: 100%; text-style: bold; color: $accent; }
    FormDialog #form-note { color: $text-muted; height: auto; }
    FormDialog .form-row { height: auto; margin-top: 1; }
    FormDialog .form-label { width: 20; padding-top: 0; color: $text-muted; }
    FormDialog .form-row Input, FormDialog .form-row Select { width: 1fr; }
    /* Compact fields have no border: a shade shows where to type. */
    FormDialog .form-row Input { background: $boost; }
    FormDialog .form-row Input:focus { background: $primary 30%; }
    FormDialog #form-error { color: $text-error; height: auto; }
    FormDialog #form-buttons { height: auto; margin-top: 1; }
    FormDialog Button { margin-right: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "form_dialog.key.cancel"),
        Binding("ctrl+s", "submit", "form_dialog.key.ok"),
    ]

    def __init__(self, title: str, fields: Sequence[FormField],
                 submit: Callable[[Values], object], *, note: str = "",
                 ok_label: str | None = None, cancel_key: str = "form_dialog.cancel") -> None:
        super().__init__()
        translate_bindings(self)
        self.title_text = title
        self.fields = list(fields)
        self.submit = submit
        self.note = note
        self.ok_label = ok_label or t("form_dialog.ok")
        self.cancel_key = cancel_key  # a catalog key: "取消" would be ambiguous where the act cancels

    def compose(self) -> ComposeResult:
        with Vertical(id="form-box"):
            yield Label(self.title_text, id="form-title", markup=False)
            if self.note:
                yield Static(self.note, id="form-note", markup=False)
            for spec in self.fields:
                with Horizontal(classes="form-row"):
                    yield Label(spec.label, classes="form-label", markup=False)
                    yield self._input(spec)
            yield Static("", id="form-error", markup=False)
            with Horizontal(id="form-buttons"):
                yield Button(self.ok_label, id="form-ok", variant="primary")
                yield Button(t(self.cancel_key), id="form-cancel")

    @staticmethod
    def _input(spec: FormField) -> Input | Select[str]:
        wid = f"field-{spec.id}"
        if spec.kind == "select":
            return Select(list(spec.options), value=spec.value or Select.NULL, allow_blank=False,
                          id=wid, compact=True)
        return Input(spec.value, placeholder=spec.placeholder, password=spec.kind == "password",
                     id=wid, compact=True)

    def on_mount(self) -> None:
        self.query_one("#form-error").display = False
        # Start where typing is needed: the first empty field.
        for spec in self.fields:
            widget = self.query_one(f"#field-{spec.id}")
            if spec.kind != "select" and not spec.value:
                widget.focus()
                return
        if self.fields:
            self.query_one(f"#field-{self.fields[0].id}").focus()

    def relabel(self) -> None:
        """The language changed: keep what was typed (recomposing would clear it); the
        field labels were given by the caller and stay as they are."""
        self.query_one("#form-cancel", Button).label = t(self.cancel_key)

    def values(self) -> Values:
        out: Values = {}
        for spec in self.fields:
            widget = self.query_one(f"#field-{spec.id}")
            value = widget.value
            out[spec.id] = "" if value is Select.NULL else str(value)
        return out

    def set_value(self, field_id: str, value: str) -> None:
        self.query_one(f"#field-{field_id}", Input).value = value

    def show_error(self, message: str) -> None:
        error = self.query_one("#form-error", Static)
        error.update(message)
        error.display = True

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        # Enter moves on to the next field; on the last one it submits.
        inputs = list(self.query(Input))
        if event.input is inputs[-1]:
            self.action_submit()
        else:
            self.focus_next()

    @on(Button.Pressed, "#form-ok")
    def _ok(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#form-cancel")
    def _cancel(self) -> None:
        self.action_cancel()

    def action_submit(self) -> None:
        try:
            self.submit(self.values())
        except UserError as error:
            self.show_error(error.message)
            self.notify(error.message, severity="error", markup=False)
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
