"""Sheet rows → clean member values, extra columns, warnings or an error per row.

This is on the hot path of an import (100,000 rows × 13 columns), so rows are parsed a block
at a time and a column at a time (`parse_blocks`): a Python loop over the cells of each row
cost more than the conversions it ran. The work per column is chosen once (row_columns.py); text
that repeats down a column (risk level, tags, branch…) is normalised once per distinct value
and then looked up in C; a bad value becomes a marker, not a raised exception, wherever it can
repeat. An import asks for values already in their stored form (`stored_form`): converting
them inside the memo costs nothing for repeating columns. `parse_rows` gives the same rows one
at a time, as ParsedRow.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

from branchdesk.i18n import t
from branchdesk.importers.headers import HeaderMatch, SheetLike
from branchdesk.importers.normalize.cells import REASON, Cell, cell_text
from branchdesk.importers.row_checks import is_footer, is_repeated_header
from branchdesk.importers.row_columns import (
    WORD_FIELDS,
    Bad,
    StoredForm,
    WordMerger,
    convert_column,
    extra_columns,
    plan,
)

NAME_MISSING = REASON + "name_missing"
NO_CONTACT = REASON + "no_contact"
FOOTER_ROW = "import_report.footer_row"
BLOCK_ROWS = 5000  # rows parsed together, a column at a time


@dataclass(slots=True)
class Issue:
    row: int  # spreadsheet row number as the user sees it in Excel (1-based)
    column: str  # the header text as in the file, e.g. 手机号码
    reason: str  # translated text
    value: str = ""  # the offending cell as text, empty when the cell was blank


@dataclass(slots=True)
class ParsedRow:
    row: int
    values: dict[str, object]  # non-empty normalised fields only
    extra: dict[str, str] = field(default_factory=dict)  # unknown columns, keyed by header
    warnings: list[Issue] = field(default_factory=list)
    error: Issue | None = None


@dataclass(slots=True)
class ParsedBlock:
    """Consecutive rows of a sheet parsed column by column; blank and footer rows left out."""

    numbers: list[int]  # the spreadsheet row number of each row
    columns: dict[str, list[object]]  # field → each row's value; None where it has none
    extra: list[dict[str, str]] | None  # each row's unknown columns; None: the sheet has none
    warnings: dict[int, list[Issue]]  # position in the block → that row's warnings
    errors: dict[int, Issue]  # position → why that row cannot be imported
    rows_read: int  # sheet rows the block covered, the left-out ones included
    footers: list[Issue] = field(default_factory=list)  # totals and notes rows left out

    def __len__(self) -> int:
        return len(self.numbers)

    def row(self, i: int) -> ParsedRow:
        values = {f: v[i] for f, v in self.columns.items() if v[i] is not None}
        extra = self.extra[i] if self.extra is not None else {}
        return ParsedRow(self.numbers[i], values, extra, self.warnings.get(i, []),
                         self.errors.get(i))


ColumnCheck = Callable[[list[Sequence[Cell]], int], list[Sequence[Cell]]]


def parse_rows(sheet: SheetLike, header: HeaderMatch, *,
               stored_form: StoredForm | None = None) -> Iterator[ParsedRow]:
    """Every data row under the header, as clean values; blank and footer rows are skipped.

    A row without a name, or without a usable phone or account number, carries `error`.
    A bad optional value is dropped and reported in `warnings`.
    With `stored_form` (field → function, see store.members.STORED_FORM) the values come
    in their stored form, unknown columns included as ``values["extra"]``.
    """
    for block in parse_blocks(sheet, header, stored_form=stored_form):
        for i in range(len(block)):
            yield block.row(i)


def parse_blocks(sheet: SheetLike, header: HeaderMatch, *,
                 stored_form: StoredForm | None = None, check: ColumnCheck | None = None,
                 block_rows: int = BLOCK_ROWS) -> Iterator[ParsedBlock]:
    """The data rows of `parse_rows`, `block_rows` at a time, parsed a column at a time:
    a Python loop per row cost more than the conversions it ran (7.5 µs a row).

    `check(columns, first_row_number)` sees each block's columns first and returns them
    (the reader's limits); it may raise.
    """
    parser = _BlockParser(header, stored_form or {})
    rows = sheet.rows
    for start in range(header.row_index + 1, len(rows), block_rows):
        block = rows[start:start + block_rows]
        number = sheet.first_row + start
        cells = parser.columns_of(block)
        if check is not None:
            cells = check(cells, number)
        yield parser.parse(block, cells, number)


class _BlockParser:
    """How the columns of one header are parsed, block after block (the memos carry over)."""

    def __init__(self, header: HeaderMatch, stored_form: StoredForm) -> None:
        self.header = header
        self.plan = plan(header, date.today(), stored_form)
        self.extras = extra_columns(header)
        self.width = 1 + max([c.index for c in self.plan] + [c for c, _ in self.extras],
                             default=-1)
        self.labels = {c.field: c.header for c in header.columns}
        self.words = WordMerger(stored_form) if any(
            c.field in WORD_FIELDS for c in self.plan) else None
        self.store_extra = stored_form.get("extra")
        self.copy_lists = "communities" not in stored_form  # each row its own list
        self._reasons: dict[str, str] = {}

    def reason(self, key: str) -> str:
        text = self._reasons.get(key)
        if text is None:
            text = self._reasons[key] = t(key)
        return text

    def columns_of(self, block: list[list[Cell]]) -> list[Sequence[Cell]]:
        """The block's cells column by column, short rows padded with blanks."""
        lengths = set(map(len, block))
        if len(lengths) > 1 or min(lengths, default=self.width) < self.width:
            width = max(self.width, *lengths)
            block = [row if len(row) == width else [*row, *[None] * (width - len(row))]
                     for row in block]
        return list(zip(*block, strict=True)) or [()] * self.width

    def parse(self, block: list[list[Cell]], cells: list[Sequence[Cell]],
              number: int) -> ParsedBlock:
        size = len(block)
        columns: dict[str, list[object]] = {}
        warnings: dict[int, list[Issue]] = {}
        for column in self.plan:
            values = convert_column(column, cells[column.index])
            if Bad in set(map(type, values)):
                for i, value in enumerate(values):
                    if value.__class__ is Bad:
                        warnings.setdefault(i, []).append(Issue(
                            number + i, column.header, self.reason(value.reason),
                            cell_text(cells[column.index][i])))
                        values[i] = None
            if self.copy_lists and column.field == "communities":
                values = [v[:] if v.__class__ is list else v for v in values]
            columns[column.field] = values
        if self.words is not None:
            columns["needs"], columns["tags"] = self.words.merge(
                columns.pop("needs", None), columns.pop("tags", None), size)
        extra = self._extra(cells, size) if self.extras else None
        if extra is not None and self.store_extra is not None:
            store = self.store_extra
            columns["extra"] = [store(e) if e else None for e in extra]
        parsed = ParsedBlock(list(range(number, number + size)), columns, extra, warnings, {},
                             size)
        self._settle_incomplete_rows(parsed, block)
        return parsed

    def _extra(self, cells: list[Sequence[Cell]], size: int) -> list[dict[str, str]]:
        texts = [_texts(cells[column]) for column, _ in self.extras]
        labels = [label for _, label in self.extras]
        if len(labels) == 1:
            [label] = labels
            return [{label: text} if text else {} for text in texts[0]]
        return [{label: text for label, text in zip(labels, row, strict=True) if text}
                for row in zip(*texts, strict=True)] if size else []

    def _settle_incomplete_rows(self, parsed: ParsedBlock, block: list[list[Cell]]) -> None:
        """Rows without a name, or without a phone and an account number: an error, unless
        they are blank, a footer or the header again (those are left out)."""
        columns = parsed.columns
        nothing = [None] * len(parsed)
        names = columns.get("name", nothing)
        phones = columns.get("phone", nothing)
        accounts = columns.get("account_no", nothing)
        incomplete = [i for i, (name, phone, account) in enumerate(zip(
            names, phones, accounts, strict=True))
            if name is None or (phone is None and account is None)]
        left_out = []
        for i in incomplete:
            values = {f: v[i] for f, v in columns.items() if v[i] is not None}
            row_warnings = parsed.warnings.get(i, [])
            if not values and not row_warnings and not (parsed.extra and parsed.extra[i]):
                left_out.append(i)  # a blank row (or placeholders only)
                continue
            error = _row_error(values, row_warnings, self.labels, parsed.numbers[i],
                               self.reason)
            row = block[i]
            if len(row) < self.width:
                row = [*row, *[None] * (self.width - len(row))]
            if is_footer(row):
                left_out.append(i)
                parsed.footers.append(self._footer_issue(row, parsed.numbers[i]))
                continue
            if is_repeated_header(row, self.header):
                left_out.append(i)
                continue
            if error is not None:
                parsed.errors[i] = error
        if left_out:
            _leave_out(parsed, left_out)


    def _footer_issue(self, row: list[Cell], number: int) -> Issue:
        """A totals or notes row, said so in the report: its first words and their column."""
        labels = {c.column: c.header for c in self.header.columns}
        for index, cell in enumerate(row):
            if isinstance(cell, str) and cell.strip():
                text = " ".join(cell_text(c) for c in row[index:] if c or c == 0)
                return Issue(number, labels.get(index, ""), self.reason(FOOTER_ROW), text[:60])
        return Issue(number, "", self.reason(FOOTER_ROW), "")


def _texts(cells: Sequence[Cell]) -> list[str]:
    """Each cell as the user reads it ("" when blank), text cells stripped in C."""
    if set(map(type, cells)) == {str}:
        return list(map(str.strip, cells))
    return [cell_text(c) if c or c == 0 else "" for c in cells]


def _leave_out(parsed: ParsedBlock, positions: list[int]) -> None:
    """Remove these rows from the block, keeping the others' order and findings."""
    dropped = set(positions)
    kept = [i for i in range(len(parsed)) if i not in dropped]
    new_position = {old: new for new, old in enumerate(kept)}
    parsed.numbers = [parsed.numbers[i] for i in kept]
    parsed.columns = {f: [v[i] for i in kept] for f, v in parsed.columns.items()}
    if parsed.extra is not None:
        parsed.extra = [parsed.extra[i] for i in kept]
    parsed.warnings = {new_position[i]: w for i, w in parsed.warnings.items() if i in new_position}
    parsed.errors = {new_position[i]: e for i, e in parsed.errors.items() if i in new_position}


def _row_error(
    values: dict[str, object],
    warnings: list[Issue],
    labels: dict[str, str],
    number: int,
    reason: Callable[[str], str],
) -> Issue | None:
    """The reason a row cannot be imported; the warning that caused it is moved into it."""
    if "name" not in values:
        return _take_warning(warnings, labels.get("name")) or Issue(
            number, labels.get("name", ""), reason(NAME_MISSING))
    if "phone" in values or "account_no" in values:
        return None
    for field_name in ("phone", "account_no"):
        taken = _take_warning(warnings, labels.get(field_name))
        if taken is not None:
            return taken
    column = labels.get("phone") or labels.get("account_no", "")
    return Issue(number, column, reason(NO_CONTACT))


def _take_warning(warnings: list[Issue], label: str | None) -> Issue | None:
    if label is None:
        return None
    for position, issue in enumerate(warnings):
        if issue.column == label:
            return warnings.pop(position)
    return None
