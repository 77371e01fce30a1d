"""The vocabulary of BranchDesk as pydantic models and enums, validated at the edges.

The fields themselves are declared once in member_fields.py; `Member` spells them out
with their types (a test holds the two together).

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
from branchdesk.member_fields import DEFAULT_TIER_THRESHOLDS as DEFAULT_TIER_THRESHOLDS
from branchdesk.member_fields import SORTABLE_FIELDS as SORTABLE_FIELDS
from branchdesk.member_fields import mask_account as mask_account
from branchdesk.member_fields import mask_phone as mask_phone
from branchdesk.member_fields import value_tier_for as value_tier_for
from branchdesk.member_query import MemberQuery as MemberQuery

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
# The same rule as the roster importer's: what a broker's export can hold.
ACCOUNT_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]*$")


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
    # Derived by a listing (store/dormancy.py), None when not asked: dormant today, and
    # reactivated this week.
    dormant: bool | None = None
    reactivated: bool | None = None
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

    @property
    def masked_account(self) -> str:
        return mask_account(self.account_no)

    def to_public_dict(self, *, reveal: bool = False) -> dict[str, Any]:
        """Plain JSON-ready values: needs as codes, dates ISO, phone and account number masked
        unless revealed."""
        data = self.model_dump(mode="json", exclude={"version"})  # bookkeeping, not data
        if not reveal:
            data["phone"] = self.masked_phone or None
            data["account_no"] = self.masked_account or None
        return data
