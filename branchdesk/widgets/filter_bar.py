"""The roster's filters on one line: need, experience, risk level, asset tier, advisor,
community and "dormant only". Every change posts `FilterBar.Changed` with all the filter
values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Checkbox, Select

from branchdesk.enums import Experience, Need, RiskLevel, ValueTier
from branchdesk.i18n import t

# Filter name → the MemberQuery field it sets.
SELECT_FIELDS = ("need", "experience", "risk_level", "value_tier", "advisor", "community")
_PROMPTS = {"need": "need", "experience": "experience", "risk_level": "risk",
            "value_tier": "tier", "advisor": "advisor", "community": "community"}


def _enum_options(field: str) -> list[tuple[str, Any]]:
    if field == "need":
        return [(n.label(), n) for n in Need]
    if field == "experience":
        return [(e.label(), e) for e in Experience]
    if field == "risk_level":
        return [(f"{r.value} {r.label()}", r) for r in RiskLevel]
    if field == "value_tier":
        return [(v.label(), v) for v in ValueTier]
    return []


class FilterBar(Horizontal):
    """Select widgets and a checkbox; `values()` gives the MemberQuery fields they set."""

    @dataclass
    class Changed(Message):
        values: dict[str, Any]

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._choices: dict[str, list[str]] = {"advisor": [], "community": []}

    def compose(self) -> ComposeResult:
        for field in SELECT_FIELDS:
            yield Select(self._options(field), prompt=self.prompt(field), compact=True,
                         id=f"filter-{field}")
        yield Checkbox(t("roster_screen.filter.dormant_only"), compact=True, id="filter-dormant")

    @staticmethod
    def prompt(field: str) -> str:
        return t(f"roster_screen.filter.{_PROMPTS[field]}")

    def _options(self, field: str) -> list[tuple[str, Any]]:
        if field in self._choices:
            return [(value, value) for value in self._choices[field]]
        return _enum_options(field)

    def _select(self, field: str) -> Select:
        return self.query_one(f"#filter-{field}", Select)

    def values(self) -> dict[str, Any]:
        """{field: value or None} for the selects, plus dormant_only."""
        out: dict[str, Any] = {}
        for field in SELECT_FIELDS:
            value = self._select(field).value
            out[field] = None if value is Select.NULL else value
        out["dormant_only"] = self.query_one("#filter-dormant", Checkbox).value
        return out

    def set_values(self, values: dict[str, Any]) -> None:
        """Set the filters without posting Changed (the caller already knows)."""
        with self.prevent(Select.Changed, Checkbox.Changed):
            for field in SELECT_FIELDS:
                value = values.get(field)
                select = self._select(field)
                if value is None:
                    select.clear()
                elif value in {v for _, v in self._options(field)}:
                    select.value = value
            self.query_one("#filter-dormant", Checkbox).value = bool(values.get("dormant_only"))

    def set_choices(self, advisors: list[str], communities: list[str]) -> None:
        """The advisors and communities in use, once they are read from the database."""
        self._choices = {"advisor": advisors, "community": communities}
        self._refill(("advisor", "community"))

    def relabel(self) -> None:
        """The language changed: new prompts and option labels, same values."""
        for field in SELECT_FIELDS:
            self._select(field).prompt = self.prompt(field)
        self._refill(SELECT_FIELDS)
        self.query_one("#filter-dormant", Checkbox).label = t("roster_screen.filter.dormant_only")

    def _refill(self, fields: tuple[str, ...]) -> None:
        current = self.values()
        with self.prevent(Select.Changed):
            for field in fields:
                self._select(field).set_options(self._options(field))
        self.set_values(current)

    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _changed(self, event: Message) -> None:
        event.stop()
        self.post_message(self.Changed(self.values()))


def describe_filters(filters: dict[str, Any], dormant_days: int) -> str:
    """The filters in force, in words, for the status line ("" when none)."""
    parts = []
    for field in SELECT_FIELDS:
        value = filters.get(field)
        if value is None:
            continue
        shown = value.label() if hasattr(value, "label") else str(value)
        if field == "risk_level":
            shown = value.value
        parts.append(t("roster_screen.filter_value", name=FilterBar.prompt(field), value=shown))
    if filters.get("dormant_only"):
        parts.append(t("roster_screen.dormant_only_active", days=dormant_days))
    if filters.get("reactivated_only"):
        parts.append(t("engagement_screens.reactivated_only_active"))
    return t("roster_screen.filter_separator").join(parts)
