"""Roster import, undone: a batch's members removed or given their old values back, and the
list of batches to choose from."""

from __future__ import annotations

from typing import Any

from branchdesk.errors import UserError
from branchdesk.store import activities as activity_rows
from branchdesk.store import audit, batches, before_images
from branchdesk.store import members as member_rows
from branchdesk.store.database import Store


def undo(store: Store, batch_id: int, operator: str, *, force: bool = False) -> dict[str, int]:
    """Restore the state before a batch: remove the members it created, give the members it
    updated their old values back. Refused when a later batch touched the same members, and
    (unless `force`) when members were edited since, since undo would lose those edits."""
    with store.transaction() as conn:
        batch = batches.get(conn, batch_id)
        if batch is None:
            raise UserError("importing.no_such_batch", id=batch_id)
        if batch["undone_at"]:
            raise UserError("importing.already_undone", id=batch_id, at=batch["undone_at"])
        later = batches.later_overlapping(conn, batch_id)
        if later:
            raise UserError("importing.undo_later_first", id=batch_id,
                            later=", ".join(str(b) for b in later))
        created, before_rows = batches.changes(conn, batch_id)
        linked = activity_rows.members_with_records(conn, created)
        if linked:  # activities, follow-ups and complaints are never dropped with the member
            raise UserError("engagement.undo_has_records", id=batch_id, count=linked)
        edited = batches.edited_since(conn, batch_id, created + [r["id"] for r in before_rows])
        if edited and not force:
            raise UserError("importing.edited_since", id=batch_id, count=edited)
        # Each member removed or overwritten goes into the trail first, whole (before_images).
        entries = before_images.undo_entries(conn, batch_id, created, before_rows)
        member_rows.delete_many(conn, created)
        member_rows.restore_many(conn, before_rows)
        activity_rows.restore_last_activity(conn, [r["id"] for r in before_rows])
        batches.mark_undone(conn, batch_id)
        result = {"removed": len(created), "restored": len(before_rows), "edits_lost": edited}
        audit.append_many(conn, operator, [*entries, audit.Entry(
            "import.undo", "import_batch", batch_id, after=result)])
    return result


def list_batches(store: Store, limit: int = 50) -> list[dict[str, Any]]:
    return batches.recent(store.conn, limit)
