"""Roster import, first steps: the file read, its roster sheet found, every row parsed and
staged in scratch files (store/staging.py) until a plan is made from them (import_plan.py).

The steps are separate so the import wizard can show each one (`load`, then `prepare`);
`read_and_prepare` does both for the CLI, with the rows parsed in the reader's processes.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from branchdesk.errors import UserError
from branchdesk.gc_pause import gc_paused
from branchdesk.importers import safety
from branchdesk.importers.headers import HeaderMatch, choose_sheet
from branchdesk.importers.reader import SheetData, read_and_stage, read_workbook
from branchdesk.importers.stage import PartResult, stage_part
from branchdesk.store import staging
from branchdesk.store.scratch import ScratchFolder

Progress = Callable[[int, int], None]  # (done, total)
IsCancelled = Callable[[], bool]


class ImportCancelled(UserError):
    def __init__(self) -> None:
        super().__init__("importing.cancelled")


@dataclass
class LoadedRoster:
    """A file read and its roster sheet found: what the wizard shows before parsing."""

    path: Path
    sheets: list[SheetData]
    sheet: SheetData
    header: HeaderMatch


class PreparedRoster:
    """Every row parsed and staged (store/staging.py): what applying works from.

    Holds scratch files: `close()` removes them (also done when it is garbage collected).
    """

    def __init__(self, loaded: LoadedRoster, header: HeaderMatch, paths: list[Path],
                 parts: list[PartResult], folder: ScratchFolder) -> None:
        self.loaded, self.header, self.paths = loaded, header, paths
        self.rows = [r for p in parts for r in p.rows]  # staged, in file order
        # their phones and account numbers: only here, never in the staging files
        self._phones = staging.PackedTexts([f for p in parts for f in p.phones])
        self._accounts = staging.PackedTexts([a for p in parts for a in p.accounts])
        # rows whose member key or phone another row also has: judged in Python, in order
        keys = staging.repeated([k for p in parts for k in p.keys])
        phones = staging.repeated([f for p in parts for f in p.phones])
        self.repeated = {row for p in parts
                         for row, key, phone in zip(p.rows, p.keys, p.phones, strict=True)
                         if key in keys or phone in phones} if keys or phones else set()
        self.invalid = [i for p in parts for i in p.invalid]
        self.warnings = [w for p in parts for w in p.warnings]
        self.footers = [f for p in parts for f in p.footers]  # totals/notes rows left out
        self._cleanup = weakref.finalize(self, folder.remove)

    def identities(self) -> Iterator[tuple[int, str | None, str | None]]:
        """(row, phone, account number) of every staged row (staging.attached)."""
        return zip(self.rows, self._phones.unpack(), self._accounts.unpack(), strict=True)

    def close(self) -> None:
        self._cleanup()


@contextmanager
def _staging_folder() -> Iterator[ScratchFolder]:
    """A new private folder for the staging files (store/scratch.py), removed again if
    preparing fails."""
    folder = ScratchFolder()
    try:
        yield folder
    except BaseException:
        folder.remove()
        raise


def load(path: str | Path, sheet: str | None = None) -> LoadedRoster:
    """Read the file safely and find the sheet and header row that hold the roster."""
    path = Path(path)
    sheets = read_workbook(path, sheet=sheet)
    chosen, header = choose_sheet(sheets, sheet, file=str(path))
    safety.check_data_rows(path, chosen.name, len(chosen.rows) - header.row_index - 1,
                           safety.LIMITS)
    return LoadedRoster(path, sheets, chosen, header)


def prepare(loaded: LoadedRoster, header: HeaderMatch | None = None,
            progress: Progress | None = None, cancelled: IsCancelled | None = None) -> PreparedRoster:
    """Parse every row and stage it, here in this process (the import wizard's step)."""
    if not loaded.sheet.complete:
        raise ValueError("prepare() needs every row of the sheet, not a preview")
    header = header or loaded.header
    total = len(loaded.sheet.rows)

    def report(done: int) -> None:
        if cancelled and cancelled():
            raise ImportCancelled()
        if progress:
            progress(min(done, total), total)

    with _staging_folder() as folder, gc_paused():
        part = stage_part(loaded.sheet, header, folder / "part0.db", progress=report)
    return PreparedRoster(loaded, header, [folder / "part0.db"], [part], folder)


def read_and_prepare(path: str | Path, sheet: str | None = None, *, derive: bool = True,
                     started: Callable[[], None] | None = None) -> PreparedRoster:
    """`load` and `prepare` in one go, the reader's processes parsing the rows where they were
    read (two cores on a big sheet); CSV and text files are read and parsed here. `derive`:
    the parsing processes also compute each row's pinyin key and search text (for a first
    import, where every row becomes a member; otherwise the new rows get them as they are
    copied). `started()`: called once the reader's process runs (reader.read_and_stage)."""
    path = Path(path)
    with _staging_folder() as folder:
        read = read_and_stage(path, sheet=sheet, stage_dir=folder.path, derive=derive,
                              started=started,
                              choose=lambda sheets: choose_sheet(sheets, sheet, file=str(path)))
    if read is None:
        folder.remove()
        return prepare(load(path, sheet))
    loaded = LoadedRoster(path, read.sheets, read.sheet, read.header)
    return PreparedRoster(loaded, read.header, read.paths, read.parts, folder)

