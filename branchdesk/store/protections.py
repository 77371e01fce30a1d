"""The triggers that keep the record append-only inside the file, declared once.

Anyone with a SQLite tool can drop them; BranchDesk puts back any that are missing or altered
each time it opens the database for writing, and writes that into the audit log (so their
absence is on record); `audit verify` reports any missing at the moment it runs.
"""

from __future__ import annotations

import sqlite3

# name → (table it guards, its SQL). The first four shipped with the schema's first
# versions, word for word as here (whitespace aside).
PROTECTIONS: dict[str, tuple[str, str]] = {
    "audit_log_no_update": ("audit_log", """
        CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'the audit log cannot be changed'); END"""),
    "audit_log_no_delete": ("audit_log", """
        CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'the audit log cannot be changed'); END"""),
    # A row goes only at the end of the log, with the next id given: no forged row in between.
    "audit_log_append_only": ("audit_log", """
        CREATE TRIGGER audit_log_append_only BEFORE INSERT ON audit_log
            WHEN NEW.id IS NOT (SELECT coalesce(max(id), 0) + 1 FROM audit_log)
            BEGIN SELECT RAISE(ABORT, 'audit rows are only appended'); END"""),
    "messages_frozen": ("messages", """
        CREATE TRIGGER messages_frozen BEFORE UPDATE OF text, findings, verdict, pack_version,
            author, community, previous_id, created_at ON messages
            BEGIN SELECT RAISE(ABORT, 'a checked message cannot be edited; save a new version'); END"""),
    "messages_kept": ("messages", """
        CREATE TRIGGER messages_kept BEFORE DELETE ON messages
            BEGIN SELECT RAISE(ABORT, 'messages are kept for audit'); END"""),
}


def _normal(sql: str) -> str:
    return " ".join(sql.split())


def problems(conn: sqlite3.Connection) -> tuple[list[str], list[str]]:
    """(missing, altered): protections of existing tables that are not as declared."""
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    present = {name: sql for name, sql in conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")}
    missing, altered = [], []
    for name, (table, sql) in PROTECTIONS.items():
        if table not in tables:
            continue
        if name not in present:
            missing.append(name)
        elif _normal(present[name] or "") != _normal(sql):
            altered.append(name)
    return missing, altered


def restore(conn: sqlite3.Connection) -> tuple[list[str], list[str]]:
    """Put back what is missing or altered (inside the caller's transaction)."""
    missing, altered = problems(conn)
    for name in altered:
        conn.execute(f'DROP TRIGGER "{name}"')
    for name in (*missing, *altered):
        conn.execute(PROTECTIONS[name][1].strip())
    return missing, altered
