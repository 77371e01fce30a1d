"""The import wizard's file picker: folders and the spreadsheet files a roster can come in."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual.widgets import DirectoryTree

ROSTER_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".csv"})


def is_roster_file(path: Path) -> bool:
    return path.suffix.lower() in ROSTER_SUFFIXES


class RosterFileTree(DirectoryTree):
    """Folders and roster files only; hidden entries and Office lock files (~$名单.xlsx) left out."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        for path in paths:
            if path.name.startswith((".", "~$")):
                continue
            try:
                if path.is_dir() or is_roster_file(path):
                    yield path
            except OSError:  # a broken link or a folder we may not read: leave it out
                continue
