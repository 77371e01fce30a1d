"""Compliance checks with the branch's rules: the shipped pack plus the branch's own rules
and edits from the database, members' numbers for the privacy check, and the target
community's risk levels for the suitability check."""

from __future__ import annotations

import hashlib
import json
import threading
from typing import Any

from branchdesk.compliance import CheckContext, Checker, CheckResult, load_rulepack
from branchdesk.compliance.rulepack import Rule
from branchdesk.store import member_lookups
from branchdesk.store import rules as rule_rows
from branchdesk.store.database import Store

_cache_lock = threading.Lock()
_cache: dict[str, tuple[Checker, str]] = {}


def _changes_fingerprint(changes: list[dict[str, Any]]) -> str:
    payload = json.dumps(changes, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:10]


def checker_for(store: Store) -> tuple[Checker, str]:
    """The checker for this database's rules and the pack version it reports.

    Built once per set of rule changes (building the automaton is the slow part)."""
    return checker_from_changes(rule_rows.all_changes(store.conn))


def checker_from_changes(changes: list[dict[str, Any]]) -> tuple[Checker, str]:
    """The checker for the shipped pack with a branch's rule changes (plain data, so that a
    helper process can build the same checker)."""
    fingerprint = _changes_fingerprint(changes)
    with _cache_lock:
        if fingerprint in _cache:
            return _cache[fingerprint]
    pack = load_rulepack()
    # An edited shipped rule replaces the shipped one under the same id; a branch rule is added.
    edited = {c["rule_id"]: Rule.model_validate(c["definition"]) for c in changes if c["definition"]}
    pack = pack.model_copy(update={"rules": [edited.pop(r.id, r) for r in pack.rules]})
    disabled = {c["rule_id"] for c in changes if c["disabled"]}
    checker = Checker(pack, extra_rules=list(edited.values()), disabled=disabled)
    version = checker.pack_version if not changes else f"{checker.pack_version}+local.{fingerprint}"
    with _cache_lock:
        _cache[fingerprint] = (checker, version)
    return checker, version


def rule_changes(store: Store) -> list[dict[str, Any]]:
    return rule_rows.all_changes(store.conn)


def _context(store: Store, community: str | None) -> CheckContext:
    conn = store.conn
    return CheckContext(
        community_risk_counts=member_lookups.risk_counts(conn, community) if community else None,
        # Asked only for digit strings that look like a phone or an account number.
        known_numbers=lambda digits: bool(member_lookups.find_by_number(conn, [digits])),
    )


def check_text(store: Store, text: str, community: str | None = None) -> CheckResult:
    """Check one message with the branch's rules, as it would go to `community`."""
    checker, version = checker_for(store)
    return checker.check(text, context=_context(store, community))._replace(pack_version=version)


def check_texts(store: Store, texts: list[str], community: str | None = None) -> list[CheckResult]:
    """Check many messages at once (one automaton pass for the batch): same findings as
    `check_text` on each."""
    checker, version = checker_for(store)
    results = checker.check_many(texts, _context(store, community))
    return [result._replace(pack_version=version) for result in results]
