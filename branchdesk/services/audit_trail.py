"""The audit trail for people: its head, a full verification, and the entries about one
member, one message or a date range, as an inspection asks for them.

`head(store)` is what a manager keeps outside the PC (and what the weekly review prints);
`verify(store, anchor)` proves the log still extends it, that its protections are in place,
that its ids and times run as they should, and that the tables hold what it says they hold.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal

from branchdesk import datetimes
from branchdesk.errors import UserError
from branchdesk.i18n import t
from branchdesk.member_fields import SENSITIVE_FIELDS, mask_value
from branchdesk.services import audit_labels
from branchdesk.services.audit_labels import action_label as action_label  # for its callers
from branchdesk.services.audit_labels import entity_label as entity_label
from branchdesk.store import audit, audit_scopes, integrity, protections
from branchdesk.store import members as member_rows
from branchdesk.store.audit import Head
from branchdesk.store.database import Store

SCREEN_LIMIT = 5000  # entries a screen shows at once; exports take them all


def head(store: Store) -> Head:
    """The newest audit row's sequence and hash: the anchor to keep outside the PC."""
    return audit.head(store.conn)


def parse_anchor(text: str) -> Head:
    try:
        return Head.parse(text)
    except ValueError:
        raise UserError("audit_trail.bad_anchor", anchor=text) from None


@dataclass
class Verification:
    chain: audit.ChainReport
    head: Head
    anchor: Head | None = None
    anchor_problem: str = ""      # "" | missing | differs | unverifiable
    protections_missing: list[str] = field(default_factory=list)
    protections_altered: list[str] = field(default_factory=list)
    restorations: list[dict[str, Any]] = field(default_factory=list)  # earlier repairs
    upgrade_mismatches: list[dict[str, Any]] = field(default_factory=list)
    differences: list[integrity.Difference] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (self.chain.ok and not self.anchor_problem and not self.protections_missing
                and not self.protections_altered and not self.differences
                and not self.upgrade_mismatches)

    def problems(self) -> list[str]:
        """Each problem as one sentence in the user's language, most serious first."""
        out: list[str] = []
        chain = self.chain
        if not chain.ok:
            if chain.problem == "id_gap":
                out.append(t("audit_trail.problem_id_gap", row=chain.broken_at,
                             expected=chain.expected_id, verified=chain.verified))
            else:
                out.append(t("cli.audit_broken", row=chain.broken_at, verified=chain.verified,
                             problem=t(f"audit_trail.problem_{chain.problem}")))
        if self.anchor is not None and self.anchor_problem:
            out.append(t(f"audit_trail.anchor_{self.anchor_problem}", seq=self.anchor.seq,
                         last=self.head.seq, first_missing=self.head.seq + 1,
                         anchor=self.anchor.anchor))
        names = [*self.protections_missing, *self.protections_altered]
        if names:
            out.append(t("audit_trail.protections_missing", names=", ".join(names)))
        for mismatch in self.upgrade_mismatches:
            out.append(t("audit_trail.upgrade_mismatch", row=mismatch["id"],
                         at=local_time(mismatch["at"])))
        for d in self.differences[:10]:
            if d.before_row is not None:
                out.append(t(f"audit_trail.table_{d.kind}_between", table=d.table,
                             first=d.first_id, last=d.last_id, row=d.before_row))
            else:
                out.append(t(f"audit_trail.table_{d.kind}", table=d.table, first=d.first_id,
                             last=d.last_id))
        if len(self.differences) > 10:
            out.append(t("audit_trail.more_differences", count=len(self.differences) - 10))
        return out

    def notes(self) -> list[str]:
        """What is not wrong now but must not go unseen: repairs made earlier."""
        return [t("audit_trail.restored_earlier", row=r["id"], at=local_time(r["at"]),
                  names=", ".join(r["names"])) for r in self.restorations]

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok, "rows_verified": self.chain.verified,
            "head": {"seq": self.head.seq, "hash": self.head.hash, "anchor": self.head.anchor},
            "anchor": self.anchor.anchor if self.anchor else None,
            "anchor_confirmed": bool(self.anchor) and not self.anchor_problem,
            "chain": {"ok": self.chain.ok, "broken_at": self.chain.broken_at,
                      "problem": self.chain.problem or None},
            "protections_missing": [*self.protections_missing, *self.protections_altered],
            "tables_match_trail": not self.differences,
            "differences": integrity.describe(self.differences, limit=100),
            "problems": self.problems(), "notes": self.notes(),
        }


def verify(store: Store, anchor: Head | None = None) -> Verification:
    conn = store.conn
    chain = audit.verify(conn, remember=[anchor.seq] if anchor else ())
    now = audit.head(conn)
    result = Verification(chain, now, anchor)
    if anchor is not None and anchor.seq > 0:
        if anchor.seq in chain.hashes:
            if chain.hashes[anchor.seq] != anchor.hash:
                result.anchor_problem = "differs"
        elif now.seq < anchor.seq:
            result.anchor_problem = "missing"
        else:
            result.anchor_problem = "unverifiable"  # the chain breaks before the anchor
    result.protections_missing, result.protections_altered = protections.problems(conn)
    for row_id, at, after in conn.execute(
            "SELECT id, at, after FROM audit_log WHERE action = 'audit.protections_restored'"
            " ORDER BY id"):
        data = _json(after)
        names = [*data.get("missing", []), *data.get("altered", [])] if isinstance(data, dict) else []
        result.restorations.append({"id": row_id, "at": at, "names": names})
    for row_id, at, after in conn.execute(
            "SELECT id, at, after FROM audit_log WHERE action = 'schema.upgrade' ORDER BY id"):
        data = _json(after)
        if isinstance(data, dict) and data.get("tables_matched_trail") is False:
            result.upgrade_mismatches.append({"id": row_id, "at": at})
    result.differences = integrity.compare(conn)
    return result


# --- entries about one thing ------------------------------------------------------------------

ScopeKind = Literal["member", "message", "dates"]


@dataclass(frozen=True)
class Scope:
    kind: ScopeKind
    member_id: int | None = None
    message_id: int | None = None
    start: date | None = None
    end: date | None = None   # inclusive

    def describe(self) -> str:
        if self.kind == "member":
            return t("audit_trail.scope_member", id=self.member_id)
        if self.kind == "message":
            return t("audit_trail.scope_message", id=self.message_id)
        return t("audit_trail.scope_dates", start=self.start, end=self.end)


def parse_scope(text: str, today: date | None = None) -> Scope:
    """"member 12", "message 3", "2026-11-01 2026-11-30", "2026-11-01" or "" (the last 7 days)."""
    words = text.replace("..", " ").replace("～", " ").replace("~", " ").split()
    today = today or datetimes.now().date()  # the branch's today, whatever the PC's zone
    if not words:
        return Scope("dates", start=today - timedelta(days=6), end=today)
    head_word = words[0].lower()
    if head_word in ("member", "客户", "m") and len(words) == 2 and words[1].isdigit():
        return Scope("member", member_id=int(words[1]))
    if head_word in ("message", "消息", "msg") and len(words) == 2 and words[1].isdigit():
        return Scope("message", message_id=int(words[1]))
    if len(words) in (1, 2):
        try:
            start = date.fromisoformat(words[0])
            end = date.fromisoformat(words[-1])
        except ValueError:
            pass
        else:
            if end < start:
                start, end = end, start
            return Scope("dates", start=start, end=end)
    raise UserError("audit_trail.bad_scope", text=text)


def _utc_bound(day: date) -> str:
    """Local midnight of `day` as the audit log writes times (UTC, ISO)."""
    local = datetime.combine(day, time(), tzinfo=datetimes.branch_zone())
    return local.astimezone(UTC).isoformat(timespec="microseconds")


def entries(store: Store, scope: Scope, limit: int | None = None) -> list[dict[str, Any]]:
    """The audit rows in scope, oldest first."""
    conn = store.conn
    if scope.kind == "member":
        found = audit_scopes.about_member(conn, scope.member_id or 0, limit)
        if not found and member_rows.get(conn, scope.member_id or 0) is None:
            raise UserError("audit_trail.no_such_member", id=scope.member_id)
        return found
    if scope.kind == "message":
        found = audit_scopes.about_message(conn, scope.message_id or 0, limit)
        if not found and not audit_scopes.message_exists(conn, scope.message_id or 0):
            raise UserError("audit_trail.no_such_message", id=scope.message_id)
        return found
    assert scope.start is not None and scope.end is not None
    return audit.entries_where(conn, "at >= ? AND at < ?",
                               [_utc_bound(scope.start), _utc_bound(scope.end + timedelta(days=1))],
                               limit)


# --- entries as people read them --------------------------------------------------------------

def local_time(at: str) -> str:
    """An audit timestamp (UTC, ISO) in the branch's time zone, to the second."""
    try:
        return datetime.fromisoformat(at).astimezone(datetimes.branch_zone()).strftime(
            "%Y-%m-%d %H:%M:%S")
    except (TypeError, ValueError):
        return str(at)


def _json(text: str | None) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _shown(name: str, value: Any, entity: str = "member") -> str:
    if value is None or value == "":
        return "—"
    if name in SENSITIVE_FIELDS and isinstance(value, str):
        return str(mask_value(name, value))  # the trail is no way around an audited reveal
    readable = audit_labels.value_text(name, value, entity)
    if readable is not None:
        return readable
    if isinstance(value, (dict, list)):
        return json.dumps(_masked(value), ensure_ascii=False)
    return str(value)


def _masked(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: (_shown(k, v) if k in SENSITIVE_FIELDS else _masked(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v) for v in value]
    return value


def change_lines(entry: dict[str, Any]) -> list[str]:
    """"field: before → after", one line per field the entry names (phones masked)."""
    before, after = _json(entry.get("before")), _json(entry.get("after"))
    if isinstance(before, dict) or isinstance(after, dict):
        before = before if isinstance(before, dict) else {}
        after = after if isinstance(after, dict) else {}
        lines = []
        entity = entry.get("entity") or "member"
        # An undo puts back the columns its import changed: the others are kept, not wiped.
        partial_after = entry.get("action") == "member.restore"
        for name in dict.fromkeys([*before, *after]):
            old, new = before.get(name), after.get(name)
            label = audit_labels.field_label(name, entity)
            if name in before and name in after and old == new:  # what the entry is about
                lines.append(f"{label}: {_shown(name, new, entity)}")
            elif name in before and name in after:
                lines.append(f"{label}: {_shown(name, old, entity)} → {_shown(name, new, entity)}")
            elif name in before and partial_after:
                continue
            elif name in before:
                lines.append(f"{label}: {_shown(name, old, entity)} → —")
            else:
                lines.append(f"{label}: {_shown(name, new, entity)}")
        return lines
    parts = [json.dumps(_masked(v), ensure_ascii=False) for v in (before, after) if v is not None]
    return [" → ".join(parts)] if parts else []
