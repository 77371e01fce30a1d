"""Roster import, the plan: the staged rows (import_prepare.py) compared with the database —
which members to create, update or leave alone, which rows repeat a member or cannot say
which member they mean. SQLite settles the plain rows (store/staging_match.py); the rest are
judged here one record at a time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from branchdesk.gc_pause import gc_paused
from branchdesk.i18n import t
from branchdesk.importers.headers import HeaderMatch
from branchdesk.importers.rows import Issue
from branchdesk.member_fields import mask_account, mask_phone
from branchdesk.services.import_prepare import PreparedRoster
from branchdesk.store import members as member_rows
from branchdesk.store import staging, staging_match

if TYPE_CHECKING:
    from branchdesk.store.database import Store

LIST_FIELDS = member_rows.JSON_LIST_COLUMNS


@dataclass
class Record:
    """One member as the file describes them, after merging repeats inside the file."""

    row: int                    # first spreadsheet row it came from
    values: dict[str, Any]      # stored form (see store.members.to_db), non-empty fields only
    rows: list[int] = field(default_factory=list)

    @property
    def key(self) -> str:
        return staging.member_key(self.values)


@dataclass
class Plan:
    """What applying would do, computed against the database as it is now."""

    new_rows: list[int]     # staged rows that become new members as they are
    creates: list[tuple[int, dict[str, Any]]]  # (first row, stored row): merged new members
    updates: list[tuple[dict[str, Any], dict[str, Any]]]   # (before, after) stored rows with id
    # (member id, name, mask) of the plain changes SQLite writes (staging_match.import_plain)
    plain: list[tuple[int, str, int]]
    unchanged: int
    merged: int
    invalid: list[Issue]
    warnings: list[Issue]

    @property
    def created(self) -> int:
        return len(self.new_rows) + len(self.creates)

    @property
    def updated(self) -> int:
        return len(self.updates) + len(self.plain)

    def changes(self) -> list[tuple[int, str, tuple[str, ...]]]:
        """(member id, name, the fields that change) of every member updated, by id."""
        fields = {mask: staging_match.columns_of(mask)
                  for mask in {m for _, _, m in self.plain}}
        out = [(member, name, fields[mask]) for member, name, mask in self.plain]
        out += [(after["id"], after["name"], changed_fields(before, after))
                for before, after in self.updates]
        return sorted(out)


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> tuple[str, ...]:
    return tuple(c for c in member_rows.DATA_COLUMNS if before.get(c) != after.get(c))


def _key_header(header: HeaderMatch, record: Record) -> str:
    field = "account_no" if record.values.get("account_no") else "phone"
    column = header.column_for(field)
    return column.header if column else field


def _repeat_warning(header: HeaderMatch, first: Record, again: Record) -> Issue:
    """A member listed twice in one file: merged, and said so (with the names if they differ)."""
    old_name, new_name = first.values.get("name"), again.values.get("name")
    if old_name != new_name:
        reason = t("importing.repeat_other_name", first=first.row, old=old_name, new=new_name)
    else:
        reason = t("importing.repeat", first=first.row)
    return Issue(again.row, _key_header(header, again), reason, _masked_key(again.values))


def _masked_key(values: dict[str, Any]) -> str:
    """The number a plan-level problem is about, masked: the cell itself is fine (the problem
    is which member it means), and the report is shown and kept where the file is not."""
    if values.get("account_no"):
        return mask_account(values["account_no"])
    return mask_phone(values["phone"]) if values.get("phone") else ""


def merge_values(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """`new` over `old` in stored form: a non-empty value wins, an empty one never erases,
    lists are united (old order first), unknown columns merged."""
    merged = dict(old)
    for column, value in new.items():
        if value is None or value == "" or value == old.get(column):
            continue
        if column in LIST_FIELDS:
            before = json.loads(old.get(column) or "[]")
            extra = [v for v in json.loads(value) if v not in before]
            merged[column] = json.dumps(before + extra, ensure_ascii=False) if extra else (
                old.get(column) or value)
        elif column == "extra":
            combined = {**json.loads(old.get("extra") or "{}"), **json.loads(value)}
            merged[column] = json.dumps(combined, ensure_ascii=False)
        else:
            merged[column] = value
    return merged


_EMPTY_ROW = {c: None for c in member_rows.DATA_COLUMNS} | {
    "needs": "[]", "tags": "[]", "communities": "[]", "extra": "{}"}


def plan(store: Store, prepared: PreparedRoster) -> Plan:
    """Compare the staged rows with the database: which members to create, update, leave alone."""
    with gc_paused(), staging.attached(store, prepared.paths, prepared.identities()) as parts:
        return plan_attached(store, parts, prepared)


def plan_attached(store: Store, parts: list[str], prepared: PreparedRoster) -> Plan:
    """`plan` with the staging files already attached as `parts` (staging.attached).

    SQLite settles the plain rows: a member's only row in the file that is new, that holds
    nothing the stored member lacks, or that changes plain values of the one member it finds.
    The others (repeats, word lists to unite, phones shared, two rows finding one member) are
    judged here one record at a time, as they always were; a row whose member one of those
    records also finds is judged with them, in file order, so the result is the one a
    row-by-row pass would give. Every step reads the rows once: linear in the rows, whatever
    changed."""
    matched = staging_match.match_rows(store, parts)
    new_rows = matched.new
    judged = set(matched.judged)
    if prepared.repeated:
        new_rows = [r for r in new_rows if r not in prepared.repeated]
        judged |= prepared.repeated
    if matched.by_phone:  # a row without an account number may find a member another row finds
        judged |= _sharing_a_member(staging_match.rows_of_members(store, parts,
                                                            matched.by_phone.values()))
    while True:
        result = _judge(store, parts, prepared, sorted(judged))
        if not result.found:
            break
        again = set(staging_match.rows_of_members(store, parts, result.found)) - judged
        if not again:
            break
        judged |= again
    if judged:
        staging_match.leave_to_python(store, judged)
    plain = staging_match.plain_changes(store)
    unchanged = len(prepared.rows) - len(new_rows) - len(judged) - len(plain)
    warnings = sorted([*prepared.warnings, *result.repeats], key=lambda w: w.row)
    renamed = [_renamed(prepared.header, *rename) for rename in staging_match.plain_renames(store)]
    renamed += [_look_alike(prepared.header, *alike) for alike in staging_match.look_alikes(
        store, parts, [*new_rows, *(row for row, _ in result.creates)])]
    return Plan(new_rows, result.creates, result.updates, plain, unchanged + result.unchanged,
                result.merged, [*prepared.invalid, *result.invalid],
                warnings + sorted([*renamed, *result.warnings], key=lambda w: w.row))


def _sharing_a_member(rows: dict[int, int]) -> set[int]:
    """The rows (of row → member) whose member another row also finds."""
    by_member: dict[int, list[int]] = {}
    for row, member in rows.items():
        by_member.setdefault(member, []).append(row)
    return {row for found in by_member.values() if len(found) > 1 for row in found}


def _renamed(header: HeaderMatch, row: int, name: str, old_name: str,
             account_no: str | None) -> Issue:
    column = header.column_for("account_no")
    return Issue(row, column.header if column else "account_no",
                 t("importing.renamed", old=old_name, new=name),
                 mask_account(account_no) if account_no else "")


def _look_alike(header: HeaderMatch, row: int, has_account: bool, count: int, member: int,
                phone: str | None, account: str | None) -> Issue:
    """A new member who may be a stored one with a new mobile or account number: said, with
    how to make them one (staging_match.look_alikes)."""
    column = header.column_for("name")
    if not has_account:  # a member of that name with another mobile
        reason = t("importing.look_alike_phone", id=member, phone=mask_phone(phone), count=count)
    else:
        reason = t("importing.look_alike_account", id=member, account=mask_account(account),
                   count=count)
    return Issue(row, column.header if column else "name", reason, "")


@dataclass
class _Judged:
    creates: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    updates: list[tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    unchanged: int = 0
    merged: int = 0
    invalid: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    repeats: list[Issue] = field(default_factory=list)  # members listed twice in the file
    found: set[int] = field(default_factory=set)       # ids of the stored members found


def _judge(store: Store, parts: list[str], prepared: PreparedRoster, rows: list[int]) -> _Judged:
    """The rows SQLite did not settle: merged by member key, matched, compared."""
    judged = _Judged()
    if not rows:
        return judged
    values = staging_match.values_of(store, parts, rows)
    header = prepared.header
    by_key: dict[str, Record] = {}
    for row in rows:
        record = Record(row, values[row], [row])
        existing = by_key.get(record.key)
        if existing is None:
            by_key[record.key] = record
        else:
            judged.merged += 1
            judged.repeats.append(_repeat_warning(header, existing, record))
            existing.values = merge_values(existing.values, record.values)
            existing.rows.append(row)
    records = list(by_key.values())
    stored = staging_match.stored_members_for(
        store, [r.values["account_no"] for r in records if r.values.get("account_no")],
        [r.values["phone"] for r in records if r.values.get("phone")])
    by_account = {m["account_no"]: m for m in stored if m["account_no"]}
    by_phone: dict[str, list[dict[str, Any]]] = {}
    for member in stored:
        if member["phone"]:
            by_phone.setdefault(member["phone"], []).append(member)
    updates: dict[int, tuple[dict[str, Any], dict[str, Any]]] = {}
    for record in records:
        _judge_record(record, header, by_account, by_phone, updates, judged)
    judged.updates = list(updates.values())
    return judged


def _judge_record(record: Record, header: HeaderMatch, by_account: dict[str, dict[str, Any]],
                  by_phone: dict[str, list[dict[str, Any]]],
                  updates: dict[int, tuple[dict[str, Any], dict[str, Any]]],
                  judged: _Judged) -> None:
    values = record.values
    match = _match(record, by_account, by_phone)
    if isinstance(match, str):  # a phone that cannot say which member it means
        judged.invalid.append(Issue(record.row, _key_header(header, record), match,
                                    _masked_key(values)))
        return
    if match is None:
        judged.creates.append((record.row, {**_EMPTY_ROW, **values}))
        return
    member_id = match["id"]
    judged.found.add(member_id)
    if values.get("name") and values["name"] != match["name"]:
        judged.warnings.append(Issue(record.row, _key_header(header, record),
                                     t("importing.renamed", old=match["name"], new=values["name"]),
                                     _masked_key(values)))
    if member_id in updates:  # two records of the file found the same member
        judged.merged += 1
        before, after = updates[member_id]
        updates[member_id] = (before, {**merge_values(after, values), "id": member_id})
        return
    if _adds_nothing(match, values):
        judged.unchanged += 1
        return
    after = {**merge_values(match, values), "id": member_id}
    if after == match:
        judged.unchanged += 1
    else:
        updates[member_id] = (match, after)


def _adds_nothing(stored: dict[str, Any], values: dict[str, Any]) -> bool:
    """True when every value of the record is already stored as is: then merging changes
    nothing."""
    return values.items() <= stored.items()  # compared in C, without a loop in Python


def _match(record: Record, by_account: dict[str, dict[str, Any]],
           by_phone: dict[str, list[dict[str, Any]]]) -> dict[str, Any] | str | None:
    """The member a record means, None for a new member, or the reason it cannot be told.

    The account number decides. A phone alone decides only when exactly one member holds
    it under the same name: family members often share a phone, and guessing would
    overwrite the wrong person. (store/staging_match.py finds members the same way.)
    """
    values = record.values
    name, phone, account = values.get("name"), values.get("phone"), values.get("account_no")
    if account:
        if account in by_account:
            return by_account[account]
        # A member known so far by phone only gets their account number, if it is them.
        holders = [m for m in by_phone.get(phone or "", ()) if not m["account_no"]]
        if len(holders) == 1 and holders[0]["name"] == name:
            return holders[0]
        return None
    holders = by_phone.get(phone or "", [])
    if not holders:
        return None
    same_name = [m for m in holders if m["name"] == name]
    if len(same_name) == 1:
        return same_name[0]
    if len(holders) > 1:
        return t("importing.phone_shared", count=len(holders))
    return t("importing.phone_other_name", name=holders[0]["name"])
