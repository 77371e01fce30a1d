"""One sheet row → one ParsedRow: clean member values, extra columns, warnings or an error.

This is on the hot path of an import (100,000 rows × 13 columns), so the work per column is
chosen once (`_plan`), values that repeat down a column (risk level, tags, branch…) are
normalised once and cached, and a bad value becomes a marker rather than a raised exception
wherever the value can repeat. An import asks for values already in their stored form
(`stored_form`): converting them inside the memo costs nothing for repeating columns, where
converting 100,000 finished rows afterwards cost 0.5 s.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any

from branchdesk.i18n import t
from branchdesk.importers.headers import HeaderMatch, SheetLike, display_header
from branchdesk.importers.normalize import (
    Cell,
    cell_text,
    fold,
    normalize_account,
    normalize_amount,
    normalize_date,
    normalize_experience,
    normalize_notes,
    normalize_phone,
    normalize_risk,
    normalize_text,
    split_needs_and_tags,
    split_words,
)

_REASON = "roster_fields.reason."
NAME_MISSING = _REASON + "name_missing"
NAME_TOO_LONG = _REASON + "name_too_long"
NO_CONTACT = _REASON + "no_contact"
BIRTHDAY_FUTURE = _REASON + "birthday_future"
NAME_MAX_LENGTH = 100  # as models.Member.name

# A row whose first cells start with one of these closes the table: totals, signatures, notes.
FOOTER_WORDS = (
    "合计", "总计", "小计", "共计", "累计", "制表", "填表", "填报", "审核", "复核", "审批", "说明",
    "注:", "备注:", "以上", "打印", "导出时间", "数据截至", "数据来源", "统计时间", "total",
    "subtotal", "grand total", "prepared by", "note:",
)
_CACHE_LIMIT = 50_000  # distinct values kept per column; past it, values are normalised afresh


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


class _Bad:
    """A value that failed to normalise; memoised and returned, so repeats raise nothing."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason


Convert = Callable[[Cell], object]
StoredForm = Mapping[str, Callable[[Any], Any]]  # field → its stored value, as store.members


@dataclass(slots=True)
class _Column:
    """How one mapped column is read, decided once per import."""

    index: int
    field: str
    convert: Convert
    header: str
    # memo of text cell → value (or _Bad) for columns whose values repeat; None: no memo
    cache: dict[str, object] | None


def _name(cell: Cell) -> str | None:
    name = normalize_text(cell)
    if name is not None and len(name) > NAME_MAX_LENGTH:
        raise ValueError(NAME_TOO_LONG)
    return name


def _birthday(today: date) -> Convert:
    def run(cell: Cell) -> object:
        born = normalize_date(cell)
        if born is not None and born > today:
            raise ValueError(BIRTHDAY_FUTURE)
        return born

    return run


# Columns whose values repeat down the sheet (few distinct values): worth a memo.
_REPEATING = frozenset({
    "branch", "advisor", "risk_level", "experience", "needs", "tags", "communities",
    "opened_on", "birthday", "last_active_on",
})


def _converter(field_name: str, multiplier: float, today: date) -> Convert:
    converters: dict[str, Convert] = {
        "name": _name,
        "phone": normalize_phone,
        "account_no": normalize_account,
        "branch": normalize_text,
        "advisor": normalize_text,
        "risk_level": normalize_risk,
        "experience": normalize_experience,
        "needs": split_needs_and_tags,
        "tags": split_needs_and_tags,
        "communities": split_words,
        "opened_on": normalize_date,
        "birthday": _birthday(today),
        "last_active_on": normalize_date,
        "total_assets": partial(normalize_amount, multiplier=multiplier),
        "notes": normalize_notes,
    }
    return converters.get(field_name, normalize_text)


def _then(convert: Convert, finish: Callable[[Any], Any]) -> Convert:
    """`convert`, then `finish` on a value it found (a blank stays None, a bad value raises)."""
    def run(cell: Cell) -> object:
        value = convert(cell)
        return None if value is None else finish(value)

    return run


def _plan(header: HeaderMatch, today: date, stored_form: StoredForm) -> list[_Column]:
    columns = []
    for c in header.columns:
        convert = _converter(c.field, c.multiplier, today)
        # needs and tags are sorted between their columns first: stored after the merge
        if c.field in stored_form and c.field not in _WORD_FIELDS:
            convert = _then(convert, stored_form[c.field])
        columns.append(_Column(c.column, c.field, convert, c.header,
                               {} if c.field in _REPEATING else None))
    return columns


def _extra_columns(header: HeaderMatch) -> list[tuple[int, str]]:
    """Unknown columns with unique labels: a second 备用 becomes 备用 (2)."""
    out: list[tuple[int, str]] = []
    used: set[str] = {c.header for c in header.columns}
    for column, label in header.unknown.items():
        unique, n = label, 1
        while unique in used:
            n += 1
            unique = f"{label} ({n})"
        used.add(unique)
        out.append((column, unique))
    return out


def _convert(convert: Convert, cell: Cell) -> object:
    try:
        return convert(cell)
    except ValueError as error:
        return _Bad(str(error.args[0]))


def parse_rows(sheet: SheetLike, header: HeaderMatch, *,
               stored_form: StoredForm | None = None) -> Iterator[ParsedRow]:
    """Every data row under the header, as clean values; blank and footer rows are skipped.

    A row without a name, or without a usable phone or account number, carries `error`.
    A bad optional value is dropped and reported in `warnings`.
    With `stored_form` (field → function, see store.members.STORED_FORM) the values come
    in their stored form, unknown columns included as ``values["extra"]``.
    """
    stored_form = stored_form or {}
    plan = [(c.index, c.field, c.convert, c.header, c.cache)
            for c in _plan(header, date.today(), stored_form)]
    extras = _extra_columns(header)
    width = 1 + max([c[0] for c in plan] + [c for c, _ in extras], default=-1)
    split_fields = any(c[1] in _WORD_FIELDS for c in plan)
    store_words = _word_store(stored_form)
    store_extra = stored_form.get("extra")
    labels = {c.field: c.header for c in header.columns}
    reasons: dict[str, str] = {}
    rows = sheet.rows
    first_row = sheet.first_row
    missing = _MISSING

    def reason(key: str) -> str:
        text = reasons.get(key)
        if text is None:
            text = reasons[key] = t(key)
        return text

    for index in range(header.row_index + 1, len(rows)):
        row = rows[index]
        if len(row) < width:
            row = [*row, *([None] * (width - len(row)))]
        values: dict[str, object] = {}
        warnings: list[Issue] = []
        for column, name, convert, label, cache in plan:
            cell = row[column]
            # `not cell` first: one cheap truth test settles most filled cells
            if not cell and (cell is None or cell == ""):
                continue
            if cache is not None and cell.__class__ is str:
                value = cache.get(cell, missing)
                if value is missing:
                    value = cache[cell] = _convert(convert, cell)
                    if len(cache) > _CACHE_LIMIT:
                        cache.clear()  # not a repeating column after all: keep memory flat
                if value.__class__ is list:
                    value = value[:]  # each row gets its own list (communities)
            else:
                try:
                    value = convert(cell)
                except ValueError as error:
                    value = _Bad(str(error.args[0]))
            if value is None:
                continue
            if value.__class__ is _Bad:
                warnings.append(Issue(first_row + index, label, reason(value.reason),
                                      cell_text(cell)))
                continue
            values[name] = value
        extra: dict[str, str] = {}
        for column, label in extras:
            cell = row[column]
            if (cell or cell == 0) and (text := cell_text(cell)):
                extra[label] = text
        if not values and not extra and not warnings:
            continue  # a blank row (or placeholders only)
        if split_fields:
            _merge_needs_and_tags(values)
            if store_words is not None:
                store_words(values)
        if extra and store_extra is not None:
            values["extra"] = store_extra(extra)
        if "name" in values and ("phone" in values or "account_no" in values):
            error = None
        else:
            error = _row_error(values, warnings, labels, first_row + index, reason)
            if _is_footer(row) or _is_repeated_header(row, header):
                continue
        yield ParsedRow(first_row + index, values, extra, warnings, error)


_MISSING = object()
_NO_WORDS: tuple[list, list] = ([], [])
_WORD_FIELDS = ("needs", "tags")


def _word_store(stored_form: StoredForm) -> Callable[[dict[str, object]], None] | None:
    """Replaces merged needs and tags by their stored form, memoised: the same few word
    lists come back row after row."""
    finish = {f: stored_form[f] for f in _WORD_FIELDS if f in stored_form}
    if not finish:
        return None
    memo: dict[tuple[str, tuple], object] = {}

    def store(values: dict[str, object]) -> None:
        for name, convert in finish.items():
            words = values.get(name)
            if words is None:
                continue
            key = (name, tuple(words))  # type: ignore[arg-type]
            stored = memo.get(key, _MISSING)
            if stored is _MISSING:
                stored = memo[key] = convert(words)
                if len(memo) > _CACHE_LIMIT:
                    memo.clear()
            values[name] = stored

    return store


def _merge_needs_and_tags(values: dict[str, object]) -> None:
    """Both columns hold need words and free tags: needs go to needs, the rest to tags.

    The pairs come from a memo and are shared between rows: build new lists, never extend.
    """
    needs_a, tags_a = values.pop("needs", _NO_WORDS)  # type: ignore[misc]
    needs_b, tags_b = values.pop("tags", _NO_WORDS)  # type: ignore[misc]
    needs = [*needs_a, *needs_b]
    tags = [*tags_a, *tags_b]
    if needs:
        values["needs"] = list(dict.fromkeys(needs)) if needs_a and needs_b else needs
    if tags:
        values["tags"] = list(dict.fromkeys(tags)) if tags_a and tags_b else tags


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


def _is_footer(row: list[Cell]) -> bool:
    """合计 / 制表人 / 说明… in one of the first two filled cells of the row."""
    seen = 0
    for cell in row:
        if cell is None or cell == "":
            continue
        if isinstance(cell, str) and fold(cell).lower().startswith(FOOTER_WORDS):
            return True
        seen += 1
        if seen == 2:
            return False
    return False


def _is_repeated_header(row: list[Cell], header: HeaderMatch) -> bool:
    """Some exports repeat the header row on every printed page."""
    same = sum(
        1 for c in header.columns
        if isinstance(row[c.column], str) and display_header(row[c.column]) == c.header
    )
    return same >= 2
