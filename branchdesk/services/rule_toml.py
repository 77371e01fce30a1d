"""A rule as TOML text, for editing one by hand in the app: the same shape as a ``[[rules]]``
entry of the shipped pack, so an edited rule reads like the pack it came from.

No TOML writer is installed (tomllib only reads), and a rule is a flat table of strings,
lists, numbers and booleans with at most one sub-table (``near``): a small writer does.
"""

from __future__ import annotations

import json
import tomllib
from typing import Any

from branchdesk.errors import UserError

# Fields in the order the shipped pack writes them; anything else follows.
ORDER = ("id", "category", "severity", "kind", "phrases", "patterns", "anchors", "excludes",
         "satisfied_by", "unless_in_clause", "detector", "min_value", "contextual",
         "cross_clauses", "pinyin", "explanation_zh", "explanation_en", "suggestion_zh",
         "suggestion_en", "replacement_zh", "replacement_en", "basis", "enabled")

NEW_RULE = {
    "id": "branch.example",
    "category": "exaggeration",
    "severity": "warn",
    "kind": "phrase",
    "phrases": ["示例短语"],
    "explanation_zh": "说明为什么这样写有问题。",
    "explanation_en": "Say why this wording is a problem.",
    "suggestion_zh": "建议怎样改写。",
    "suggestion_en": "Say how to rewrite it.",
}


def _string(value: str) -> str:
    # A literal string keeps regular expressions readable ('\d', not "\\d").
    if "\\" in value and "'" not in value and "\n" not in value:
        return f"'{value}'"
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def _long_list(values: list[Any]) -> str:
    """A list on one line when short, else one item per line (easier to edit)."""
    line = _value(values)
    if len(line) <= 60:
        return line
    return "[\n" + "".join(f"  {_value(v)},\n" for v in values) + "]"


def to_toml(definition: dict[str, Any]) -> str:
    """One rule as TOML; empty lists and None values are left out."""
    keys = [k for k in ORDER if k in definition] + sorted(set(definition) - set(ORDER))
    lines: list[str] = []
    tables: list[tuple[str, dict[str, Any]]] = []
    for key in keys:
        value = definition[key]
        if value is None or value == []:
            continue
        if isinstance(value, dict):
            tables.append((key, value))
            continue
        lines.append(f"{key} = {_long_list(value) if isinstance(value, list) else _value(value)}")
    for name, table in tables:
        lines += ["", f"[{name}]"]
        lines += [f"{k} = {_value(v)}" for k, v in table.items() if v is not None]
    return "\n".join(lines) + "\n"


def parse_toml(text: str) -> dict[str, Any]:
    """The rule a TOML text describes; a syntax error names the line to fix."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise UserError("rule_toml.bad_toml", problem=str(error)) from error
    # A rule pasted from the pack's file still has its [[rules]] header: take the one rule.
    rules = data.get("rules")
    if isinstance(rules, list) and len(rules) == 1 and isinstance(rules[0], dict):
        data = rules[0]
    if not data:
        raise UserError("rule_toml.empty")
    return data


def editable_toml(definition: dict[str, Any]) -> str:
    """A stored rule as TOML to edit: fields left at their defaults are not written."""
    from branchdesk.compliance.rulepack import Rule

    try:
        rule = Rule.model_validate(definition)
    except ValueError:  # a rule saved by an older version: show it as it is
        return to_toml(definition)
    return to_toml(rule.model_dump(mode="json", exclude_defaults=True))
