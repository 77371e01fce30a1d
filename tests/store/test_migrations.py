"""A database made by the first schema version keeps working after an upgrade."""

from __future__ import annotations

import sqlite3

from branchdesk.models import MemberQuery
from branchdesk.services import roster
from branchdesk.store.audit import verify
from branchdesk.store.database import Store
from branchdesk.store.migrations import SCHEMA_VERSION, migrate


def _version_one_database(path) -> None:
    """Build the schema exactly as version 1 shipped it (migrations are never edited) and
    write rows the way version 1 wrote them."""
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("BEGIN")
    migrate(raw, target=1)
    raw.execute(
        "INSERT INTO members (name, phone, account_no, needs, tags, communities, extra,"
        " created_at, updated_at) VALUES ('王芳', '13812345678', '000123', '[\"profit\"]',"
        " '[\"退休\"]', '[\"解套互助群\"]', '{}', '2025-01-01T00:00:00', '2025-01-01T00:00:00')"
    )
    raw.execute("COMMIT")
    raw.close()


def test_version_one_database_upgrades_and_keeps_its_data(tmp_path):
    path = tmp_path / "v1.db"
    _version_one_database(path)
    store = Store(path)
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    [member] = roster.list_members(store)
    assert (member.name, member.account_no, member.tags) == ("王芳", "000123", ["退休"])
    # The search added in version 2 finds old rows by phone tail and by tag.
    assert roster.count_members(store, MemberQuery(search="5678")) == 1
    assert roster.count_members(store, MemberQuery(search="退休")) == 1
    # And the upgraded database takes new audited writes.
    roster.update_member(store, "李娜", member.id, {"notes": "升级后编辑"})
    assert verify(store.conn).ok


def test_reopening_a_current_database_changes_nothing(tmp_path):
    path = tmp_path / "b.db"
    Store(path).close()
    store = Store(path)
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_roster_from_before_the_search_index_is_searchable_after_the_upgrade(tmp_path):
    """Members written before pinyin order and the search index get both when the database
    is opened: need words find them, a phone's middle digits no longer do."""
    from branchdesk.store.migration_steps_scale import _roster_at_scale
    from branchdesk.store.migrations import MIGRATIONS

    path = tmp_path / "before.db"
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("BEGIN")
    migrate(raw, target=MIGRATIONS.index(_roster_at_scale))
    for name, phone, needs in (("王芳", "13812345678", '["recovery"]'),
                               ("安娜", "13900001111", '["profit"]')):
        raw.execute(
            "INSERT INTO members (name, phone, needs, tags, communities, extra, search_text,"
            " created_at, updated_at) VALUES (?, ?, ?, '[]', '[]', '{}', lower(? || ' ' || ?),"
            " '2025-01-01', '2025-01-01')", (name, phone, needs, name, phone))
    raw.execute("COMMIT")
    raw.close()
    store = Store(path)
    assert [m.name for m in roster.list_members(store)] == ["安娜", "王芳"]  # pinyin order
    assert [m.name for m in roster.list_members(store, MemberQuery(search="解套"))] == ["王芳"]
    assert roster.count_members(store, MemberQuery(search="5678")) == 1
    assert roster.count_members(store, MemberQuery(search="1234")) == 0  # masked digits
