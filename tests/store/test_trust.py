"""Opening, anchoring and the trail, service by service (the reliability suite attacks them;
these pin down what each promises)."""

from __future__ import annotations

import json
import sqlite3

import openpyxl
import pytest

from branchdesk.errors import UserError
from branchdesk.member_fields import mask_account, mask_phone
from branchdesk.services import audit_trail, import_undo, importing, roster
from branchdesk.services.demo import build_demo
from branchdesk.store import audit, audit_privacy, integrity, protections
from branchdesk.store.database import Store
from branchdesk.store.migration_steps_scale import _v5_trust
from branchdesk.store.migrations import MIGRATIONS, migrate


def test_an_empty_file_is_refused_and_left_empty(tmp_path):
    path = tmp_path / "empty.db"
    path.write_bytes(b"")
    with pytest.raises(UserError) as caught:
        Store(path)
    assert caught.value.key == "opening.empty_file"
    assert path.read_bytes() == b""


def test_another_programs_sqlite_file_is_refused_and_not_written(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (x)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    for read_only in (False, True):
        with pytest.raises(UserError) as caught:
            Store(path, read_only=read_only)
        assert caught.value.key == "opening.foreign"
    assert path.read_bytes() == before


def test_a_new_database_appears_whole_or_not_at_all(tmp_path):
    path = tmp_path / "new.db"
    Store(path).close()
    assert not [p for p in tmp_path.iterdir() if ".new-" in p.name]  # no scratch left
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == 0x42444B31
    conn.close()


def test_a_read_only_store_takes_no_lock_and_refuses_writes(tmp_path):
    path = tmp_path / "b.db"
    store = Store(path)
    build_demo(store, "李娜", members=5, seed=1)
    writer = sqlite3.connect(path)
    writer.execute("BEGIN IMMEDIATE")  # a long writer elsewhere
    reader = Store(path, read_only=True)
    assert roster.total_members(reader) == 5
    with pytest.raises(UserError) as caught, reader.transaction():
        pass
    assert caught.value.key == "opening.opened_read_only"
    writer.rollback()
    writer.close()
    reader.close()
    store.close()


def test_the_previous_schema_upgrades_with_a_baseline_that_verifies(tmp_path):
    path = tmp_path / "old.db"
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("BEGIN")
    migrate(raw, target=MIGRATIONS.index(_v5_trust))
    raw.execute("INSERT INTO members (name, created_at, updated_at) VALUES ('王芳', 'x', 'x')")
    raw.execute("COMMIT")
    raw.close()
    store = Store(path)
    [row] = audit.entries_where(store.conn, "action = 'schema.upgrade'", ())
    assert json.loads(row["after"])["tables_matched_trail"] is True
    assert audit_trail.verify(store).ok
    roster.update_member(store, "李娜", 1, {"notes": "升级后"})
    assert audit_trail.verify(store).ok
    store.close()


def test_missing_protections_come_back_on_record(tmp_path):
    path = tmp_path / "b.db"
    Store(path).close()
    raw = sqlite3.connect(path)
    raw.execute("DROP TRIGGER audit_log_no_delete")
    raw.commit()
    raw.close()
    assert protections.problems(Store(path, read_only=True).conn) == (["audit_log_no_delete"], [])
    store = Store(path)
    assert [w.key for w in store.warnings] == ["opening.protections_restored"]
    assert protections.problems(store.conn) == ([], [])
    [row] = audit.entries_where(store.conn, "action = 'audit.protections_restored'", ())
    assert json.loads(row["after"])["missing"] == ["audit_log_no_delete"]
    store.close()


def test_head_and_anchor(tmp_path):
    store = Store(tmp_path / "b.db")
    build_demo(store, "李娜", members=5, seed=1)
    head = audit_trail.head(store)
    assert head.seq == 1 and len(head.hash) == 64
    assert audit_trail.parse_anchor(head.anchor) == audit.Head(head.seq, head.hash)
    roster.update_member(store, "李娜", 2, {"notes": "之后"})
    assert audit_trail.verify(store, head).ok  # the log still extends the older head
    with pytest.raises(UserError):
        audit_trail.parse_anchor("1:abc")
    store.close()


def test_times_never_go_backwards_even_if_the_clock_does(tmp_path, monkeypatch):
    store = Store(tmp_path / "b.db")
    build_demo(store, "李娜", members=3, seed=1)

    class Past:
        @staticmethod
        def now(tz=None):
            from datetime import datetime

            return datetime(2020, 1, 1, tzinfo=tz)

    monkeypatch.setattr(audit, "datetime", Past)
    roster.update_member(store, "李娜", 1, {"notes": "时钟被调回"})
    assert audit.verify(store.conn).ok
    store.close()


def test_undo_keeps_what_it_removes_in_the_trail(tmp_path):
    store = Store(tmp_path / "b.db")
    book = openpyxl.Workbook()
    book.active.append(["客户姓名", "手机号码", "资金账号", "备注"])
    book.active.append(["王芳", "13812345678", "000123", "老客户"])
    book.active.append(["李娜", "13900001111", "000456", ""])
    book.save(tmp_path / "a.xlsx")
    report = importing.import_roster(store, tmp_path / "a.xlsx", "李娜")
    removed = {m.id: m for m in roster.list_members(store)}
    import_undo.undo(store, report.batch_id, "周经理")
    assert roster.total_members(store) == 0
    entries = audit.entries_where(store.conn, "action = 'member.remove'", ())
    assert {int(e["entity_id"]) for e in entries} == set(removed)
    shown = {int(e["entity_id"]): json.loads(e["before"]) for e in entries}
    images = {int(e["entity_id"]): json.loads(e["before"])
              for e in audit_privacy.with_clear(store.conn, entries)}
    for member_id, member in removed.items():  # every stored value: the records can be rebuilt
        assert images[member_id]["name"] == member.name
        assert images[member_id]["account_no"] == member.account_no
        assert images[member_id]["phone"] == member.phone
        # ... while the log's own rows hold the numbers masked (reading them is a reveal)
        assert shown[member_id]["phone"] == mask_phone(member.phone)
        assert shown[member_id]["account_no"] == mask_account(member.account_no)
    assert audit_trail.verify(store).ok
    store.close()


def test_the_trail_of_a_member_includes_the_imports_that_touched_it(tmp_path):
    store = Store(tmp_path / "b.db")
    book = openpyxl.Workbook()
    book.active.append(["客户姓名", "资金账号"])
    book.active.append(["王芳", "000123"])
    book.save(tmp_path / "a.xlsx")
    importing.import_roster(store, tmp_path / "a.xlsx", "李娜")
    roster.update_member(store, "周经理", 1, {"notes": "核实过"})
    found = audit_trail.entries(store, audit_trail.Scope("member", member_id=1))
    assert [e["action"] for e in found] == ["import.roster", "member.update"]
    lines = audit_trail.change_lines(found[-1])
    assert any("核实过" in line for line in lines)
    store.close()


def test_a_scope_is_typed_the_way_people_say_it():
    assert audit_trail.parse_scope("member 12").member_id == 12
    assert audit_trail.parse_scope("消息 3").message_id == 3
    dates = audit_trail.parse_scope("2026-11-30 2026-11-01")
    assert (str(dates.start), str(dates.end)) == ("2026-11-01", "2026-11-30")
    with pytest.raises(UserError):
        audit_trail.parse_scope("yesterday-ish")


def test_an_import_records_each_new_bucket_once(tmp_path):
    store = Store(tmp_path / "b.db")
    build_demo(store, "李娜", members=600, seed=1)
    [row] = audit.entries_where(store.conn, "action = 'demo.build'", ())
    state = json.loads(store.conn.execute("SELECT state FROM audit_log WHERE id = ?",
                                          (row["id"],)).fetchone()[0])
    assert sorted(state["members"]) == ["0", "1", "2"]  # 600 rows: three buckets of 256
    assert all(before is None for before, _ in state["members"].values())
    assert integrity.compare(store.conn) == []
    store.close()


def test_phones_stay_masked_in_the_trail(tmp_path):
    store = Store(tmp_path / "b.db")
    build_demo(store, "李娜", members=3, seed=1)
    old = roster.get_member(store, 1).phone
    roster.update_member(store, "李娜", 1, {"phone": "13900001111"})
    [entry] = audit_trail.entries(store, audit_trail.Scope("member", member_id=1))
    text = " ".join(audit_trail.change_lines(entry))
    assert "13900001111" not in text and old not in text and "139****1111" in text
    store.close()
