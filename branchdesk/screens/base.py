"""What every screen reaches through the app (the database, who is operating), and the four
things a screen may offer the app: commands for the palette, labels that follow a language
switch, data that can be read again, and unsaved work to ask about before quitting.

A screen offers one by defining the Protocol's method with its signature; the app and the
palette ask with `isinstance(screen, Relabels)`, in one place each, never by probing for a
method by name. (A Textual Screen cannot also subclass a typing Protocol: their metaclasses
clash. The Protocols are runtime-checkable, so the structural check is the contract, and a
test checks that every screen offers what it should.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, runtime_checkable

if TYPE_CHECKING:
    from branchdesk.store.database import Store


class AppContext:
    """Mixin for a Screen: `self.store` and `self.operator`, from the running BranchDeskApp."""

    @property
    def store(self) -> Store:
        return self.app.store  # type: ignore[attr-defined]

    @property
    def operator(self) -> str:
        return self.app.settings.operator  # type: ignore[attr-defined]


class PaletteCommand(NamedTuple):
    """One line of the command palette. `action` names the key binding the command stands
    for (e.g. "save"), so the palette does not list that key a second time."""

    title: str
    help: str
    callback: Callable[[], Any]
    action: str = ""


@runtime_checkable
class HasCommands(Protocol):
    """A screen that adds commands to the palette (Ctrl+P) while it is shown. Keys the screen
    binds that no command claims are listed by the palette on their own."""

    def palette_commands(self) -> list[PaletteCommand]: ...


@runtime_checkable
class Relabels(Protocol):
    """A screen that updates its labels in place after a language switch (keeping what the
    user typed); any other screen is composed again."""

    def relabel(self) -> None: ...


@runtime_checkable
class Reloads(Protocol):
    """A screen that shows data from the database and can read it again (after an import)."""

    def reload_data(self) -> None: ...


@runtime_checkable
class HoldsUnsavedWork(Protocol):
    """A screen where the user types something that is lost unless saved (a member card, a
    message draft): quitting the app asks first while any such screen has unsaved changes."""

    def has_unsaved_changes(self) -> bool: ...

    def unsaved_work_title(self) -> str:
        """What holds the unsaved changes, in the user's language ("客户卡片 张三")."""
        ...
