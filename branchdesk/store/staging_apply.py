"""SQL that applies an import from its attached staging files (staging.py): the new members
copied into `members` in file order, and the plain changes left by staging_match.py written
with one UPDATE … FROM per part and set of changed columns, their values before kept for undo.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from branchdesk.store.member_fts import register_functions
from branchdesk.store.members import (
    DATA_COLUMNS,
    DERIVED_COLUMNS,
    JSON_LIST_COLUMNS,
    SEARCH_FIELDS,
)
from branchdesk.store.staging import IN_MEMORY_COLUMNS, file_table_of
from branchdesk.store.staging_match import columns_of

if TYPE_CHECKING:
    from branchdesk.store.database import Store


_UPDATE_IDS = 2048  # members' ids per UPDATE (see apply_plain)


def apply_plain(store: Store, parts: Sequence[str], batch_id: int,
                stamp: str) -> int:
    """Write the plain changes left in `import_plain`: first each member's values before
    (for undo: the id, the columns that change and updated_at, as JSON), then UPDATE the
    members from the staged rows, per part and set of changed columns. An empty cell never
    erases: only the changed columns are written. Returns how many members were updated.

    The UPDATEs go range by range of _UPDATE_IDS member ids, every set of columns in a
    range before the next range: SQLite keeps the pages a statement changes in a statement
    journal, in memory here (temp_store), and one UPDATE of 17,000 members spread over the
    table held ~18 MB until it ended (ranges: SQLite's memory peaks ~5 MB above its resting
    level; the same CPU)."""
    conn = store.conn
    register_functions(conn)
    conn.execute("CREATE INDEX IF NOT EXISTS temp.import_plain_group"
                 " ON import_plain(part, mask, member_id)")  # each range found by seeking
    groups = conn.execute("SELECT part, mask, count(*) FROM temp.import_plain"
                          " GROUP BY part, mask ORDER BY part, mask").fetchall()  # the index's order
    updates = []
    for number, mask, _ in groups:
        columns = columns_of(mask)
        before = ", ".join(f"'{c}', m.{c}" for c in ("id", *columns, "updated_at"))
        conn.execute(
            "INSERT INTO import_changes (batch_id, member_id, before)"
            f" SELECT ?, m.id, json_object({before}) FROM temp.import_plain AS p"
            " JOIN members AS m ON m.id = p.member_id WHERE p.part = ? AND p.mask = ?",
            (batch_id, number, mask))
        updates.append((_update(parts, number, columns), number, mask))
    ranges = conn.execute("SELECT DISTINCT member_id / ?1 * ?1 FROM temp.import_plain"
                          " ORDER BY 1", (_UPDATE_IDS,)).fetchall()  # only where members are
    for (first,) in ranges:
        for update, number, mask in updates:
            conn.execute(update, (stamp, number, mask, first, first + _UPDATE_IDS - 1))
    return sum(n for _, _, n in groups)


def _update(parts: Sequence[str], number: int, columns: tuple[str, ...]) -> str:
    """The UPDATE of one part's members whose rows change `columns`, in a range of ids
    (parameters: stamp, part, mask, first id, last id)."""
    assignments = [f"{c} = s.{c}" for c in columns]
    if "name" in columns:
        assignments.append("name_key = branchdesk_sort_key(s.name)")
    searched = bool(set(columns) & set(SEARCH_FIELDS))
    if searched:
        merged = ", ".join(f"coalesce(s.{c}, members.{c})" for c in SEARCH_FIELDS)
        assignments.append(f"search_text = branchdesk_search_doc({merged})")
    # A change that needs no phone or account number (a new advisor, notes, risk level: the
    # usual month) reads the staging file itself, not the part's view, which joins every
    # row to its numbers.
    source = parts[number] if searched or set(columns) & set(IN_MEMORY_COLUMNS) \
        else file_table_of(parts[number])
    read = dict.fromkeys((*columns, *(SEARCH_FIELDS if searched else ())))
    return (f"UPDATE members SET {', '.join(assignments)}, updated_at = ?1,"
            f" version = version + 1 FROM (SELECT p.member_id,"
            f" {', '.join(f'st.{c}' for c in read)} FROM temp.import_plain AS p"
            f" JOIN {source} AS st ON st.row = p.row"
            "  WHERE p.part = ?2 AND p.mask = ?3 AND p.member_id BETWEEN ?4 AND ?5) AS s"
            " WHERE members.id = s.member_id")


def copy_new_members(store: Store, parts: Sequence[str], skipped: Sequence[int],
                     others: Sequence[tuple[int, Sequence[Any]]], stamp: str) -> None:
    """Insert new members in file order: every staged row but the `skipped` ones, and the
    `others` (row, values in STAGED_COLUMNS order but "row") made in Python: members listed
    twice."""
    conn = store.conn
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
