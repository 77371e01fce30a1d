"""What the audit log keeps private: clear phone and account numbers out of its rows, and the
sealed redaction that erasure (个人信息保护法 §47) and the privacy upgrade use.

An audit row's payload holds every sensitive field (member_fields: phone, account number)
masked. The clear values, which an undo needs to rebuild what it removed, go into
`audit_private` (one row per audit row that had any, with a random salt), a table the
integrity digests cover (store/integrity.py: a direct edit of it shows in `audit verify`).
Reading it is a reveal: only `clear_values` does, and its callers audit the reveal (the
member card after ctrl+r) or need it to rebuild (undo).

A row of the log itself is never changed, except by redaction: the personal data of an
erased member (or, once, the clear numbers of rows written before this version) is taken
out of rows already in the chain. The redacting action seals each row it changed — the row's
original hash and a digest of its new content — into its own audit row, which the chain
covers. `verify` checks a sealed row against its seal instead of its hash: the chain stays
whole, a head kept outside still verifies, and a later edit of a redacted row still shows.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
from collections.abc import Iterable
from typing import Any

from branchdesk.member_fields import SENSITIVE_FIELDS, mask_value

REDACTED = "〔已删除 erased〕"  # what an erased personal value reads as in the log
SEALING_ACTIONS = ("member.erase", "audit.redact")
_encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=str).encode
_encode_link = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def is_masked(value: Any) -> bool:
    return isinstance(value, str) and "*" in value


def split(payload: Any) -> tuple[Any, dict[str, Any]]:
    """(the payload as the log keeps it, its clear sensitive values). Only a dict's own keys
    name fields (a member's before- or after-image, a change)."""
    if not isinstance(payload, dict):
        return payload, {}
    clear = {k: v for k, v in payload.items()
             if k in SENSITIVE_FIELDS and v not in (None, "") and not is_masked(v)}
    if not clear:
        return payload, {}
    return {k: (mask_value(k, v) if k in clear else v) for k, v in payload.items()}, clear


def private_row(before: dict[str, Any], after: dict[str, Any]) -> str | None:
    """The `audit_private.data` text for an audit row's clear values (None: none)."""
    if not before and not after:
        return None
    return _encode({"salt": secrets.token_hex(8), "before": before, "after": after})


def has_table(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table'"
                        " AND name = 'audit_private'").fetchone() is not None


def clear_values(conn: sqlite3.Connection, audit_ids: Iterable[int]
                 ) -> dict[int, dict[str, dict[str, Any]]]:
    """The clear values kept for these audit rows: {id: {"before": {…}, "after": {…}}}.
    A reveal: call it only for a person who revealed (audited), or to rebuild (undo)."""
    ids = sorted({int(i) for i in audit_ids})
    if not ids or not has_table(conn):
        return {}
    out: dict[int, dict[str, dict[str, Any]]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for audit_id, data in conn.execute(
                f"SELECT audit_id, data FROM audit_private WHERE audit_id IN"
                f" ({', '.join('?' * len(chunk))})", chunk):
            stored = json.loads(data)
            out[audit_id] = {"before": stored.get("before") or {}, "after": stored.get("after") or {}}
    return out


def with_clear(conn: sqlite3.Connection, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Audit entries (with `before`/`after` as stored JSON text) with their clear values put
    back. A reveal: see `clear_values`."""
    found = clear_values(conn, [e["id"] for e in entries if e.get("id") is not None])
    out = []
    for entry in entries:
        clear = found.get(entry.get("id"))
        if clear:
            entry = dict(entry)
            for side in ("before", "after"):
                if clear[side] and entry.get(side):
                    value = json.loads(entry[side])
                    if isinstance(value, dict):
                        entry[side] = _encode({**value, **clear[side]})
        out.append(entry)
    return out


# --- sealed redaction -----------------------------------------------------------------------

_ROW = "id, at, operator, action, entity, entity_id, before, after, prev_hash, hash, state"


def seal_of(original_hash: str, at: str, operator: str, action: str, entity: str,
            entity_id: str | None, before: str | None, after: str | None,
            state: str | None) -> str:
    """The digest of a redacted row's content, bound to the hash it had."""
    fields = ["sealed", original_hash, at, operator, action, entity, entity_id, before, after,
              state]
    return hashlib.sha256(_encode_link(fields).encode("utf-8")).hexdigest()


def redact_rows(conn: sqlite3.Connection, changes: dict[int, tuple[str | None, str | None]]
                ) -> dict[str, list[str]]:
    """Replace the payload (before, after: stored JSON texts) of rows already in the log;
    inside the redacting action's transaction, which then appends its own row holding the
    returned seals ({id: [original hash, seal]}) under ``"sealed"``. The log's no-update
    protection is lifted for these statements only and is back before the commit."""
    from branchdesk.store.protections import PROTECTIONS

    if not conn.in_transaction:
        raise RuntimeError("a redaction runs inside the action's transaction")
    seals: dict[str, list[str]] = {}
    if not changes:
        return seals
    previous = {int(row[0]): row for row in _rows(conn, changes)}
    conn.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
    try:
        for audit_id, (before, after) in sorted(changes.items()):
            row = previous.get(audit_id)
            if row is None:
                continue
            _id, at, operator, action, entity, entity_id, _b, _a, _prev, stored, state = row
            original = stored  # a row's hash never changes: the chain links through it
            conn.execute("UPDATE audit_log SET before = ?, after = ? WHERE id = ?",
                         (before, after, audit_id))
            seals[str(audit_id)] = [original, seal_of(original, at, operator, action, entity,
                                                      entity_id, before, after, state)]
    finally:
        conn.execute(PROTECTIONS["audit_log_no_update"][1].strip())
    return seals


def _rows(conn: sqlite3.Connection, ids: Iterable[int]) -> list[tuple]:
    ordered = sorted(ids)
    rows: list[tuple] = []
    for start in range(0, len(ordered), 500):
        chunk = ordered[start:start + 500]
        rows += conn.execute(f"SELECT {_ROW} FROM audit_log WHERE id IN"
                             f" ({', '.join('?' * len(chunk))})", chunk).fetchall()
    return rows


def sealed_rows(conn: sqlite3.Connection) -> dict[int, tuple[list[str], int]]:
    """Every redacted row: id → ([original hash, seal], id of the row that sealed it). The
    newest seal of a row counts (a row redacted twice)."""
    out: dict[int, tuple[list[str], int]] = {}
    marks = ", ".join("?" * len(SEALING_ACTIONS))
    for sealer, after in conn.execute(
            f"SELECT id, after FROM audit_log WHERE action IN ({marks}) ORDER BY id",
            SEALING_ACTIONS):
        try:
            sealed = json.loads(after or "{}").get("sealed") or {}
        except (ValueError, AttributeError):
            continue  # the chain check reports a damaged row
        if not isinstance(sealed, dict):
            continue
        for key, seal in sealed.items():
            if str(key).isdigit() and isinstance(seal, list) and len(seal) == 2:
                out[int(key)] = ([str(seal[0]), str(seal[1])], sealer)
    return out


def encode_payload(value: Any) -> str:
    """A payload as a redaction stores it (keys sorted)."""
    return _encode(value)


def redact_payload(text: str | None, fields: Iterable[str]) -> str | None:
    """A stored payload with these fields' values replaced by REDACTED (a dict's own keys;
    any other payload left as it is)."""
    if not text:
        return text
    try:
        value = json.loads(text)
    except ValueError:
        return text
    if not isinstance(value, dict):
        return text
    names = set(fields)
    return _encode({k: (REDACTED if k in names and v not in (None, "", "[]", "{}") else v)
                    for k, v in value.items()})


def move_clear_numbers(conn: sqlite3.Connection) -> dict[str, list[str]]:
    """The privacy upgrade, once, for a log written before it: every row whose payload holds a
    clear phone or account number gets it masked, the clear value kept in `audit_private`,
    and is sealed. Returns the seals for the upgrade's own audit row."""
    changes: dict[int, tuple[str | None, str | None]] = {}
    kept: list[tuple[int, str]] = []
    like = " OR ".join(f"{side} LIKE ?" for side in ("before", "after") for _ in SENSITIVE_FIELDS)
    params = [f'%"{name}"%' for _side in ("before", "after") for name in SENSITIVE_FIELDS]
    for audit_id, before, after in conn.execute(
            f"SELECT id, before, after FROM audit_log WHERE {like} ORDER BY id", params):
        parts = []
        for text in (before, after):
            try:
                value = json.loads(text) if text else None
            except ValueError:
                value = None
            parts.append(split(value) if value is not None else (None, {}))
        (b_kept, b_clear), (a_kept, a_clear) = parts
        if not b_clear and not a_clear:
            continue
        changes[audit_id] = (_encode(b_kept) if b_clear else before,
                             _encode(a_kept) if a_clear else after)
        data = private_row(b_clear, a_clear)
        if data is not None:
            kept.append((audit_id, data))
    if not changes:
        return {}
    conn.executemany("INSERT OR REPLACE INTO audit_private (audit_id, data) VALUES (?, ?)", kept)
    return redact_rows(conn, changes)
