"""Why a member is in their asset tier: the threshold their total reached and the next one.
The tiers themselves come from `models.value_tier_for` and the branch's `tier_thresholds`."""

from __future__ import annotations

from dataclasses import dataclass

from branchdesk.models import DEFAULT_TIER_THRESHOLDS, ValueTier, value_tier_for


@dataclass(frozen=True)
class TierRule:
    tier: ValueTier | None  # None: total assets unknown
    reached: float | None  # the threshold the total reached (None for the lowest tier)
    next_tier: ValueTier | None  # None at the top
    next_at: float | None


def tier_rule(total_assets: float | None,
              thresholds: tuple[float, float, float] = DEFAULT_TIER_THRESHOLDS) -> TierRule:
    tier = value_tier_for(total_assets, thresholds)
    if tier is None:
        return TierRule(None, None, None, None)
    tiers = list(ValueTier)  # basic, silver, gold, diamond: each above the one before
    place = tiers.index(tier)
    reached = thresholds[place - 1] if place else None
    if place + 1 < len(tiers):
        return TierRule(tier, reached, tiers[place + 1], thresholds[place])
    return TierRule(tier, reached, None, None)
