"""The audit log: one row per user action, chained by SHA-256 so an edit or a deletion
anywhere in the chain is detectable.

Each row also records, in `state`, the digests of the table rows its action changed
(store/integrity.py), so the trail vouches for the tables too. Ids run 1, 2, 3… with no gap
and times never go backwards, so a removed or back-dated row shows. What the chain alone
cannot show — its newest rows cut off, or rewritten with fresh hashes — is caught against a
head (sequence and hash) kept outside the PC: `head()` gives it, `verify(…, head=)` checks it.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from branchdesk.store import audit_privacy, integrity

GENESIS = "0" * 64
SYSTEM_OPERATOR = "BranchDesk"  # rows the program writes by itself (schema upgrade, repairs)
_AUTO = object()
_COLUMNS = "id, at, operator, action, entity, entity_id, before, after, prev_hash, hash, state"


# One encoder each, made once: json.dumps with options builds a new encoder per call, which
# was a third of the time of an undo that records 100,000 removed members. Their output is
# exactly json.dumps's with the same options.
_encode_value = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=str).encode
_encode_link = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _canonical(value: Any) -> str | None:
    if value is None:
        return None
    return _encode_value(value)


def link_hash(
    prev_hash: str, at: str, operator: str, action: str, entity: str,
    entity_id: str | None, before: str | None, after: str | None, state: str | None = None,
) -> str:
    fields = [prev_hash, at, operator, action, entity, entity_id, before, after]
    if state is not None:  # rows written before states were recorded hash as they always did
        fields.append(state)
    return hashlib.sha256(_encode_link(fields).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Entry:
    """One audit row to write."""

    action: str
    entity: str
    entity_id: str | int | None = None
    before: Any = None
    after: Any = None


def append(
    conn: sqlite3.Connection, *, operator: str, action: str, entity: str,
    entity_id: str | int | None = None, before: Any = None, after: Any = None,
    state: Any = _AUTO,
) -> int:
    """Add one row at the head of the chain; call inside the action's transaction."""
    return append_many(conn, operator, [Entry(action, entity, entity_id, before, after)],
                       state=state)[-1]


def append_many(conn: sqlite3.Connection, operator: str, entries: Sequence[Entry], *,
                state: Any = _AUTO) -> list[int]:
    """Add rows at the head of the chain in one go (an undo records each member it removes);
    the digests of what the transaction changed go into the last row. Returns their ids."""
    if not conn.in_transaction:
        raise RuntimeError("audit rows are written inside the action's transaction")
    if not entries:
        return []
    row = conn.execute("SELECT id, at, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    last_id, prev_at, prev_hash = row if row else (0, "", GENESIS)
    # Clear phone and account numbers never go into the log's rows (audit_privacy).
    payloads, private = [], []
    for index, entry in enumerate(entries):
        before, before_clear = audit_privacy.split(entry.before)
        after, after_clear = audit_privacy.split(entry.after)
        data = audit_privacy.private_row(before_clear, after_clear)
        if data is not None:
            private.append((last_id + 1 + index, data))
        payloads.append((before, after))
    if private:
        if audit_privacy.has_table(conn):
            conn.executemany("INSERT INTO audit_private (audit_id, data) VALUES (?, ?)", private)
        else:  # a schema older than the privacy upgrade (which moves them out when it runs)
            payloads = [(e.before, e.after) for e in entries]
    pending = getattr(conn, "bd_pending", None)
    if state is _AUTO:
        state_json = _canonical(integrity.fold(conn, pending))
    else:
        if pending is not None:
            integrity.reset(conn, pending)
        state_json = _canonical(state)
    # Never earlier than the row before (a clock set back must not make the log look forged).
    at = max(datetime.now(UTC).isoformat(timespec="microseconds"), prev_at)
    rows = []
    for index, entry in enumerate(entries):
        entity_key = None if entry.entity_id is None else str(entry.entity_id)
        before_json, after_json = (_canonical(v) for v in payloads[index])
        row_state = state_json if index == len(entries) - 1 else None
        digest = link_hash(prev_hash, at, operator, entry.action, entry.entity, entity_key,
                           before_json, after_json, row_state)
        rows.append((last_id + 1 + index, at, operator, entry.action, entry.entity, entity_key, before_json,
                     after_json, prev_hash, digest, row_state))
        prev_hash = digest
    conn.executemany(f"INSERT INTO audit_log ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     rows)
    return list(range(last_id + 1, last_id + 1 + len(rows)))


# --- the head and the chain ------------------------------------------------------------------

@dataclass(frozen=True)
class Head:
    """The newest row: its sequence number (id) and hash. Kept outside the PC, it lets
    `verify` prove later that the log still holds every row up to it, unchanged."""

    seq: int
    hash: str
    at: str = ""

    @property
    def anchor(self) -> str:
        return f"{self.seq}:{self.hash}"

    @classmethod
    def parse(cls, text: str) -> Head:
        """"SEQ:HASH" → Head; ValueError when it is not one."""
        seq, sep, digest = text.strip().partition(":")
        digest = digest.strip().lower()
        if not sep or not seq.strip().isdigit() or len(digest) != 64 or \
                any(c not in "0123456789abcdef" for c in digest):
            raise ValueError(text)
        return cls(int(seq), digest)


def head(conn: sqlite3.Connection) -> Head:
    row = conn.execute("SELECT id, hash, at FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    return Head(row[0], row[1], row[2]) if row else Head(0, GENESIS)


@dataclass
class ChainReport:
    verified: int
    head: str
    broken_at: int | None = None  # id of the first row that does not fit the chain
    problem: str = ""  # prev_hash | hash | id_gap | out_of_order
    seq: int = 0       # id of the last row that fits
    at: str = ""
    expected_id: int = 0  # with id_gap: the id that should have come next
    hashes: dict[int, str] = field(default_factory=dict)  # the rows asked for, by id

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify(conn: sqlite3.Connection, *, remember: Iterable[int] = ()) -> ChainReport:
    """Walk the whole chain; report the first row whose id, time, link or content does not
    fit. The hashes of the rows in `remember` are kept (to check a head against)."""
    wanted = set(remember)
    prev_hash, prev_at, count, expected = GENESIS, "", 0, 1
    columns = {row[1] for row in conn.execute("PRAGMA table_info(audit_log)")}
    state = "state" if "state" in columns else "NULL"
    report = ChainReport(0, GENESIS)
    sealed = audit_privacy.sealed_rows(conn)  # rows redacted since (erasure, privacy upgrade)
    cursor = conn.execute(
        "SELECT id, at, operator, action, entity, entity_id, before, after, prev_hash, hash,"
        f" {state} FROM audit_log ORDER BY id"
    )
    for row_id, at, operator, action, entity, entity_id, before, after, stored_prev, stored, \
            row_state in cursor:
        problem = ""
        if row_id != expected:
            problem = "id_gap"
        elif stored_prev != prev_hash:
            problem = "prev_hash"
        elif row_id in sealed and sealed[row_id][1] > row_id:
            (original, seal), _by = sealed[row_id]
            if stored != original or audit_privacy.seal_of(
                    original, at, operator, action, entity, entity_id, before, after,
                    row_state) != seal:
                problem = "hash"
        elif link_hash(prev_hash, at, operator, action, entity, entity_id, before, after,
                       row_state) != stored:
            problem = "hash"
        elif not isinstance(at, str) or at < prev_at:
            problem = "out_of_order"
        if problem:
            report.broken_at, report.problem, report.expected_id = row_id, problem, expected
            break
        if row_id in wanted:
            report.hashes[row_id] = stored
        prev_hash, prev_at, count, expected = stored, at, count + 1, expected + 1
        report.seq, report.at = row_id, at
    report.verified, report.head = count, prev_hash
    return report


# --- reading -----------------------------------------------------------------------------------

ENTRY_KEYS = ("id", "at", "operator", "action", "entity", "entity_id", "before", "after", "hash")


def entries_for(conn: sqlite3.Connection, entity: str, entity_id: str | int, limit: int = 200) -> list[dict]:
    """The newest audit rows about one thing, for its history view."""
    cursor = conn.execute(
        "SELECT id, at, operator, action, before, after FROM audit_log"
        " WHERE entity = ? AND entity_id = ? ORDER BY id DESC LIMIT ?",
        (entity, str(entity_id), limit),
    )
    keys = ("id", "at", "operator", "action", "before", "after")
    return [dict(zip(keys, row, strict=True)) for row in cursor]


def entries_where(conn: sqlite3.Connection, condition: str,
                  params: Sequence[Any] | Mapping[str, Any],
                  limit: int | None = None) -> list[dict[str, Any]]:
    """Audit rows matching an SQL condition, oldest first."""
    sql = f"SELECT {', '.join(ENTRY_KEYS)} FROM audit_log WHERE {condition} ORDER BY id"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [dict(zip(ENTRY_KEYS, row, strict=True)) for row in conn.execute(sql, params)]
