"""Forward-only schema migrations, numbered by SQLite's ``user_version``.

Never edit a migration that has shipped: a database made by that version must keep
opening. Add a new function at the end of MIGRATIONS instead, written here above the list.
The shipped steps live in modules by era: migration_steps_first.py (v1–v4),
migration_steps_engagement.py (events, engagement), migration_steps_scale.py (the rest).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from branchdesk.store.migration_steps_engagement import _engagement, _events
from branchdesk.store.migration_steps_first import (
    _v1_roster,
    _v2_roster_search,
    _v3_compliance,
    _v4_search_index,
)
from branchdesk.store.migration_steps_scale import (
    _audit_privacy,
    _communities,
    _roster_at_scale,
    _v5_trust,
    _weekly_review_index,
    _weekly_review_ranges,
)
from branchdesk.store.sql_script import run_script  # noqa: F401  (for the steps appended below)


class SchemaTooNew(Exception):
    def __init__(self, found: int, known: int) -> None:
        super().__init__(f"schema {found} is newer than {known}")
        self.found, self.known = found, known


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _v1_roster, _v2_roster_search, _v3_compliance, _v4_search_index, _events, _engagement,
    _roster_at_scale, _v5_trust, _communities, _weekly_review_index, _audit_privacy,
    _weekly_review_ranges,
]
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection, target: int = SCHEMA_VERSION) -> int:
    """Bring the schema up to `target`; the caller holds the transaction. Returns the version."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise SchemaTooNew(version, SCHEMA_VERSION)
    for number in range(version + 1, target + 1):
        MIGRATIONS[number - 1](conn)
        conn.execute(f"PRAGMA user_version = {number}")
    return max(version, target)
