"""How each mapped column of a roster sheet is read: the plan per column, chosen once per
import, and the conversion of a block's column with a memo for values that repeat.

Text that repeats down a column (risk level, tags, branch…) is normalised once per distinct
value and then looked up in C; a bad value becomes a `Bad` marker, not a raised exception,
wherever it can repeat. Needs and tags are sorted between their two columns by `WordMerger`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from itertools import repeat
from typing import Any

from branchdesk.importers.headers import HeaderMatch
from branchdesk.importers.normalize.accounts import normalize_account
from branchdesk.importers.normalize.amounts import normalize_amount
from branchdesk.importers.normalize.cells import REASON, Cell
from branchdesk.importers.normalize.dates import normalize_date
from branchdesk.importers.normalize.levels import normalize_experience, normalize_risk
from branchdesk.importers.normalize.phones import normalize_phone
from branchdesk.importers.normalize.text import normalize_notes, normalize_text
from branchdesk.importers.normalize.words import split_needs_and_tags, split_words

NAME_TOO_LONG = REASON + "name_too_long"
BIRTHDAY_FUTURE = REASON + "birthday_future"
NAME_MAX_LENGTH = 100  # as models.Member.name
_CACHE_LIMIT = 50_000  # distinct values kept per column; past it, values are normalised afresh


class Bad:
    """A value that failed to normalise; memoised and returned, so repeats raise nothing."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason


Convert = Callable[[Cell], object]
StoredForm = Mapping[str, Callable[[Any], Any]]  # field → its stored value, as store.members


@dataclass(slots=True)
class Column:
    """How one mapped column is read, decided once per import."""

    index: int
    field: str
    convert: Convert
    header: str
    # memo of text cell → value (or Bad) for columns whose values repeat; None: no memo
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


def _words(cell: Cell) -> tuple[tuple, tuple] | None:
    """Need words and free tags, as tuples: pairs of them are merged once each (WordMerger)."""
    needs, tags = split_needs_and_tags(cell)
    return (tuple(needs), tuple(tags)) if needs or tags else None


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
        "needs": _words,
        "tags": _words,
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


def plan(header: HeaderMatch, today: date, stored_form: StoredForm) -> list[Column]:
    columns = []
    for c in header.columns:
        convert = _converter(c.field, c.multiplier, today)
        # needs and tags are sorted between their columns first: stored after the merge
        if c.field in stored_form and c.field not in WORD_FIELDS:
            convert = _then(convert, stored_form[c.field])
        columns.append(Column(c.column, c.field, convert, c.header,
                               {} if c.field in _REPEATING else None))
    return columns


def extra_columns(header: HeaderMatch) -> list[tuple[int, str]]:
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
        return Bad(str(error.args[0]))


def _is_blank(cell: Cell) -> bool:
    return cell is None or cell == ""


def convert_column(column: Column, cells: Sequence[Cell]) -> list[object]:
    """Every cell of one column in a block: its value, None when blank, or a Bad."""
    convert, cache = column.convert, column.cache
    if cache is None:  # values that rarely repeat: convert each, in one comprehension
        try:
            return [convert(c) if c or not _is_blank(c) else None for c in cells]
        except ValueError:  # some cell is bad: again, marking it
            return [_convert(convert, c) if c or not _is_blank(c) else None for c in cells]
    # text that repeats: each distinct text once, then one dict lookup per cell in C
    for cell in set(cells).difference(cache):
        if cell.__class__ is str:
            cache[cell] = _convert(convert, cell) if cell else None
    out = list(map(cache.get, cells, repeat(_MISSING)))
    if set(map(type, cells)) - {str}:  # numbers, dates, blanks as None: each on its own
        out = [v if v is not _MISSING else None if c is None else _convert(convert, c)
               for v, c in zip(out, cells, strict=True)]
    if len(cache) > _CACHE_LIMIT:
        cache.clear()  # not a repeating column after all: keep memory flat
    return out


_MISSING = object()
_NO_WORDS: tuple[tuple, tuple] = ((), ())
WORD_FIELDS = ("needs", "tags")


class WordMerger:
    """Need words and free tags from the needs and tags columns, together: needs go to
    needs, the rest to tags, and each in its stored form. The same few pairs come back row
    after row, so each distinct pair is merged once."""

    def __init__(self, stored_form: StoredForm) -> None:
        self.finish = {f: stored_form.get(f) for f in WORD_FIELDS}
        self.memo: dict[object, tuple[object, object]] = {None: (None, None)}

    def merge(self, needs_pairs: list | None, tags_pairs: list | None,
              size: int) -> tuple[list[object], list[object]]:
        if needs_pairs is None or tags_pairs is None:
            keys: list[Any] = needs_pairs if tags_pairs is None else tags_pairs  # type: ignore
        else:
            keys = [None if a is None and b is None else (a, b)
                    for a, b in zip(needs_pairs, tags_pairs, strict=True)]
        both = needs_pairs is not None and tags_pairs is not None
        memo = self.memo
        for key in set(keys).difference(memo):
            memo[key] = self._merged(*key) if both else self._merged(key, None)
        merged = list(map(memo.__getitem__, keys))
        if len(memo) > _CACHE_LIMIT:
            memo.clear()
            memo[None] = (None, None)
        if not merged:
            return [None] * size, [None] * size
        needs, tags = (list(c) for c in zip(*merged, strict=True))
        if self.finish["needs"] is None:  # lists, not stored text: each row its own
            needs = [v[:] if v is not None else None for v in needs]  # type: ignore[index]
            tags = [v[:] if v is not None else None for v in tags]  # type: ignore[index]
        return needs, tags

    def _merged(self, a: tuple | None, b: tuple | None) -> tuple[object, object]:
        needs_a, tags_a = a or _NO_WORDS
        needs_b, tags_b = b or _NO_WORDS
        needs = [*needs_a, *needs_b]
        tags = [*tags_a, *tags_b]
        if needs_a and needs_b:
            needs = list(dict.fromkeys(needs))
        if tags_a and tags_b:
            tags = list(dict.fromkeys(tags))
        finish_needs, finish_tags = self.finish["needs"], self.finish["tags"]
        return ((finish_needs(needs) if finish_needs else needs) if needs else None,
                (finish_tags(tags) if finish_tags else tags) if tags else None)

