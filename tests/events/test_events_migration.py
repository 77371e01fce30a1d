"""A database made before events keeps working: its messages and members come through."""

from __future__ import annotations

import sqlite3

from branchdesk.services import messages
from branchdesk.store.audit import verify
from branchdesk.store.database import Store
from branchdesk.store.migration_steps_engagement import _events
from branchdesk.store.migrations import MIGRATIONS, SCHEMA_VERSION, migrate


def test_a_database_from_before_events_upgrades(tmp_path):
    path = tmp_path / "old.db"
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("BEGIN")
    migrate(raw, target=MIGRATIONS.index(_events))
    raw.execute("INSERT INTO members (name, phone, needs, tags, communities, extra, created_at,"
                " updated_at) VALUES ('王芳', '13812345678', '[]', '[]', '[]', '{}', 'x', 'x')")
    raw.execute("INSERT INTO messages (author, text, verdict, findings, pack_version, status,"
                " created_at) VALUES ('李娜', '周六沙龙欢迎参加', 'pass', '[]', '1', 'draft', 'x')")
    raw.execute("COMMIT")
    raw.close()
    store = Store(path)
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    old = messages.get_message(store, 1)
    assert old["text"] == "周六沙龙欢迎参加" and old["event_id"] is None
    assert store.conn.execute("SELECT count(*) FROM events").fetchone()[0] == 0
    domain = store.conn.execute("SELECT value FROM calendar_meta").fetchone()[0]
    assert domain.endswith(".branchdesk") and len(domain) > 12
    messages.save_draft(store, "李娜", "新的话术")
    assert verify(store.conn).ok
