"""The vocabulary of BranchDesk as pydantic models and enums, validated at the edges.

The enums (defined in enums.py, re-exported here) carry their Chinese and English labels so
that every screen and export names a value the same way.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from branchdesk.enums import Experience as Experience
from branchdesk.enums import LabelledEnum as LabelledEnum
from branchdesk.enums import Need as Need
from branchdesk.enums import RiskLevel as RiskLevel
from branchdesk.enums import ValueTier as ValueTier

# Total assets (yuan) from which a member reaches silver, gold and diamond.
DEFAULT_TIER_THRESHOLDS: tuple[float, float, float] = (100_000.0, 500_000.0, 3_000_000.0)


def value_tier_for(
    total_assets: float | None, thresholds: tuple[float, float, float] = DEFAULT_TIER_THRESHOLDS
) -> ValueTier | None:
    """The asset tier for a total, or None when the total is unknown."""
    if total_assets is None:
        return None
    silver, gold, diamond = thresholds
    if total_assets >= diamond:
        return ValueTier.DIAMOND
    if total_assets >= gold:
        return ValueTier.GOLD
    if total_assets >= silver:
        return ValueTier.SILVER
    return ValueTier.BASIC


MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
# The same rule as the roster importer's: what a broker's export can hold.
ACCOUNT_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]*$")


def mask_phone(phone: str | None) -> str:
    """``13812345678`` → ``138****5678``; anything shorter is hidden but for its last digits."""
    if not phone:
        return ""
    if len(phone) >= 11:
        return f"{phone[:3]}****{phone[-4:]}"
    return "*" * max(len(phone) - 2, 0) + phone[-2:]


class Member(BaseModel):
    """One person in the branch's communities. Key: account_no, else the normalised phone."""

    model_config = ConfigDict(validate_assignment=True)

    id: int | None = None
    name: str = Field(min_length=1, max_length=100)
    phone: str | None = None
    account_no: str | None = None
    branch: str | None = None
    advisor: str | None = None
    risk_level: RiskLevel | None = None
    experience: Experience | None = None
    needs: list[Need] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    communities: list[str] = Field(default_factory=list)
    opened_on: date | None = None
    birthday: date | None = None
    total_assets: float | None = Field(default=None, ge=0)
    value_tier: ValueTier | None = None
    last_active_on: date | None = None
    notes: str | None = None
    extra: dict[str, str] = Field(default_factory=dict)
    version: int = 1  # raised by every write: an edit made on an older read is refused

    @field_validator("name")
    @classmethod
    def _strip_name(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("name is empty")
        return value

    @field_validator("phone")
    @classmethod
    def _mobile(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if not MOBILE_RE.match(value):
            raise ValueError("a mainland mobile number has 11 digits and starts with 1")
        return value

    @field_validator("account_no")
    @classmethod
    def _account(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        if value and not ACCOUNT_RE.match(value):
            raise ValueError("an account number holds letters and digits only (no spaces)")
        return value or None

    @field_validator("needs")
    @classmethod
    def _unique_needs(cls, value: list[Need]) -> list[Need]:
        return sorted(set(value), key=list(Need).index)

    @field_validator("tags", "communities")
    @classmethod
    def _unique_words(cls, value: list[str]) -> list[str]:
        seen: dict[str, None] = {}
        for word in value:
            word = word.strip()
            if word:
                seen.setdefault(word, None)
        return list(seen)

    @property
    def key(self) -> str:
        """The identity used to find this member again: account_no, else phone."""
        if self.account_no:
            return f"account:{self.account_no}"
        return f"phone:{self.phone}"

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    def to_public_dict(self, *, reveal: bool = False) -> dict[str, Any]:
        """Plain JSON-ready values: needs as codes, dates ISO, phone masked unless revealed."""
        data = self.model_dump(mode="json", exclude={"version"})  # bookkeeping, not data
        if not reveal:
            data["phone"] = self.masked_phone or None
        return data


SORTABLE_FIELDS = (
    "name", "advisor", "risk_level", "experience", "last_active_on",
    "total_assets", "opened_on", "account_no", "id",
)


class MemberQuery(BaseModel):
    """A segment of the roster: the filters a user set and the order they want."""

    model_config = ConfigDict(frozen=True)

    search: str = ""
    need: Need | None = None
    experience: Experience | None = None
    risk_level: RiskLevel | None = None
    advisor: str | None = None
    community: str | None = None
    tag: str | None = None
    dormant_only: bool = False
    dormant_days: int = Field(default=30, ge=1)
    sort: str = "name"
    descending: bool = False

    @field_validator("sort")
    @classmethod
    def _sortable(cls, value: str) -> str:
        if value not in SORTABLE_FIELDS:
            raise ValueError(f"sort by one of {', '.join(SORTABLE_FIELDS)}")
        return value
