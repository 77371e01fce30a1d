"""The member card's audit entries as short paragraphs (the timeline shows them among the rest).

Phone numbers inside old values stay masked unless the card has revealed the phone:
the history must not be a way around the audited reveal.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from rich.text import Text

from branchdesk.datetimes import branch_zone
from branchdesk.enums import Experience, Need, RiskLevel
from branchdesk.i18n import catalog, get_language, t
from branchdesk.member_fields import SENSITIVE_FIELDS, mask_value
from branchdesk.services import audit_labels

_LISTS = ("needs", "tags", "communities")
_ENUMS = {"risk_level": RiskLevel, "experience": Experience}
EMPTY = "—"


def local_time(at: str) -> str:
    """An audit timestamp (UTC, ISO) in the branch's time zone, to the minute."""
    try:
        return datetime.fromisoformat(at).astimezone(branch_zone()).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return at


def action_label(action: str) -> str:
    key = f"member_card.action.{action.replace('.', '_')}"
    return t(key) if key in catalog(get_language()) else action


def show_value(field: str, value: Any, *, reveal: bool) -> str:
    """A stored value (as the audit log holds it) the way a person reads it."""
    if value in (None, "", "[]", "{}"):
        return EMPTY
    if field in _LISTS:
        items = json.loads(value) if isinstance(value, str) else list(value)
        if field == "needs":
            items = [Need(i).label() if i in Need._value2member_map_ else i for i in items]
        return "、".join(str(i) for i in items) or EMPTY
    if field in _ENUMS and value in _ENUMS[field]._value2member_map_:
        member = _ENUMS[field](value)
        return f"{member.value} {member.label()}" if field == "risk_level" else member.label()
    if field in SENSITIVE_FIELDS and not reveal:
        return str(mask_value(field, str(value)))
    readable = audit_labels.value_text(field, value)  # as the audit trail names it
    return str(value) if readable is None else readable


def _field_name(field: str) -> str:
    key = f"member_card.field.{field}"
    return t(key) if key in catalog(get_language()) else audit_labels.field_label(field)


def describe(entry: dict[str, Any], *, reveal: bool = False) -> Text:
    """One audit entry: when, who, what, then each changed field before → after."""
    text = Text()
    text.append(local_time(entry["at"]), "dim")
    text.append("  ")
    text.append(entry["operator"], "bold")
    text.append("  ")
    text.append(action_label(entry["action"]))
    before = json.loads(entry["before"]) if entry.get("before") else {}
    after = json.loads(entry["after"]) if entry.get("after") else {}
    if isinstance(before, dict) and isinstance(after, dict):
        for field in dict.fromkeys([*before, *after]):
            text.append(f"\n  {_field_name(field)}: ")
            if field in before:  # a change: before → after; else what the entry is about
                text.append(show_value(field, before.get(field), reveal=reveal), "dim")
                text.append(" → ")
            text.append(show_value(field, after.get(field), reveal=reveal))
    return text
