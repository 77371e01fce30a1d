"""SQL for staged import rows: parsed rows written to scratch files, then planned and copied.

An import parses its rows in one or two processes; each writes its part to a staging file of
its own (no journal, no fsync: it is scratch, deleted after the import). The import's own
connection then attaches the files and lets SQLite do the bulk work: find the rows that repeat
a member key inside the file, the rows whose member is stored with the same values already
(a re-import), the rows that are new members, and copy the new ones into `members` with one
INSERT … SELECT. Copying in C is 0.1 s for 100,000 rows where binding them from Python was
0.6 s. Rows that need judgement (repeats, changes, a phone shared by several members) are
read back into Python and planned there, exactly as before.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from branchdesk.store.members import DATA_COLUMNS, JSON_LIST_COLUMNS, raw_rows_where

STAGED_COLUMNS = ("row", *DATA_COLUMNS, "search_text")  # row: the spreadsheet row
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


class StagingFile:
    """One part's scratch file, written by one process."""

    def __init__(self, path: str | Path) -> None:
        self._conn = sqlite3.connect(str(path), isolation_level=None)
        self._conn.execute("PRAGMA journal_mode = OFF")
        self._conn.execute("PRAGMA synchronous = OFF")
        self._conn.execute("BEGIN")
        columns = ", ".join(f"{c} {_TYPES.get(c, 'TEXT')}" for c in STAGED_COLUMNS)
        self._conn.execute(f"CREATE TABLE staged ({columns})")

    def write(self, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """Rows in spreadsheet order, as tuples of `columns` (some of STAGED_COLUMNS, "row"
        first): a field the sheet has no column for is left out and stays NULL (binding
        three such Nones in every row cost a fifth of the writing)."""
        marks = ", ".join("?" * len(columns))
        self._conn.executemany(f"INSERT INTO staged ({', '.join(columns)}) VALUES ({marks})",
                               rows)

    def close(self) -> None:
        self._conn.execute("COMMIT")
        self._conn.close()


@contextmanager
def attached(conn: sqlite3.Connection, paths: Sequence[Path]) -> Iterator[list[str]]:
    """The staging files attached to the import's connection, as schema names in part order."""
    names: list[str] = []
    try:
        for number, path in enumerate(paths):
            name = f"stage{number}"
            conn.execute("ATTACH DATABASE ? AS " + name, (str(path),))
            names.append(name)
        yield names
    finally:
        for name in names:
            conn.execute("DETACH DATABASE " + name)


def _all(parts: Sequence[str], columns: str = "*") -> str:
    return " UNION ALL ".join(f"SELECT {columns} FROM {p}.staged" for p in parts)


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


def unsettled_rows(conn: sqlite3.Connection, parts: Sequence[str]) -> tuple[list[int], list[int]]:
    """The rows SQLite cannot settle alone as "already stored as is": (new, judged).

    new: rows whose member is not stored yet; judged: rows whose member is stored but who
    hold something new, or whose member the phone cannot tell. Every other row finds one
    stored member and holds nothing new for them. A member is found as
    `services.importing` finds it: by account number; a row without one by its phone, when
    exactly one member holds that phone under the same name.
    """
    if conn.execute("SELECT NOT EXISTS (SELECT 1 FROM members)").fetchone()[0]:
        return [row for (row,) in conn.execute(_all(parts, "row"))], []  # a first import
    new: list[int] = []
    judged: list[int] = []
    by_account: list[int] = []  # new by account number, unless a member known by phone is them
    same = _same_values("s", "m")
    for part in parts:
        for row, missing in conn.execute(
                f"SELECT s.row, m.id IS NULL FROM {part}.staged AS s"
                " LEFT JOIN members AS m ON m.account_no = s.account_no"
                f" WHERE s.account_no IS NOT NULL AND (m.id IS NULL OR NOT ({same}))"):
            (by_account if missing else judged).append(row)
        for row, holders, one_same in conn.execute(
                f"SELECT s.row, (SELECT count(*) FROM members AS o WHERE o.phone = s.phone),"
                f" (SELECT count(*) = 1 AND max({_same_values('s', 'm2')})"
                "   FROM members AS m2 WHERE m2.phone = s.phone AND m2.name = s.name)"
                f" FROM {part}.staged AS s WHERE s.account_no IS NULL"):
            if not holders:
                new.append(row)
            elif not one_same:
                judged.append(row)
    if by_account:
        held_by_phone = {row for part in parts for (row,) in conn.execute(
            f"SELECT s.row FROM {part}.staged AS s WHERE s.account_no IS NOT NULL"
            " AND EXISTS (SELECT 1 FROM members AS m WHERE m.phone = s.phone"
            "             AND m.account_no IS NULL)")}
        for row in by_account:
            (judged if row in held_by_phone else new).append(row)
    return sorted(new), sorted(judged)


def unchanged_rows_of(conn: sqlite3.Connection, parts: Sequence[str],
                      member_ids: Iterable[int]) -> list[int]:
    """The rows `unsettled_rows` left as "already stored as is" whose member is one of these."""
    wanted = sorted(set(member_ids))
    same = _same_values("s", "m")
    found: list[int] = []
    for start in range(0, len(wanted), _CHUNK):
        marks = ", ".join("?" * len(wanted[start:start + _CHUNK]))
        for part in parts:
            found += [row for (row,) in conn.execute(
                f"SELECT s.row FROM members AS m JOIN {part}.staged AS s"
                " ON s.account_no = m.account_no OR (s.account_no IS NULL AND s.phone = m.phone"
                "    AND s.name = m.name)"
                f" WHERE m.id IN ({marks}) AND {same}", wanted[start:start + _CHUNK])]
    return sorted(found)


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
                    f"SELECT row, {', '.join(columns)} FROM {part}.staged"
                    f" WHERE row IN ({marks})", chunk):
                out[row] = {c: v for c, v in zip(columns, cells, strict=True) if v is not None}
    return out


def copy_new_members(conn: sqlite3.Connection, parts: Sequence[str], skipped: Sequence[int],
                     others: Sequence[tuple[int, Sequence[Any]]], stamp: str) -> None:
    """Insert new members in file order: every staged row but the `skipped` ones, and the
    `others` (row, values in STAGED_COLUMNS order) made in Python: members listed twice."""
    defaults = {c: "'[]'" for c in JSON_LIST_COLUMNS} | {"extra": "'{}'"}
    chosen = ", ".join(f"coalesce({c}, {defaults[c]})" if c in defaults else c
                       for c in (*DATA_COLUMNS, "search_text"))
    target = ", ".join((*DATA_COLUMNS, "search_text", "created_at", "updated_at"))
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS import_skipped (row INTEGER PRIMARY KEY)")
    conn.executemany("INSERT INTO temp.import_skipped VALUES (?)", ((r,) for r in skipped))
    copy = {part: f"INSERT INTO members ({target}) SELECT {chosen}, :stamp, :stamp"
                  f" FROM {part}.staged WHERE row >= :low AND row < :high"
                  " AND row NOT IN (SELECT row FROM temp.import_skipped) ORDER BY row"
            for part in parts}
    insert_other = (f"INSERT INTO members ({target})"
                    f" VALUES ({', '.join('?' * (len(DATA_COLUMNS) + 1))}, ?, ?)")
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
