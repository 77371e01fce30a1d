"""A branch from before the weekly review's time indexes: opened by this version, it gains
them (one `schema.upgrade` audit row) and its review shows the same figures."""

from __future__ import annotations

from weekly_review_support import TODAY, ZONE, build_branch

from branchdesk.services.iso_week import IsoWeek
from branchdesk.services.weekly_review import ReviewSettings, compute_review
from branchdesk.store.database import Store
from branchdesk.store.migration_steps_scale import _weekly_review_ranges
from branchdesk.store.migrations import MIGRATIONS, SCHEMA_VERSION

INDEXES = ("messages_created", "messages_reviewed", "messages_sent", "audit_log_action_at")


def _review(store: Store) -> dict:
    figures = compute_review(store, IsoWeek(2026, 49), ReviewSettings(dormant_days=30, tz=ZONE),
                             today=TODAY).to_json()
    figures.pop("audit_head")  # the upgrade writes its audit row
    return figures


def _indexes(store: Store) -> set[str]:
    return {row[0] for row in store.conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index'")}


def test_a_branch_from_before_the_time_indexes_upgrades_with_the_same_review(
        tmp_path, monkeypatch):
    path = tmp_path / "branch.db"
    store = Store(path)
    build_branch(store, monkeypatch)
    expected = _review(store)
    assert set(INDEXES) <= _indexes(store)
    # The schema as the version before shipped it: the migration only adds these indexes.
    with store.transaction() as conn:
        for name in INDEXES:
            conn.execute(f"DROP INDEX {name}")
    store.conn.execute(f"PRAGMA user_version = {MIGRATIONS.index(_weekly_review_ranges)}")
    store.close()

    upgraded = Store(path)
    try:
        assert upgraded.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert set(INDEXES) <= _indexes(upgraded)
        assert _review(upgraded) == expected
    finally:
        upgraded.close()
