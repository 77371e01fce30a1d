from __future__ import annotations

import sqlite3

import pytest

from branchdesk.cli import main
from branchdesk.store import audit


def _actions(store, count: int) -> None:
    for number in range(count):
        with store.transaction() as conn:
            audit.append(conn, operator="李娜", action="test.action", entity="member",
                         entity_id=number, before={"n": number}, after={"n": number + 1})


def _tamper(path, sql: str) -> None:
    """What someone with the file and a SQLite tool could do: drop the guard and edit."""
    raw = sqlite3.connect(path)
    raw.execute("DROP TRIGGER audit_log_no_update")
    raw.execute("DROP TRIGGER audit_log_no_delete")
    raw.execute(sql)
    raw.commit()
    raw.close()


def test_chain_verifies_and_reports_count_and_head(store, capsys):
    _actions(store, 5)
    report = audit.verify(store.conn)
    assert report.ok and report.verified == 5
    assert main(["--db", str(store.path), "audit", "verify"]) == 0
    out = capsys.readouterr().out
    assert "5 rows verified" in out and report.head in out


def test_the_app_cannot_edit_or_delete_audit_rows(store):
    _actions(store, 1)
    with pytest.raises(sqlite3.IntegrityError, match="cannot be changed"):
        store.conn.execute("UPDATE audit_log SET operator = 'x'")
    with pytest.raises(sqlite3.IntegrityError, match="cannot be changed"):
        store.conn.execute("DELETE FROM audit_log")


def test_an_edited_row_breaks_the_chain_at_that_row(store, capsys):
    _actions(store, 5)
    store.close()
    _tamper(store.path, "UPDATE audit_log SET after = '{\"n\": 99}' WHERE id = 3")
    assert main(["--db", str(store.path), "audit", "verify"]) == 1
    out = capsys.readouterr().out
    assert "BROKEN at row 3" in out and "2 rows before it verified" in out


def test_a_deleted_row_breaks_the_chain(store):
    _actions(store, 5)
    store.close()
    _tamper(store.path, "DELETE FROM audit_log WHERE id = 2")
    report = audit.verify(sqlite3.connect(store.path))
    assert not report.ok and report.broken_at == 3


def test_audit_rows_need_a_transaction(store):
    with pytest.raises(RuntimeError):
        audit.append(store.conn, operator="x", action="a", entity="e")
