"""Footer text in the user's language.

`BINDINGS` are read once, when a class is defined, possibly before the language is chosen;
so bindings name a catalog key as their description and each screen translates its own
copy when it is created.
"""

from __future__ import annotations

from dataclasses import replace

from textual.binding import BindingsMap
from textual.dom import DOMNode

from branchdesk.i18n import t


def translate_bindings(node: DOMNode) -> None:
    """Replace `node`'s binding descriptions that are catalog keys (``area.key``) by their text."""
    keys = {
        key: [
            replace(b, description=t(b.description)) if _is_key(b.description) else b
            for b in bindings
        ]
        for key, bindings in node._bindings.key_to_bindings.items()
    }
    node._bindings = BindingsMap.from_keys(keys)


def _is_key(text: str) -> bool:
    return "." in text and " " not in text
