"""Which rows a member's trail holds: also those that name the member inside their values."""

from __future__ import annotations

from branchdesk.store import audit, audit_scopes
from branchdesk.store.database import Store


def test_a_members_trail_holds_the_event_edits_that_moved_them_up_and_the_close_that_missed_them(
        tmp_path):
    store = Store(tmp_path / "b.db")
    try:
        with store.transaction() as conn:
            audit.append(conn, operator="李娜", action="event.update", entity="event",
                         entity_id=3, after={"capacity": 40, "promoted": [7, 8]})
            audit.append(conn, operator="李娜", action="event.close", entity="event",
                         entity_id=3, after={"no_show": [5]})
        actions = {member: [e["action"] for e in audit_scopes.about_member(store.conn, member)]
                   for member in (5, 7, 9)}
        assert actions == {5: ["event.close"], 7: ["event.update"], 9: []}
    finally:
        store.close()
