from __future__ import annotations

import sqlite3

import pytest

from branchdesk.errors import UserError
from branchdesk.store import members
from branchdesk.store.database import Store
from branchdesk.store.migrations import SCHEMA_VERSION


def _row(name: str, account: str) -> dict:
    return members.to_db({"name": name, "account_no": account, "needs": [], "tags": [],
                          "communities": [], "extra": {}})


def test_open_sets_wal_foreign_keys_and_schema(store):
    conn = store.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_failed_action_leaves_nothing_behind(store):
    with pytest.raises(sqlite3.IntegrityError), store.transaction() as conn:
        members.insert_many(conn, [_row("王芳", "001")])
        members.insert_many(conn, [_row("李娜", "001")])  # same account: unique index
    assert members.total(store.conn) == 0


def test_nested_transaction_rolls_back_only_inner_part(store):
    with store.transaction() as conn:
        members.insert_many(conn, [_row("王芳", "001")])
        with pytest.raises(RuntimeError), store.transaction() as inner:
            members.insert_many(inner, [_row("李娜", "002")])
            raise RuntimeError("inner failure")
    assert store.conn.execute("SELECT name FROM members").fetchall() == [("王芳",)]


def test_second_writer_waits_instead_of_failing(tmp_path):
    first, second = Store(tmp_path / "b.db"), Store(tmp_path / "b.db")
    with first.transaction() as conn:
        members.insert_many(conn, [_row("王芳", "001")])
    # A read-then-write from another connection succeeds once the first commits.
    with second.transaction() as conn:
        assert members.total(conn) == 1
        members.insert_many(conn, [_row("李娜", "002")])
    assert members.total(first.conn) == 2


def test_folder_instead_of_file_is_a_clear_error(tmp_path):
    with pytest.raises(UserError) as caught:
        Store(tmp_path)
    assert str(tmp_path) in caught.value.message
    assert "folder" in caught.value.message


def test_database_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "new.db"
    Store(path).close()
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    raw.close()
    with pytest.raises(UserError) as caught:
        Store(path)
    assert "newer BranchDesk" in caught.value.message


def test_not_a_database_is_a_clear_error(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(UserError) as caught:
        Store(path)
    assert "is not a database file" in caught.value.message
    assert path.read_bytes() == b"this is not sqlite" * 100


def _index_sql(conn) -> list:
    return conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index'"
                        " AND tbl_name = 'members' ORDER BY name").fetchall()


def test_bulk_insert_builds_the_same_indexes_after(store, monkeypatch):
    monkeypatch.setattr(members, "BULK_LOAD_ROWS", 2)
    before = _index_sql(store.conn)
    with store.transaction() as conn, members.indexes_built_after(conn, 3):
        assert _index_sql(conn) == []  # dropped for the load
        members.insert_many(conn, [_row(f"客户{i}", f"00{i}") for i in range(3)])
    assert _index_sql(store.conn) == before
    assert members.total(store.conn) == 3


def test_bulk_insert_with_a_repeated_account_leaves_nothing_behind(store, monkeypatch):
    monkeypatch.setattr(members, "BULK_LOAD_ROWS", 2)
    before = _index_sql(store.conn)
    with pytest.raises(sqlite3.IntegrityError), store.transaction() as conn, \
            members.indexes_built_after(conn, 3):
        members.insert_many(conn, [_row("王芳", "001"), _row("李娜", "001"), _row("张三", "002")])
    assert members.total(store.conn) == 0
    assert _index_sql(store.conn) == before


def test_small_insert_into_a_bigger_table_keeps_the_indexes(store, monkeypatch):
    monkeypatch.setattr(members, "BULK_LOAD_ROWS", 1)
    with store.transaction() as conn:
        members.insert_many(conn, [_row(f"客户{i}", f"00{i}") for i in range(5)])
    before = _index_sql(store.conn)
    with store.transaction() as conn, members.indexes_built_after(conn, 2):
        assert _index_sql(conn) == before and len(before) >= 4
