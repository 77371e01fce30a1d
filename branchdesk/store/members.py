"""SQL for the members table: rows in and out, the roster's filtered, sorted pages."""

from __future__ import annotations

import json
import operator
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from enum import Enum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # annotations only: the import's parse helper unpickles this module
    from branchdesk.models import MemberQuery

# Columns that hold a member's data, in table order. JSON columns hold lists / an object.
DATA_COLUMNS = (
    "name", "phone", "account_no", "branch", "advisor", "risk_level", "experience",
    "needs", "tags", "communities", "opened_on", "birthday", "total_assets",
    "last_active_on", "notes", "extra",
)
JSON_LIST_COLUMNS = ("needs", "tags", "communities")
JSON_COLUMNS = (*JSON_LIST_COLUMNS, "extra")
DATE_COLUMNS = ("opened_on", "birthday", "last_active_on")
_SELECT = "SELECT id, " + ", ".join(DATA_COLUMNS) + " FROM members"


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
    data = dict(zip(("id", *DATA_COLUMNS), row, strict=True))
    for column in JSON_COLUMNS:
        data[column] = json.loads(data[column]) if data[column] else ({} if column == "extra" else [])
    for column in DATE_COLUMNS:
        if data[column]:
            data[column] = date.fromisoformat(data[column])
    return data


def search_text(values: dict[str, Any]) -> str:
    """What search-as-you-type matches: name, phone, account number and tags. (Advisor and
    community have filters of their own; matching them too would bury a surname search.)"""
    raw = values.get("tags") or "[]"
    words = _tag_words(raw) if isinstance(raw, str) else " ".join(raw)
    return _search_text(values.get("name"), values.get("phone"), values.get("account_no"), words)


def search_texts(names: Sequence[Any], phones: Sequence[Any], accounts: Sequence[Any],
                 tags: Sequence[str | None]) -> list[str]:
    """`search_text` of many rows, given column by column, tags as stored (JSON text): the
    same few tag lists come back row after row."""
    words = {text: _tag_words(text or "[]") for text in set(tags)}
    return list(map(_search_text, names, phones, accounts, map(words.__getitem__, tags)))


def _tag_words(stored: str) -> str:
    # The JSON text itself is searchable once its brackets and quotes are blanked out.
    return stored.translate(_JSON_PUNCTUATION)


def _search_text(name: Any, phone: Any, account_no: Any, tag_words: str) -> str:
    return " ".join((name or "", phone or "", account_no or "", tag_words)).lower()


_JSON_PUNCTUATION = str.maketrans({"[": " ", "]": " ", '"': " ", ",": " "})


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
    columns = (*DATA_COLUMNS, "search_text", "created_at", "updated_at")
    sql = f"INSERT INTO members ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    start = next_id(conn)
    conn.executemany(sql, ((*_column_values(row), search_text(row), stamp, stamp) for row in rows))
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
    indexes, insert, then build each again in one sorted pass (SQLite's advice for bulk
    loads; 100,000 new members: 0.75 s instead of 1.0 s). Inside the caller's transaction
    only, so a failure or a cancel rolls the drop back with the rows; a duplicate account
    number still fails, when its unique index is built."""
    if not conn.in_transaction:
        raise RuntimeError("indexes_built_after needs an open transaction")
    if inserting < max(BULK_LOAD_ROWS, total(conn)):
        yield
        return
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master"
        " WHERE type = 'index' AND tbl_name = 'members' AND sql IS NOT NULL").fetchall()
    # A page cache that holds the new rows while the indexes are built from them (SQLite's
    # default is 2 MB; 100,000 members are ~40 MB): copy and index builds 0.07 s faster.
    cache = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute(f"PRAGMA cache_size = -{BULK_LOAD_CACHE_KIB}")
    try:
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        yield
        for _, sql in indexes:
            conn.execute(sql)
    finally:
        conn.execute(f"PRAGMA cache_size = {int(cache)}")


def update_many(conn: sqlite3.Connection, rows: list[dict[str, Any]]) -> None:
    """Overwrite members (stored-form rows with an `id` and all DATA_COLUMNS)."""
    if not rows:
        return
    stamp = now_text()
    assignments = ", ".join(f"{c} = ?" for c in (*DATA_COLUMNS, "search_text", "updated_at"))
    conn.executemany(
        f"UPDATE members SET {assignments} WHERE id = ?",
        ([*(row.get(c) for c in DATA_COLUMNS), search_text(row), stamp, row["id"]] for row in rows),
    )


def restore_many(conn: sqlite3.Connection, rows: list[dict[str, Any]]) -> None:
    """Put back rows exactly as snapshotted (same id, and the timestamps when the snapshot has
    them: a restored member was not edited), inserting those that are gone."""
    for row in rows:
        conn.execute("DELETE FROM members WHERE id = ?", (row["id"],))
    stamp = now_text()
    columns = ("id", *DATA_COLUMNS, "search_text", "created_at", "updated_at")
    conn.executemany(
        f"INSERT INTO members ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
        ([row["id"], *(row.get(c) for c in DATA_COLUMNS), search_text(row),
          row.get("created_at") or stamp, row.get("updated_at") or stamp] for row in rows),
    )


def delete_many(conn: sqlite3.Connection, ids: Iterable[int]) -> None:
    conn.executemany("DELETE FROM members WHERE id = ?", ((i,) for i in ids))


def total(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM members").fetchone()[0]


def _where(query: MemberQuery, today: date) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    for term in query.search.lower().split():
        # A substring can't seek an index, but scanning the narrow search index costs half
        # of scanning whole rows (~12 vs ~24 ms on 100,000 members). A term that matches most
        # rows (one character, or two digits: every phone has some) is then slower through
        # the index, so those scan the rows.
        if len(term) >= 3 or (len(term) == 2 and not term.isascii()):
            clauses.append("id IN (SELECT id FROM members INDEXED BY members_search"
                           " WHERE search_text LIKE ? ESCAPE '\\')")
        else:
            clauses.append("search_text LIKE ? ESCAPE '\\'")
        escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params.append(f"%{escaped}%")
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
    if query.dormant_only:
        clauses.append("(last_active_on IS NULL OR last_active_on < ?)")
        params.append(dormant_cutoff(today, query.dormant_days).isoformat())
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def dormant_cutoff(today: date, days: int) -> date:
    """Members last active before this date are dormant."""
    return today - timedelta(days=days)


def count(conn: sqlite3.Connection, query: MemberQuery, today: date) -> int:
    where, params = _where(query, today)
    return conn.execute("SELECT count(*) FROM members" + where, params).fetchone()[0]


def page(
    conn: sqlite3.Connection, query: MemberQuery, today: date, offset: int, limit: int
) -> list[dict[str, Any]]:
    """One page of the segment in the user's order; ties broken by id so pages never overlap."""
    where, params = _where(query, today)
    direction = "DESC" if query.descending else "ASC"
    # With a search term, walking the sort column's index looks up every row to test it
    # (150-230 ms for a rare term on 100,000 members); "+" keeps SQLite from using the
    # index, so it scans the table once and sorts only the matches (a few ms to ~30 ms).
    column = f"+{query.sort}" if query.search.strip() else query.sort
    order = f" ORDER BY {column} {direction} NULLS LAST, id {direction}"
    if query.sort == "id":
        order = f" ORDER BY id {direction}"
    rows = conn.execute(_SELECT + where + order + " LIMIT ? OFFSET ?", [*params, limit, offset])
    return [from_db(row) for row in rows]


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
