"""What the import wizard's workers report, as typed Textual messages.

Each worker thread posts one of these when it ends (unless it was cancelled, as an exclusive
worker is when a newer read replaces it); the screen handles each with its own `on_…` method,
so no handler has to guess what a worker returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from branchdesk.services.import_prepare import LoadedRoster, PreparedRoster
    from branchdesk.services.importing import ImportReport


@dataclass
class Checked:
    """A file read (or re-mapped) and previewed: what the mapping and preview steps show."""

    loaded: LoadedRoster
    prepared: PreparedRoster
    report: ImportReport


class RosterChecked(Message):
    """A file was read and previewed (`first`), or re-checked after a sheet or column change."""

    def __init__(self, checked: Checked, *, first: bool) -> None:
        super().__init__()
        self.checked = checked
        self.first = first


class ImportApplied(Message):
    def __init__(self, report: ImportReport) -> None:
        super().__init__()
        self.report = report


class ImportStopped(Message):
    """The user cancelled the import: nothing was written."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class ImportUndone(Message):
    def __init__(self, counts: dict[str, int]) -> None:
        super().__init__()
        self.counts = counts


class StepFailed(Message):
    """A step's worker failed with a message for the user; `step` is the worker's name."""

    def __init__(self, step: str, text: str) -> None:
        super().__init__()
        self.step = step
        self.text = text
