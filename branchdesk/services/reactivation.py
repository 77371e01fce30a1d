"""Waking sleeping members (休眠客户唤醒): the reactivation list and who was reactivated this week.

The rule of who is dormant, and of what counts as reactivating them, is declared once in
store/dormancy.py; this module only asks for the lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from branchdesk.datetimes import week_of
from branchdesk.engagement_enums import ActivityKind
from branchdesk.enums import ValueTier
from branchdesk.member_fields import DEFAULT_TIER_THRESHOLDS, mask_account, mask_phone, value_tier_for
from branchdesk.store import activities as activity_rows
from branchdesk.store import reactivation as sleeper_rows
from branchdesk.store.database import Store

Thresholds = tuple[float, float, float]


@dataclass(frozen=True)
class Sleeper:
    """A dormant member on the reactivation list."""

    member_id: int
    name: str
    phone: str | None
    advisor: str | None
    account_no: str | None
    tier: ValueTier | None
    heard_on: date | None      # last heard from (or joined the roster)
    days_asleep: int
    follow_up_on: date | None

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    def to_json(self, *, reveal: bool = False) -> dict[str, Any]:
        return {"member_id": self.member_id, "name": self.name,
                "phone": self.phone if reveal else (self.masked_phone or None),
                "advisor": self.advisor,
                "account_no": self.account_no if reveal else (mask_account(self.account_no) or None),
                "value_tier": self.tier.value if self.tier else None,
                "last_heard_on": self.heard_on.isoformat() if self.heard_on else None,
                "days_asleep": self.days_asleep,
                "follow_up_on": self.follow_up_on.isoformat() if self.follow_up_on else None}


@dataclass(frozen=True)
class Reactivated:
    member_id: int
    name: str
    phone: str | None
    advisor: str | None
    on: date
    kind: ActivityKind
    days_asleep: int

    def to_json(self) -> dict[str, Any]:
        return {"member_id": self.member_id, "name": self.name,
                "phone": mask_phone(self.phone) or None, "advisor": self.advisor,
                "on": self.on.isoformat(), "kind": self.kind.value, "days_asleep": self.days_asleep}


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text[:10]) if text else None


def reactivation_list(store: Store, today: date, dormant_days: int, *,
                      thresholds: Thresholds = DEFAULT_TIER_THRESHOLDS, advisor: str | None = None,
                      offset: int = 0, limit: int = 100, longest_first: bool = False) -> list[Sleeper]:
    """Dormant members, highest value tier first; within a tier the ones asleep the shortest
    time first (the easiest to wake), or the longest first."""
    rows = sleeper_rows.page(store.conn, today, dormant_days, thresholds, advisor=advisor,
                             offset=offset, limit=limit, longest_first=longest_first)
    return [Sleeper(r["id"], r["name"], r["phone"], r["advisor"], r["account_no"],
                    value_tier_for(r["total_assets"], thresholds), _day(r["heard_on"]),
                    r["days_asleep"] or 0, _day(r["follow_up_on"])) for r in rows]


def count_dormant(store: Store, today: date, dormant_days: int, advisor: str | None = None) -> int:
    return sleeper_rows.count(store.conn, today, dormant_days, advisor)


def reactivated_this_week(store: Store, today: date, dormant_days: int,
                          advisor: str | None = None) -> list[Reactivated]:
    """Members whose first activity after being dormant fell in this week (Monday–Sunday)."""
    first, last = week_of(today)
    rows = activity_rows.reactivated_in(store.conn, first, last, dormant_days, advisor)
    return [Reactivated(r["id"], r["name"], r["phone"], r["advisor"], date.fromisoformat(r["on_date"]),
                        ActivityKind(r["kind"]), r["gap_days"]) for r in rows]


@dataclass(frozen=True)
class MemberState:
    """Where one member stands: last heard from (or joined), days since, dormant today."""

    heard_on: date | None
    joined_only: bool  # never heard from: the date is the day they joined the roster
    days: int
    dormant: bool


def member_state(store: Store, member_id: int, today: date, dormant_days: int) -> MemberState | None:
    row = sleeper_rows.member_state(store.conn, member_id, today, dormant_days)
    if row is None:
        return None
    return MemberState(_day(row["heard_on"]), row["joined_only"], row["days"], row["dormant"])
