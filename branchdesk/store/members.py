"""SQL for the members table: rows in and out, the roster's filtered, sorted pages.

The columns come from the one declaration of a member's fields (member_fields.py); beside
them each row stores two derived columns, written with every row: `name_key` (the name's
pinyin sort key) and `search_text` (what search finds, indexed by FTS5: store/member_search.py).
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
from typing import TYPE_CHECKING, Any

from branchdesk.datetimes import week_of
from branchdesk.member_fields import DATE_FIELDS, FIELD_NAMES, LIST_FIELDS, tier_bounds
from branchdesk.pinyin_sort import sort_key, sort_keys
from branchdesk.store import dormancy, member_search
from branchdesk.store.member_search import search_doc, search_docs

if TYPE_CHECKING:  # annotations only: the import's parse helper unpickles this module
    from branchdesk.member_query import MemberQuery

# Columns that hold a member's data, in table order. JSON columns hold lists / an object.
DATA_COLUMNS = FIELD_NAMES
JSON_LIST_COLUMNS = LIST_FIELDS
JSON_COLUMNS = (*JSON_LIST_COLUMNS, "extra")
DATE_COLUMNS = DATE_FIELDS
DERIVED_COLUMNS = ("name_key", "search_text")
# Fields whose change changes what search finds (store/member_search.py).
SEARCH_FIELDS = ("name", "phone", "account_no", "needs", "tags")
# version: raised by every write, so an edit based on an older read is caught (services/roster).
_ROW_SQL = "id, " + ", ".join(DATA_COLUMNS) + ", version"  # what `from_db` decodes
_SELECT = f"SELECT {_ROW_SQL} FROM members"
# A member's row as JSON, built by SQLite (import before-images: as `raw_rows_where` gives it).
RAW_COLUMNS = ("id", *DATA_COLUMNS, "created_at", "updated_at")
JSON_ROW_SQL = "json_object(" + ", ".join(f"'{c}', m.{c}" for c in RAW_COLUMNS) + ")"


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
BULK_LOAD_CACHE_KIB = 64 * 1024


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
    # A page cache that holds the new rows while the indexes are built from them (SQLite's
    # default is 2 MB; 100,000 members are ~40 MB): copy and index builds 0.07 s faster.
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


def _where(query: MemberQuery, today: date, terms: member_search.SearchTerms | None = None,
           *, how: str = member_search.LOOKUP) -> tuple[str, list[Any]]:
    """The WHERE clause of a query (the one filter implementation for the roster, invitations
    and exports). `terms`: the query's search, already parsed; `how`: see `_reading`."""
    clauses, params = member_search.where(terms or member_search.parse(query.search), how=how)
    for column, value in (("experience", query.experience), ("risk_level", query.risk_level),
                          ("advisor", query.advisor)):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(getattr(value, "value", value))
    for column, value in (("needs", query.need), ("communities", query.community),
                          ("tags", query.tag)):
        if value is not None:
            clauses.append(f"EXISTS (SELECT 1 FROM json_each(members.{column}) WHERE value = ?)")
            params.append(getattr(value, "value", value))
    tier = getattr(query, "value_tier", None)
    if tier is not None:
        low, high = tier_bounds(tier, query.tier_thresholds)
        if low is not None:
            clauses.append("total_assets >= ?")
            params.append(low)
        if high is not None:
            clauses.append("total_assets < ?")
            params.append(high)
    if query.dormant_only:
        condition, values = dormancy.dormant(today, query.dormant_days)
        clauses.append(condition)
        params.extend(values)
    if query.reactivated_only:
        condition, values = dormancy.reactivated(*week_of(today), query.dormant_days)
        clauses.append(condition)
        params.extend(values)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def flag_columns(query: MemberQuery, today: date) -> tuple[str, list[Any]]:
    """SQL of the values a listing adds to a row, with their parameters: the day last heard
    from, dormant, reactivated this week."""
    dormant, dormant_params = dormancy.dormant(today, query.dormant_days)
    woke, woke_params = dormancy.reactivated_flag(*week_of(today), query.dormant_days)
    return f"last_seen_on, ({dormant}), ({woke})", [*dormant_params, *woke_params]


def _listed(row: Sequence[Any]) -> dict[str, Any]:
    """A listing row: its last-active date is the day last heard from (activities included)."""
    data = from_db(row[:-3])
    seen, dormant, woke = row[-3:]
    data["last_active_on"] = date.fromisoformat(seen) if seen else None
    data["dormant"], data["reactivated"] = bool(dormant), bool(woke)
    return data


def count(conn: sqlite3.Connection, query: MemberQuery, today: date) -> int:
    terms = member_search.parse(query.search)
    if terms.words and not terms.numbers and not _filters(query):
        # A search alone: its matches are counted in the index, without a look-up each
        # (a digit matches a fifth of the roster: 22 ms on 100,000 members -> ~1 ms).
        return conn.execute("SELECT count(*) FROM member_search WHERE member_search MATCH ?",
                            (terms.match_text(terms.words),)).fetchone()[0]
    where, params = _where(query, today, terms)
    return conn.execute("SELECT count(*) FROM members" + where, params).fetchone()[0]


def _filters(query: MemberQuery) -> bool:
    """Whether anything but the search narrows the query."""
    return query.dormant_only or query.reactivated_only or any(
        getattr(query, name, None) is not None
        for name in ("need", "experience", "risk_level", "value_tier", "advisor", "community",
                     "tag"))


# A search matching at most this many members is looked up and sorted (10,000 on 1,000,000
# members: 20-45 ms); one matching more reads the sort order and stops when the page is full.
SELECTIVE_MATCHES = 20_000
FEW_MATCHES = 2_000  # always looked up, whatever the words
# The stored column a sort field orders by: names by pinyin, last active by the day last
# heard from (activities included).
_SORT_COLUMNS = {"name": "name_key", "last_active_on": "last_seen_on"}


def _reading(conn: sqlite3.Connection, terms: member_search.SearchTerms) -> str:
    """How a page of this search is read (member_search.LOOKUP, WALK or SCAN). Few matches:
    look them up and sort them (a walk would pass every row before a surname's: 200-350 ms on
    1,000,000 members). Many: read the sort order; digits (tails of numbers, spread evenly
    over any order) test each row's text, which fills a page after a few hundred rows, where
    gathering 190,000 matches first took 90 ms (and counting the matches of a one-digit
    prefix, 30 ms)."""
    if terms.numbers or not terms.words:
        return member_search.LOOKUP
    if all(w.isdigit() and len(w) <= 2 for w in terms.words):
        return member_search.SCAN  # one or two digits start ~1 tail in 50: no need to count
    found = conn.execute(
        "SELECT count(*) FROM (SELECT 1 FROM member_search WHERE member_search MATCH ? LIMIT ?)",
        (terms.match_text(terms.words), SELECTIVE_MATCHES + 1)).fetchone()[0]
    if found <= FEW_MATCHES:
        return member_search.LOOKUP
    if all(w.isdigit() for w in terms.words):
        return member_search.SCAN
    return member_search.LOOKUP if found <= SELECTIVE_MATCHES else member_search.WALK


def _order_by(query: MemberQuery, *, sort_matches: bool) -> str:
    direction = "DESC" if query.descending else "ASC"
    if query.sort == "id":
        return f" ORDER BY id {direction}"
    column = _SORT_COLUMNS.get(query.sort, query.sort)
    if sort_matches:  # "+": SQLite sorts what the search found instead of walking the index
        column = f"+{column}"
    return f" ORDER BY {column} {direction} NULLS LAST, id {direction}"


def page(
    conn: sqlite3.Connection, query: MemberQuery, today: date, offset: int, limit: int
) -> list[dict[str, Any]]:
    """One page of the segment in the user's order; ties broken by id so pages never overlap."""
    flags, flag_params = flag_columns(query, today)
    return [_listed(row) for row in rows(conn, query, today, offset, limit,
                                         columns=_ROW_SQL + ", " + flags,
                                         column_params=flag_params)]


def rows(conn: sqlite3.Connection, query: MemberQuery, today: date, offset: int = 0,
         limit: int = -1, columns: str = _ROW_SQL,
         column_params: Sequence[Any] = ()) -> sqlite3.Cursor:
    """A cursor over the segment in the user's order, as stored (`columns`: SQL of the
    values each row holds, with `column_params` for its placeholders; `id` and the
    DATA_COLUMNS by default, as `from_db` reads them). Rows are read as the cursor is
    iterated: a listing of every member never holds them all."""
    terms = member_search.parse(query.search)
    how = _reading(conn, terms)
    where, params = _where(query, today, terms, how=how)
    order = _order_by(query, sort_matches=bool(terms.words or terms.numbers)
                      and how == member_search.LOOKUP)
    return conn.execute(f"SELECT {columns} FROM members" + where + order + " LIMIT ? OFFSET ?",
                        [*column_params, *params, limit, offset])


def ids(conn: sqlite3.Connection, query: MemberQuery, today: date) -> list[int]:
    where, params = _where(query, today)
    return [row[0] for row in conn.execute("SELECT id FROM members" + where, params)]


def distinct(conn: sqlite3.Connection, column: str) -> list[str]:
    """The values in use for a filter list (advisor, branch; or a JSON list column)."""
    if column in JSON_LIST_COLUMNS:
        sql = (f"SELECT DISTINCT j.value FROM members, json_each(members.{column}) AS j"
               " ORDER BY j.value")
    elif column in ("advisor", "branch"):
        sql = f"SELECT DISTINCT {column} FROM members WHERE {column} IS NOT NULL ORDER BY {column}"
    else:
        raise ValueError(column)
    return [row[0] for row in conn.execute(sql)]


def find_by_number(conn: sqlite3.Connection, numbers: Iterable[str]) -> set[str]:
    """Which of these digit strings are a member's phone or account number (privacy check)."""
    wanted = list(dict.fromkeys(numbers))
    found: set[str] = set()
    for start in range(0, len(wanted), 400):
        chunk = wanted[start:start + 400]
        marks = ", ".join("?" * len(chunk))
        sql = (f"SELECT phone FROM members WHERE phone IN ({marks})"
               f" UNION SELECT account_no FROM members WHERE account_no IN ({marks})")
        found.update(row[0] for row in conn.execute(sql, [*chunk, *chunk]))
    return found


def members_by_number(conn: sqlite3.Connection, numbers: Iterable[str]) -> dict[str, list[int]]:
    """Number → the ids of the members whose phone or account number it is (an account
    number in any case of its letters)."""
    out: dict[str, list[int]] = {}
    for number in dict.fromkeys(numbers):
        variants = list(dict.fromkeys((number, number.upper(), number.lower())))
        marks = ", ".join("?" * len(variants))
        out[number] = [row[0] for row in conn.execute(
            f"SELECT id FROM members WHERE phone = ? UNION"
            f" SELECT id FROM members WHERE account_no IN ({marks}) ORDER BY 1",
            (number, *variants))]
    return out
def all_numbers(conn: sqlite3.Connection) -> set[str]:
    """Every member's phone and account number (a bulk privacy check asks for thousands)."""
    rows = conn.execute(
        "SELECT phone FROM members WHERE phone IS NOT NULL"
        " UNION SELECT account_no FROM members WHERE account_no IS NOT NULL"
    )
    return {str(row[0]) for row in rows if row[0]}


def risk_counts(conn: sqlite3.Connection, community: str) -> dict[str, int]:
    """How many members of a community sit at each risk level (C1…C5; '' for unknown)."""
    rows = conn.execute(
        "SELECT coalesce(risk_level, ''), count(*) FROM members"
        " WHERE EXISTS (SELECT 1 FROM json_each(members.communities) WHERE value = ?)"
        " GROUP BY 1",
        (community,),
    )
    return dict(rows.fetchall())


def most_common(conn: sqlite3.Connection, column: str) -> str | None:
    if column not in ("branch", "advisor"):
        raise ValueError(column)
    row = conn.execute(f"SELECT {column} FROM members WHERE {column} IS NOT NULL"
                       f" GROUP BY {column} ORDER BY count(*) DESC LIMIT 1").fetchone()
    return row[0] if row else None


def ids_by_key(conn: sqlite3.Connection, text: str) -> list[int]:
    """Members named by what a script passes as MEMBER: an account number, else a mobile
    number (family members may share one: all of them), else a member id."""
    text = text.strip()
    found = [row[0] for row in conn.execute("SELECT id FROM members WHERE account_no = ?", (text,))]
    if not found and text.isdigit() and len(text) == 11:
        found = [row[0] for row in conn.execute(
            "SELECT id FROM members WHERE phone = ? ORDER BY id", (text,))]
    if not found and text.isdigit():
        found = [row[0] for row in conn.execute("SELECT id FROM members WHERE id = ?", (int(text),))]
    return found


def risk_levels(conn: sqlite3.Connection, member_ids: Sequence[int]) -> dict[int, str | None]:
    """Each member's risk level code (None when not on file)."""
    out: dict[int, str | None] = {}
    ids = list(member_ids)
    for start in range(0, len(ids), 900):
        chunk = ids[start:start + 900]
        out.update(conn.execute(
            f"SELECT id, risk_level FROM members WHERE id IN ({', '.join('?' * len(chunk))})",
            chunk).fetchall())
    return out
