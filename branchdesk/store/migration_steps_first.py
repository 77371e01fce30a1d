"""Schema migrations of the first release (v1–v4): the roster and its import batches, the
audit log, roster search, staff and checked messages.

Shipped steps of MIGRATIONS (store/migrations.py, which orders them): never edit one, a
database made by that version must keep opening.
"""

from __future__ import annotations

import sqlite3

from branchdesk.store.sql_script import run_script


def _v1_roster(conn: sqlite3.Connection) -> None:
    run_script(
        conn,
        """
        CREATE TABLE members (
            id INTEGER PRIMARY KEY AUTOINCREMENT,  -- ids never reused: audit rows name them
            name TEXT NOT NULL,
            phone TEXT,
            account_no TEXT,
            branch TEXT,
            advisor TEXT,
            risk_level TEXT,
            experience TEXT,
            needs TEXT NOT NULL DEFAULT '[]',        -- JSON array of need codes
            tags TEXT NOT NULL DEFAULT '[]',         -- JSON array
            communities TEXT NOT NULL DEFAULT '[]',  -- JSON array
            opened_on TEXT,
            birthday TEXT,
            total_assets REAL,
            last_active_on TEXT,
            notes TEXT,
            extra TEXT NOT NULL DEFAULT '{}',        -- JSON object: columns nothing maps to
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE UNIQUE INDEX members_account ON members(account_no) WHERE account_no IS NOT NULL;
        CREATE INDEX members_phone ON members(phone);

        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            operator TEXT NOT NULL,
            action TEXT NOT NULL,
            entity TEXT NOT NULL,
            entity_id TEXT,
            before TEXT,
            after TEXT,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        );
        -- The log is append-only for the app; the hash chain catches anyone who edits
        -- the file by other means.
        CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'the audit log cannot be changed'); END;
        CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'the audit log cannot be changed'); END;

        CREATE TABLE import_batches (
            id INTEGER PRIMARY KEY,
            file_name TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            sheet TEXT,
            operator TEXT NOT NULL,
            imported_at TEXT NOT NULL,
            created INTEGER NOT NULL,
            updated INTEGER NOT NULL,
            unchanged INTEGER NOT NULL,
            merged INTEGER NOT NULL,
            invalid INTEGER NOT NULL,
            undone_at TEXT
        );
        -- What each batch did, so that undo restores exactly the state before: the members
        -- it updated with their rows before, and the id ranges of the members it created
        -- (ids are handed out in order, so 100,000 new members are one range, not 100,000 rows).
        CREATE TABLE import_changes (
            batch_id INTEGER NOT NULL REFERENCES import_batches(id),
            member_id INTEGER NOT NULL,
            before TEXT NOT NULL,                      -- JSON row before the update
            PRIMARY KEY (batch_id, member_id)
        );
        CREATE INDEX import_changes_member ON import_changes(member_id);
        CREATE TABLE import_created (
            batch_id INTEGER NOT NULL REFERENCES import_batches(id),
            first_id INTEGER NOT NULL,
            last_id INTEGER NOT NULL
        );
        CREATE INDEX import_created_batch ON import_created(batch_id);
        """
    )


def _v2_roster_search(conn: sqlite3.Connection) -> None:
    """Search and filter support for the roster screen on 100,000 members."""
    run_script(
        conn,
        """
        ALTER TABLE members ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
        UPDATE members SET search_text = lower(
            name || ' ' || coalesce(phone, '') || ' ' || coalesce(account_no, '') || ' ' || tags);
        CREATE INDEX members_name ON members(name);
        CREATE INDEX members_last_active ON members(last_active_on);
        CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);
        """
    )


def _v3_compliance(conn: sqlite3.Connection) -> None:
    """Staff with roles and passwords, checked messages with their review trail, rule edits."""
    run_script(
        conn,
        """
        CREATE TABLE staff (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL UNIQUE,
            role TEXT NOT NULL CHECK (role IN ('staff', 'reviewer', 'manager')),
            password_hash TEXT,                   -- scrypt; NULL until a password is set
            active INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL
        );

        -- One row per version of a message. Text, findings and the rule-pack version are
        -- frozen once written; an edit is a new row linked to the one it replaces.
        CREATE TABLE messages (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            previous_id INTEGER REFERENCES messages(id),
            author TEXT NOT NULL,
            community TEXT,
            text TEXT NOT NULL,
            verdict TEXT NOT NULL CHECK (verdict IN ('pass', 'warn', 'block')),
            findings TEXT NOT NULL,               -- JSON list
            pack_version TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN
                ('draft', 'submitted', 'approved', 'rejected', 'sent', 'superseded')),
            created_at TEXT NOT NULL,
            submitted_at TEXT,
            reviewer TEXT,
            reviewed_at TEXT,
            review_reason TEXT,
            override_reason TEXT,
            sent_at TEXT
        );
        CREATE INDEX messages_status ON messages(status, submitted_at);
        CREATE TRIGGER messages_frozen BEFORE UPDATE OF text, findings, verdict, pack_version,
            author, community, previous_id, created_at ON messages
            BEGIN SELECT RAISE(ABORT, 'a checked message cannot be edited; save a new version'); END;
        CREATE TRIGGER messages_kept BEFORE DELETE ON messages
            BEGIN SELECT RAISE(ABORT, 'messages are kept for audit'); END;

        -- A branch's own rules, and its edits or switch-offs of shipped rules.
        CREATE TABLE rule_changes (
            rule_id TEXT PRIMARY KEY,
            definition TEXT,                      -- JSON rule; NULL = shipped rule as is
            disabled INTEGER NOT NULL DEFAULT 0,
            updated_by TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        """,
    )


def _v4_search_index(conn: sqlite3.Connection) -> None:
    """A narrow index to scan for search-as-you-type: half the time of scanning whole rows."""
    conn.execute("CREATE INDEX members_search ON members(search_text)")
