"""Schema migrations after engagement: the roster at scale (pinyin names, full-text search),
trust (issue 15), communities, the weekly review's indexes and audit privacy.

Shipped steps of MIGRATIONS (store/migrations.py, which orders them): never edit one, a
database made by that version must keep opening.
"""

from __future__ import annotations

import sqlite3

from branchdesk.store.sql_script import run_script


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
