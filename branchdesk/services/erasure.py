"""Erasing a member's personal data on a verified request (个人信息保护法 §47), keeping the
record a securities business must keep (证券法 §137).

What goes: the member's personal fields (member_fields.PERSONAL_FIELDS: name, phone, account
number, birthday, tags, notes, the extra columns of an import) from the roster, from the
import snapshots an undo would put back, and from every audit row about the member (their
values read 〔已删除 erased〕; the clear numbers kept aside are deleted); the free text staff
wrote about the member (ERASED_TEXT: the notes of the contact log, the follow-up and its
reason), in the tables and in the audit rows that hold it. What stays: the member as an
anonymous row with the same id, so activities, attendance, complaints and messages stay
counted; the records the law requires a broker to keep (KEPT_RECORDS: complaints, the reason
a member was let into an event beyond their risk level), stored and no longer shown with a
name (个人信息保护法 §47(2)); the audit trail whole — the changed rows are sealed by the
erasure's own audit row (store/audit_privacy.py), which records who asked, who approved and
why, so `audit verify` and a head kept outside still pass and a later edit still shows.

One action: one transaction, one approval (a reviewer's or manager's password).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from branchdesk import datetimes
from branchdesk.errors import UserError
from branchdesk.member_fields import BY_NAME, PERSONAL_FIELDS
from branchdesk.services.staff import Credentials, authenticate
from branchdesk.store import activities as activity_rows
from branchdesk.store import audit, audit_privacy, erased, erasing
from branchdesk.store import followups as follow_rows
from branchdesk.store import members as member_rows
from branchdesk.store.database import Store
from branchdesk.store.erased import ERASE_ACTION

# What an erased field holds: the name (which cannot be empty) reads as erased, lists and
# the extra columns empty, anything else unknown.
_ERASED: dict[str, Any] = {"name": audit_privacy.REDACTED, "tags": "[]", "extra": "{}"}

# Free text staff wrote about one member, outside the member's row, that erasure removes:
# table → its text columns (the contact log's notes are emptied, the rows and their counts
# stay; a follow-up — a plan to contact the person — goes whole). In the member's audit rows
# the same texts sit under these keys (activity.add, follow_up.set/clear), at any depth.
ERASED_TEXT: dict[str, tuple[str, ...]] = {"activities": ("note",), "follow_ups": ("reason",)}
_ERASED_KEYS = ("note", "reason")
# Records about a member the law requires to be kept (证券法 §137, 20 years; 证券期货投资者
# 适当性管理办法 §32, 20 years): kept as they are — stored, protected, not erased
# (个人信息保护法 §47(2)); with the member's row anonymous they no longer name the person.
# Audit rows of a listing or an invitation keep the search that chose its members: a search
# that typed the member's name is redacted too.
SEARCH_ACTIONS = ("members.reveal_phones", "event.invite")
KEPT_RECORDS: dict[str, tuple[str, ...]] = {
    "complaints": ("summary", "response", "resolution"),
    "registrations": ("unsuitable_reason",)}


@dataclass(frozen=True)
class Erasure:
    member_id: int
    audit_rows: int    # audit rows redacted (and sealed)
    snapshots: int     # import snapshots cleared
    audit_id: int      # the erasure's own audit row
    notes: int = 0     # contact-log notes emptied
    follow_up: bool = False  # a follow-up removed


def refuse_if_erased(conn, member_id: int) -> None:
    """A member is erased once: a second request writes nothing and says when it was done."""
    when = erased.erased_at(conn, member_id)
    if when is not None:
        raise UserError("erasure.already_erased", member=member_id,
                        day=datetimes.from_stored(when).date().isoformat())


def erase_member(store: Store, operator: str, member_id: int, approver: Credentials,
                 reason: str) -> Erasure:
    """Remove the member's personal data; UserError (nothing changed) for an unknown or an
    already erased member, a missing reason or an approver who is not a reviewer or manager."""
    reason = " ".join(reason.split())
    if not reason:
        raise UserError("erasure.reason_needed")
    if member_rows.get(store.conn, member_id) is None:
        raise UserError("erasure.no_such_member", member=member_id)
    refuse_if_erased(store.conn, member_id)
    person = authenticate(store, approver, role="reviewer")  # before the write lock: ~50 ms
    with erasing.secure_delete(store.conn):
        done = _erase(store, operator, member_id, person["name"], reason)
    erasing.checkpoint(store.conn)  # the erased text out of the write-ahead log too
    return done


def _erase(store: Store, operator: str, member_id: int, approver: str, reason: str) -> Erasure:
    with store.transaction() as conn:
        if member_rows.get(conn, member_id) is None:  # removed meanwhile (an undone import)
            raise UserError("erasure.no_such_member", member=member_id)
        refuse_if_erased(conn, member_id)  # or erased meanwhile by someone else
        emptied = {name: _ERASED.get(name) for name in PERSONAL_FIELDS}
        row = {c: v for c, v in member_rows.raw_rows_where(conn, "id = ?", (member_id,))[0].items()
               if c in member_rows.DATA_COLUMNS}
        member_rows.update_many(conn, [{**row, **emptied, "id": member_id}])
        snapshots = _clear_snapshots(conn, member_id)
        notes, follow_up = _clear_free_text(conn, member_id)
        erasing.purge_search_index(conn)  # the old name's words out of the index
        changes: dict[int, tuple[str | None, str | None]] = {}
        names = {row["name"]}  # every name the member had: searches for them are redacted
        marks = ", ".join("?" * len(audit_privacy.SEALING_ACTIONS))
        for audit_id, before, after in conn.execute(
                "SELECT id, before, after FROM audit_log WHERE entity = 'member'"
                f" AND entity_id = ? AND action NOT IN ({marks}) ORDER BY id",
                (str(member_id), *audit_privacy.SEALING_ACTIONS)):
            names |= _names_in(before) | _names_in(after)
            new = (_redacted(before), _redacted(after))
            if new != (before, after):
                changes[audit_id] = new
        names = {n for n in names if isinstance(n, str) and n.strip() and n != audit_privacy.REDACTED}
        for audit_id, before, after in erasing.rows_mentioning(conn, SEARCH_ACTIONS, names):
            new_after = _search_redacted(after, names)
            if new_after != after:
                changes[audit_id] = (before, new_after)
        private = [r[0] for r in conn.execute(
            "SELECT p.audit_id FROM audit_private AS p JOIN audit_log AS a ON a.id = p.audit_id"
            " WHERE a.entity = 'member' AND a.entity_id = ?", (str(member_id),))]
        for start in range(0, len(private), 500):
            chunk = private[start:start + 500]
            conn.execute(f"DELETE FROM audit_private WHERE audit_id IN ({', '.join('?' * len(chunk))})",
                         chunk)
        sealed = audit_privacy.redact_rows(conn, changes)
        audit_id = audit.append(
            conn, operator=operator, action=ERASE_ACTION, entity="member", entity_id=member_id,
            after={"approved_by": approver, "reason": reason,
                   "fields": list(PERSONAL_FIELDS), "redacted_rows": len(sealed),
                   "kept_aside_removed": len(private), "import_snapshots": snapshots,
                   "notes_emptied": notes, "follow_up_removed": follow_up,
                   "sealed": sealed})
    return Erasure(member_id, len(sealed), snapshots, audit_id, notes, follow_up)


def _names_in(text: str | None) -> set[str]:
    try:
        value = json.loads(text) if text else None
    except ValueError:
        return set()
    return {value["name"]} if isinstance(value, dict) and isinstance(value.get("name"), str) \
        else set()


def _search_redacted(text: str | None, names: set[str]) -> str | None:
    """A listing's audit row whose search typed one of the member's names: that search
    reads as erased (the rest of the query, and the masked numbers, stay)."""
    try:
        value = json.loads(text) if text else None
    except ValueError:
        return text
    query = value.get("query") if isinstance(value, dict) else None
    search = query.get("search") if isinstance(query, dict) else None
    if not isinstance(search, str) or not any(name in search for name in names):
        return text
    return audit_privacy.encode_payload({**value, "query": {**query,
                                                            "search": audit_privacy.REDACTED}})


def _redacted(text: str | None) -> str | None:
    """An audit payload of the member with their personal fields and the free text about
    them (a note, a reason: nested too, as in a contact that moved a follow-up) erased."""
    text = audit_privacy.redact_payload(text, PERSONAL_FIELDS)
    if not text or not any(f'"{key}"' in text for key in _ERASED_KEYS):
        return text
    try:
        value = json.loads(text)
    except ValueError:
        return text
    cleaned = _without_text(value)
    return text if cleaned == value else audit_privacy.encode_payload(cleaned)


def _without_text(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: (audit_privacy.REDACTED if k in _ERASED_KEYS and v not in (None, "")
                    else _without_text(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_text(v) for v in value]
    return value


def _clear_free_text(conn, member_id: int) -> tuple[int, bool]:
    """ERASED_TEXT: the contact log's notes about the member emptied (how many), their
    follow-up removed (whether there was one)."""
    return activity_rows.clear_notes(conn, member_id), follow_rows.delete(conn, member_id)


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
