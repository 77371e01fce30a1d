"""Audit rows keep no clear phone or account number: masked in the row, the clear value kept
aside (reading it is a reveal), the chain and the table digests still verifying."""

from __future__ import annotations

import json
import sqlite3

from branchdesk.member_fields import mask_account, mask_phone
from branchdesk.services import audit_trail, roster
from branchdesk.store import audit, audit_privacy
from branchdesk.store.database import Store
from branchdesk.store.migration_steps_scale import _audit_privacy
from branchdesk.store.migrations import MIGRATIONS, migrate


def _all_audit_text(conn) -> str:
    return " ".join(str(v) for row in conn.execute("SELECT before, after FROM audit_log")
                    for v in row)


def test_an_edit_of_phone_and_account_is_logged_masked_and_kept_aside(demo_store):
    member = roster.list_members(demo_store, limit=1)[0]
    roster.update_member(demo_store, "李娜", member.id,
                         {"phone": "13999998888", "account_no": "310077776666"})
    text = _all_audit_text(demo_store.conn)
    for number in (member.phone, member.account_no, "13999998888", "310077776666"):
        assert number not in text
    [entry] = [e for e in audit.entries_for(demo_store.conn, "member", member.id)
               if e["action"] == "member.update"]
    assert json.loads(entry["after"]) == {"phone": "139****8888", "account_no": "310*****6666"}
    [clear] = audit_privacy.with_clear(demo_store.conn, [entry])
    assert json.loads(clear["before"]) == {"phone": member.phone, "account_no": member.account_no}
    assert audit_trail.verify(demo_store).ok


def test_a_direct_edit_of_the_clear_values_is_found_by_verify(demo_store, tmp_path):
    member = roster.list_members(demo_store, limit=1)[0]
    roster.update_member(demo_store, "李娜", member.id, {"phone": "13999998888"})
    assert audit_trail.verify(demo_store).ok
    path = demo_store.path
    demo_store.close()
    raw = sqlite3.connect(path)
    raw.execute("UPDATE audit_private SET data = replace(data, '13999998888', '13900000000')")
    raw.commit()
    raw.close()
    again = Store(path)
    assert not audit_trail.verify(again).ok
    again.close()


def test_an_old_database_has_its_clear_numbers_moved_aside_with_the_chain_valid(tmp_path):
    """Rows written before the upgrade held clear numbers: the upgrade masks them, keeps the
    clear values aside and seals the rows in one audit.redact row; verify and an old head
    still pass."""
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    migrate(conn, target=MIGRATIONS.index(_audit_privacy))
    conn.execute("COMMIT")
    conn.execute("BEGIN")
    audit.append(conn, operator="李娜", action="member.update", entity="member", entity_id=1,
                 before={"phone": "13812345678", "notes": "a"},
                 after={"phone": "13999998888", "account_no": "310077776666"})
    conn.execute("COMMIT")
    old_head = audit.head(conn)
    conn.close()
    store = Store(path)  # the upgrade runs
    assert "13812345678" not in _all_audit_text(store.conn)
    assert "310077776666" not in _all_audit_text(store.conn)
    [row] = audit.entries_where(store.conn, "action = 'member.update'", ())
    assert json.loads(row["before"]) == {"phone": mask_phone("13812345678"), "notes": "a"}
    assert json.loads(row["after"])["account_no"] == mask_account("310077776666")
    [clear] = audit_privacy.with_clear(store.conn, [row])
    assert json.loads(clear["after"])["phone"] == "13999998888"
    assert [e["action"] for e in audit.entries_where(store.conn, "action = 'audit.redact'", ())]
    assert audit_trail.verify(store).ok
    assert audit_trail.verify(store, old_head).ok
    store.close()
    # A redacted row edited afterwards is still caught.
    raw = sqlite3.connect(path)
    raw.execute("DROP TRIGGER audit_log_no_update")
    raw.execute("UPDATE audit_log SET before = '{\"notes\": \"b\"}' WHERE action = 'member.update'")
    raw.commit()
    raw.close()
    store = Store(path)
    result = audit_trail.verify(store)
    assert not result.ok
    store.close()


def test_a_revealed_listing_logs_its_search_numbers_masked(demo_store):
    from branchdesk.models import MemberQuery
    from branchdesk.services import roster_listing

    member = roster.list_members(demo_store, limit=1)[0]
    roster_listing.record_reveal(demo_store, "李娜", 1, MemberQuery(search=member.phone))
    assert member.phone not in _all_audit_text(demo_store.conn)
