"""A segment of the roster: the filters a user set and the order they want.

One query object for every listing (the roster screen, `branchdesk members`, invitations,
exports); store.members turns it into SQL. A frozen dataclass, not a pydantic model, so that
commands that only list members start without loading pydantic. Words are accepted for the
enum filters the way a user types them: ``MemberQuery(need="解套")``, ``risk_level="c3"``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from branchdesk.enums import Experience, LabelledEnum, Need, RiskLevel, ValueTier
from branchdesk.member_fields import (
    DEFAULT_TIER_THRESHOLDS,
    SORTABLE_FIELDS,
    Thresholds,
    typed_numbers,
)

_ENUM_FILTERS: dict[str, type[LabelledEnum]] = {
    "need": Need, "experience": Experience, "risk_level": RiskLevel, "value_tier": ValueTier,
}


class BadQuery(ValueError):
    """A filter value that is not one of the allowed ones; `allowed` lists them."""

    def __init__(self, field: str, value: object, allowed: list[str]) -> None:
        super().__init__(f"{field}: {value!r} is not one of {', '.join(allowed)}")
        self.field, self.value, self.allowed = field, value, allowed


@dataclass(frozen=True)
class MemberQuery:
    search: str = ""
    need: Need | None = None
    experience: Experience | None = None
    risk_level: RiskLevel | None = None
    value_tier: ValueTier | None = None
    advisor: str | None = None
    community: str | None = None
    tag: str | None = None
    dormant_only: bool = False
    reactivated_only: bool = False  # reactivated this week (store/dormancy.py)
    dormant_days: int = 30
    tier_thresholds: Thresholds = DEFAULT_TIER_THRESHOLDS
    sort: str = "name"
    descending: bool = False

    def __post_init__(self) -> None:
        for name, enum in _ENUM_FILTERS.items():
            value = getattr(self, name)
            if value is None or isinstance(value, enum):
                continue
            try:
                object.__setattr__(self, name, enum.from_word(str(value)))
            except ValueError:
                raise BadQuery(name, value, enum.words()) from None
        if self.sort not in SORTABLE_FIELDS:
            raise BadQuery("sort", self.sort, list(SORTABLE_FIELDS))
        if int(self.dormant_days) < 1:
            raise BadQuery("dormant_days", self.dormant_days, ["1, 2, 3, …"])
        # numbers in full-width digits (２０４５) searched as the roster stores them
        object.__setattr__(self, "search", typed_numbers(self.search or ""))
        object.__setattr__(self, "tier_thresholds", tuple(float(x) for x in self.tier_thresholds))

    @property
    def filtered(self) -> bool:
        """True when anything narrows the roster (a search or a filter)."""
        return bool(self.search.strip()) or self.dormant_only or self.reactivated_only or any(
            getattr(self, name) is not None for name in (*_ENUM_FILTERS, "advisor", "community",
                                                         "tag"))

    def to_json(self) -> dict[str, Any]:
        """Plain values (enums as codes), e.g. for an audit row."""
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)}

    # The pydantic-style calls the query had when it was a model; kept for callers that use them.
    def model_dump(self, mode: str = "python") -> dict[str, Any]:
        if mode == "json":
            return self.to_json()
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    def model_copy(self, update: dict[str, Any] | None = None) -> MemberQuery:
        return dataclasses.replace(self, **(update or {}))


def _plain(value: Any) -> Any:
    if isinstance(value, LabelledEnum):
        return value.value
    if isinstance(value, tuple):
        return list(value)
    return value
