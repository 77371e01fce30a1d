"""Schema migrations for events (salons, lectures, registrations) and engagement
(activities, follow-ups, complaints).

Shipped steps of MIGRATIONS (store/migrations.py, which orders them): never edit one, a
database made by that version must keep opening.
"""

from __future__ import annotations

import sqlite3

from branchdesk.store.sql_script import run_script


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
