"""What the import wizard needs between the steps of the roster import (`services.import_prepare`,
`services.importing`): the columns of the header row with their mapping, a changed mapping,
another sheet of the same file, and the last import that can still be undone. No Textual here: the wizard
calls these, so could a script.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from branchdesk.importers.headers import (
    FIELDS,
    ColumnMap,
    HeaderMatch,
    choose_sheet,
    display_header,
    match_header,
)
from branchdesk.services.import_prepare import LoadedRoster
from branchdesk.services.import_undo import list_batches
from branchdesk.store.database import Store

MAPPABLE_FIELDS = FIELDS
SAMPLE_ROWS = 5


@dataclass(frozen=True)
class ColumnInfo:
    """One column of the header row, as the mapping table shows it."""

    index: int          # into a row of the sheet
    letter: str         # as Excel names it: A, B, … AA
    header: str         # the header text in the file
    field: str | None   # the member field it fills; None: kept as an extra column
    sample: str         # the first value under the header, to recognise the column
    ignored: bool = False  # a row counter (序号): neither mapped nor kept


def column_letter(number: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def header_cells(loaded: LoadedRoster) -> list[Any]:
    return list(loaded.sheet.rows[loaded.header.row_index]) if loaded.sheet.rows else []


def columns(loaded: LoadedRoster) -> list[ColumnInfo]:
    """Every column that has a header (or a mapping), left to right."""
    header = loaded.header
    cells = header_cells(loaded)
    mapped = {c.column: c.field for c in header.columns}
    below = loaded.sheet.rows[header.row_index + 1: header.row_index + 1 + SAMPLE_ROWS]
    found = []
    for index in sorted(set(range(len(cells))) | set(mapped)):
        text = display_header(cells[index]) if index < len(cells) else ""
        if not text and index not in mapped:
            continue
        sample = next((_text(row[index]) for row in below
                       if index < len(row) and _text(row[index])), "")
        found.append(ColumnInfo(
            index=index, letter=column_letter(loaded.sheet.first_col + index + 1),  # first_col is 0-based
            header=text, field=mapped.get(index), sample=sample,
            ignored=index in header.ignored,
        ))
    return found


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))  # calamine gives numbers as floats: a phone is not 1.38e10
    return str(cell).strip()


def remap(loaded: LoadedRoster, column: int, field: str | None) -> LoadedRoster:
    """The same file with `column` now filling `field` (None: not imported, kept as extra).

    A field fills one column: the column that held it before becomes an extra column.
    """
    if field is not None and field not in MAPPABLE_FIELDS:
        raise ValueError(f"not a member field: {field}")
    header = loaded.header
    cells = header_cells(loaded)
    text = display_header(cells[column]) if column < len(cells) else ""
    kept = [c for c in header.columns if c.column != column and c.field != field]
    unknown = dict(header.unknown)
    ignored = dict(header.ignored)
    for dropped in header.columns:
        if dropped.field == field and dropped.column != column:
            unknown[dropped.column] = dropped.header  # its data stays, as an extra column
    unknown.pop(column, None)
    ignored.pop(column, None)
    if field is None:
        if text:
            unknown[column] = text
    else:
        kept.append(ColumnMap(field, column, text, _multiplier(field, text)))
    new_header = HeaderMatch(
        row_index=header.row_index,
        columns=sorted(kept, key=lambda c: c.column),
        unknown=dict(sorted(unknown.items())),
        score=header.score,
        ignored=ignored,
    )
    return replace(loaded, header=new_header)


def _multiplier(field: str, header: str) -> float:
    """An amount's unit comes from its header: 总资产（万元） → 10,000."""
    if field != "total_assets":
        return 1.0
    candidate = match_header(header)
    return candidate.multiplier if candidate is not None else 1.0


def switch_sheet(loaded: LoadedRoster, sheet: str) -> LoadedRoster:
    """Another sheet of the file already read, with its own header found (no second read)."""
    chosen, header = choose_sheet(loaded.sheets, sheet, file=str(loaded.path))
    return replace(loaded, sheet=chosen, header=header)


def missing_required(loaded: LoadedRoster) -> list[str]:
    """Fields the import cannot do without: name, and phone or account number."""
    return loaded.header.missing_required()


def last_undoable_batch(store: Store) -> dict[str, Any] | None:
    """The newest import not yet undone, for the wizard's "undo the last import"."""
    return next((b for b in list_batches(store, limit=20) if not b["undone_at"]), None)
