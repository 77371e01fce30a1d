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
"""

from __future__ import annotations

import os
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from branchdesk.store.member_fts import register_functions
from branchdesk.store.members import (
    DATA_COLUMNS,
    DERIVED_COLUMNS,
    JSON_COLUMNS,
    JSON_LIST_COLUMNS,
    SEARCH_FIELDS,
    raw_rows_where,
)

STAGED_COLUMNS = ("row", *DATA_COLUMNS, *DERIVED_COLUMNS)  # row: the spreadsheet row
# Kept in the import's memory, never written to a staging file (see the module's doc).
IN_MEMORY_COLUMNS = ("phone", "account_no")
FILE_COLUMNS = tuple(c for c in STAGED_COLUMNS if c not in IN_MEMORY_COLUMNS)
# (row, phone, account number) of each staged row: the IN_MEMORY_COLUMNS, as `attached` takes them
Identities = Iterable[tuple[int, str | None, str | None]]
# row is the rowid: a part's rows are ascending, and ranges of them are found by seeking
_TYPES = {"row": "INTEGER PRIMARY KEY", "total_assets": "REAL"}  # the rest TEXT, as `members`
_CHUNK = 500  # values per IN (...) list


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
        if joined.count(self._SEPARATOR) != max(len(texts) - 1, 0) or any(
                v is not None and self._NONE in v for v in values):
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
def attached(conn: sqlite3.Connection, paths: Sequence[Path],
             identities: Identities) -> Iterator[list[str]]:
    """The staging files attached to the import's connection, each behind a temporary view
    that adds the rows' phones and account numbers (`identities`, from memory) to the file's
    columns: the views' names, in part order, for the statements below."""
    names: list[str] = []
    views: list[str] = []
    conn.execute("DROP TABLE IF EXISTS temp.import_ids")
    conn.execute("CREATE TEMP TABLE import_ids"
                 " (row INTEGER PRIMARY KEY, phone TEXT, account_no TEXT)")
    try:
        conn.executemany("INSERT INTO temp.import_ids VALUES (?, ?, ?)", identities)
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


def _file_of(view: str) -> str:
    """The staging file's own table behind a part's view (`attached`)."""
    return view.removeprefix("temp.").removesuffix("_rows") + ".staged"


def _all(parts: Sequence[str], columns: str = "*") -> str:
    return " UNION ALL ".join(f"SELECT {columns} FROM {p}" for p in parts)


def repeated(values: Sequence[Any]) -> set[Any]:
    """The values that occur more than once (None never counts)."""
    present = [v for v in values if v is not None]
    if len(set(present)) == len(present):
        return set()  # the usual case, settled by one set built in C
    return {v for v, n in Counter(present).items() if n > 1}


def _same_values(staged: str, member: str) -> str:
    """SQL: every value the row holds equals the member's (an empty cell never differs)."""
    return " AND ".join(f"({staged}.{c} IS NULL OR {staged}.{c} IS {member}.{c})"
                        for c in DATA_COLUMNS)


def _changed_mask(staged: str, member: str) -> str:
    """SQL: a bit per DATA_COLUMN the row holds and the member holds otherwise."""
    return " | ".join(f"(({staged}.{c} IS NOT NULL AND {staged}.{c} IS NOT {member}.{c}) << {bit})"
                      for bit, c in enumerate(DATA_COLUMNS))


# Columns whose change is settled in Python: word lists are united, extra columns merged.
JUDGED_MASK = sum(1 << DATA_COLUMNS.index(c) for c in JSON_COLUMNS)


def columns_of(mask: int) -> tuple[str, ...]:
    """The DATA_COLUMNS of a mask of `_changed_mask`."""
    return tuple(c for bit, c in enumerate(DATA_COLUMNS) if mask >> bit & 1)


@dataclass
class Matched:
    """The staged rows SQLite could not settle alone as "already stored as is".

    The rows that change plain values of one member are not brought into Python: they wait
    in the temporary table `import_plain` (row, part, member_id, mask: the columns they
    change, name, old_name when the name changes, account_no), where `leave_to_python` takes
    out those that must be judged after all, and `apply_plain` writes the rest.
    """

    new: list[int] = field(default_factory=list)      # their member is not stored yet
    judged: list[int] = field(default_factory=list)   # for Python (see the module's doc)
    # no-account rows → the member their phone and name found (two rows may find one member)
    by_phone: dict[int, int] = field(default_factory=dict)


_PLAIN_TABLE = ("CREATE TEMP TABLE IF NOT EXISTS import_plain (row INTEGER PRIMARY KEY,"
                " part INTEGER NOT NULL, member_id INTEGER, mask INTEGER, holders INTEGER,"
                " name TEXT, old_name TEXT, account_no TEXT)")


def match_rows(conn: sqlite3.Connection, parts: Sequence[str]) -> Matched:
    """Each staged row against the stored members, in one pass per part and kind of key.

    A member is found as `services.importing` finds it: by account number; a row without one
    by its phone, when exactly one member holds that phone under the same name. Every row
    neither returned nor left in `import_plain` finds one stored member and holds nothing new
    for them.
    """
    matched = Matched()
    conn.execute(_PLAIN_TABLE)
    conn.execute("DELETE FROM temp.import_plain")
    if conn.execute("SELECT NOT EXISTS (SELECT 1 FROM members)").fetchone()[0]:
        # a first import: every row is new (read from the files alone, no numbers needed)
        matched.new = [row for (row,) in conn.execute(_all([_file_of(p) for p in parts], "row"))]
        return matched
    same, mask = _same_values("s", "m"), _changed_mask("s", "m")
    for number, part in enumerate(parts):
        # Rows with an account number: missing or holding something new (in C, no Python
        # object per row)…
        conn.execute(
            "INSERT INTO temp.import_plain (row, part, member_id, mask, name, old_name,"
            f" account_no) SELECT s.row, {number}, m.id, CASE WHEN m.id IS NOT NULL"
            f" THEN {mask} END, s.name, CASE WHEN s.name IS NOT m.name THEN m.name END,"
            f" s.account_no FROM {part} AS s"
            " LEFT JOIN members AS m ON m.account_no = s.account_no"
            f" WHERE s.account_no IS NOT NULL AND (m.id IS NULL OR NOT ({same}))")
        # … and every row without one, with how many members hold its phone.
        conn.execute(
            "INSERT INTO temp.import_plain (row, part, member_id, mask, holders, name)"
            f" SELECT s.row, {number}, m.id, CASE WHEN m.id IS NOT NULL THEN {mask} END,"
            " (SELECT count(*) FROM members AS o WHERE o.phone = s.phone), s.name"
            f" FROM {part} AS s"
            " LEFT JOIN members AS m ON m.id = (SELECT CASE WHEN count(*) = 1 THEN max(m2.id)"
            "   END FROM members AS m2 WHERE m2.phone = s.phone AND m2.name = s.name)"
            " WHERE s.account_no IS NULL")
    by_account: list[int] = []  # new by account number, unless a member known by phone is them
    for row, member, changed, holders in conn.execute(
            "SELECT row, member_id, mask, holders FROM temp.import_plain"
            f" WHERE member_id IS NULL OR holders IS NOT NULL OR mask & {JUDGED_MASK}"):
        if holders is None:  # an account number
            (by_account if member is None else matched.judged).append(row)
        elif not holders:
            matched.new.append(row)
        elif member is None:  # the phone cannot say which member it means
            matched.judged.append(row)
        else:
            matched.by_phone[row] = member
            if changed & JUDGED_MASK:
                matched.judged.append(row)
    conn.execute("DELETE FROM temp.import_plain"
                 f" WHERE member_id IS NULL OR mask = 0 OR mask & {JUDGED_MASK}")
    if by_account:
        held_by_phone = {row for part in parts for (row,) in conn.execute(
            f"SELECT s.row FROM {part} AS s WHERE s.account_no IS NOT NULL"
            " AND EXISTS (SELECT 1 FROM members AS m WHERE m.phone = s.phone"
            "             AND m.account_no IS NULL)")}
        for row in by_account:
            (matched.judged if row in held_by_phone else matched.new).append(row)
    matched.new.sort()
    return matched


def leave_to_python(conn: sqlite3.Connection, rows: Iterable[int]) -> None:
    """These rows are judged in Python after all: not among the plain changes any more."""
    conn.execute("DELETE FROM temp.import_plain WHERE row IN (SELECT value FROM json_each(?))",
                 (_json_ints(rows),))


def plain_changes(conn: sqlite3.Connection) -> list[tuple[int, str, int]]:
    """(member id, name, mask of the columns it changes) of each plain change, by member."""
    return conn.execute("SELECT member_id, name, mask FROM temp.import_plain ORDER BY member_id"
                        ).fetchall()


def plain_renames(conn: sqlite3.Connection) -> list[tuple[int, str, str, str | None]]:
    """(row, new name, old name, account number) of the plain changes that rename a member."""
    return conn.execute("SELECT row, name, old_name, account_no FROM temp.import_plain"
                        " WHERE old_name IS NOT NULL ORDER BY row").fetchall()


def rows_of_members(conn: sqlite3.Connection, parts: Sequence[str],
                    member_ids: Iterable[int]) -> dict[int, int]:
    """Staged row → member, for every row that finds one of these members by its account
    number, or (without one) by its phone and name. One pass over each part: the rows are
    read in order and the few members looked up, never a join of members by rows."""
    wanted = sorted(set(member_ids))
    if not wanted:
        return {}
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS import_found"
                 " (id INTEGER PRIMARY KEY, account_no TEXT, phone TEXT, name TEXT)")
    conn.execute("CREATE INDEX IF NOT EXISTS temp.import_found_account ON import_found(account_no)")
    conn.execute("CREATE INDEX IF NOT EXISTS temp.import_found_phone ON import_found(phone, name)")
    try:
        conn.execute("INSERT INTO temp.import_found SELECT id, account_no, phone, name FROM members"
                     " WHERE id IN (SELECT value FROM json_each(?))", (_json_ints(wanted),))
        found: dict[int, int] = {}
        for part in parts:
            found.update(conn.execute(
                f"SELECT s.row, f.id FROM {part} AS s CROSS JOIN temp.import_found AS f"
                " ON f.account_no = s.account_no WHERE s.account_no IS NOT NULL"))
            found.update(conn.execute(
                f"SELECT s.row, f.id FROM {part} AS s CROSS JOIN temp.import_found AS f"
                " ON f.phone = s.phone AND f.name = s.name WHERE s.account_no IS NULL"))
        return found
    finally:
        conn.execute("DELETE FROM temp.import_found")


def _json_ints(values: Iterable[int]) -> str:
    return "[" + ",".join(map(str, values)) + "]"


def apply_plain(conn: sqlite3.Connection, parts: Sequence[str], batch_id: int,
                stamp: str) -> int:
    """Write the plain changes left in `import_plain`: first each member's values before
    (for undo: the id, the columns that change and updated_at, as JSON), then one UPDATE …
    FROM the staged rows per part and set of changed columns. An empty cell never erases:
    only the changed columns are written. Returns how many members were updated."""
    register_functions(conn)
    groups = conn.execute("SELECT part, mask, count(*) FROM temp.import_plain"
                          " GROUP BY part, mask").fetchall()
    for number, mask, _ in groups:
        columns = columns_of(mask)
        before = ", ".join(f"'{c}', m.{c}" for c in ("id", *columns, "updated_at"))
        conn.execute(
            "INSERT INTO import_changes (batch_id, member_id, before)"
            f" SELECT ?, m.id, json_object({before}) FROM temp.import_plain AS p"
            " JOIN members AS m ON m.id = p.member_id WHERE p.part = ? AND p.mask = ?",
            (batch_id, number, mask))
        assignments = [f"{c} = s.{c}" for c in columns]
        if "name" in columns:
            assignments.append("name_key = branchdesk_sort_key(s.name)")
        if set(columns) & set(SEARCH_FIELDS):
            merged = ", ".join(f"coalesce(s.{c}, members.{c})" for c in SEARCH_FIELDS)
            assignments.append(f"search_text = branchdesk_search_doc({merged})")
        conn.execute(
            f"UPDATE members SET {', '.join(assignments)}, updated_at = ?, version = version + 1"
            " FROM (SELECT p.member_id, st.* FROM temp.import_plain AS p"
            f"       JOIN {parts[number]} AS st ON st.row = p.row"
            "       WHERE p.part = ? AND p.mask = ?) AS s"
            " WHERE members.id = s.member_id", (stamp, number, mask))
    return sum(n for _, _, n in groups)


def values_of(conn: sqlite3.Connection, parts: Sequence[str],
              rows: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Row → its non-empty values in stored form, as the parser gave them."""
    wanted = sorted(rows)
    columns = DATA_COLUMNS
    out: dict[int, dict[str, Any]] = {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start:start + _CHUNK]
        marks = ", ".join("?" * len(chunk))
        for part in parts:
            for row, *cells in conn.execute(
                    f"SELECT row, {', '.join(columns)} FROM {part}"
                    f" WHERE row IN ({marks})", chunk):
                out[row] = {c: v for c, v in zip(columns, cells, strict=True) if v is not None}
    return out


def copy_new_members(conn: sqlite3.Connection, parts: Sequence[str], skipped: Sequence[int],
                     others: Sequence[tuple[int, Sequence[Any]]], stamp: str) -> None:
    """Insert new members in file order: every staged row but the `skipped` ones, and the
    `others` (row, values in STAGED_COLUMNS order but "row") made in Python: members listed
    twice."""
    register_functions(conn)
    defaults = {c: "'[]'" for c in JSON_LIST_COLUMNS} | {"extra": "'{}'"} | {
        # a row staged without its derived columns (a re-import) gets them here
        "name_key": "branchdesk_sort_key(name)",
        "search_text": "branchdesk_search_doc(name, phone, account_no, needs, tags)"}
    chosen = ", ".join(f"coalesce({c}, {defaults[c]})" if c in defaults else c
                       for c in (*DATA_COLUMNS, *DERIVED_COLUMNS))
    target = ", ".join((*DATA_COLUMNS, *DERIVED_COLUMNS, "created_at", "updated_at"))
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS import_skipped (row INTEGER PRIMARY KEY)")
    conn.executemany("INSERT INTO temp.import_skipped VALUES (?)", ((r,) for r in skipped))
    copy = {part: f"INSERT INTO members ({target}) SELECT {chosen}, :stamp, :stamp"
                  f" FROM {part} WHERE row >= :low AND row < :high"
                  " AND row NOT IN (SELECT row FROM temp.import_skipped) ORDER BY row"
            for part in parts}
    insert_other = (f"INSERT INTO members ({target})"
                    f" VALUES ({', '.join('?' * (len(DATA_COLUMNS) + len(DERIVED_COLUMNS)))}, ?, ?)")
    try:
        low = 0
        for row, values in [*sorted(others, key=lambda o: o[0]), (1 << 62, None)]:
            for part in parts:  # a part's rows are ascending, and part after part
                conn.execute(copy[part], {"stamp": stamp, "low": low, "high": row})
            if values is not None:
                conn.execute(insert_other, (*values, stamp, stamp))
            low = row
    finally:
        conn.execute("DELETE FROM temp.import_skipped")


def stored_members_for(conn: sqlite3.Connection, accounts: Iterable[str],
                       phones: Iterable[str]) -> list[dict[str, Any]]:
    """Every stored member holding one of these account numbers or phones, raw."""
    found: dict[int, dict[str, Any]] = {}
    for column, values in (("account_no", sorted(set(accounts))), ("phone", sorted(set(phones)))):
        for start in range(0, len(values), _CHUNK):
            chunk = values[start:start + _CHUNK]
            for member in raw_rows_where(conn, f"{column} IN ({', '.join('?' * len(chunk))})",
                                         chunk):
                found[member["id"]] = member
    return sorted(found.values(), key=lambda m: m["id"])
