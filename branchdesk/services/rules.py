"""A branch's compliance rules: the shipped pack, plus rules the branch adds, edits or
switches off. Changes live in the database and every change is audited.

Changing what the compliance system does takes a reviewer's or a manager's password, like
an approval: every change function takes their `Credentials`, checks them before anything
is written, and names that person on the audit row."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from branchdesk.compliance import load_rulepack
from branchdesk.compliance.rulepack import Rule, class_refs
from branchdesk.errors import UserError
from branchdesk.services.staff import Credentials, authorise
from branchdesk.store import audit
from branchdesk.store import rules as rule_rows
from branchdesk.store.database import Store


def _shipped() -> dict[str, Rule]:
    return {rule.id: rule for rule in load_rulepack().rules}


def list_rules(store: Store) -> list[dict[str, Any]]:
    """Every rule in force or switched off, with where it comes from."""
    changes = {c["rule_id"]: c for c in rule_rows.all_changes(store.conn)}
    out = []
    for rule_id, rule in _shipped().items():
        change = changes.pop(rule_id, None)
        definition = (change or {}).get("definition") or rule.model_dump(mode="json")
        source = "edited" if change and change["definition"] else "shipped"
        out.append({"id": rule_id, "source": source, "disabled": bool(change and change["disabled"]),
                    "rule": definition})
    for rule_id, change in changes.items():
        out.append({"id": rule_id, "source": "custom", "disabled": change["disabled"],
                    "rule": change["definition"]})
    return out


def validate_rule(definition: dict[str, Any]) -> Rule:
    try:
        rule = Rule.model_validate(definition)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors())
        raise UserError("rules.invalid", problems=problems) from error
    # A word class ("@unsuited_audience") must be one the pack defines.
    classes = load_rulepack().classes
    unknown = class_refs(rule) - set(classes)
    if unknown:
        known = ", ".join(f"@{name}" for name in sorted(classes))
        problems = f"unknown word class {', '.join('@' + u for u in sorted(unknown))} (known: {known})"
        raise UserError("rules.invalid", problems=problems)
    return rule


def save_rule(store: Store, approver: Credentials | None, definition: dict[str, Any]) -> Rule:
    """Add a branch rule, or replace a rule (a shipped one keeps its id, edited)."""
    rule = validate_rule(definition)
    operator = authorise(store, approver, "reviewer")
    stored = rule.model_dump(mode="json", exclude_none=True)
    with store.transaction() as conn:
        before = rule_rows.get(conn, rule.id)
        rule_rows.put(conn, rule.id, definition=stored,
                      disabled=bool(before and before["disabled"]), operator=operator)
        audit.append(conn, operator=operator, action="rule.save", entity="rule", entity_id=rule.id,
                     before=before and before["definition"], after=stored)
    return rule


def set_enabled(store: Store, approver: Credentials | None, rule_id: str, enabled: bool) -> None:
    known = {r["id"] for r in list_rules(store)}
    if rule_id not in known:
        raise UserError("rules.no_such", id=rule_id)
    operator = authorise(store, approver, "reviewer")
    with store.transaction() as conn:
        before = rule_rows.get(conn, rule_id)
        rule_rows.put(conn, rule_id, definition=before and before["definition"],
                      disabled=not enabled, operator=operator)
        audit.append(conn, operator=operator, action="rule.enable" if enabled else "rule.disable",
                     entity="rule", entity_id=rule_id,
                     before={"disabled": bool(before and before["disabled"])},
                     after={"disabled": not enabled})


def reset_rule(store: Store, approver: Credentials | None, rule_id: str) -> None:
    """Drop the branch's edit of a shipped rule, or delete a branch rule."""
    if rule_rows.get(store.conn, rule_id) is None:
        raise UserError("rules.no_change", id=rule_id)
    operator = authorise(store, approver, "reviewer")
    with store.transaction() as conn:
        before = rule_rows.get(conn, rule_id)
        if before is None:
            raise UserError("rules.no_change", id=rule_id)
        rule_rows.delete(conn, rule_id)
        audit.append(conn, operator=operator, action="rule.reset", entity="rule", entity_id=rule_id,
                     before=before["definition"])
