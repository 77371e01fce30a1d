"""Someone with the file and a SQLite tool edits it behind BranchDesk's back: every way we
know of is caught by `audit verify`, and a cut or rehashed tail by `verify --head`.

Each test tampers with a copy of one realistic database (members imported and edited, an
import undone, messages through review, staff and a rule changed), holding the head a manager
wrote down before the tampering.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from reliability.kit import write_roster

from branchdesk.cli import main
from branchdesk.services import import_undo, importing, messages, roster, rules, staff
from branchdesk.services.demo import build_demo
from branchdesk.services.staff import Credentials
from branchdesk.store import audit
from branchdesk.store.database import Store


@pytest.fixture(scope="module")
def original(tmp_path_factory) -> tuple[Path, str]:
    """A database with a history, and the head written down at its end."""
    folder = tmp_path_factory.mktemp("tamper")
    path = folder / "branch.db"
    store = Store(path)
    build_demo(store, "李娜", members=600, seed=3)
    first = importing.import_roster(store, write_roster(folder / "a.xlsx", 40, start=0), "李娜")
    importing.import_roster(store, write_roster(folder / "b.xlsx", 30, start=20, seed=2), "李娜")
    import_undo.undo(store, first.batch_id + 1, "李娜")
    for member in roster.list_members(store, limit=5):
        roster.update_member(store, "王芳", member.id, {"notes": f"回访 {member.id}"})
    staff.init_branch(store, "周经理", "mgr-secret")
    staff.add_staff(store, Credentials("周经理", "mgr-secret"), "王合规", "reviewer", "rev-secret")
    draft = messages.save_draft(store, "王芳", "今天市场波动较大，请注意控制仓位。投资有风险。")
    messages.submit(store, "王芳", draft["id"])
    messages.approve(store, Credentials("王合规", "rev-secret"), draft["id"])
    rules.set_enabled(store, Credentials("王合规", "rev-secret"), rules.list_rules(store)[0]["id"], False)
    head = audit.head(store.conn).anchor
    store.close()
    return path, head


@pytest.fixture
def copy(original, tmp_path) -> tuple[Path, str]:
    path, head = original
    target = tmp_path / "branch.db"
    shutil.copy2(path, target)
    return target, head


def _sql(path: Path, *statements: str, drop_guards: bool = True) -> None:
    """What someone with the file and a SQLite tool could do: drop the guards and edit."""
    conn = sqlite3.connect(path)
    if drop_guards:
        for name in ("audit_log_no_update", "audit_log_no_delete", "audit_log_append_only",
                     "messages_frozen", "messages_kept"):
            conn.execute(f"DROP TRIGGER IF EXISTS {name}")
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


def _verify(path: Path, capsys, head: str | None = None) -> tuple[int, str]:
    args = ["--db", str(path), "--lang", "en", "audit", "verify"]
    if head:
        args += ["--head", head]
    code = main(args)
    return code, capsys.readouterr().out


def _rehash_from(path: Path, first_id: int) -> None:
    """Recompute every hash from `first_id` on, as a careful forger would."""
    conn = sqlite3.connect(path)
    for name in ("audit_log_no_update", "audit_log_no_delete", "audit_log_append_only"):
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")
    prev = conn.execute("SELECT hash FROM audit_log WHERE id = ?", (first_id - 1,)).fetchone()
    prev_hash = prev[0] if prev else audit.GENESIS
    rows = conn.execute("SELECT id, at, operator, action, entity, entity_id, before, after, state"
                        " FROM audit_log WHERE id >= ? ORDER BY id", (first_id,)).fetchall()
    for row_id, at, operator, action, entity, entity_id, before, after, state in rows:
        digest = audit.link_hash(prev_hash, at, operator, action, entity, entity_id, before,
                                 after, state)
        conn.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?",
                     (prev_hash, digest, row_id))
        prev_hash = digest
    conn.commit()
    conn.close()


def test_the_untouched_database_verifies_against_its_head(copy, capsys):
    path, head = copy
    code, out = _verify(path, capsys, head)
    assert code == 0, out
    assert "confirmed" in out and "Protections in place" in out and "tables match" in out


def test_an_edited_audit_row_breaks_the_chain(copy, capsys, tally):
    path, _ = copy
    _sql(path, "UPDATE audit_log SET operator = '别人' WHERE id = 3")
    code, out = _verify(path, capsys)
    tally["tamperings caught"] += 1
    assert code == 1 and "BROKEN at row 3" in out


def test_the_newest_rows_deleted_are_caught_by_the_head(copy, capsys, tally):
    path, head = copy
    last = int(head.split(":")[0])
    _sql(path, f"DELETE FROM audit_log WHERE id > {last - 3}")
    code, out = _verify(path, capsys, head)
    tally["tamperings caught"] += 1
    assert code == 1
    assert f"the log now ends at row {last - 3}, so rows {last - 2} to {last} are missing" in out


def test_every_row_deleted_is_caught_with_or_without_a_head(copy, capsys, tally):
    path, head = copy
    _sql(path, "DELETE FROM audit_log")
    code, out = _verify(path, capsys)
    assert code == 1 and "ADDED outside BranchDesk" in out  # rows the trail never recorded
    code, out = _verify(path, capsys, head)
    tally["tamperings caught"] += 1
    assert code == 1 and "is NOT in the log" in out


def test_a_rewritten_row_with_every_later_hash_recomputed_is_caught_by_the_head(copy, capsys, tally):
    path, head = copy
    _sql(path, "UPDATE audit_log SET operator = '张三' WHERE id = 5")
    _rehash_from(path, 5)
    code, out = _verify(path, capsys)
    assert "BROKEN" not in out  # the chain alone cannot see a careful forger …
    code, out = _verify(path, capsys, head)
    tally["tamperings caught"] += 1
    assert code == 1 and "does NOT match" in out  # … the head kept outside can


def test_a_rehashed_tail_that_hides_an_edit_is_caught(copy, capsys, tally):
    """Tail deleted and a forged tail of the same length written with fresh hashes."""
    path, head = copy
    last = int(head.split(":")[0])
    _sql(path, f"UPDATE audit_log SET after = '{{}}', state = NULL WHERE id >= {last - 1}")
    _rehash_from(path, last - 1)
    code, out = _verify(path, capsys, head)
    tally["tamperings caught"] += 1
    assert code == 1 and "does NOT match" in out


def test_a_forged_back_dated_row_is_caught(copy, capsys, tally):
    path, _ = copy
    conn = sqlite3.connect(path)
    last_id, last_hash = conn.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    conn.close()
    at = "2025-01-01T09:00:00.000000+00:00"
    after = json.dumps({"disabled": True})
    digest = audit.link_hash(last_hash, at, "周经理", "rule.disable", "rule", "guarantee.capital",
                             None, after)
    _sql(path, "INSERT INTO audit_log (id, at, operator, action, entity, entity_id, before, after,"
         f" prev_hash, hash) VALUES ({last_id + 1}, '{at}', '周经理', 'rule.disable', 'rule',"
         f" 'guarantee.capital', NULL, '{after}', '{last_hash}', '{digest}')")
    code, out = _verify(path, capsys)
    tally["tamperings caught"] += 1
    assert code == 1 and "earlier than the row before it" in out


def test_shifted_ids_are_caught(copy, capsys, tally):
    path, _ = copy
    _sql(path, "UPDATE audit_log SET id = id + 1000 WHERE id >= 4")
    code, out = _verify(path, capsys)
    tally["tamperings caught"] += 1
    assert code == 1 and "row 1004 comes where row 4 should be" in out


def test_a_row_forged_in_the_middle_is_refused_by_the_file_itself(copy):
    path, _ = copy
    with pytest.raises(sqlite3.IntegrityError, match="only appended"):
        _sql(path, "INSERT INTO audit_log (id, at, operator, action, entity, prev_hash, hash)"
             " VALUES (99999, 'x', 'x', 'x', 'x', 'x', 'x')", drop_guards=False)


def test_dropped_protections_are_reported_then_put_back_on_record(copy, capsys, tally):
    path, head = copy
    _sql(path, "SELECT 1")  # drops the guards, changes nothing else
    code, out = _verify(path, capsys, head)
    tally["tamperings caught"] += 1
    assert code == 1 and "protections are MISSING" in out and "audit_log_no_update" in out
    # The next write opens the database: the guards come back, on record, and the user hears it.
    assert main(["--db", str(path), "--lang", "en", "demo", "--members", "1"]) == 2  # not empty
    assert "were missing or altered" in capsys.readouterr().err
    code, out = _verify(path, capsys, head)
    assert code == 0, out
    assert "were put back" in out


def test_an_altered_protection_is_reported(copy, capsys, tally):
    path, _ = copy
    _sql(path, "DROP TRIGGER audit_log_no_delete",
         "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT 1; END",
         drop_guards=False)
    code, out = _verify(path, capsys)
    tally["tamperings caught"] += 1
    assert code == 1 and "audit_log_no_delete" in out


@pytest.mark.parametrize(("statement", "words"), [
    ("UPDATE members SET phone = '13900000000' WHERE id = 7",
     "Table members: rows with ids 1–255 were CHANGED"),
    ("UPDATE members SET total_assets = total_assets + 0.5 WHERE id = 300", "ids 256–511 were CHANGED"),
    ("DELETE FROM members WHERE id = 12", "ids 1–255 were CHANGED"),
    ("INSERT INTO members (id, name, created_at, updated_at) VALUES (5000, '幽灵', 'x', 'x')",
     "ids 4864–5119 were ADDED"),
    ("DELETE FROM members WHERE id >= 512", "ids 512–767 were REMOVED"),
    ("UPDATE messages SET status = 'draft' WHERE id = 1", "Table messages"),
    ("UPDATE staff SET role = 'manager' WHERE name = '王合规'", "Table staff"),
    ("DELETE FROM rule_changes", "Table rule_changes"),
    ("UPDATE import_changes SET before = '{}'", "Table import_changes"),
    ("UPDATE import_batches SET undone_at = NULL", "Table import_batches"),
])
def test_a_table_edited_directly_is_found(copy, capsys, tally, statement, words):
    path, head = copy
    _sql(path, statement)
    code, out = _verify(path, capsys, head)
    tally["tamperings caught"] += 1
    assert code == 1 and words in out, out
    assert "confirmed" in out  # the log itself is intact: it is the table that changed


def test_a_table_edit_is_still_found_after_later_actions(copy, capsys):
    """A later, honest action must not bless an edit made behind BranchDesk's back."""
    path, _ = copy
    _sql(path, "UPDATE members SET name = '改名' WHERE id = 9")
    store = Store(path)
    roster.update_member(store, "李娜", 9, {"notes": "之后的正常编辑"})
    roster.update_member(store, "李娜", 10, {"notes": "之后的正常编辑"})
    store.close()
    code, out = _verify(path, capsys)
    assert code == 1 and "ids 1–255 were CHANGED outside BranchDesk before the action of audit row" in out


def test_a_table_edit_is_still_found_after_a_reimport_that_changes_the_edited_rows(copy, capsys,
                                                                                   tmp_path):
    """A re-import reads the digests before its changes beside its writes (WAL): they are
    still the file's digests before the import, edit included, not the trail's."""
    path, _ = copy
    _sql(path, "UPDATE members SET branch = '外人改的' WHERE account_no = '880000000005'")
    store = Store(path)
    report = importing.import_roster(store, write_roster(tmp_path / "again.xlsx", 40, seed=7),
                                     "李娜")
    store.close()
    assert report.updated == 40
    code, out = _verify(path, capsys)
    assert code == 1 and "were CHANGED outside BranchDesk before the action of audit row" in out


def test_the_file_replaced_by_an_older_copy_is_caught_by_the_head(original, tmp_path, capsys, tally):
    path, _ = original
    older = tmp_path / "branch.db"
    shutil.copy2(path, older)
    store = Store(older)
    roster.update_member(store, "李娜", 3, {"notes": "新的编辑"})
    new_head = audit.head(store.conn).anchor
    store.close()
    shutil.copy2(path, older)  # the copy from before that edit put back over the file
    code, out = _verify(older, capsys, new_head)
    tally["tamperings caught"] += 1
    assert code == 1 and "is NOT in the log" in out


def test_a_head_that_is_not_one_is_a_clear_error(copy, capsys):
    path, _ = copy
    assert main(["--db", str(path), "--lang", "en", "audit", "verify", "--head", "12:xyz"]) == 2
    assert "is not a head" in capsys.readouterr().err
