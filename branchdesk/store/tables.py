"""Everyday rows through sqlite-utils: insert one, change some columns of one, upsert one.

sqlite-utils builds the quoted INSERT/UPDATE from a dict and runs it in a savepoint, so a
store function says which table and which values instead of assembling SQL text. It works on
the connection `Store.transaction()` hands out, inside that transaction (savepoints nest in
it), so one user action is still one transaction with one audit row.

Hand-written SQL stays where it does more than that: the import's set-based staging, the
aggregates and listings, FTS, triggers and the migrations (whose text is part of the schema
history and is never regenerated).
"""

from __future__ import annotations

import contextlib
import sqlite3
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlite_utils
    from sqlite_utils.db import Table


def database(conn: sqlite3.Connection) -> sqlite_utils.Database:
    """sqlite-utils over `conn`, made once per BranchDesk connection."""
    db = getattr(conn, "bd_utils", None)
    if db is None:
        # Imported here: it loads numpy when present, and most commands never write.
        import sqlite_utils

        # recursive_triggers is already on for every BranchDesk connection; plugins are
        # never loaded (nothing may change what the store does behind its back).
        db = sqlite_utils.Database(conn, recursive_triggers=False, execute_plugins=False)
        with contextlib.suppress(AttributeError):  # a plain read-only connection: uncached
            conn.bd_utils = db  # type: ignore[attr-defined]
    return db


def table(conn: sqlite3.Connection, name: str) -> Table:
    return database(conn).table(name)


def insert(conn: sqlite3.Connection, name: str, row: dict[str, Any]) -> int:
    """Insert one row; its rowid."""
    return int(table(conn, name).insert(row).last_rowid)


def update(conn: sqlite3.Connection, name: str, pk: Any, changes: dict[str, Any],
           conversions: dict[str, str] | None = None) -> None:
    """Change some columns of the row with primary key `pk` (which must exist)."""
    table(conn, name).update(pk, changes, conversions=conversions)


def upsert(conn: sqlite3.Connection, name: str, row: dict[str, Any], pk: str) -> None:
    """Insert the row, or change the one with the same `pk` to these values."""
    table(conn, name).upsert(row, pk=pk)
