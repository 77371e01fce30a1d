"""The help screen: every key of the screen it was opened on, and the app's, grouped.

Built from the bindings themselves, so it can never disagree with what the keys do.
A node (the app, a screen, a widget) shows up as a section when it names one in
`HELP_SECTION` (a catalog key).
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static

from branchdesk.i18n import t
from branchdesk.widgets.translated_bindings import translate_bindings

Section = tuple[str, list[tuple[str, str]]]  # title, [(keys, what they do)]


def is_catalog_key(text: str) -> bool:
    """Our bindings describe themselves with a catalog key (``area.key``), Textual's with prose."""
    return "." in text and " " not in text


def binding_rows(node: DOMNode, key_display: Any) -> list[tuple[str, str]]:
    """(keys, description) for the bindings BranchDesk declared on `node`'s class (their
    description is a catalog key); Textual's built-in keys are left out. Keys of one
    action are joined: "f1 / ?"."""
    merged = type(node)._merged_bindings
    if merged is None:
        return []
    rows: dict[tuple[str, str], list[str]] = {}
    for key, binding in merged:
        if not is_catalog_key(binding.description):
            continue
        if len(merged.key_to_bindings.get(key, ())) > 1 and node.check_action(binding.action, ()) is False:
            continue  # one key, two meanings (Esc: back to the dashboard or the roster): the one now
        if node is not node.app and binding.action.startswith("app."):
            continue  # the app's own key, listed under "Everywhere"
        keys = rows.setdefault((binding.action, binding.description), [])
        shown = key_display(binding)
        if shown not in keys:
            keys.append(shown)
    # In the order the class declares them (the most useful first), not Textual's key order.
    declared = [b.action for b in Binding.make_bindings(getattr(type(node), "BINDINGS", []))]
    ordered = sorted(rows.items(), key=lambda item: declared.index(item[0][0])
                     if item[0][0] in declared else len(declared))
    return [(" / ".join(keys), t(description)) for (_action, description), keys in ordered]


def help_sections(screen: Screen) -> list[Section]:
    app = screen.app
    sections: list[Section] = [(t("app.help.global"), binding_rows(app, app.get_key_display))]
    seen: set[str] = set()
    # Any screen gets a section (titled by its name if it has no HELP_SECTION); a widget
    # only when it names one.
    screen_key = (getattr(screen, "HELP_SECTION", None) or getattr(screen, "TITLE_KEY", None)
                  or "app.help.this_screen")
    for node in [screen, *screen.query("*")]:
        key = screen_key if node is screen else getattr(node, "HELP_SECTION", None)
        if key and key not in seen:
            seen.add(key)
            rows = binding_rows(node, app.get_key_display)
            if rows:
                sections.append((t(key), rows))
    # The screen's own keys first: that is what the user is looking at.
    return sections[1:] + sections[:1]


def help_content(sections: list[Section]) -> Content:
    width = max((cell_len(keys) for _, rows in sections for keys, _ in rows), default=0)
    parts: list[str | tuple[str, str]] = []
    for index, (title, rows) in enumerate(sections):
        if index:
            parts.append("\n")
        parts.append((title, "bold underline"))
        parts.append("\n")
        for keys, description in rows:
            parts.append(("  " + keys + " " * (width - cell_len(keys)) + "  ", "bold $accent"))
            parts.append(description + "\n")
    return Content.assemble(*parts)


class HelpScreen(ModalScreen[None]):
    """A box over the screen it explains; any of Esc, q, F1 or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,f1,question_mark", "close", "app.key.close")]

    def __init__(self, for_screen: Screen) -> None:
        super().__init__()
        translate_bindings(self)
        self.for_screen = for_screen

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Label(t("app.help.title"), id="help-title")
            with VerticalScroll(id="help-body"):
                yield Static(help_content(help_sections(self.for_screen)), id="help-keys")
            yield Label(t("app.help.hint"), id="help-hint")

    def on_resize(self, event: events.Resize) -> None:
        # The list of keys grows with the terminal: all of it on a tall one, scrolling on a
        # short one (the box keeps a line for its title, one for the hint and its border).
        self.query_one("#help-body").styles.max_height = max(event.size.height - 6, 3)

    def relabel(self) -> None:
        self.query_one("#help-title", Label).update(t("app.help.title"))
        self.query_one("#help-keys", Static).update(help_content(help_sections(self.for_screen)))
        self.query_one("#help-hint", Label).update(t("app.help.hint"))

    def action_close(self) -> None:
        self.dismiss(None)
