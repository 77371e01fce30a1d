"""SQL for the members table: a member's stored form, and rows in and out.

The columns come from the one declaration of a member's fields (member_fields.py); beside
them each row stores two derived columns, written with every row: `name_key` (the name's
pinyin sort key) and `search_text` (what search finds, indexed by FTS5: store/member_search.py).
Listing the roster is store/member_listing.py; other questions, store/member_lookups.py.
"""

from __future__ import annotations

import json
import operator
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

from branchdesk.member_fields import DATE_FIELDS, FIELD_NAMES, LIST_FIELDS
from branchdesk.pinyin_sort import sort_key, sort_keys
from branchdesk.store.member_search import search_doc, search_docs

# Columns that hold a member's data, in table order. JSON columns hold lists / an object.
DATA_COLUMNS = FIELD_NAMES
JSON_LIST_COLUMNS = LIST_FIELDS
JSON_COLUMNS = (*JSON_LIST_COLUMNS, "extra")
DATE_COLUMNS = DATE_FIELDS
DERIVED_COLUMNS = ("name_key", "search_text")
# Fields whose change changes what search finds (store/member_search.py).
SEARCH_FIELDS = ("name", "phone", "account_no", "needs", "tags")
# version: raised by every write, so an edit based on an older read is caught (services/roster).
ROW_SQL = "id, " + ", ".join(DATA_COLUMNS) + ", version"  # what `from_db` decodes
_SELECT = f"SELECT {ROW_SQL} FROM members"
# A member's row as JSON, built by SQLite (import before-images: as `raw_rows_where` gives it).
RAW_COLUMNS = ("id", *DATA_COLUMNS, "created_at", "updated_at")
JSONROW_SQL = "json_object(" + ", ".join(f"'{c}', m.{c}" for c in RAW_COLUMNS) + ")"


def now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# One encoder for all rows: json.dumps with options builds a new encoder per call, which
# was the largest single cost of importing 100,000 rows.
_encode = json.JSONEncoder(ensure_ascii=False).encode


# Text that JSON must escape; anything else is written as is (the output equals json.dumps's).
_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f\x7f\u2028\u2029]')


def _list_json(value: Any) -> str:
    """A list of words as JSON. Joining by hand is 5x faster than the encoder, and import
    writes three lists for every one of 100,000 rows."""
    if not value:
        return "[]"
    items = [str(v) for v in value]  # str(): enum → its code
    if _NEEDS_ESCAPE.search("".join(items)):
        return _encode(items)
    return '["' + '", "'.join(items) + '"]'


def _dict_json(value: Any) -> str:
    if not value:
        return "{}"
    if len(value) == 1:  # one unknown column, the usual case: 0.5 µs instead of 1.4 µs
        ((key, text),) = value.items()
        if type(key) is str and type(text) is str and not _NEEDS_ESCAPE.search(key + text):
            return '{"' + key + '": "' + text + '"}'
    if not all(isinstance(v, str) for v in value.values()) or _NEEDS_ESCAPE.search(
            "".join(value) + "".join(value.values())):
        return _encode(value)
    return "{" + ", ".join(f'"{k}": "{v}"' for k, v in value.items()) + "}"


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _code(value: Any) -> Any:
    return value._value_ if isinstance(value, Enum) else value  # an enum member → its code


# How each column's Python value becomes its stored value (identity when absent).
STORED_FORM = {
    "needs": _list_json, "tags": _list_json, "communities": _list_json,
    "extra": _dict_json,
    "opened_on": _iso, "birthday": _iso, "last_active_on": _iso,
    "risk_level": _code, "experience": _code,
}


def to_db(values: dict[str, Any]) -> dict[str, Any]:
    """Python values (lists, dicts, dates, enums) → the column values SQLite stores."""
    out = dict(values)
    for column in STORED_FORM.keys() & out.keys():
        value = out[column]
        if value is not None:
            out[column] = STORED_FORM[column](value)
    return out


def from_db(row: Sequence[Any]) -> dict[str, Any]:
    """A row of `_SELECT` → a dict with lists, dicts and dates decoded."""
    data = dict(zip(("id", *DATA_COLUMNS, "version"), row, strict=True))
    for column in JSON_COLUMNS:
        data[column] = json.loads(data[column]) if data[column] else ({} if column == "extra" else [])
    for column in DATE_COLUMNS:
        if data[column]:
            data[column] = date.fromisoformat(data[column])
    return data


def decode_list(stored: str | None) -> list[str]:
    """A stored JSON list of words ([] when empty or not readable)."""
    if not stored:
        return []
    try:
        value = json.loads(stored)
    except ValueError:
        return []
    return [str(v) for v in value] if isinstance(value, list) else []


def search_text(values: dict[str, Any]) -> str:
    """What search-as-you-type finds a member by: name, tags and needs words, and the tails
    of phone and account number. (Advisor and community have filters of their own; matching
    them too would bury a surname search.)"""
    return search_doc(values.get("name"), values.get("phone"), values.get("account_no"),
                      values.get("needs"), values.get("tags"))


def search_texts(names: Sequence[Any], phones: Sequence[Any], accounts: Sequence[Any],
                 needs: Sequence[str | None], tags: Sequence[str | None]) -> list[str]:
    """`search_text` of many rows, given column by column, needs and tags as stored (JSON)."""
    return search_docs(names, phones, accounts, needs, tags)


def name_keys(names: Sequence[Any]) -> list[Any]:
    """The pinyin sort keys of many names (pinyin_sort.py)."""
    return sort_keys(list(names))


def derived_values(row: dict[str, Any]) -> tuple[str, str]:
    """The DERIVED_COLUMNS of a stored-form row."""
    return sort_key(row.get("name")), search_text(row)


_derived = derived_values


def get(conn: sqlite3.Connection, member_id: int) -> dict[str, Any] | None:
    row = conn.execute(_SELECT + " WHERE id = ?", (member_id,)).fetchone()
    return from_db(row) if row else None


def raw_rows_where(conn: sqlite3.Connection, condition: str,
                   params: Sequence[Any]) -> list[dict[str, Any]]:
    """The members matching an SQL condition: stored column values, undecoded, with their
    timestamps. An import keeps these rows to undo itself, and undo puts them back as they were."""
    columns = ("id", *DATA_COLUMNS, "created_at", "updated_at")
    return [dict(zip(columns, row, strict=True)) for row in conn.execute(
        f"SELECT {', '.join(columns)} FROM members WHERE {condition}", params)]


_all_columns = operator.itemgetter(*DATA_COLUMNS)


def _column_values(row: dict[str, Any]) -> tuple:
    """The row's DATA_COLUMNS in order; a column the row lacks is NULL."""
    try:
        return _all_columns(row)  # import rows carry every column: the fast path
    except KeyError:
        return tuple(row.get(column) for column in DATA_COLUMNS)


def insert_many(conn: sqlite3.Connection, rows: list[dict[str, Any]]) -> list[int]:
    """Insert stored-form rows (DATA_COLUMNS keys); returns their new ids in order."""
    if not rows:
        return []
    stamp = now_text()
    columns = (*DATA_COLUMNS, *DERIVED_COLUMNS, "created_at", "updated_at")
    sql = f"INSERT INTO members ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    start = next_id(conn)
    names = [row.get("name") for row in rows]
    keys = name_keys(names)
    search = search_texts(names, *([row.get(c) for row in rows]
                                   for c in ("phone", "account_no", "needs", "tags")))
    conn.executemany(sql, ((*_column_values(row), key, text, stamp, stamp)
                           for row, key, text in zip(rows, keys, search, strict=True)))
    return list(range(start, start + len(rows)))


def next_id(conn: sqlite3.Connection) -> int:
    """The id the next new member gets. Ids are AUTOINCREMENT and a writer holds the write
    lock, so rows inserted now get this id and the ones after it, in order."""
    return conn.execute(
        "SELECT 1 + max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'members'), 0),"
        " coalesce((SELECT max(id) FROM members), 0))"
    ).fetchone()[0]


BULK_LOAD_ROWS = 10_000
# The page cache of a bulk load: 16 MB, not 64. With 64 MB the cache (and the index builds'
# sorting, held in memory with it) lifted a 100,000-row import's peak from ~83 to ~104 MB,
# over 1 KB a row, for no measurable gain in CPU (1.9-2.0 s either way, alternating).
BULK_LOAD_CACHE_KIB = 16 * 1024


@contextmanager
def indexes_built_after(conn: sqlite3.Connection, inserting: int) -> Iterator[None]:
    """Around a bulk insert into a table that is small beside it: drop the members' own
    indexes and the trigger that indexes each new row for search, insert, then build each
    index again in one sorted pass (SQLite's advice for bulk loads; 100,000 new members:
    0.75 s instead of 1.0 s) and add the new rows to the search index in one statement
    (0.1 s instead of 0.6 s row by row). Inside the caller's transaction only, so a failure
    or a cancel rolls the drop back with the rows; a duplicate account number still fails,
    when its unique index is built."""
    if not conn.in_transaction:
        raise RuntimeError("indexes_built_after needs an open transaction")
    if inserting < max(BULK_LOAD_ROWS, total(conn)):
        yield
        return
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master"
        " WHERE type = 'index' AND tbl_name = 'members' AND sql IS NOT NULL").fetchall()
    trigger = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger'"
                           " AND name = 'members_search_insert'").fetchone()
    first_new = next_id(conn)
    # A page cache larger than SQLite's default (2 MB) for the copy and the index builds
    # (see BULK_LOAD_CACHE_KIB: larger costs memory, not time).
    cache = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute(f"PRAGMA cache_size = -{BULK_LOAD_CACHE_KIB}")
    try:
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        if trigger:
            conn.execute("DROP TRIGGER members_search_insert")
        yield
        for _, sql in indexes:
            conn.execute(sql)
        if trigger:
            conn.execute("INSERT INTO member_search(rowid, search_text)"
                         " SELECT id, search_text FROM members WHERE id >= ?", (first_new,))
            conn.execute(trigger[0])
    finally:
        conn.execute(f"PRAGMA cache_size = {int(cache)}")


def update_many(conn: sqlite3.Connection, rows: list[dict[str, Any]],
                columns: Sequence[str] = DATA_COLUMNS, *, stamp: str | None = None) -> None:
    """Overwrite members' `columns` (stored-form rows with an `id` and all DATA_COLUMNS).
    Only the columns named are written, so an index on another column is left alone; the
    derived columns follow when a column they come from is among them. `stamp`: their
    updated_at (now by default)."""
    if not rows:
        return
    stamp = stamp or now_text()
    columns = [c for c in DATA_COLUMNS if c in columns]
    derived = (["name_key"] if "name" in columns else []) + (
        ["search_text"] if set(columns) & set(SEARCH_FIELDS) else [])
    assignments = ", ".join(f"{c} = ?" for c in (*columns, *derived, "updated_at"))

    def values(row: dict[str, Any]) -> list[Any]:
        out = [row.get(c) for c in columns]
        if "name_key" in derived:
            out.append(sort_key(row.get("name")))
        if "search_text" in derived:
            out.append(search_text(row))
        return [*out, stamp, row["id"]]

    conn.executemany(f"UPDATE members SET {assignments}, version = version + 1 WHERE id = ?",
                     map(values, rows))


def restore_many(conn: sqlite3.Connection, rows: list[dict[str, Any]]) -> None:
    """Put back rows exactly as snapshotted (same id, and the timestamps when the snapshot has
    them: a restored member was not edited), inserting those that are gone. A snapshot of
    some columns only (what an import changed) puts back those columns over the stored row.
    The version still goes up: someone holding the member as it was before must re-read."""
    partial = [row for row in rows if not set(DATA_COLUMNS) <= row.keys()]
    if partial:
        stored = {r["id"]: r for start in range(0, len(partial), 500) for r in raw_rows_where(
            conn, f"id IN ({', '.join('?' * len(partial[start:start + 500]))})",
            [row["id"] for row in partial[start:start + 500]])}
        merged = {row["id"]: {**stored[row["id"]], **row} for row in partial
                  if row["id"] in stored}
        rows = [merged.get(row["id"], row) for row in rows]
    versions: dict[int, int] = {}
    for row in rows:
        found = conn.execute("SELECT version FROM members WHERE id = ?", (row["id"],)).fetchone()
        versions[row["id"]] = found[0] + 1 if found else 1
        conn.execute("DELETE FROM members WHERE id = ?", (row["id"],))
    stamp = now_text()
    columns = ("id", *DATA_COLUMNS, *DERIVED_COLUMNS, "created_at", "updated_at", "version")
    conn.executemany(
        f"INSERT INTO members ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
        ([row["id"], *(row.get(c) for c in DATA_COLUMNS), *_derived(row),
          row.get("created_at") or stamp, row.get("updated_at") or stamp, versions[row["id"]]]
         for row in rows),
    )


def delete_many(conn: sqlite3.Connection, ids: Iterable[int]) -> None:
    conn.executemany("DELETE FROM members WHERE id = ?", ((i,) for i in ids))


def is_empty(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT NOT EXISTS (SELECT 1 FROM members)").fetchone()[0] == 1


def total(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM members").fetchone()[0]
