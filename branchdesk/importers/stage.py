"""Parse rows and stage them: the work of one part of an import, in whichever process runs it.

Each part goes to a staging file of its own (store/staging.py); what the planner needs in
Python (invalid rows, warnings) comes back as a PartResult. The same function runs in the app
for the import wizard and in the reader's processes for `branchdesk import roster`, so both
parse every row identically.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from branchdesk.importers.headers import HeaderMatch, SheetLike
from branchdesk.importers.rows import Issue, parse_rows
from branchdesk.store.members import DATA_COLUMNS, STORED_FORM, search_text
from branchdesk.store.staging import StagingFile, member_key

PROGRESS_EVERY = 5000  # rows between progress reports and cancel checks


@dataclass
class PartResult:
    rows: list[int] = field(default_factory=list)  # rows written to the staging file, in order
    keys: list[str] = field(default_factory=list)  # each one's member key (staging.member_key)
    phones: list[str | None] = field(default_factory=list)
    invalid: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

    def to_plain(self) -> tuple[list, list, list, list[tuple], list[tuple]]:
        """Plain values, for the reader's restricted unpickler."""
        return (self.rows, self.keys, self.phones, [_plain(i) for i in self.invalid],
                [_plain(i) for i in self.warnings])

    @classmethod
    def from_plain(cls, plain: tuple[list, list, list, list[tuple], list[tuple]]) -> PartResult:
        rows, keys, phones, invalid, warnings = plain
        return cls(rows, keys, phones, [Issue(*i) for i in invalid],
                   [Issue(*w) for w in warnings])


def _plain(issue: Issue) -> tuple[int, str, str, str]:
    return (issue.row, issue.column, issue.reason, issue.value)


def stage_part(sheet: SheetLike, header: HeaderMatch, path: Path,
               progress: Callable[[int], None] | None = None) -> PartResult:
    """Parse every data row under `header` and write the valid ones to a new staging file.

    `progress(rows_done)` is called every PROGRESS_EVERY rows; it may raise to stop.
    """
    result = PartResult()
    staging = StagingFile(path)
    try:
        staging.write(_staged_rows(sheet, header, result, progress))
    finally:
        staging.close()
    return result


def _staged_rows(sheet: SheetLike, header: HeaderMatch, result: PartResult,
                 progress: Callable[[int], None] | None) -> Iterator[tuple[Any, ...]]:
    invalid, warnings = result.invalid, result.warnings
    rows, keys, phones = result.rows, result.keys, result.phones
    get_all = DATA_COLUMNS
    for count, parsed in enumerate(parse_rows(sheet, header, stored_form=STORED_FORM), 1):
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count)
        warnings.extend(parsed.warnings)
        if parsed.error is not None:
            invalid.append(parsed.error)
            continue
        values = parsed.values
        rows.append(parsed.row)
        keys.append(member_key(values))
        phones.append(values.get("phone"))
        yield (parsed.row, *map(values.get, get_all), search_text(values))
