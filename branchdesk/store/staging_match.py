"""SQL that plans an import from its attached staging files (staging.py): each staged row
against the stored members in one pass per part, the plain changes left waiting in a
temporary table, and the rows that need judgement read back into Python
(services/import_plan.py). The writing is in staging_apply.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from branchdesk.store.members import DATA_COLUMNS, JSON_COLUMNS, raw_rows_where
from branchdesk.store.staging import file_table_of

if TYPE_CHECKING:
    from branchdesk.store.database import Store

_CHUNK = 500  # values per IN (...) list


def _all(parts: Sequence[str], columns: str = "*") -> str:
    return " UNION ALL ".join(f"SELECT {columns} FROM {p}" for p in parts)


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


def match_rows(store: Store, parts: Sequence[str]) -> Matched:
    """Each staged row against the stored members, in one pass per part and kind of key.

    A member is found as `services.import_plan` finds it: by account number; a row without one
    by its phone, when exactly one member holds that phone under the same name. Every row
    neither returned nor left in `import_plain` finds one stored member and holds nothing new
    for them.
    """
    conn = store.conn
    matched = Matched()
    conn.execute(_PLAIN_TABLE)
    conn.execute("DELETE FROM temp.import_plain")
    if conn.execute("SELECT NOT EXISTS (SELECT 1 FROM members)").fetchone()[0]:
        # a first import: every row is new (read from the files alone, no numbers needed)
        matched.new = [row for (row,) in conn.execute(_all([file_table_of(p) for p in parts], "row"))]
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


def leave_to_python(store: Store, rows: Iterable[int]) -> None:
    """These rows are judged in Python after all: not among the plain changes any more."""
    conn = store.conn
    conn.execute("DELETE FROM temp.import_plain WHERE row IN (SELECT value FROM json_each(?))",
                 (_json_ints(rows),))


def plain_changes(store: Store) -> list[tuple[int, str, int]]:
    """(member id, name, mask of the columns it changes) of each plain change, by member."""
    conn = store.conn
    return conn.execute("SELECT member_id, name, mask FROM temp.import_plain ORDER BY member_id"
                        ).fetchall()


def plain_renames(store: Store) -> list[tuple[int, str, str, str | None]]:
    """(row, new name, old name, account number) of the plain changes that rename a member."""
    conn = store.conn
    return conn.execute("SELECT row, name, old_name, account_no FROM temp.import_plain"
                        " WHERE old_name IS NOT NULL ORDER BY row").fetchall()


def rows_of_members(store: Store, parts: Sequence[str],
                    member_ids: Iterable[int]) -> dict[int, int]:
    """Staged row → member, for every row that finds one of these members by its account
    number, or (without one) by its phone and name. One pass over each part: the rows are
    read in order and the few members looked up, never a join of members by rows."""
    conn = store.conn
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
        # The rows' numbers alone (staging.attached's table of them, every part's rows):
        # read once, with the staging files read only for the names of the few rows whose
        # phone is one of these members' (four passes over the parts' views took 0.035 s
        # at 100,000 rows, on every re-import whose file repeats a phone).
        found: dict[int, int] = dict(conn.execute(
            "SELECT i.row, f.id FROM temp.import_ids AS i CROSS JOIN temp.import_found AS f"
            " ON f.account_no = i.account_no WHERE i.account_no IS NOT NULL"))
        for part in parts:
            found.update(conn.execute(
                "SELECT i.row, f.id FROM temp.import_ids AS i CROSS JOIN temp.import_found AS f"
                f" ON f.phone = i.phone CROSS JOIN {file_table_of(part)} AS s ON s.row = i.row"
                " WHERE i.account_no IS NULL AND f.name = s.name"))
        return found
    finally:
        conn.execute("DELETE FROM temp.import_found")


def look_alikes(store: Store, parts: Sequence[str],
                rows: Iterable[int]) -> list[tuple[int, bool, int, int, str | None, str | None]]:
    """For rows about to become new members, the stored members they may be after all: (row,
    whether the row has an account number, how many such members, the first one's id, phone,
    account number). A row without an
    account number is new when no member holds its phone under its name: a member of that
    name with another phone may be the same person with a new mobile. A row with an account
    number is new when no member holds that number: a member with its name and phone and
    another account number may be the same person with a new account. By the name's index,
    for the new rows only."""
    conn = store.conn
    wanted = _json_ints(sorted(rows))
    if wanted == "[]" or not conn.execute("SELECT EXISTS (SELECT 1 FROM members)").fetchone()[0]:
        return []
    found: list[tuple[int, bool, int, int, str | None, str | None]] = []
    for part in parts:
        found += conn.execute(
            "SELECT s.row, s.account_no IS NOT NULL, count(*), min(m.id), m.phone, m.account_no"
            " FROM " + part + " AS s"
            " JOIN members AS m ON m.name = s.name"
            " WHERE s.row IN (SELECT value FROM json_each(?))"
            "   AND CASE WHEN s.account_no IS NULL THEN m.phone IS NOT s.phone"
            "       ELSE m.phone = s.phone AND m.account_no IS NOT s.account_no END"
            " GROUP BY s.row ORDER BY s.row", (wanted,)).fetchall()
    return found


def _json_ints(values: Iterable[int]) -> str:
    return "[" + ",".join(map(str, values)) + "]"


def values_of(store: Store, parts: Sequence[str],
              rows: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Row → its non-empty values in stored form, as the parser gave them."""
    conn = store.conn
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


def stored_members_for(store: Store, accounts: Iterable[str],
                       phones: Iterable[str]) -> list[dict[str, Any]]:
    """Every stored member holding one of these account numbers or phones, raw."""
    conn = store.conn
    found: dict[int, dict[str, Any]] = {}
    for column, values in (("account_no", sorted(set(accounts))), ("phone", sorted(set(phones)))):
        for start in range(0, len(values), _CHUNK):
            chunk = values[start:start + _CHUNK]
            for member in raw_rows_where(conn, f"{column} IN ({', '.join('?' * len(chunk))})",
                                         chunk):
                found[member["id"]] = member
    return sorted(found.values(), key=lambda m: m["id"])
