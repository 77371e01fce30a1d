"""The member card's field form: one compact row per field, its error shown right under it.

The form only turns text into plain values (blank → None, lists split); the roster service
validates them, and its reasons come back through `show_errors`.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Input, Label, Select, Static

from branchdesk.i18n import catalog, get_language, t
from branchdesk.importers.normalize.amounts import normalize_amount
from branchdesk.member_fields import BY_NAME, FIELDS, SENSITIVE_FIELDS, mask_value
from branchdesk.models import Experience, Member, RiskLevel
from branchdesk.widgets.communities.field import CommunitiesField

# The form's fields, in the declared order: every editable field but needs and tags (the tag
# picker edits those).
FORM_FIELDS = tuple(f.name for f in FIELDS if f.editable and f.name not in ("needs", "tags"))
CHOICE_FIELDS = tuple(f for f in FORM_FIELDS if BY_NAME[f].kind == "choice")
LIST_FIELDS = tuple(f for f in FORM_FIELDS if BY_NAME[f].kind == "words")
DATE_FIELDS = tuple(f for f in FORM_FIELDS if BY_NAME[f].kind == "date")

_LIST_SEPARATORS = re.compile(r"[,，、;；]")
_LIST_JOIN = "、"


def field_label(name: str) -> str:
    return t(f"member_card.field.{name}")


def _optional(key: str, default: str = "") -> str:
    return t(key) if key in catalog(get_language()) else default


def field_problem(name: str, reason: str) -> str:
    """A translated hint for a field when we have one (pydantic's reasons are English)."""
    return _optional(f"member_card.invalid.{name}", reason)


def display_value(member: Member, name: str) -> str:
    """A member's field as the form shows it."""
    value = getattr(member, name)
    if value is None:
        return ""
    if name in LIST_FIELDS:
        return _LIST_JOIN.join(value)
    if name in DATE_FIELDS:
        return value.isoformat()
    if name == "total_assets":
        return format(value, ",.2f").rstrip("0").rstrip(".")  # 912,400 (read back as typed)
    if name in CHOICE_FIELDS:
        return value.value
    return str(value)


def parse_value(name: str, text: str) -> Any:
    """Form text → the plain value update_member takes (it validates the rest)."""
    text = text.strip()
    if name in LIST_FIELDS:
        return [part.strip() for part in _LIST_SEPARATORS.split(text) if part.strip()]
    if name == "total_assets" and text:
        # As the import reads it: 12万, 12万元, 1.2w, 250,000 (in yuan). Text it cannot read
        # goes on as it is, and the service says what is wrong with it.
        try:
            return normalize_amount(text)
        except ValueError:
            return text
    return text or None


class ChoiceField(Select[str]):
    """A choice list that Enter or space opens, so up and down stay free to move between fields."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "app.focus_next", show=False),
        Binding("up", "app.focus_previous", show=False),
    ]


class MemberCardForm(VerticalScroll):
    """Every editable field but needs and tags (those have the tag picker)."""

    # Up and down move between fields, as in a spreadsheet (a choice list opens with Enter).
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "app.focus_next", show=False),
        Binding("up", "app.focus_previous", show=False),
    ]

    def __init__(self, member: Member, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._member = member
        self.phone_revealed = False  # the sensitive fields (phone, account) shown in full

    def compose(self) -> ComposeResult:
        member = self._member
        for name in FORM_FIELDS:
            with Horizontal(classes="field-row"):
                yield Label(field_label(name), classes="field-label", id=f"label-{name}", markup=False)
                if name in CHOICE_FIELDS:
                    yield self._choice(name, member)
                elif name == "communities":
                    # Picked from the branch's list (Enter): a typo cannot start a new group.
                    yield CommunitiesField(member.communities, id="field-communities")
                elif name in SENSITIVE_FIELDS:
                    # Masked until revealed: a disabled input can neither leak nor silently
                    # overwrite the number with its mask.
                    yield Input(str(mask_value(name, getattr(member, name)) or ""),
                                id=f"field-{name}", compact=True, disabled=True,
                                select_on_focus=False,
                                placeholder=t("member_card.phone_hidden"))
                else:
                    # The cursor goes to the end: typing must not silently replace the value.
                    yield Input(display_value(member, name), id=f"field-{name}", compact=True,
                                select_on_focus=False,
                                placeholder=_optional(f"member_card.placeholder.{name}"))
            yield Static("", classes="field-error", id=f"error-{name}", markup=False)
            if name == "total_assets":
                # Which tier the total puts the member in, and by what rule (the card fills it).
                with Horizontal(classes="field-row", id="tier-row"):
                    yield Label(t("tiers.label"), classes="field-label",
                                id="label-tier", markup=False)
                    yield Static("", id="tier-rule", markup=False)

    @staticmethod
    def _options(name: str) -> list[tuple[str, str]]:
        enum = RiskLevel if name == "risk_level" else Experience
        return [(f"{item.value} {item.label()}" if enum is RiskLevel else item.label(), item.value)
                for item in enum]

    def _choice(self, name: str, member: Member) -> ChoiceField:
        current = getattr(member, name)
        return ChoiceField(self._options(name), value=current.value if current else Select.NULL,
                           prompt=t("member_card.not_set"), id=f"field-{name}", compact=True)

    def on_mount(self) -> None:
        self._errors: dict[str, str] = {}
        for name in FORM_FIELDS:
            self.query_one(f"#error-{name}").display = False
        self._fit_labels()

    def _fit_labels(self) -> None:
        """Labels as wide as the longest in this language, so none loses its unit
        ("Total assets (yuan)"); the errors line up under the fields."""
        width = max(cell_len(field_label(name)) for name in FORM_FIELDS) + 2
        width = max(width, cell_len(t("tiers.label")) + 2)
        for label in self.query(".field-label"):
            label.styles.width = width
        for error in self.query(".field-error"):
            error.styles.padding = (0, 0, 0, width)

    def show_tier(self, text: str) -> None:
        self.query_one("#tier-rule", Static).update(text)

    def relabel(self) -> None:
        """The language changed: labels, placeholders, choices and errors; values stay."""
        self.query_one("#label-tier", Label).update(t("tiers.label"))
        for name in FORM_FIELDS:
            self.query_one(f"#label-{name}", Label).update(field_label(name))
            widget = self.query_one(f"#field-{name}")
            if isinstance(widget, CommunitiesField):
                widget.relabel()
            elif isinstance(widget, Select):
                value = widget.value
                widget.set_options(self._options(name))
                widget.prompt = t("member_card.not_set")
                widget.value = value
            elif name in SENSITIVE_FIELDS:
                widget.placeholder = t("member_card.phone_hidden")
            else:
                widget.placeholder = _optional(f"member_card.placeholder.{name}")
        self._fit_labels()
        if self._errors:
            self.show_errors(self._errors, focus=False)

    # --- values -------------------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        """The fields as plain values; phone and account only once revealed (else the mask)."""
        out: dict[str, Any] = {}
        for name in FORM_FIELDS:
            if name in SENSITIVE_FIELDS and not self.phone_revealed:
                continue
            widget = self.query_one(f"#field-{name}")
            if isinstance(widget, CommunitiesField):
                out[name] = widget.names
            elif isinstance(widget, Select):
                out[name] = None if widget.value is Select.NULL else widget.value
            else:
                out[name] = parse_value(name, widget.value)
        return out

    def load(self, member: Member) -> None:
        """Show a member's values (after a save: what the service stored, normalised)."""
        for name in FORM_FIELDS:
            if name in SENSITIVE_FIELDS and not self.phone_revealed:
                self.query_one(f"#field-{name}", Input).value = str(
                    mask_value(name, getattr(member, name)) or "")
                continue
            widget = self.query_one(f"#field-{name}")
            if isinstance(widget, CommunitiesField):
                widget.names = member.communities
            elif isinstance(widget, Select):
                current = getattr(member, name)
                widget.value = current.value if current else Select.NULL
            else:
                widget.value = display_value(member, name)

    def reveal(self, values: dict[str, str]) -> None:
        """Show the sensitive fields in full (after the audited reveal) and let them be edited."""
        for name in SENSITIVE_FIELDS:
            if name in FORM_FIELDS:
                field = self.query_one(f"#field-{name}", Input)
                field.value = values.get(name, "")
                field.disabled = False
        self.phone_revealed = True

    # --- errors -------------------------------------------------------------------------------

    def show_errors(self, errors: dict[str, str], *, focus: bool = True) -> list[str]:
        """Show each reason under its field; returns the fields this form does not hold."""
        self.clear_errors()
        self._errors = dict(errors)
        elsewhere = []
        first: str | None = None
        for name, reason in errors.items():
            if name not in FORM_FIELDS:
                elsewhere.append(name)
                continue
            error = self.query_one(f"#error-{name}", Static)
            error.update(field_problem(name, reason))
            error.display = True
            self.query_one(f"#field-{name}").add_class("-invalid")
            first = first or name
        if first is not None and focus:
            field = self.query_one(f"#field-{first}")
            if field.focusable:
                field.focus()
            self.call_after_refresh(field.scroll_visible)
        return elsewhere

    def clear_errors(self) -> None:
        self._errors = {}
        for name in FORM_FIELDS:
            self.query_one(f"#error-{name}").display = False
            self.query_one(f"#field-{name}").remove_class("-invalid")
