"""What the tables hold, as the audit trail records it: a digest per bucket of rows.

The hash chain proves the audit log was not edited; this proves the tables were not edited
behind its back. Rows are grouped in buckets of 256 consecutive rowids; a bucket's digest is
BLAKE2b over its rows in rowid order. Every audited action records, in the audit row it
appends (`audit_log.state`, covered by the row's hash), the new digest of each bucket it
changed. So the trail says, bucket by bucket, what the tables hold; `compare` computes the
digests of the tables as they are and names the buckets (id ranges) that differ from it.

Costs stay proportional to what an action changes: an edit of one member digests 256 rows
(under a millisecond); an import that creates 100,000 members digests its new buckets in one
pass of SQLite (~0.2 s). Which buckets an action changed is found without touching the
inserted rows: new rows are the rowids above the table's largest at BEGIN (ids only grow),
and per-connection TEMP triggers note the buckets of updated and deleted rows. The triggers
live only in BranchDesk's own connections, so another tool can still write to the file: the
next `audit verify` names what it changed.

A table whose columns change (a migration) gets all its buckets recorded again by the
migration's audit row, after the old digests were compared with the trail.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from branchdesk.store.database import Store

# The tables whose content the audit trail vouches for. A new table that holds records a
# user must be able to trust is added here (and nothing else is needed).
TRACKED = ("members", "messages", "staff", "rule_changes",
           "import_batches", "import_changes", "import_created", "audit_private")
BUCKET_BITS = 8  # 256 rows per bucket
# REAL values as an exact integer (a power-of-two multiple is exact in IEEE arithmetic): SQLite
# has changed how it prints floats across versions, and a digest must not change with it.
_REAL_SCALE = 1 << 20


def _bucket_range(bucket: int) -> tuple[int, int]:
    return bucket << BUCKET_BITS, ((bucket + 1) << BUCKET_BITS) - 1


def existing_tables(conn: sqlite3.Connection, schema: str = "main") -> list[str]:
    names = {row[0] for row in conn.execute(
        f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table'")}
    return [name for name in TRACKED if name in names]


def _row_expression(conn: sqlite3.Connection, table: str, schema: str = "main") -> str:
    """SQL for one row's canonical text: a JSON array of the rowid and every column."""
    parts = ["bd_rowid"]
    for _cid, name, declared, *_rest in conn.execute(f'PRAGMA {schema}.table_info("{table}")'):
        column = '"' + name.replace('"', '""') + '"'
        if "CHAR" in declared.upper() or "TEXT" in declared.upper() or "CLOB" in declared.upper():
            parts.append(column)  # text affinity: never holds a REAL
        else:
            parts.append(f"CASE WHEN typeof({column}) = 'real'"
                         f" THEN CAST({column} * {_REAL_SCALE} AS INTEGER) ELSE {column} END")
    return "json_array(" + ", ".join(parts) + ")"


def _fallback_row_expression(conn: sqlite3.Connection, table: str, schema: str = "main") -> str:
    """For a bucket that holds a BLOB (BranchDesk never writes one; json_array refuses it)."""
    parts = ["bd_rowid"]
    for _cid, name, *_rest in conn.execute(f'PRAGMA {schema}.table_info("{table}")'):
        column = '"' + name.replace('"', '""') + '"'
        parts.append(f"CASE typeof({column}) WHEN 'blob' THEN 'x' || hex({column})"
                     f" WHEN 'real' THEN CAST({column} * {_REAL_SCALE} AS INTEGER)"
                     f" ELSE {column} END")
    return "json_array(" + ", ".join(parts) + ")"


def _hasher(table: str, bucket: int) -> Any:
    """A bucket's digest, before its rows (joined by char(30)) are added."""
    h = hashlib.blake2b(digest_size=16, person=b"branchdesk-rows")
    h.update(f"{table}\x1f{bucket}\x1f".encode())
    return h


def _digest(table: str, bucket: int, content: bytes | None) -> str | None:
    if content is None:
        return None  # no rows: nothing to vouch for
    h = _hasher(table, bucket)
    h.update(content)
    return h.hexdigest()


def bucket_digests(conn: sqlite3.Connection, table: str, buckets: list[int] | None = None,
                   schema: str = "main") -> dict[int, str | None]:
    """Digest per bucket: the given buckets (None for an empty one), or every non-empty one.

    Bucket by bucket, its rows' canonical bytes joined in rowid order by SQLite (char(30)
    between two rows) and hashed here: no row is a Python object (391 buckets of 256
    members: 0.21 s of CPU, where fetching the rows to join them here took 0.25 s, and held
    the GIL for a third of it)."""
    source = f'{schema}."{table}"'
    if buckets is None:
        buckets = [b for (b,) in conn.execute(
            f"SELECT DISTINCT rowid >> {BUCKET_BITS} FROM {source}")]
    joined = ("SELECT CAST(group_concat(r, char(30)) AS BLOB) FROM (SELECT CAST({} AS BLOB)"
              f" AS r FROM {source} WHERE rowid BETWEEN ? AND ? ORDER BY rowid)")
    query = joined.format(_row_expression(conn, table, schema).replace("bd_rowid", "rowid"))
    out: dict[int, str | None] = {}
    for bucket in sorted(set(buckets)):
        try:
            content = conn.execute(query, _bucket_range(bucket)).fetchone()[0]
        except sqlite3.OperationalError as error:
            if "BLOB" not in str(error):
                raise
            fallback = _fallback_row_expression(conn, table, schema).replace("bd_rowid", "rowid")
            content = conn.execute(joined.format(fallback), _bucket_range(bucket)).fetchone()[0]
        out[bucket] = _digest(table, bucket, content)
    return out


# --- what an action changed ------------------------------------------------------------------

def install(conn: sqlite3.Connection) -> None:
    """TEMP triggers on this connection that note the buckets of updated and deleted rows.
    Called again whenever the schema changed (a migration may add a tracked table)."""
    # No unique key: an UPSERT's conflict policy would override the trigger's OR IGNORE.
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS bd_touched (tbl TEXT NOT NULL, bucket INTEGER NOT NULL)")
    for table in existing_tables(conn):
        mark_old = f"INSERT INTO bd_touched VALUES ('{table}', OLD.rowid >> {BUCKET_BITS});"
        # the new bucket only when the rowid moved: an update in place (an import's 100,000
        # changed members) notes each row once, not twice
        mark_new = (f"INSERT INTO bd_touched SELECT '{table}', NEW.rowid >> {BUCKET_BITS}"
                    " WHERE NEW.rowid IS NOT OLD.rowid;")
        conn.execute(f'CREATE TEMP TRIGGER IF NOT EXISTS "bd_upd_{table}" AFTER UPDATE'
                     f' ON main."{table}" BEGIN {mark_old} {mark_new} END')
        conn.execute(f'CREATE TEMP TRIGGER IF NOT EXISTS "bd_del_{table}" AFTER DELETE'
                     f' ON main."{table}" BEGIN {mark_old} END')


def high_water(conn: sqlite3.Connection) -> dict[str, int]:
    """Each tracked table's largest rowid now: rows above it later are new rows."""
    return {table: conn.execute(f'SELECT coalesce(max(rowid), 0) FROM main."{table}"').fetchone()[0]
            for table in existing_tables(conn)}


Snapshot = Callable[[str, list[int]], dict[int, str | None]]


class _Prefetch(threading.Thread):
    """The digests as last committed of buckets a transaction is about to change, read on
    another thread through the snapshot's own connection while this one writes."""

    def __init__(self, snapshot: Snapshot, table: str, buckets: list[int]) -> None:
        super().__init__(name="branchdesk-digests", daemon=True)
        self.table, self.buckets = table, buckets
        self._snapshot = snapshot
        self.found: dict[int, str | None] | None = None  # None: could not be read

    def run(self) -> None:
        try:
            self.found = self._snapshot(self.table, self.buckets)
        except sqlite3.Error:
            self.found = None


@dataclass
class Pending:
    """Per connection, for the running transaction: the rowids each table had when it began
    (and at the last audit row), the buckets already recorded in it, and how to read the
    digests of buckets as last committed (another connection's view: the state before).
    `parallel`: that view may be read on another thread while this connection writes (WAL);
    `prefetched`: such reads under way, by table."""

    start: dict[str, int] = field(default_factory=dict)
    begun: dict[str, int] = field(default_factory=dict)
    recorded: dict[tuple[str, int], str | None] = field(default_factory=dict)
    snapshot: Snapshot | None = None
    parallel: bool = False
    prefetched: dict[str, _Prefetch] = field(default_factory=dict)
    # digests of whole tables read before the next transaction (digests_ahead.Ahead): taken
    # as prefetched by `begin` when nothing was committed since
    ahead: dict[str, Any] = field(default_factory=dict)


def begin(conn: sqlite3.Connection, pending: Pending) -> None:
    """At BEGIN: forget marks from a transaction that wrote no audit row, note the rowids,
    take the digests read ahead that are still the state as committed."""
    conn.execute("DELETE FROM temp.bd_touched")
    pending.start = pending.begun = high_water(conn)
    pending.recorded = {}
    ahead, pending.ahead = pending.ahead, {}
    pending.prefetched = {table: read for table, read in ahead.items() if read.current()}


def prefetch_before(store: Store, table: str, rowids: Iterable[int]) -> None:
    """Start reading, beside this connection's writes, the digests before this transaction
    of the buckets of rows it is about to update (an import's changed members): the audit
    row's `fold` then finds them read (100,000 members: ~0.3 s off the import's critical
    path, on the core its parsing processes have left). Only where a reader may run beside
    the writer (WAL), only for rows that existed at BEGIN, once per table and transaction."""
    conn = store.conn
    pending = getattr(conn, "bd_pending", None)
    if pending is None or pending.snapshot is None or not pending.parallel \
            or table in pending.prefetched:
        return
    top = pending.begun.get(table, 0)
    buckets = sorted({rowid >> BUCKET_BITS for rowid in rowids if rowid <= top})
    if buckets:
        pending.prefetched[table] = thread = _Prefetch(pending.snapshot, table, buckets)
        thread.start()


def reset(conn: sqlite3.Connection, pending: Pending) -> None:
    """Everything so far is accounted for (a row that records the full state)."""
    conn.execute("DELETE FROM temp.bd_touched")
    pending.start = high_water(conn)
    pending.recorded = {}


UNKNOWN = "?"  # the state before could not be read (another process held the file)


def _before(pending: Pending, table: str, buckets: list[int]) -> dict[int, str | None]:
    """Each bucket's digest before this transaction touched it."""
    out: dict[int, str | None] = {}
    read: list[int] = []
    top = pending.begun.get(table, 0) >> BUCKET_BITS
    for bucket in buckets:
        if (table, bucket) in pending.recorded:
            out[bucket] = pending.recorded[(table, bucket)]
        elif bucket > top or pending.begun.get(table, 0) == 0:
            out[bucket] = None  # only new rows: it was empty
        else:
            read.append(bucket)
    prefetched = pending.prefetched.pop(table, None)
    if prefetched is not None and read:
        prefetched.join()
        if prefetched.found is not None:
            for bucket in set(read) & set(prefetched.buckets):
                out[bucket] = prefetched.found.get(bucket)
        read = [bucket for bucket in read if bucket not in out]
    if read:
        try:
            found = pending.snapshot(table, read) if pending.snapshot else None
        except sqlite3.Error:
            found = None
        for bucket in read:
            out[bucket] = found.get(bucket) if found is not None else UNKNOWN
    return out


def fold(conn: sqlite3.Connection, pending: Pending | None) -> dict[str, dict[str, list]] | None:
    """The digests of the buckets this transaction changed since BEGIN (or the last fold),
    before and after, for the audit row being written; None when it changed none. The
    digest before lets `compare` prove no one changed a bucket between two actions."""
    if pending is None:
        return None
    touched: dict[str, set[int]] = {}
    for table, bucket in conn.execute("SELECT DISTINCT tbl, bucket FROM temp.bd_touched"):
        touched.setdefault(table, set()).add(bucket)
    now = high_water(conn)
    for table, top in now.items():
        start = pending.start.get(table, 0)
        if top > start:
            touched.setdefault(table, set()).update(
                range((start + 1) >> BUCKET_BITS, (top >> BUCKET_BITS) + 1))
    if not touched:
        return None
    state: dict[str, dict[str, list]] = {}
    for table, buckets in sorted(touched.items()):
        ordered = sorted(buckets)
        before = _before(pending, table, ordered)
        after = bucket_digests(conn, table, ordered)
        state[table] = {str(b): [before[b], after[b]] for b in ordered}
        pending.recorded.update({(table, b): after[b] for b in ordered})
    conn.execute("DELETE FROM temp.bd_touched")
    pending.start = now
    return state


def full_state(conn: sqlite3.Connection) -> dict[str, dict[str, str | None]]:
    """Every bucket of every tracked table: what a migration records after changing columns."""
    return {table: {str(b): d for b, d in bucket_digests(conn, table).items()}
            for table in existing_tables(conn)}


# --- comparing the tables with the trail -----------------------------------------------------

@dataclass
class Difference:
    table: str
    first_id: int
    last_id: int
    kind: str  # "changed" | "added" | "removed"
    before_row: int | None = None  # found by the action of this audit row (None: now)


@dataclass
class Trail:
    """What the audit trail says the tables hold: the latest digest of each bucket, and the
    places where a bucket's digest before an action is not what the trail last recorded
    (someone changed it between two actions)."""

    latest: dict[str, dict[int, str | None]] = field(default_factory=dict)
    breaks: list[Difference] = field(default_factory=list)


def recorded_state(conn: sqlite3.Connection) -> Trail:
    trail = Trail()
    for row_id, text in conn.execute(
            "SELECT id, state FROM audit_log WHERE state IS NOT NULL ORDER BY id"):
        try:
            recorded = json.loads(text)
        except ValueError:
            continue  # the chain check reports a damaged row
        if not isinstance(recorded, dict):
            continue
        for table, buckets in recorded.items():
            if not isinstance(buckets, dict):
                continue
            latest = trail.latest.setdefault(table, {})
            for key, value in buckets.items():
                if not str(key).isdigit():
                    continue
                bucket = int(key)
                if isinstance(value, list) and len(value) == 2:
                    before, after = value
                    if before != UNKNOWN and before != latest.get(bucket):
                        first, last = _bucket_range(bucket)
                        kind = "added" if latest.get(bucket) is None else \
                            "removed" if before is None else "changed"
                        trail.breaks.append(Difference(table, max(first, 1), last, kind, row_id))
                else:  # a baseline (schema upgrade): the whole state, no "before"
                    after = value
                latest[bucket] = after
    return trail


def compare(conn: sqlite3.Connection, schema: str = "main") -> list[Difference]:
    """Where the tables differ from what the trail records (empty: they match): buckets
    changed between two actions, then buckets that differ now."""
    trail = recorded_state(conn)
    differences: list[Difference] = list(trail.breaks)
    for table in existing_tables(conn, schema):
        actual = bucket_digests(conn, table, schema=schema)
        expected = {b: d for b, d in trail.latest.get(table, {}).items() if d is not None}
        for bucket in sorted(actual.keys() | expected.keys()):
            have, want = actual.get(bucket), expected.get(bucket)
            if have == want:
                continue
            kind = "added" if want is None else "removed" if have is None else "changed"
            first, last = _bucket_range(bucket)
            differences.append(Difference(table, max(first, 1), last, kind))
    return differences


def describe(differences: list[Difference], limit: int = 5) -> list[dict[str, Any]]:
    return [{"table": d.table, "first_id": d.first_id, "last_id": d.last_id, "kind": d.kind,
             "before_audit_row": d.before_row} for d in differences[:limit]]
