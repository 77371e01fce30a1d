"""The figures of the weekly review as people read them, declared once: which figures, in which
order, under which heading, as what kind of number; their labels and how each is written.
The command, the dashboard and the workbook all list `FIGURES`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from branchdesk.i18n import t
from branchdesk.services.weekly_review_model import WeekFigures, change

Kind = Literal["count", "rate", "hours", "days"]
SECTIONS = ("members", "engagement", "events", "compliance", "complaints")


@dataclass(frozen=True)
class Figure:
    section: str
    name: str
    kind: Kind = "count"
    # a rise is good news (True), bad news (False), or neither (None): the change's colour
    rise_is_good: bool | None = True

    @property
    def label(self) -> str:
        return t(f"weekly_review.figure.{self.section}.{self.name}")

    def value(self, week: WeekFigures) -> float | None:
        return getattr(getattr(week, self.section), self.name)

    def change(self, current: WeekFigures, previous: WeekFigures) -> float | None:
        return change(self.value(current), self.value(previous))


FIGURES: tuple[Figure, ...] = (
    Figure("members", "total"),
    Figure("members", "new"),
    Figure("members", "active"),
    Figure("members", "active_rate", "rate"),
    Figure("members", "dormant", rise_is_good=False),
    Figure("members", "dormant_rate", "rate", rise_is_good=False),
    Figure("members", "reactivated"),
    Figure("engagement", "contacts"),
    Figure("engagement", "follow_ups_done"),
    Figure("engagement", "follow_ups_overdue", rise_is_good=False),
    Figure("events", "held"),
    Figure("events", "invited"),
    Figure("events", "registered"),
    Figure("events", "attended"),
    Figure("events", "attendance_rate", "rate"),
    Figure("events", "no_show_rate", "rate", rise_is_good=False),
    Figure("compliance", "checked", rise_is_good=None),
    Figure("compliance", "blocked", rise_is_good=False),
    Figure("compliance", "warned", rise_is_good=False),
    Figure("compliance", "overridden", rise_is_good=False),
    Figure("compliance", "approval_hours_median", "hours", rise_is_good=False),
    Figure("compliance", "sent", rise_is_good=None),
    Figure("complaints", "opened", rise_is_good=False),
    Figure("complaints", "resolved"),
    Figure("complaints", "overdue", rise_is_good=False),
    Figure("complaints", "resolve_workdays_median", "days", rise_is_good=False),
)
# The few the dashboard shows as cards with an 8-week sparkline.
HEADLINE = tuple(f for f in FIGURES if (f.section, f.name) in {
    ("members", "active"), ("members", "dormant"), ("members", "reactivated"),
    ("engagement", "contacts"), ("events", "attended"), ("compliance", "blocked"),
    ("complaints", "overdue")})


def section_label(section: str) -> str:
    return t(f"weekly_review.section.{section}")


def show(figure: Figure, value: float | None) -> str:
    """A figure's value as text: 1,234 · 50.0% · 4.0 h · 3.5 working days · — when unknown."""
    if value is None:
        return "—"
    if figure.kind == "rate":
        return f"{value * 100:.1f}%"
    if figure.kind == "hours":
        return t("weekly_review.hours", value=f"{value:.1f}")
    if figure.kind == "days":
        return t("weekly_review.workdays", value=f"{value:g}")
    return f"{int(value):,}"


def show_change(figure: Figure, delta: float | None) -> str:
    """The change on last week: +3 · −2.5 pt (a rate's change in percentage points) · —."""
    if delta is None:
        return "—"
    sign = "+" if delta > 0 else ("−" if delta < 0 else "±")
    size = abs(delta)
    if figure.kind == "rate":
        return t("weekly_review.points", value=f"{sign}{size * 100:.1f}")
    if figure.kind == "hours":
        return f"{sign}{size:.1f}"
    if figure.kind == "days":
        return f"{sign}{size:g}"
    return f"{sign}{int(size):,}"


def tier_label(code: str) -> str:
    from branchdesk.enums import ValueTier

    if code == "unknown":
        return t("weekly_review.tier_unknown")
    return ValueTier(code).label()


def advisor_label(name: str) -> str:
    return name or t("weekly_review.no_advisor")
