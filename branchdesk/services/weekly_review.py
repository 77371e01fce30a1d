"""The weekly review (周报) computed: one model of a week's figures (weekly_review_model.py)
that the dashboard, the workbook and `branchdesk review` all show, so their figures never
disagree.

A week is an ISO week (iso_week.py), Monday to Sunday, in the branch's time zone. Standing
figures (members on the roster, dormant, overdue) are taken on the week's last day, or today
for the week that holds today. A week with no data gives zeros. Rates are fractions (0..1),
None where nothing was there to divide.

    review = compute_review(store, IsoWeek.parse("2026-W49"), ReviewSettings.from_settings(s))
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from branchdesk import datetimes
from branchdesk.engagement_enums import CONTACT_KINDS
from branchdesk.enums import ValueTier
from branchdesk.member_fields import DEFAULT_TIER_THRESHOLDS
from branchdesk.services.iso_week import IsoWeek
from branchdesk.services.weekly_review_model import (
    AdvisorFigures,
    AuditHead,
    CategoryCount,
    ComplaintFigures,
    ComplianceFigures,
    EngagementFigures,
    EventFigures,
    EventRow,
    KindFigures,
    MemberFigures,
    TierFigures,
    WeekFigures,
    WeeklyReview,
    rate,
)
from branchdesk.store import audit
from branchdesk.store import weekly_review as rows
from branchdesk.store.database import Store
from branchdesk.workdays import WorkCalendar

TREND_WEEKS = 8
# tier_rank numbers (store/reactivation.py) → tier codes; -1: total assets unknown
TIER_CODES = {3: ValueTier.DIAMOND.value, 2: ValueTier.GOLD.value, 1: ValueTier.SILVER.value,
              0: ValueTier.BASIC.value, -1: "unknown"}


@dataclass(frozen=True)
class ReviewSettings:
    dormant_days: int = 30
    thresholds: tuple[float, float, float] = DEFAULT_TIER_THRESHOLDS
    calendar: WorkCalendar = field(default_factory=WorkCalendar)
    tz: tzinfo = field(default_factory=datetimes.branch_zone)

    @classmethod
    def from_settings(cls, settings: Any) -> ReviewSettings:
        from branchdesk import engagement_config

        config = engagement_config.from_settings(settings)
        return cls(settings.dormant_days, tuple(settings.tier_thresholds), config.calendar,
                   settings.tz)


def _median(values: Sequence[float]) -> float | None:
    return float(statistics.median(values)) if values else None


# --- computing ---------------------------------------------------------------------------------

def _utc(day: date, tz: tzinfo) -> str:
    return datetime.combine(day, time(0, 0), tzinfo=tz).astimezone(UTC).isoformat(timespec="seconds")


def span_of(week: IsoWeek, today: date, tz: tzinfo) -> rows.Span:
    as_of = today if week.start <= today <= week.end else week.end
    return rows.Span(week.start, week.end, as_of, _utc(week.start, tz),
                     _utc(week.end + timedelta(days=1), tz), _utc(as_of + timedelta(days=1), tz))


def compute_review(store: Store, week: IsoWeek, config: ReviewSettings | None = None, *,
                   today: date | None = None, trend_weeks: int = TREND_WEEKS,
                   progress: Callable[[float], None] | None = None) -> WeeklyReview:
    """The review of `week` with the `trend_weeks` weeks up to it (at least 2: the week and
    the one before; fewer than TREND_WEEKS only for a quick first showing)."""
    config = config or ReviewSettings()
    today = today or datetimes.now().astimezone(config.tz).date()
    report = progress or (lambda fraction: None)
    count = max(2, trend_weeks)
    weeks = [week.shift(k - count + 1) for k in range(count)]
    spans = [span_of(w, today, config.tz) for w in weeks]
    conn = store.conn
    members = rows.member_figures(conn, spans, config.dormant_days, config.thresholds,
                                  [k.value for k in CONTACT_KINDS])
    report(0.6)
    follow = rows.follow_ups(conn, spans)
    figures: list[WeekFigures] = []
    event_lists: list[list[dict[str, Any]]] = []
    for k, (w, span) in enumerate(zip(weeks, spans, strict=True)):
        # Held by the day the week is seen on: this week's events still to come are not held.
        event_list = rows.events(conn, span.start_utc, span.as_of_after_utc)
        event_lists.append(event_list)
        figures.append(WeekFigures(
            w.label, span.start, span.end, span.as_of,
            _members(members.groups, k), EngagementFigures(members.contacts[k], *follow[k]),
            _events(event_list), _compliance(rows.compliance(conn, span.start_utc, span.after_utc)),
            _complaints(rows.complaints(conn, span), config)))
        report(0.6 + 0.35 * (k + 1) / count)
    last = count - 1
    span = spans[last]
    advisors = _advisors(
        members.groups, last, rows.attendance_by_advisor(conn, span.start_utc, span.after_utc),
        rows.messages_by_author(conn, span.start_utc, span.after_utc),
        rows.complaints_by_advisor(conn, span.start, span.end))
    head = audit.head(conn)
    report(1.0)
    return WeeklyReview(week, today, figures[last], figures[last - 1], tuple(figures), advisors,
                        tuple(EventRow(**e) for e in event_lists[last]), AuditHead(head.seq, head.hash))


def _members(member_rows: list[dict[str, Any]], k: int) -> MemberFigures:
    names = ("total", "new", "active", "dormant", "reactivated")
    tiers: dict[int, dict[str, int]] = {}
    for row in member_rows:
        into = tiers.setdefault(row["tier"], dict.fromkeys(names, 0))
        for name in names:
            into[name] += row[f"{name}_{k}"]
    totals = {name: sum(t[name] for t in tiers.values()) for name in names}
    by_tier = tuple(TierFigures(TIER_CODES[rank], **tiers.get(rank, dict.fromkeys(names, 0)))
                    for rank in sorted(TIER_CODES, reverse=True))
    return MemberFigures(**totals, active_rate=rate(totals["active"], totals["total"]),
                         dormant_rate=rate(totals["dormant"], totals["total"]), by_tier=by_tier)


def _events(event_list: list[dict[str, Any]]) -> EventFigures:
    from branchdesk.event_types import EventKind

    counts = rows.EVENT_COUNTS
    totals = {name: sum(e[name] for e in event_list) for name in counts}
    by_kind = tuple(KindFigures(kind.value, sum(1 for e in event_list if e["kind"] == kind.value),
                                **{name: sum(e[name] for e in event_list if e["kind"] == kind.value)
                                   for name in counts})
                    for kind in EventKind)
    return EventFigures(len(event_list), **totals,
                        attendance_rate=rate(totals["attended"], totals["registered"]),
                        no_show_rate=_no_show_rate(event_list), by_kind=by_kind,
                        awaiting_close=sum(1 for e in event_list if not e.get("closed")))


def _no_show_rate(event_list: list[dict[str, Any]]) -> float | None:
    """No-shows per registration over the closed events only: staff mark a registered member
    who did not come as a no-show when they close the event, so an event not closed yet
    (over or not) would count as 0% and pull the rate down. None when no event is closed."""
    closed = [e for e in event_list if e.get("closed")]
    return rate(sum(e["no_show"] for e in closed), sum(e["registered"] for e in closed))


def _compliance(found: dict[str, Any]) -> ComplianceFigures:
    by_category = tuple(CategoryCount(str(c), n) for c, n in sorted(
        found["categories"].items(), key=lambda item: (-item[1], str(item[0]))))
    hours = _median(found["review_hours"])
    return ComplianceFigures(found["checked"], found["blocked"], found["warned"],
                             found["overridden"], by_category,
                             round(hours, 2) if hours is not None else None, found["sent"])


def _complaints(found: dict[str, Any], config: ReviewSettings) -> ComplaintFigures:
    workdays = [config.calendar.working_days_between(
        date.fromisoformat(opened), datetime.fromisoformat(resolved).astimezone(config.tz).date())
        for opened, resolved in found["resolved"]]
    return ComplaintFigures(found["opened"], len(found["resolved"]), found["overdue"],
                            _median(workdays))


def _advisors(member_rows: list[dict[str, Any]], last: int, attended: dict[str, int],
              messages: dict[str, int], complaints: dict[str, int]) -> tuple[AdvisorFigures, ...]:
    by_name: dict[str, dict[str, Any]] = {}
    for row in member_rows:
        into = by_name.setdefault(row["advisor"], {"members": 0, "active": 0, "contacts": 0,
                                                   "reactivated": 0, "trend": [0] * (last + 1)})
        into["members"] += row[f"total_{last}"]
        into["active"] += row[f"active_{last}"]
        into["contacts"] += row["contacts"]
        into["reactivated"] += row[f"reactivated_{last}"]
        for k in range(last + 1):
            into["trend"][k] += row[f"active_{k}"]
    out = [AdvisorFigures(name, f["members"], f["active"], f["contacts"], f["reactivated"],
                          attended.get(name, 0), messages.get(name, 0), complaints.get(name, 0),
                          tuple(f["trend"]))
           for name, f in by_name.items()]
    # advisors first by name; members without an advisor last
    return tuple(sorted(out, key=lambda a: (a.advisor == "", a.advisor)))


@dataclass(frozen=True)
class TodayCounts:
    """What needs doing today, beside the week's figures: complaints late today (the
    complaints list's rule), follow-ups due today and those overdue."""

    complaints_overdue: int
    follow_ups_today: int
    follow_ups_overdue: int


def today_counts(store: Store, today: date) -> TodayCounts:
    from branchdesk.store import complaints as complaint_rows

    due, late = rows.follow_ups_due_on(store.conn, today)
    return TodayCounts(complaint_rows.counts(store.conn, today)["overdue"], due, late)
