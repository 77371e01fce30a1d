"""A database made by the schema before engagement opens, keeps its members and their imported
last-active dates, and takes activities, follow-ups and complaints."""

from __future__ import annotations

import re
import sqlite3
from datetime import date

from engagement_support import TODAY, contact

from branchdesk.engagement_enums import (
    ActivityKind,
    ComplaintCategory,
    ComplaintChannel,
    ComplaintStatus,
    ContactChannel,
    codes,
)
from branchdesk.models import MemberQuery
from branchdesk.services import roster
from branchdesk.store import migration_steps_engagement, migrations
from branchdesk.store.audit import verify
from branchdesk.store.database import Store

PREVIOUS = migrations.MIGRATIONS.index(migration_steps_engagement._engagement)


def _previous_schema_database(path) -> None:
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("BEGIN")
    migrations.migrate(raw, target=PREVIOUS)
    for name, last_active, joined in (("王芳", "2026-09-01", "2026-01-01T00:00:00+00:00"),
                                      ("李强", None, "2026-01-01T00:00:00+00:00"),
                                      ("新人", None, "2026-11-25T01:00:00+00:00")):
        raw.execute("INSERT INTO members (name, last_active_on, needs, tags, communities, extra,"
                    " created_at, updated_at) VALUES (?, ?, '[]', '[]', '[]', '{}', ?, ?)",
                    (name, last_active, joined, joined))
    raw.execute("COMMIT")
    raw.close()


def test_the_previous_schema_upgrades_and_keeps_its_members(tmp_path):
    path = tmp_path / "old.db"
    _previous_schema_database(path)
    store = Store(path)
    members = {m.name: m for m in roster.list_members(store, MemberQuery(), today=TODAY)}
    assert members["王芳"].last_active_on == date(2026, 9, 1) and members["王芳"].dormant
    assert members["李强"].dormant            # joined in January, never heard from
    assert not members["新人"].dormant        # joined today
    contact(store, members["王芳"].id, date(2026, 11, 20))
    members = {m.name: m for m in roster.list_members(store, MemberQuery(), today=TODAY)}
    assert members["王芳"].last_active_on == date(2026, 11, 20) and not members["王芳"].dormant
    assert verify(store.conn).ok


def test_the_migrations_check_lists_match_the_enums(tmp_path):
    """The migration writes its CHECK lists out (it never changes); they must stay the enums'."""
    store = Store(tmp_path / "b.db")
    schema = "\n".join(row[0] for row in store.conn.execute(
        "SELECT sql FROM sqlite_master WHERE name IN ('activities', 'complaints')"))

    def listed(column: str, table: str) -> tuple[str, ...]:
        body = schema[schema.index(f"CREATE TABLE {table}"):]
        found = re.search(rf"{column} TEXT NOT NULL.*?CHECK \({column} IN\s*\(([^)]*)\)", body, re.S)
        assert found, column
        return tuple(re.findall(r"'([a-z_]+)'", found.group(1)))

    assert listed("kind", "activities") == codes(ActivityKind)
    assert listed("channel", "activities") == codes(ContactChannel)
    assert listed("channel", "complaints") == codes(ComplaintChannel)
    assert listed("category", "complaints") == codes(ComplaintCategory)
    assert listed("status", "complaints") == codes(ComplaintStatus)
