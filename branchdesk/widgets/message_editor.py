"""The text area a message is written in; a fix applied to it is one undo step."""

from __future__ import annotations

from textual.widgets import TextArea


def common_ends(old: str, new: str) -> tuple[int, int]:
    """Lengths of the shared prefix and suffix: only the middle is replaced, so undo
    (ctrl+z) takes a fix back in one step."""
    prefix = 0
    limit = min(len(old), len(new))
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    return prefix, suffix


class MessageEditor(TextArea):
    HELP_SECTION = "compose.help.editor"

    def change_text_to(self, new: str) -> None:
        """Make the text `new`, replacing only what differs (see `common_ends`)."""
        old = self.text
        prefix, suffix = common_ends(old, new)
        start = self.document.get_location_from_index(prefix)
        end = self.document.get_location_from_index(len(old) - suffix)
        self.replace(new[prefix:len(new) - suffix], start, end)
