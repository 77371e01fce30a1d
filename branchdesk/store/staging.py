"""SQL for staged import rows: parsed rows written to scratch files, then planned and copied.

An import parses its rows in one or two processes; each writes its part to a staging file of
its own (no journal, no fsync: it is scratch, deleted after the import). The import's own
connection then attaches the files and lets SQLite do the bulk work, in passes that each read
the staged rows once and look members up by index (so the time grows with the rows, whatever
changed): find the rows whose member is stored with the same values already (a re-import),
the rows that are new members, and the rows that change plain values of one member (a new
advisor, notes, risk level); copy the new ones into `members` with one INSERT … SELECT and
write the plain changes with one UPDATE … FROM per set of changed columns. Copying in C is
0.1 s for 100,000 rows where binding them from Python was 0.6 s. Rows that need judgement
(repeats, word lists to unite, a phone shared by several members, two rows finding one
member) are read back into Python and planned there, exactly as before.

Phones and account numbers never reach a staging file (issue 15: the staging files keep no
clear phone or account number). The parsing processes send them to the import's process
with the rest of what they report (importers/stage.py: PartResult), and `attached` puts them
in a temporary table of the import's connection, which the store keeps in memory
(temp_store = MEMORY); a view per part joins them back to the staged rows by row, so every
statement below reads a part as if the file held them. Nothing to decrypt, no key to keep:
a killed import leaves names and notes in its (private, swept) folder, never a number.

This module writes and attaches the staging files; staging_match.py finds the rows' members
and reads rows back for judging, staging_apply.py writes the new members and plain changes.
"""

from __future__ import annotations

import os
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from branchdesk.store.members import DATA_COLUMNS, DERIVED_COLUMNS

if TYPE_CHECKING:
    from branchdesk.store.database import Store

STAGED_COLUMNS = ("row", *DATA_COLUMNS, *DERIVED_COLUMNS)  # row: the spreadsheet row
# Kept in the import's memory, never written to a staging file (see the module's doc).
IN_MEMORY_COLUMNS = ("phone", "account_no")
FILE_COLUMNS = tuple(c for c in STAGED_COLUMNS if c not in IN_MEMORY_COLUMNS)
# (row, phone, account number) of each staged row: the IN_MEMORY_COLUMNS, as `attached` takes them
Identities = Iterable[tuple[int, str | None, str | None]]
# row is the rowid: a part's rows are ascending, and ranges of them are found by seeking
_TYPES = {"row": "INTEGER PRIMARY KEY", "total_assets": "REAL"}  # the rest TEXT, as `members`


def member_key(values: dict[str, Any]) -> str:
    """Rows with one key are one member: the account number, else phone and name together
    (family members often share a phone)."""
    return _key(values.get("name"), values.get("phone"), values.get("account_no"))


def member_keys(names: Iterable[Any], phones: Iterable[Any],
                accounts: Iterable[Any]) -> list[str]:
    """`member_key` of many rows, given column by column."""
    return list(map(_key, names, phones, accounts))


def _key(name: Any, phone: Any, account: Any) -> str:
    return f"account:{account}" if account else f"phone:{phone}:{name}"


class PackedTexts:
    """A column of texts (None allowed) held as one string: 100,000 phone numbers take 1.2 MB
    instead of 6 MB of string objects while an import waits to be applied. Texts that hold
    the separators are kept as a list."""

    _SEPARATOR, _NONE = "\x1f", "\x1e"

    def __init__(self, values: Sequence[str | None]) -> None:
        texts = [self._NONE if v is None else v for v in values]
        joined = self._SEPARATOR.join(texts)
        # Counted in C: a text holding either mark shows as one mark too many (a test per
        # text in Python cost 0.1-0.3 s at 100,000 rows).
        if (joined.count(self._SEPARATOR) != max(len(texts) - 1, 0)
                or joined.count(self._NONE) != values.count(None)):
            self._packed: str | list[str | None] = list(values)
        else:
            self._packed = joined
        self._length = len(values)

    def unpack(self) -> list[str | None]:
        if isinstance(self._packed, list):
            return self._packed
        if not self._length:
            return []
        return [None if v == self._NONE else v for v in self._packed.split(self._SEPARATOR)]


class StagingFile:
    """One part's scratch file, written by one process."""

    def __init__(self, path: str | Path) -> None:
        _create_private(Path(path))
        self._conn = sqlite3.connect(str(path), isolation_level=None)
        self._conn.execute("PRAGMA journal_mode = OFF")
        self._conn.execute("PRAGMA synchronous = OFF")
        self._conn.execute("BEGIN")
        columns = ", ".join(f"{c} {_TYPES.get(c, 'TEXT')}" for c in FILE_COLUMNS)
        self._conn.execute(f"CREATE TABLE staged ({columns})")

    def write(self, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """Rows in spreadsheet order, as tuples of `columns` (some of FILE_COLUMNS, "row"
        first): a field the sheet has no column for is left out and stays NULL (binding
        three such Nones in every row cost a fifth of the writing)."""
        if not set(columns).isdisjoint(IN_MEMORY_COLUMNS):
            raise ValueError("phones and account numbers are never written to a staging file")
        marks = ", ".join("?" * len(columns))
        self._conn.executemany(f"INSERT INTO staged ({', '.join(columns)}) VALUES ({marks})",
                               rows)

    def close(self) -> None:
        self._conn.execute("COMMIT")
        self._conn.close()


def _create_private(path: Path) -> None:
    """An empty file readable by its owner only, for SQLite to fill (it would make one 0644)."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        os.chmod(path, 0o600)


@contextmanager
def attached(store: Store, paths: Sequence[Path],
             identities: Identities) -> Iterator[list[str]]:
    """The staging files attached to the import's connection, each behind a temporary view
    that adds the rows' phones and account numbers (`identities`, from memory) to the file's
    columns: the views' names, in part order, for the statements below."""
    conn = store.conn
    names: list[str] = []
    views: list[str] = []
    conn.execute("DROP TABLE IF EXISTS temp.import_ids")
    conn.execute("CREATE TEMP TABLE import_ids"
                 " (row INTEGER PRIMARY KEY, phone TEXT, account_no TEXT)")
    try:
        # In one transaction of the temporary database (a savepoint: whether or not one is
        # open): outside one, every row was a transaction of its own, 0.19 s instead of
        # 0.11 s for 100,000 rows. It writes no table of the main database, so it takes no
        # lock there, and it ends before the files are attached (ATTACH needs no transaction).
        conn.execute("SAVEPOINT import_ids")
        try:
            conn.executemany("INSERT INTO temp.import_ids VALUES (?, ?, ?)", identities)
        except BaseException:
            conn.execute("ROLLBACK TO import_ids")
            conn.execute("RELEASE import_ids")
            raise
        conn.execute("RELEASE import_ids")
        chosen = ", ".join(f"i.{c}" if c in IN_MEMORY_COLUMNS else f"s.{c}"
                           for c in STAGED_COLUMNS)
        for number, path in enumerate(paths):
            name = f"stage{number}"
            conn.execute("ATTACH DATABASE ? AS " + name, (str(path),))
            names.append(name)
            conn.execute(f"CREATE TEMP VIEW {name}_rows AS SELECT {chosen}"
                         f" FROM {name}.staged AS s JOIN temp.import_ids AS i ON i.row = s.row")
            views.append(f"temp.{name}_rows")
        yield views
    finally:
        for view in views:
            conn.execute("DROP VIEW " + view)
        for name in names:
            conn.execute("DETACH DATABASE " + name)
        conn.execute("DROP TABLE temp.import_ids")  # the numbers leave with the import


def file_table_of(view: str) -> str:
    """The staging file's own table behind a part's view (`attached`)."""
    return view.removeprefix("temp.").removesuffix("_rows") + ".staged"


def repeated(values: Sequence[Any]) -> set[Any]:
    """The values that occur more than once (None never counts)."""
    present = [v for v in values if v is not None]
    if len(set(present)) == len(present):
        return set()  # the usual case, settled by one set built in C
    return {v for v, n in Counter(present).items() if n > 1}
