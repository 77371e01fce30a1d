"""Erasing a member's personal data on a verified request (个人信息保护法 §47), keeping the
record a securities business must keep (证券法 §137).

What goes: the member's personal fields (member_fields.PERSONAL_FIELDS: name, phone, account
number, birthday, tags, notes, the extra columns of an import) from the roster, from the
import snapshots an undo would put back, and from every audit row about the member (their
values read 〔已删除 erased〕; the clear numbers kept aside are deleted). What stays: the
member as an anonymous row with the same id, so activities, attendance, complaints and
messages stay counted; the audit trail whole — the changed rows are sealed by the erasure's
own audit row (store/audit_privacy.py), which records who asked, who approved and why, so
`audit verify` and a head kept outside still pass and a later edit still shows.

One action: one transaction, one approval (a reviewer's or manager's password).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from branchdesk.errors import UserError
from branchdesk.member_fields import BY_NAME, PERSONAL_FIELDS
from branchdesk.services.staff import Credentials, authenticate
from branchdesk.store import audit, audit_privacy
from branchdesk.store import members as member_rows
from branchdesk.store.database import Store

# What an erased field holds: the name (which cannot be empty) reads as erased, lists and
# the extra columns empty, anything else unknown.
_ERASED: dict[str, Any] = {"name": audit_privacy.REDACTED, "tags": "[]", "extra": "{}"}


@dataclass(frozen=True)
class Erasure:
    member_id: int
    audit_rows: int    # audit rows redacted (and sealed)
    snapshots: int     # import snapshots cleared
    audit_id: int      # the erasure's own audit row


def erase_member(store: Store, operator: str, member_id: int, approver: Credentials,
                 reason: str) -> Erasure:
    """Remove the member's personal data; UserError (nothing changed) for an unknown member,
    a missing reason or an approver who is not a reviewer or manager."""
    reason = " ".join(reason.split())
    if not reason:
        raise UserError("erasure.reason_needed")
    if member_rows.get(store.conn, member_id) is None:
        raise UserError("erasure.no_such_member", member=member_id)
    person = authenticate(store, approver, role="reviewer")  # before the write lock: ~50 ms
    with store.transaction() as conn:
        if member_rows.get(conn, member_id) is None:  # removed meanwhile (an undone import)
            raise UserError("erasure.no_such_member", member=member_id)
        erased = {name: _ERASED.get(name) for name in PERSONAL_FIELDS}
        row = {c: v for c, v in member_rows.raw_rows_where(conn, "id = ?", (member_id,))[0].items()
               if c in member_rows.DATA_COLUMNS}
        member_rows.update_many(conn, [{**row, **erased, "id": member_id}])
        snapshots = _clear_snapshots(conn, member_id)
        changes: dict[int, tuple[str | None, str | None]] = {}
        for audit_id, before, after in conn.execute(
                "SELECT id, before, after FROM audit_log WHERE entity = 'member'"
                " AND entity_id = ? ORDER BY id", (str(member_id),)):
            new = (audit_privacy.redact_payload(before, PERSONAL_FIELDS),
                   audit_privacy.redact_payload(after, PERSONAL_FIELDS))
            if new != (before, after):
                changes[audit_id] = new
        private = [r[0] for r in conn.execute(
            "SELECT p.audit_id FROM audit_private AS p JOIN audit_log AS a ON a.id = p.audit_id"
            " WHERE a.entity = 'member' AND a.entity_id = ?", (str(member_id),))]
        for start in range(0, len(private), 500):
            chunk = private[start:start + 500]
            conn.execute(f"DELETE FROM audit_private WHERE audit_id IN ({', '.join('?' * len(chunk))})",
                         chunk)
        sealed = audit_privacy.redact_rows(conn, changes)
        audit_id = audit.append(
            conn, operator=operator, action="member.erase", entity="member", entity_id=member_id,
            after={"approved_by": person["name"], "reason": reason,
                   "fields": list(PERSONAL_FIELDS), "redacted_rows": len(sealed),
                   "kept_aside_removed": len(private), "import_snapshots": snapshots,
                   "sealed": sealed})
    return Erasure(member_id, len(sealed), snapshots, audit_id)


def _clear_snapshots(conn, member_id: int) -> int:
    """The member's values an import noted to undo itself: personal fields cleared (an undo
    then puts back an anonymous row)."""
    count = 0
    for batch_id, before in conn.execute(
            "SELECT batch_id, before FROM import_changes WHERE member_id = ?", (member_id,)
    ).fetchall():
        try:
            values = json.loads(before)
        except ValueError:
            continue
        if not isinstance(values, dict):
            continue
        cleared = {k: (_ERASED.get(k) if k in BY_NAME and BY_NAME[k].personal else v)
                   for k, v in values.items()}
        conn.execute("UPDATE import_changes SET before = ? WHERE batch_id = ? AND member_id = ?",
                     (json.dumps(cleared, ensure_ascii=False), batch_id, member_id))
        count += 1
    return count
