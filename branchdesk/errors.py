"""Errors a user can cause. Each carries a translated message that names what went wrong
and what to do; the CLI prints it and exits with code 2, the app shows it as a notification."""

from __future__ import annotations

from branchdesk.i18n import t

QUOTED_MAX = 20  # characters of a user's long value an error repeats before "…"


def quoted(value: str) -> str:
    """A value the user typed, as an error repeats it: cut after QUOTED_MAX characters, so
    a pasted page does not fill the terminal."""
    return value if len(value) <= QUOTED_MAX else value[:QUOTED_MAX] + "…"


class UserError(Exception):
    """A problem with the user's input or environment, never a bug.

    `key` is a catalog key; `params` fill its fields. The message is rendered when shown,
    so it follows the language chosen at that moment.
    """

    def __init__(self, key: str, /, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    @property
    def message(self) -> str:
        return t(self.key, **self.params)

    def __str__(self) -> str:
        return self.message
