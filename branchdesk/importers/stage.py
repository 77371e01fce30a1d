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

from branchdesk.importers.headers import HeaderMatch, SheetLike
from branchdesk.importers.rows import ColumnCheck, Issue, ParsedBlock, parse_blocks
from branchdesk.store.members import DATA_COLUMNS, STORED_FORM, name_keys, search_texts
from branchdesk.store.staging import IN_MEMORY_COLUMNS, StagingFile, member_keys


@dataclass
class PartResult:
    rows: list[int] = field(default_factory=list)  # rows written to the staging file, in order
    keys: list[str] = field(default_factory=list)  # each one's member key (staging.member_key)
    # each one's phone and account number: kept here, never in the staging file (staging.py)
    phones: list[str | None] = field(default_factory=list)
    accounts: list[str | None] = field(default_factory=list)
    invalid: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    footers: list[Issue] = field(default_factory=list)  # totals and notes rows left out

    def to_plain(self) -> tuple[list, list, list, list, list[tuple], list[tuple], list[tuple]]:
        """Plain values, for the reader's restricted unpickler."""
        return (self.rows, self.keys, self.phones, self.accounts,
                [_plain(i) for i in self.invalid], [_plain(i) for i in self.warnings],
                [_plain(i) for i in self.footers])

    @classmethod
    def from_plain(cls, plain: tuple[list, list, list, list, list[tuple], list[tuple],
                                     list[tuple]]) -> PartResult:
        rows, keys, phones, accounts, invalid, warnings, footers = plain
        return cls(rows, keys, phones, accounts, [Issue(*i) for i in invalid],
                   [Issue(*w) for w in warnings], [Issue(*f) for f in footers])

    def identities(self) -> Iterator[tuple[int, str | None, str | None]]:
        """(row, phone, account number) of each staged row (staging.attached)."""
        return zip(self.rows, self.phones, self.accounts, strict=True)


def _plain(issue: Issue) -> tuple[int, str, str, str]:
    return (issue.row, issue.column, issue.reason, issue.value)


def stage_part(sheet: SheetLike, header: HeaderMatch, path: Path,
               progress: Callable[[int], None] | None = None,
               check: ColumnCheck | None = None, derive: bool = True) -> PartResult:
    """Parse every data row under `header` and write the valid ones to a new staging file.

    `progress(rows_done)` is called after each block of rows; it may raise to stop.
    `check` sees each block's cells first (see rows.parse_blocks). `derive`: also write each
    row's pinyin key and search text (worth it when most rows will be new members; a
    re-import leaves them to the few rows that need them).
    """
    result = PartResult()
    staging = StagingFile(path)
    done = 0
    try:
        for block in parse_blocks(sheet, header, stored_form=STORED_FORM, check=check):
            staging.write(*_staged(block, result, derive))
            done += block.rows_read
            if progress is not None:
                progress(done)
    finally:
        staging.close()
    return result


def _staged(block: ParsedBlock, result: PartResult,
            derive: bool = True) -> tuple[list[str], Iterator[tuple]]:
    """Adds the block's findings and rows to `result`; its valid rows, column by column, as
    the staging file's columns and rows."""
    for i in sorted(block.warnings.keys() | block.errors.keys()):  # in row order
        result.warnings.extend(block.warnings.get(i, ()))
        if i in block.errors:
            result.invalid.append(block.errors[i])
    result.footers.extend(block.footers)
    numbers, columns = block.numbers, block.columns
    if block.errors:
        valid = [i for i in range(len(block)) if i not in block.errors]
        numbers = [numbers[i] for i in valid]
        columns = {f: [values[i] for i in valid] for f, values in columns.items()}
    nothing = [None] * len(numbers)
    names, phones, accounts = (columns.get(f, nothing) for f in ("name", "phone", "account_no"))
    result.rows += numbers
    result.keys += member_keys(names, phones, accounts)
    result.phones += phones
    result.accounts += accounts
    fields = [f for f in DATA_COLUMNS if f in columns and f not in IN_MEMORY_COLUMNS]
    if not derive:
        return ["row", *fields], zip(numbers, *(columns[f] for f in fields), strict=True)
    search = search_texts(names, phones, accounts, columns.get("needs", nothing),
                          columns.get("tags", nothing))
    return (["row", *fields, "name_key", "search_text"],
            zip(numbers, *(columns[f] for f in fields), name_keys(names), search, strict=True))
