"""Community messages: write → check → draft → submitted → approved / rejected → sent.

Every version of a message is its own row whose text, findings and rule-pack version are
frozen; each state change is one audited transaction. Approval takes a reviewer's own
password, never the author's, and a blocked message needs a recorded override reason.
"""

from __future__ import annotations

import hashlib
from typing import Any

from branchdesk.compliance.basis import basis_in
from branchdesk.errors import UserError
from branchdesk.i18n import t
from branchdesk.services import staff
from branchdesk.services.checking import check_text
from branchdesk.services.staff import Credentials, authenticate
from branchdesk.store import audit
from branchdesk.store import events as event_rows
from branchdesk.store import messages as message_rows
from branchdesk.store.database import Store

FINDING_FIELDS = ("rule", "category", "severity", "start", "end", "match", "explanation",
                  "suggestion", "basis")


def finding_json(finding: Any) -> dict[str, Any]:
    """A finding as plain JSON values, the shape `check --json` prints; ``categories`` lists
    every category it belongs to (a promise of returns may also be an exaggeration)."""
    out = {}
    for name in FINDING_FIELDS:
        value = getattr(finding, name)
        out[name] = getattr(value, "value", value)
    out["categories"] = [str(c) for c in getattr(finding, "categories", (finding.category,))]
    out["basis_en"] = basis_in(finding.basis, "en")  # ``basis`` cites the law as written
    return out


def stored_finding(finding: Any) -> dict[str, Any]:
    """A finding as a message keeps it: the `check --json` shape, plus the explanation and
    suggestion in both languages, so a saved message reads in whichever language is chosen
    when it is reviewed."""
    return {**finding_json(finding),
            "explanation_zh": finding.explanation_zh, "explanation_en": finding.explanation_en,
            "suggestion_zh": finding.suggestion_zh, "suggestion_en": finding.suggestion_en}


def _text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _get(store: Store, message_id: int) -> dict[str, Any]:
    message = message_rows.get(store.conn, message_id)
    if message is None:
        raise UserError("messages.no_such", id=message_id)
    return message


def save_draft(store: Store, author: str, text: str, community: str | None = None,
               previous_id: int | None = None, event_id: int | None = None) -> dict[str, Any]:
    """Check the text and keep it as a draft; with `previous_id` it is a new version of that
    message (which is then marked superseded). `event_id` links an invitation to its event
    (a new version keeps the link of the one it replaces)."""
    if not text.strip():
        raise UserError("messages.empty")
    result = check_text(store, text, community)
    findings = [stored_finding(f) for f in result.findings]
    with store.transaction() as conn:
        if previous_id is not None:
            previous = message_rows.get(conn, previous_id)
            if previous is None:
                raise UserError("messages.no_such", id=previous_id)
            if previous["status"] not in ("draft", "rejected"):
                raise UserError("messages.not_editable", id=previous_id,
                            status=t(f"messages.status.{previous['status']}"))
            message_rows.set_status(conn, previous_id, "superseded")
            event_id = event_id if event_id is not None else previous["event_id"]
        if event_id is not None and event_rows.get(conn, event_id) is None:
            raise UserError("events.no_such_event", id=event_id)
        message_id = message_rows.insert(
            conn, author=author, community=community, text=text, verdict=result.verdict.value,
            findings=findings, pack_version=result.pack_version, previous_id=previous_id,
            event_id=event_id)
        audit.append(conn, operator=author, action="message.draft", entity="message",
                     entity_id=message_id,
                     after={"text": text, "sha256": _text_digest(text), "community": community,
                            "verdict": result.verdict.value, "findings": findings,
                            "pack_version": result.pack_version, "previous_id": previous_id,
                            "event_id": event_id})
    return _get(store, message_id)


def _transition(store: Store, message_id: int, operator: str, allowed_from: tuple[str, ...],
                status: str, **values: Any) -> dict[str, Any]:
    with store.transaction() as conn:
        message = message_rows.get(conn, message_id)
        if message is None:
            raise UserError("messages.no_such", id=message_id)
        if message["status"] not in allowed_from:
            shown = t(f"messages.status.{message['status']}")
            if message["status"] == status:
                raise UserError("messages.already", id=message_id, status=shown)
            raise UserError(f"messages.cannot.{status}", id=message_id, status=shown)
        message_rows.set_status(conn, message_id, status, **values)
        audit.append(conn, operator=operator, action=f"message.{status}", entity="message",
                     entity_id=message_id, before={"status": message["status"]},
                     after={"status": status, "sha256": _text_digest(message["text"]),
                            "verdict": message["verdict"], "pack_version": message["pack_version"],
                            **values})
    return _get(store, message_id)


def submit(store: Store, operator: str, message_id: int) -> dict[str, Any]:
    return _transition(store, message_id, operator, ("draft",), "submitted",
                       submitted_at=message_rows.stamp())


def require_reviewers(store: Store) -> None:
    """Approving or rejecting takes a reviewer's (or manager's) password: on a branch with no
    staff yet (a demo) there is nobody to give one, and that is said, with how to set one up,
    before anyone is asked for a password that does not exist."""
    if not staff.has_staff(store):
        raise UserError("messages.no_reviewers")


def approve(store: Store, reviewer: Credentials, message_id: int,
            override_reason: str | None = None) -> dict[str, Any]:
    """Approve in the reviewer's own name: their password, never their own message, and a
    reason on record to override a block."""
    require_reviewers(store)
    authenticate(store, reviewer, role="reviewer")
    message = _get(store, message_id)
    if message["author"] == reviewer.name:
        raise UserError("messages.own_message", name=reviewer.name)
    override_reason = (override_reason or "").strip() or None
    if message["verdict"] == "block" and not override_reason:
        raise UserError("messages.override_needed", id=message_id)
    return _transition(store, message_id, reviewer.name, ("submitted",), "approved",
                       reviewer=reviewer.name, reviewed_at=message_rows.stamp(),
                       override_reason=override_reason)


def reject(store: Store, reviewer: Credentials, message_id: int, reason: str) -> dict[str, Any]:
    require_reviewers(store)
    authenticate(store, reviewer, role="reviewer")
    if not reason.strip():
        raise UserError("messages.reason_needed")
    if _get(store, message_id)["author"] == reviewer.name:
        raise UserError("messages.own_message", name=reviewer.name)
    return _transition(store, message_id, reviewer.name, ("submitted",), "rejected",
                       reviewer=reviewer.name, reviewed_at=message_rows.stamp(),
                       review_reason=reason.strip())


def mark_sent(store: Store, operator: str, message_id: int) -> dict[str, Any]:
    return _transition(store, message_id, operator, ("approved",), "sent",
                       sent_at=message_rows.stamp())


def review_queue(store: Store) -> list[dict[str, Any]]:
    """Submitted messages, oldest first: what the compliance officer works through."""
    return message_rows.by_status(store.conn, ("submitted",), oldest_first=True)


def recent(store: Store, statuses: tuple[str, ...] = ("draft", "submitted", "approved",
                                                       "rejected", "sent")) -> list[dict[str, Any]]:
    return message_rows.by_status(store.conn, statuses, oldest_first=False)


def needs_override(store: Store, message_id: int) -> bool:
    """Whether approving this message takes an override reason (it has a blocking finding):
    the CLI says so before it asks for a password."""
    return _get(store, message_id)["verdict"] == "block"


def get_message(store: Store, message_id: int) -> dict[str, Any]:
    return _get(store, message_id)


def history(store: Store, message_id: int) -> list[dict[str, Any]]:
    return message_rows.versions(store.conn, message_id)


def for_event(store: Store, event_id: int) -> list[dict[str, Any]]:
    """An event's invitation texts, newest first."""
    return message_rows.for_event(store.conn, event_id)
