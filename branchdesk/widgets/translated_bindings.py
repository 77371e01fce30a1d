"""Footer text in the user's language.

`BINDINGS` are read once, when a class is defined, possibly before the language is chosen;
so bindings name a catalog key as their description and each screen translates its own
copy when it is created.
"""

from __future__ import annotations

from dataclasses import replace

from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode
from textual.widgets._select import SelectOverlay

from branchdesk.i18n import t


def translate_bindings(node: DOMNode) -> None:
    """Replace `node`'s binding descriptions that are catalog keys (``area.key``) by their text."""
    keys = {
        key: [
            _translated(b) for b in bindings
        ]
        for key, bindings in node._bindings.key_to_bindings.items()
    }
    node._bindings = BindingsMap.from_keys(keys)


def _translated(binding: Binding) -> Binding:
    """The binding with its description, and its footer group's, in the user's language."""
    if _is_key(binding.description):
        binding = replace(binding, description=t(binding.description))
    group = binding.group
    if group is not None and _is_key(group.description):
        binding = replace(binding, group=replace(group, description=t(group.description)))
    return binding


def _is_key(text: str) -> bool:
    return "." in text and " " not in text


# Textual's own keys that show in our footers: (widget class, action) → catalog key.
TEXTUAL_KEYS: dict[tuple[type[DOMNode], str], str] = {
    (SelectOverlay, "dismiss"): "app.key.dismiss_menu",
}


def translate_textual_bindings() -> None:
    """Give Textual's own footer keys (Esc closing a drop-down list) text in the current
    language. Their classes' bindings are set once, in English, and every new widget copies
    them: so the class's copy is replaced (at start and after a language switch)."""
    for (cls, action), key in TEXTUAL_KEYS.items():
        merged = cls._merged_bindings
        if merged is None:
            continue
        cls._merged_bindings = BindingsMap.from_keys({
            name: [replace(b, description=t(key)) if b.action == action else b for b in bindings]
            for name, bindings in merged.key_to_bindings.items()
        })
