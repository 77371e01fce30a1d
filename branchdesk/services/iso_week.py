"""The weeks the weekly review (周报) is about: ISO weeks, Monday to Sunday, as people type them
("2026-W49") and as the review steps through them (the week before, the trend's weeks)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from branchdesk.errors import UserError

_WEEK = re.compile(r"^\s*(\d{4})\s*-?\s*[Ww]\s*(\d{1,2})\s*$")


@dataclass(frozen=True, order=True)
class IsoWeek:
    year: int
    week: int

    @classmethod
    def parse(cls, text: str) -> IsoWeek:
        """"2026-W49" (also "2026W49", "2026-w49") → IsoWeek; a week that does not exist
        (2026-W54, 2026-W53) is one clear UserError."""
        found = _WEEK.match(text or "")
        if found is None:
            raise UserError("weekly_review.bad_week", value=text)
        year, week = int(found.group(1)), int(found.group(2))
        if week == 0:
            raise UserError("weekly_review.week_zero", value=text.strip())
        try:
            date.fromisocalendar(year, week, 1)
        except ValueError:
            raise UserError("weekly_review.no_such_week", value=text.strip(),
                            last=cls.last_of(year).label if 1 <= year <= 9998 else "") from None
        return cls(year, week)

    @classmethod
    def containing(cls, day: date) -> IsoWeek:
        year, week, _ = day.isocalendar()
        return cls(year, week)

    @classmethod
    def last_of(cls, year: int) -> IsoWeek:
        return cls.containing(date(year, 12, 28))

    @property
    def start(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def end(self) -> date:
        return self.start + timedelta(days=6)

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    def shift(self, weeks: int) -> IsoWeek:
        return IsoWeek.containing(self.start + timedelta(weeks=weeks))

    def __str__(self) -> str:
        return self.label
