"""Forward-only schema migrations, numbered by SQLite's ``user_version``.

Never edit a migration that has shipped: a database made by that version must keep
opening. Add a new function at the end of MIGRATIONS instead.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable


class SchemaTooNew(Exception):
    def __init__(self, found: int, known: int) -> None:
        super().__init__(f"schema {found} is newer than {known}")
        self.found, self.known = found, known


def run_script(conn: sqlite3.Connection, script: str) -> None:
    """Run statements one by one: `executescript` would COMMIT the caller's transaction first."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            conn.execute(statement)
            statement = ""
    if statement.strip():
        conn.execute(statement)


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


def _events(conn: sqlite3.Connection) -> None:
    """Salons and lectures: events (one row per date; a series links its dates), who was
    invited, registered, waitlisted and came, and messages linked to an event."""
    run_script(
        conn,
        """
        CREATE TABLE event_series (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            cadence TEXT NOT NULL CHECK (cadence IN ('weekly', 'fortnightly')),
            created_at TEXT NOT NULL
        );
        -- Times are UTC ISO 8601 ('2026-12-05T06:00:00+00:00'): they sort as text and keep
        -- their instant if the branch's time zone setting changes.
        CREATE TABLE events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            series_id INTEGER REFERENCES event_series(id),
            kind TEXT NOT NULL CHECK (kind IN ('lecture', 'salon', 'discussion', 'course')),
            title TEXT NOT NULL,
            topic TEXT,
            speaker TEXT,
            starts_at TEXT NOT NULL,
            ends_at TEXT NOT NULL,
            room TEXT,
            link TEXT,
            capacity INTEGER CHECK (capacity IS NULL OR capacity > 0),
            audience TEXT NOT NULL DEFAULT '{}',   -- JSON: needs, experience, risk_levels, communities
            product_risk TEXT CHECK (product_risk IS NULL OR product_risk IN ('R1', 'R2', 'R3', 'R4', 'R5')),
            notes TEXT,
            status TEXT NOT NULL CHECK (status IN ('planned', 'open', 'cancelled')),
            closed_at TEXT,                        -- staff closed it: no-shows are marked
            sequence INTEGER NOT NULL DEFAULT 0,   -- raised on each change (iCalendar SEQUENCE)
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            CHECK (ends_at > starts_at)
        );
        CREATE INDEX events_starts ON events(starts_at);
        CREATE INDEX events_series ON events(series_id, starts_at);
        -- member_id has no foreign key on purpose: an import undo deletes and re-inserts the
        -- members it restores, which must not take their registrations with them.
        CREATE TABLE registrations (
            event_id INTEGER NOT NULL REFERENCES events(id),
            member_id INTEGER NOT NULL,
            state TEXT NOT NULL CHECK (state IN
                ('invited', 'registered', 'waitlisted', 'attended', 'no_show', 'cancelled')),
            waitlist_position INTEGER,             -- order on the waitlist (first in, first up)
            promoted_at TEXT,                      -- moved up from the waitlist
            unsuitable_reason TEXT,                -- included despite the suitability gate
            walk_in INTEGER NOT NULL DEFAULT 0,
            state_before_checkin TEXT,             -- what an undone check-in goes back to
            checked_in_at TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (event_id, member_id)
        ) WITHOUT ROWID;
        CREATE INDEX registrations_state ON registrations(event_id, state, waitlist_position);
        CREATE INDEX registrations_member ON registrations(member_id);
        CREATE TABLE calendar_meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        -- Calendar UIDs end in this database's own random name, so events of two branches
        -- never collide in one calendar and a re-export updates rather than duplicates.
        INSERT INTO calendar_meta VALUES ('uid_domain', lower(hex(randomblob(8))) || '.branchdesk');
        ALTER TABLE messages ADD COLUMN event_id INTEGER REFERENCES events(id);
        CREATE INDEX messages_event ON messages(event_id);
        """,
    )


def _engagement(conn: sqlite3.Connection) -> None:
    """Activities (contacts, replies, attendances), follow-ups and complaints; a member's last
    activity date beside the imported last-active date, and the later of the two as the date
    they were last heard from (`last_seen_on`, computed, indexed for the roster's sort).

    The CHECK lists are written out: a shipped migration never changes. A test keeps them
    equal to the enums in branchdesk/engagement_enums.py."""
    run_script(
        conn,
        """
        ALTER TABLE members ADD COLUMN last_activity_on TEXT;  -- local date of the latest activity
        ALTER TABLE members ADD COLUMN last_seen_on TEXT GENERATED ALWAYS AS
            (nullif(max(coalesce(last_active_on, ''), coalesce(last_activity_on, '')), '')) VIRTUAL;
        DROP INDEX IF EXISTS members_last_active;
        CREATE INDEX members_last_seen ON members(last_seen_on);

        CREATE TABLE activity_batches (
            id INTEGER PRIMARY KEY,
            file_name TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            sheet TEXT,
            operator TEXT NOT NULL,
            imported_at TEXT NOT NULL,
            added INTEGER NOT NULL,
            skipped INTEGER NOT NULL,
            invalid INTEGER NOT NULL,
            undone_at TEXT
        );
        CREATE TABLE activities (
            id INTEGER PRIMARY KEY,
            -- deferred: undoing a roster import deletes and re-inserts the members it updated
            member_id INTEGER NOT NULL REFERENCES members(id) DEFERRABLE INITIALLY DEFERRED,
            kind TEXT NOT NULL CHECK (kind IN
                ('chat', 'call', 'visit', 'reply', 'attendance', 'other')),
            channel TEXT NOT NULL CHECK (channel IN
                ('wechat', 'phone', 'in_person', 'group', 'event', 'other')),
            at TEXT NOT NULL,                  -- UTC, ISO 8601
            on_date TEXT NOT NULL,             -- the day in the branch's time zone
            staff TEXT NOT NULL,
            note TEXT,
            gap_days INTEGER,                  -- days since the member was last heard from before
            batch_id INTEGER REFERENCES activity_batches(id),
            source TEXT,                       -- what logged it, e.g. 'event:12' for an attendance
            created_at TEXT NOT NULL
        );
        CREATE INDEX activities_member ON activities(member_id, at);
        CREATE INDEX activities_day ON activities(on_date, gap_days, member_id);  -- who woke when
        CREATE INDEX activities_batch ON activities(batch_id) WHERE batch_id IS NOT NULL;

        CREATE TABLE follow_ups (
            member_id INTEGER PRIMARY KEY REFERENCES members(id) DEFERRABLE INITIALLY DEFERRED,
            due_on TEXT NOT NULL,
            reason TEXT NOT NULL DEFAULT '',
            set_by TEXT NOT NULL,
            set_at TEXT NOT NULL
        );
        CREATE INDEX follow_ups_due ON follow_ups(due_on);

        CREATE TABLE complaints (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            member_id INTEGER NOT NULL REFERENCES members(id) DEFERRABLE INITIALLY DEFERRED,
            channel TEXT NOT NULL CHECK (channel IN
                ('phone', 'wechat', 'counter', 'letter', 'email', 'regulator')),
            category TEXT NOT NULL CHECK (category IN ('service', 'trading_system',
                'product_selling', 'fees', 'staff_conduct', 'privacy', 'other')),
            summary TEXT NOT NULL,
            opened_at TEXT NOT NULL,           -- UTC, ISO 8601
            opened_on TEXT NOT NULL,           -- the day received, in the branch's time zone
            owner TEXT,
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'resolved')),
            first_response_due TEXT NOT NULL,  -- the last day to answer (local date)
            resolution_due TEXT NOT NULL,      -- the last day to resolve (local date)
            assumed_years TEXT NOT NULL DEFAULT '',  -- years counted Mon-Fri without a schedule
            responded_at TEXT,
            response TEXT,
            resolution TEXT,
            resolved_at TEXT,
            created_by TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX complaints_open ON complaints(status, resolution_due);
        CREATE INDEX complaints_member ON complaints(member_id);
        CREATE TRIGGER complaints_kept BEFORE DELETE ON complaints
            BEGIN SELECT RAISE(ABORT, 'complaints are kept for audit'); END;
        """,
    )


def _roster_at_scale(conn: sqlite3.Connection) -> None:
    """Names sorted by pinyin (`name_key`); search through an FTS5 index of each member's
    words and phone and account tails (the whole numbers left out of it); the indexes these
    replace dropped."""
    from branchdesk.store.member_fts import install

    install(conn)


def _v5_trust(conn: sqlite3.Connection) -> None:
    """Anchoring and conflicts (issue 15): the audit rows record the digests of the rows
    each action changed (store/integrity.py); a row goes only at the end of the log; a
    member carries a version so that two people editing one member cannot overwrite each
    other unseen; the file says it is BranchDesk's (application_id)."""
    from branchdesk.store.opening import APPLICATION_ID
    from branchdesk.store.protections import PROTECTIONS

    conn.execute("ALTER TABLE audit_log ADD COLUMN state TEXT")
    conn.execute("ALTER TABLE members ADD COLUMN version INTEGER NOT NULL DEFAULT 1")
    conn.execute(PROTECTIONS["audit_log_append_only"][1].strip())
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")


def _communities(conn: sqlite3.Connection) -> None:
    """Communities as things of their own: a name, the advisor who runs it and since when;
    and every name each has had (its own, earlier ones, those of communities merged into it),
    so a message keeps the name it was sent to and still counts for the community it is now.

    Filled from the names in members' lists and in messages. Who runs each community was
    never recorded: the advisor stays empty until someone sets it (the list shows the advisor
    of most of its members meanwhile, marked as such)."""
    run_script(
        conn,
        """
        CREATE TABLE communities (
            id INTEGER PRIMARY KEY AUTOINCREMENT,  -- ids never reused: audit rows name them
            name TEXT NOT NULL UNIQUE,
            advisor TEXT,
            created_at TEXT NOT NULL
        );
        CREATE TABLE community_names (
            name TEXT PRIMARY KEY,
            community_id INTEGER NOT NULL REFERENCES communities(id)
        );
        CREATE INDEX community_names_community ON community_names(community_id);

        INSERT INTO communities (name, advisor, created_at)
        SELECT name, NULL, strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now') FROM (
            SELECT j.value AS name FROM members, json_each(members.communities) AS j
            UNION
            SELECT community FROM messages WHERE community IS NOT NULL
        ) WHERE trim(name) != '' ORDER BY name;

        INSERT INTO community_names (name, community_id) SELECT name, id FROM communities;
        """,
    )


def _weekly_review_index(conn: sqlite3.Connection) -> None:
    """The weekly review reads eight weeks of activities per member with their kind (contacts
    are chats, calls and visits): the activity-day index gains the kind, so that read never
    leaves the index (3.0 s → 0.8 s for the 480,000 activities of eight weeks and the 30 days
    before them, on a 2,000,000-activity branch)."""
    run_script(
        conn,
        """
        DROP INDEX IF EXISTS activities_day;
        CREATE INDEX activities_day ON activities(on_date, gap_days, member_id, kind);
        """,
    )


def _audit_privacy(conn: sqlite3.Connection) -> None:
    """Privacy (issue 15): the clear phone and account numbers of audit rows move to
    `audit_private` (reading it is a reveal), the rows keep them masked; the rows changed
    are sealed by one `audit.redact` row, so the chain still verifies (store/audit_privacy)."""
    from branchdesk.store import audit, audit_privacy

    conn.execute("CREATE TABLE audit_private (audit_id INTEGER PRIMARY KEY, data TEXT NOT NULL)")
    sealed = audit_privacy.move_clear_numbers(conn)
    if sealed:
        audit.append(conn, operator=audit.SYSTEM_OPERATOR, action="audit.redact",
                     entity="database", after={"reason": "privacy_upgrade",
                                               "count": len(sealed), "sealed": sealed})


def _weekly_review_ranges(conn: sqlite3.Connection) -> None:
    """The weekly review reads each week's messages (checked, reviewed, sent) and the follow-ups
    done (audit rows of two actions) by time: indexes on those moments, so a week reads its
    own rows instead of the whole table once per week and figure."""
    run_script(
        conn,
        """
        CREATE INDEX IF NOT EXISTS messages_created ON messages(created_at);
        CREATE INDEX IF NOT EXISTS messages_reviewed ON messages(reviewed_at);
        CREATE INDEX IF NOT EXISTS messages_sent ON messages(sent_at);
        CREATE INDEX IF NOT EXISTS audit_log_action_at ON audit_log(action, at);
        """,
    )


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
