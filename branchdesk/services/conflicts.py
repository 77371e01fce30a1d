"""Two people editing one member: the second save is refused with who changed it first.

Each member row carries a version that every write raises (store/members.py). An editor
remembers the version it read; saving with an older one means someone else saved meanwhile,
and writing anyway would silently throw their change away.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

from branchdesk.errors import UserError
from branchdesk.store import audit


def edit_conflict(conn: sqlite3.Connection, row: dict[str, Any]) -> UserError:
    """The error for an edit of `row` (the member as stored now) made on an older read."""
    latest = audit.entries_for(conn, "member", row["id"], limit=1)
    if latest:
        try:
            when = datetime.fromisoformat(latest[0]["at"]).astimezone().strftime("%Y-%m-%d %H:%M")
        except ValueError:
            when = latest[0]["at"]
        return UserError("conflicts.member_changed", name=row["name"], by=latest[0]["operator"],
                         at=when)
    return UserError("conflicts.member_changed_unknown", name=row["name"])
