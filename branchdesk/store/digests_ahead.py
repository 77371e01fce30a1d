"""The digests of a table's buckets as committed, read before the transaction that changes it.

An import's audit row records, for every bucket it changes, the digest before and after
(integrity.py). A re-import with a few members changed in every bucket (1% of 100,000 rows
touches all 391) needs the "before" of the whole table: 0.26 s of CPU that, read beside the
writes (integrity.prefetch_before), still kept the audit row waiting. Read instead while the
reader's process parses the file, when this process has a core with little to do: the
transaction takes them when nothing was committed to the file since they were read, and
reads them as before otherwise.

"Nothing was committed since" is the reading connection's `PRAGMA data_version`, which
changes whenever any other connection commits, this process's own included: unchanged from
just before the read to just after the writer's BEGIN IMMEDIATE (the write lock held, no one
can commit), the digests are those of the state the transaction starts from.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable

from branchdesk.store.integrity import BUCKET_BITS, bucket_digests


class Ahead(threading.Thread):
    """Every bucket of `table` read through a connection of its own (`connect`, read-only),
    started at once. `buckets` and `found` as integrity's prefetch has them: `found` None
    when it could not be read."""

    def __init__(self, connect: Callable[[], sqlite3.Connection], table: str) -> None:
        super().__init__(name="branchdesk-digests-ahead", daemon=True)
        self.table = table
        self.buckets: list[int] = []
        self.found: dict[int, str | None] | None = None
        self._connect = connect
        self._conn: sqlite3.Connection | None = None
        self._version: int | None = None
        self.start()

    def run(self) -> None:
        try:
            conn = self._conn = self._connect()
            self._version = conn.execute("PRAGMA data_version").fetchone()[0]
            conn.execute("BEGIN")  # one snapshot for the rows and their count
            try:
                top = conn.execute(f'SELECT coalesce(max(rowid), 0) FROM main."{self.table}"'
                                   ).fetchone()[0]
                found = bucket_digests(conn, self.table)
            finally:
                conn.execute("COMMIT")
        except sqlite3.Error:
            return
        self.buckets = list(range((top >> BUCKET_BITS) + 1))  # a bucket not found is empty
        self.found = found

    def current(self) -> bool:
        """True when what was read is the state as committed now: call it from within the
        writer's transaction (BEGIN IMMEDIATE). Ends the reading connection either way."""
        self.join()
        conn, self._conn = self._conn, None
        if conn is None:
            return False
        try:
            return self.found is not None and \
                conn.execute("PRAGMA data_version").fetchone()[0] == self._version
        except sqlite3.Error:
            return False
        finally:
            conn.close()
