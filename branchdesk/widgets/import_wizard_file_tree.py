"""The import wizard's file picker: folders and the spreadsheet files a roster can come in.
Backspace goes up a folder; ctrl+d offers the other drives (Windows) and places to start from."""

from __future__ import annotations

import os
import string
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import DirectoryTree

from branchdesk.i18n import t
from branchdesk.widgets.import_wizard_dialogs import PlaceChooserScreen
from branchdesk.widgets.translated_bindings import translate_bindings

ROSTER_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".csv"})


def is_roster_file(path: Path) -> bool:
    return path.suffix.lower() in ROSTER_SUFFIXES


def drives() -> list[Path]:
    """The drive roots of a Windows PC (C:\\, D:\\, a USB stick, a mapped share)."""
    if sys.platform != "win32":
        return []
    listed = getattr(os, "listdrives", None)  # Python 3.12+
    if listed is not None:
        return [Path(d) for d in listed()]
    return [Path(f"{letter}:\\") for letter in string.ascii_uppercase
            if os.path.exists(f"{letter}:\\")]


def places() -> list[Path]:
    """Where a roster file may be: the home folder, its downloads and desktop, every drive
    (Windows) or the file system's root and mounted media (elsewhere)."""
    home = Path.home()
    found = [home, home / "Downloads", home / "Desktop", home / "下载", home / "桌面"]
    if sys.platform == "win32":
        found += drives()
    else:
        found.append(Path("/"))
        for folder in (Path("/media"), Path("/mnt"), Path("/Volumes")):
            try:
                found += sorted(p for p in folder.iterdir() if p.is_dir())
            except OSError:
                continue
    seen: dict[Path, None] = {}
    for path in found:
        try:
            if path.is_dir():
                seen.setdefault(path, None)
        except OSError:
            continue
    return list(seen)


def folder_title(path: Path) -> str:
    """The whole path of the folder shown, for the tree's frame (the tree names only its last
    part)."""
    return str(path)


class RosterFileTree(DirectoryTree):
    """Folders and roster files only; hidden entries and Office lock files (~$名单.xlsx) left out."""

    HELP_SECTION = "import_wizard.help.files"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("backspace", "parent", "import_wizard.key.parent"),
        Binding("ctrl+d", "places", "import_wizard.key.places"),
    ]

    def __init__(self, path: str | Path, *, id: str | None = None) -> None:
        super().__init__(path, id=id)
        translate_bindings(self)

    def on_mount(self) -> None:
        self._show_folder()

    async def watch_path(self) -> None:
        await super().watch_path()  # the tree itself reads the new folder
        self._show_folder()

    def _show_folder(self) -> None:
        self.border_title = t("import_wizard.tree_folder", folder=folder_title(Path(self.path)))

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        for path in paths:
            if path.name.startswith((".", "~$")):
                continue
            try:
                if path.is_dir() or is_roster_file(path):
                    yield path
            except OSError:  # a broken link or a folder we may not read: leave it out
                continue

    def action_parent(self) -> None:
        """Up to the folder that holds this one (nothing above a drive's root)."""
        current = Path(self.path).resolve()
        if current.parent != current:
            self.path = current.parent

    def action_places(self) -> None:
        def chosen(place: Path | None) -> None:
            if place is not None:
                self.path = place
            self.focus()

        self.app.push_screen(PlaceChooserScreen(places()), chosen)
