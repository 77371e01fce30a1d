"""The roster: find, page, read and edit members. Called by the CLI and the screens alike."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import ValidationError

from branchdesk import datetimes, member_fields
from branchdesk.errors import UserError
from branchdesk.i18n import catalog, get_language, t
from branchdesk.importers.normalize.cells import REASON
from branchdesk.models import DEFAULT_TIER_THRESHOLDS, Member, MemberQuery, value_tier_for
from branchdesk.store import audit, member_listing, member_lookups
from branchdesk.store import members as member_rows
from branchdesk.store.database import Store

Thresholds = tuple[float, float, float]


def to_member(data: dict[str, Any], thresholds: Thresholds = DEFAULT_TIER_THRESHOLDS) -> Member:
    """A decoded row → a Member with its derived asset tier."""
    data = {**data, "value_tier": value_tier_for(data.get("total_assets"), thresholds)}
    try:
        return Member.model_validate(data)
    except ValidationError:
        # A row written by another tool may not validate; still show it rather than fail.
        return Member.model_construct(**data)


def count_members(store: Store, query: MemberQuery, today: date | None = None) -> int:
    return member_listing.count(store.conn, query, today or datetimes.today())


def total_members(store: Store) -> int:
    return member_rows.total(store.conn)


def list_members(
    store: Store, query: MemberQuery | None = None, *, offset: int = 0, limit: int | None = None,
    today: date | None = None, thresholds: Thresholds = DEFAULT_TIER_THRESHOLDS,
) -> list[Member]:
    rows = member_listing.page(store.conn, query or MemberQuery(), today or datetimes.today(), offset,
                            limit or -1)
    return [to_member(row, thresholds) for row in rows]


def filter_options(store: Store) -> dict[str, list[str]]:
    """Values in use, for the roster's filter lists."""
    conn = store.conn
    return {
        "advisor": member_lookups.distinct(conn, "advisor"),
        "community": member_lookups.distinct(conn, "communities"),
        "tag": member_lookups.distinct(conn, "tags"),
    }


def get_member(store: Store, member_id: int,
               thresholds: Thresholds = DEFAULT_TIER_THRESHOLDS) -> Member:
    row = member_rows.get(store.conn, member_id)
    if row is None:
        raise UserError("roster.no_such_member", id=member_id)
    return to_member(row, thresholds)


EDITABLE_FIELDS = member_fields.EDITABLE_FIELDS


def validate_changes(member: Member, changes: dict[str, Any]) -> Member:
    """The member with `changes` applied, or a FieldErrors listing each bad field."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
    data = member.model_dump()
    data.update(changes)
    data.pop("value_tier", None)
    try:
        return Member.model_validate(data)
    except ValidationError as error:
        raise FieldErrors(_reasons(error)) from error


class FieldErrors(UserError):
    """Validation failed; `fields` maps each bad field to its reason (shown next to the field),
    `described` names each field by its label with its reason, in the user's language."""

    def __init__(self, fields: dict[str, str]) -> None:
        self.described = " ".join(f"{_field_label(k)}{t('roster.label_colon')}{v}" for k, v in fields.items())
        super().__init__("roster.invalid_fields", fields=self.described)
        self.fields = fields


def _field_label(name: str) -> str:
    key = f"roster_fields.field.{name}"
    return t(key) if key in catalog(get_language()) else name


def _reasons(error: ValidationError) -> dict[str, str]:
    """Each bad field's reason in the user's language (pydantic's own are English)."""
    reasons = {}
    for e in error.errors():
        kind, limits = e["type"], e.get("ctx") or {}
        if kind == "string_too_short":
            reason = t("roster.value_needed")
        elif kind == "string_too_long":
            reason = t("roster.value_too_long", limit=limits.get("max_length"))
        else:
            reason = e["msg"]
        reasons[str(e["loc"][0])] = reason
    return reasons


def _phone_reason(error: ValueError) -> str:
    """A normaliser names its reason by catalog key (the import's own reasons)."""
    reason = str(error)
    return t(reason) if reason.startswith(REASON) else reason


def update_member(store: Store, operator: str, member_id: int, changes: dict[str, Any],
                  expected_version: int | None = None) -> Member:
    """Save edits to one member: validated, one transaction, one audit row (changed fields only).

    With `expected_version` (the version the editor read), an edit of a member someone else
    changed meanwhile is refused with who changed it, never written over their change."""
    with store.transaction() as conn:
        before_row = member_rows.get(conn, member_id)
        if before_row is None:
            raise UserError("roster.no_such_member", id=member_id)
        if expected_version is not None and before_row["version"] != expected_version:
            from branchdesk.services.conflicts import edit_conflict

            raise edit_conflict(conn, before_row)
        updated = validate_changes(to_member(before_row), changes)
        after = member_rows.to_db(updated.model_dump(include=set(member_rows.DATA_COLUMNS)))
        before = member_rows.to_db({k: before_row[k] for k in member_rows.DATA_COLUMNS})
        changed = [k for k in member_rows.DATA_COLUMNS if before[k] != after[k]]
        if not changed:
            return to_member(before_row)
        if "account_no" in changed and after["account_no"]:
            clash = conn.execute(
                "SELECT name FROM members WHERE account_no = ? AND id != ?",
                (after["account_no"], member_id),
            ).fetchone()
            if clash:
                raise FieldErrors({"account_no": t("roster.account_taken", name=clash[0])})
        member_rows.update_many(conn, [{**after, "id": member_id}])
        audit.append(
            conn, operator=operator, action="member.update", entity="member", entity_id=member_id,
            before={k: before[k] for k in changed}, after={k: after[k] for k in changed},
        )
    return get_member(store, member_id)


def reveal(store: Store, operator: str, member_id: int) -> dict[str, str]:
    """The member's sensitive fields (phone, account number) in full; who looked, and when,
    goes into the audit log (which fields, never their values)."""
    with store.transaction() as conn:
        row = member_rows.get(conn, member_id)
        if row is None:
            raise UserError("roster.no_such_member", id=member_id)
        audit.append(conn, operator=operator, action="member.reveal_phone", entity="member",
                     entity_id=member_id,
                     after={"fields": [f for f in member_fields.SENSITIVE_FIELDS if row.get(f)]})
    return {f: row.get(f) or "" for f in member_fields.SENSITIVE_FIELDS}


def reveal_phone(store: Store, operator: str, member_id: int) -> str:
    """The full phone number (and, with it, the account number: one audited reveal)."""
    return reveal(store, operator, member_id)["phone"]


def member_history(store: Store, member_id: int) -> list[dict]:
    """The member's audit entries, newest first."""
    return audit.entries_for(store.conn, "member", member_id)


def record_reveal(store: Store, operator: str, count: int, query: dict[str, Any]) -> None:
    """A listing with full phone numbers (`members --reveal`) is audited like a card reveal."""
    with store.transaction() as conn:
        audit.append(conn, operator=operator, action="members.reveal_phones", entity="member",
                     after={"count": count, "query": query})


def community_exists(store: Store, community: str) -> bool:
    """Whether any member belongs to this community (a typo would switch the suitability
    check off without a word)."""
    return community in member_lookups.distinct(store.conn, "communities")


def main_branch(store: Store) -> str | None:
    """The branch most members belong to: the header's name when none is configured."""
    return member_lookups.most_common(store.conn, "branch")


def add_member(store: Store, operator: str, name: str, phone: str,
               **fields: Any) -> tuple[Member, bool]:
    """A member typed in by staff (a walk-in at an event's door): name and mobile at least,
    validated, one audited insert. A member already on the roster with the same mobile and
    name is returned instead of a twin. Returns (member, created)."""
    from branchdesk.importers.normalize.phones import normalize_phone

    try:
        mobile = normalize_phone(phone.strip()) if phone.strip() else None
    except ValueError as error:
        raise FieldErrors({"phone": _phone_reason(error)}) from error
    if not mobile:
        raise FieldErrors({"phone": t("roster.mobile_needed")})
    try:
        member = Member(name=name, phone=mobile, **fields)
    except ValidationError as error:
        raise FieldErrors(_reasons(error)) from error
    with store.transaction() as conn:
        for member_id in member_lookups.ids_by_key(conn, mobile):
            row = member_rows.get(conn, member_id)
            if row is not None and row["name"] == member.name:
                return to_member(row), False
        values = member_rows.to_db(member.model_dump(include=set(member_rows.DATA_COLUMNS)))
        [member_id] = member_rows.insert_many(conn, [{**dict.fromkeys(member_rows.DATA_COLUMNS),
                                                      **values}])
        audit.append(conn, operator=operator, action="member.create", entity="member",
                     entity_id=member_id,
                     after={k: v for k, v in values.items() if v not in (None, "[]", "{}")})
        return to_member(member_rows.get(conn, member_id)), True
