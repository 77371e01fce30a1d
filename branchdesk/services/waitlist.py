"""The waitlist moves by itself: when a seat frees up, the first waitlisted member who suits
the event takes it. Called inside the transaction of the change that freed the seat."""

from __future__ import annotations

import sqlite3
from typing import Any

from branchdesk.enums import product_suits
from branchdesk.event_types import SEATED, RegistrationState
from branchdesk.store import events as event_rows
from branchdesk.store import registrations as registration_rows
from branchdesk.store.database import Store
from branchdesk.store.members import now_text


def suits(row: dict[str, Any], product_risk: str | None) -> bool:
    """A member suits an event that presents a product when their risk level allows it, or
    when staff included them with a recorded reason."""
    return bool(row.get("unsuitable_reason")) or product_suits(row.get("risk_level"), product_risk)


def promote(conn: sqlite3.Connection, event: dict[str, Any]) -> list[dict[str, Any]]:
    """Fill free seats from the waitlist in its order, skipping members who do not suit the
    event (they keep their place). Returns the members moved up."""
    capacity = event["capacity"]
    seated = registration_rows.count_in(conn, event["id"], [s.value for s in SEATED])
    moved: list[dict[str, Any]] = []
    if capacity is not None and seated >= capacity:
        return moved
    stamp = now_text()
    for row in registration_rows.listed(conn, event["id"], [RegistrationState.WAITLISTED.value]):
        if capacity is not None and seated >= capacity:
            break
        if not suits(row, event["product_risk"]):
            continue
        registration_rows.update(conn, event["id"], row["member_id"],
                                 state=RegistrationState.REGISTERED.value, waitlist_position=None,
                                 promoted_at=stamp)
        moved.append(row)
        seated += 1
    return moved


def next_up(store: Store, event_id: int) -> dict[str, Any] | None:
    """Who would take the seat a seated member frees now: the first waitlisted member who
    suits the event (whom `promote` would move up), or None — also when the event stays full
    without that seat (its capacity lowered below the members seated)."""
    event = event_rows.get(store.conn, event_id) or {}
    capacity = event.get("capacity")
    seated = registration_rows.count_in(store.conn, event_id, [s.value for s in SEATED])
    if capacity is not None and seated - 1 >= capacity:
        return None
    for row in registration_rows.listed(store.conn, event_id,
                                        [RegistrationState.WAITLISTED.value]):
        if suits(row, event.get("product_risk")):
            return row
    return None
