"""The weekly review's model (周报): one week's figures, the advisors', the events' and the
trend, as the dashboard, the workbook and `branchdesk review --json` all show them, so their
figures never disagree. Computed in weekly_review.py. Rates are fractions (0..1), None where
nothing was there to divide.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from branchdesk.services.iso_week import IsoWeek


@dataclass(frozen=True)
class TierFigures:
    tier: str  # a ValueTier code, or "unknown"
    total: int
    new: int
    active: int
    dormant: int
    reactivated: int


@dataclass(frozen=True)
class MemberFigures:
    total: int
    new: int
    active: int
    dormant: int
    reactivated: int
    active_rate: float | None
    dormant_rate: float | None
    by_tier: tuple[TierFigures, ...]


@dataclass(frozen=True)
class EngagementFigures:
    contacts: int
    follow_ups_done: int
    follow_ups_overdue: int


@dataclass(frozen=True)
class KindFigures:
    kind: str
    held: int
    invited: int
    registered: int
    attended: int
    no_show: int


@dataclass(frozen=True)
class EventFigures:
    held: int
    invited: int
    registered: int
    attended: int
    no_show: int
    attendance_rate: float | None  # attended / registered
    no_show_rate: float | None     # no-shows / registered, of the closed events (see below)
    by_kind: tuple[KindFigures, ...]
    awaiting_close: int = 0        # held events not closed yet: their no-shows are not known


@dataclass(frozen=True)
class CategoryCount:
    category: str
    findings: int


@dataclass(frozen=True)
class ComplianceFigures:
    checked: int
    blocked: int
    warned: int
    overridden: int
    by_category: tuple[CategoryCount, ...]
    approval_hours_median: float | None
    sent: int


@dataclass(frozen=True)
class ComplaintFigures:
    opened: int
    resolved: int
    overdue: int
    resolve_workdays_median: float | None


@dataclass(frozen=True)
class WeekFigures:
    week: str
    start: date
    end: date
    as_of: date
    members: MemberFigures
    engagement: EngagementFigures
    events: EventFigures
    compliance: ComplianceFigures
    complaints: ComplaintFigures


@dataclass(frozen=True)
class AdvisorFigures:
    advisor: str  # "" for members with no advisor
    members: int
    active: int
    contacts: int
    reactivated: int
    attended: int
    messages: int
    complaints: int
    active_trend: tuple[int, ...]  # active members in each of the trend's weeks, oldest first


@dataclass(frozen=True)
class EventRow:
    id: int
    kind: str
    title: str
    starts_at: str
    capacity: int | None
    invited: int
    registered: int
    attended: int
    no_show: int
    closed: bool = False

    @property
    def attendance_rate(self) -> float | None:
        return rate(self.attended, self.registered)

    @property
    def no_show_rate(self) -> float | None:
        """None until the event is closed: no-shows are only marked then."""
        return rate(self.no_show, self.registered) if self.closed else None


@dataclass(frozen=True)
class AuditHead:
    seq: int
    hash: str


@dataclass(frozen=True)
class WeeklyReview:
    week: IsoWeek
    today: date
    current: WeekFigures
    previous: WeekFigures
    trend: tuple[WeekFigures, ...]  # TREND_WEEKS weeks, oldest first; the last is `current`
    advisors: tuple[AdvisorFigures, ...]
    events: tuple[EventRow, ...]
    audit_head: AuditHead

    def to_json(self) -> dict[str, Any]:
        """The shape `branchdesk review --json` prints: counts as integers, rates as
        fractions, dates as ISO text."""
        def week(figures: WeekFigures) -> dict[str, Any]:
            return _plain(asdict(figures))

        current = week(self.current)
        return {
            "week": self.week.label, "start": current["start"], "end": current["end"],
            "as_of": current["as_of"],
            "members": current["members"], "engagement": current["engagement"],
            "events": current["events"], "compliance": current["compliance"],
            "complaints": current["complaints"],
            "previous": week(self.previous),
            "advisors": [_plain(asdict(a)) for a in self.advisors],
            "event_list": [{**_plain(asdict(e)), "attendance_rate": e.attendance_rate,
                            "no_show_rate": e.no_show_rate}
                           for e in self.events],
            "trend": [week(w) for w in self.trend],
            "audit_head": {"seq": self.audit_head.seq, "hash": self.audit_head.hash},
        }


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def change(current: float | None, previous: float | None) -> float | None:
    """This week's figure minus last week's (None when either is missing)."""
    if current is None or previous is None:
        return None
    return current - previous
