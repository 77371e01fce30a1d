"""What an action removes or overwrites, written into the audit trail before it goes.

Deleting is an entry, never a removed row: undoing an import records each member it takes
away with every stored value (and each member it puts back with the values it overwrites),
so the records can be rebuilt from the trail alone.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from branchdesk.store.audit import Entry
from branchdesk.store.members import raw_rows_where

_CHUNK = 500


def _rows(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    found: dict[int, dict[str, Any]] = {}
    ordered = sorted(ids)
    # An import's new members are consecutive ids: read them as ranges, not 500 at a time.
    runs: list[list[int]] = []
    for member_id in ordered:
        if runs and runs[-1][1] == member_id - 1:
            runs[-1][1] = member_id
        else:
            runs.append([member_id, member_id])
    for first, last in runs:
        for row in raw_rows_where(conn, "id BETWEEN ? AND ?", (first, last)):
            found[row["id"]] = row
    return found


def undo_entries(conn: sqlite3.Connection, batch_id: int, removed_ids: Sequence[int],
                 restored: Sequence[dict[str, Any]]) -> list[Entry]:
    """Entries for an undo, read before it changes anything: one per member it removes
    (before: the whole row) and one per member it restores (before: the row as it is now,
    after: the row it gets back)."""
    entries: list[Entry] = []
    current = _rows(conn, [*removed_ids, *(row["id"] for row in restored)])
    for member_id in removed_ids:
        row = current.get(member_id)
        if row is not None:
            entries.append(Entry("member.remove", "member", member_id, before=row,
                                 after={"import_batch": batch_id, "reason": "import.undo"}))
    for row in restored:
        entries.append(Entry("member.restore", "member", row["id"],
                             before=current.get(row["id"]),
                             after={**row, "import_batch": batch_id}))
    return entries
