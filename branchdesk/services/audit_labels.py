"""How the audit trail names what an entry did and changed, in the user's language.

Nothing here lists fields by hand: the details only the log holds (a file's checksum, a
registration's member id…) are named in this area's own catalog (`audit_labels.field`, which
names no member field — a test holds it to that — and `audit_labels.<entity>` where a word
means something else there), an event's and a complaint's fields by the forms that edit them,
a member's by `member_fields` (their `label_key`), a coded value by the enum or catalog that
declares it. A name with no label anywhere is shown as it is.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from branchdesk import datetimes, member_fields
from branchdesk.engagement_enums import (
    ActivityKind,
    ComplaintCategory,
    ComplaintChannel,
    ComplaintStatus,
    ContactChannel,
)
from branchdesk.enums import LabelledEnum, ProductRisk
from branchdesk.event_types import Cadence, EventKind, EventStatus, RegistrationState
from branchdesk.i18n import catalog, get_language, t

# Catalog tables whose screens already name an entity's fields.
_FORM_TABLES: dict[str, tuple[str, ...]] = {
    "event": ("events_form.field",),
    "complaint": ("engagement_screens.field",),
    "rule": ("rules_screen.col",),
}
_OWN_AREA = "audit_labels"

# Which enum declares the codes a field holds, by the entry's entity (a member's own coded
# fields come from member_fields).
_VALUE_ENUMS: dict[tuple[str, str], type[LabelledEnum]] = {
    ("event", "kind"): EventKind,
    ("event", "status"): EventStatus,
    ("event", "state"): RegistrationState,
    ("event", "product_risk"): ProductRisk,
    ("event", "cadence"): Cadence,
    ("member", "kind"): ActivityKind,
    ("member", "channel"): ContactChannel,
    ("complaint", "status"): ComplaintStatus,
    ("complaint", "channel"): ComplaintChannel,
    ("complaint", "category"): ComplaintCategory,
}
# Codes named by a catalog table rather than an enum.
_VALUE_TABLES: dict[tuple[str, str], str] = {
    ("message", "status"): "messages.status",
    ("staff", "role"): "staff.role",
    ("message", "verdict"): "compliance.verdict",
}
# Details that hold a list of member field names (an erasure's, a reveal's): shown by label.
_FIELD_LISTS = ("fields",)
# Details that map audit row ids to the hashes kept when the rows were sealed: shown as a count.
_SEALED_ROWS = ("sealed",)
SEALED_ROWS_SHOWN = 10  # row numbers named before "…"
# A moment as the log writes it (UTC, ISO 8601): shown in the branch's zone like entry times.
_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)$")


def _known(key: str) -> bool:
    return key in catalog(get_language())


def action_label(action: str) -> str:
    for key in (f"audit_trail.action.{action.replace('.', '_')}",
                f"member_card.action.{action.replace('.', '_')}"):
        if _known(key):
            return t(key)
    return action


def entity_label(entity: str) -> str:
    key = f"audit_trail.entity.{entity}"
    return t(key) if _known(key) else entity


def field_label(name: str, entity: str = "member") -> str:
    """What an entry's detail `name` is called: this area's word for it on this entity, the
    entity's form's, a member field's, this area's shared word, else the name itself."""
    for table in (f"{_OWN_AREA}.{entity}", *_FORM_TABLES.get(entity, ())):
        if _known(f"{table}.{name}"):
            return t(f"{table}.{name}")
    declared = member_fields.BY_NAME.get(name)
    if declared is not None:
        return t(declared.label_key)
    key = f"{_OWN_AREA}.field.{name}"
    return t(key) if _known(key) else name


def _value_enum(name: str, entity: str) -> type[LabelledEnum] | None:
    if (entity, name) in _VALUE_ENUMS:
        return _VALUE_ENUMS[(entity, name)]
    declared = member_fields.BY_NAME.get(name)
    return declared.choices if declared is not None and entity == "member" else None


def _code_label(code: Any, name: str, entity: str) -> str | None:
    """The label of a coded value, or None when the field holds no codes (or not this one)."""
    if not isinstance(code, str):
        return None
    enum = _value_enum(name, entity)
    if enum is not None:
        try:
            member = enum(code)
        except ValueError:
            return None
        label = member.label()
        return code if label == code else (f"{code} {label}" if code[:1].isupper() and code[1:].isdigit()
                                           else label)
    table = _VALUE_TABLES.get((entity, name))
    if table and _known(f"{table}.{code}"):
        return t(f"{table}.{code}")
    return None


def value_text(name: str, value: Any, entity: str = "member") -> str | None:
    """A value as a person reads it, or None where it is shown as stored (text, numbers,
    dicts): codes by their labels (C3 稳健型, 已报名), yes/no for a flag, lists of codes
    joined. Masking is the caller's."""
    if isinstance(value, bool):
        return t("audit_labels.value.yes" if value else "audit_labels.value.no")
    if name in _FIELD_LISTS and isinstance(value, list) and all(isinstance(v, str) for v in value):
        return t("roster_fields.list_separator").join(field_label(v) for v in value) or None
    if name in _SEALED_ROWS and isinstance(value, dict):
        rows = [f"#{row}" for row in list(value)[:SEALED_ROWS_SHOWN]]
        more = " …" if len(value) > SEALED_ROWS_SHOWN else ""
        rows_text = t("roster_fields.list_separator").join(rows) + more
        return t("audit_labels.value.sealed_rows", count=len(value), rows=rows_text)
    if isinstance(value, str) and _ISO_MOMENT.match(value):
        return moment_text(value)
    label = _code_label(value, name, entity)
    if label is not None:
        return label
    if isinstance(value, str) and value.startswith("[") and _value_enum(name, entity):
        try:
            value = json.loads(value)  # a member's needs are stored as a JSON list
        except ValueError:
            return None
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        labels = [_code_label(v, name, entity) for v in value]
        if any(label is not None for label in labels):
            return t("roster_fields.list_separator").join(
                label or v for label, v in zip(labels, value, strict=True))
    return None


def moment_text(text: str) -> str:
    """A logged moment (UTC, ISO) in the branch's time zone, to the second."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    return moment.astimezone(datetimes.branch_zone()).strftime("%Y-%m-%d %H:%M:%S")
