"""An event as the screens and the CLI see it: its fields, its registrations counted, and
its status (full and done follow from those and the time)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from typing import Any

from branchdesk.datetimes import iso, show_span
from branchdesk.enums import ProductRisk
from branchdesk.event_types import SEATED, EventKind, EventStatus
from branchdesk.store import events as event_rows


@dataclass
class Event:
    """An event as the screens and the CLI see it, with its registrations counted."""

    id: int
    series_id: int | None
    kind: EventKind
    title: str
    topic: str | None
    speaker: str | None
    start: datetime
    end: datetime
    room: str | None
    link: str | None
    capacity: int | None
    audience: dict[str, list[str]]
    product_risk: ProductRisk | None
    notes: str | None
    stored_status: str
    closed: bool
    sequence: int
    updated_at: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def seated(self) -> int:
        return sum(self.counts.get(s.value, 0) for s in SEATED)

    def status(self, now: datetime) -> EventStatus:
        """planned / open as set; full and done follow from registrations and the time."""
        if self.stored_status == EventStatus.CANCELLED.value:
            return EventStatus.CANCELLED
        if self.closed or self.end <= now:
            return EventStatus.DONE
        if self.capacity is not None and self.seated >= self.capacity:
            return EventStatus.FULL
        return EventStatus(self.stored_status)

    def place(self) -> str:
        return self.room or self.link or ""

    def span(self, tz: tzinfo, today: date | None = None) -> str:
        return show_span(self.start, self.end, tz, today=today)

    def to_json(self, tz: tzinfo, now: datetime) -> dict[str, Any]:
        """The object `events list --json` prints (keys are a promise to scripts)."""
        return {
            "id": self.id, "series_id": self.series_id, "kind": self.kind.value,
            "title": self.title, "speaker": self.speaker, "room": self.room, "link": self.link,
            "start": iso(self.start, tz), "end": iso(self.end, tz), "capacity": self.capacity,
            "product_risk": self.product_risk.value if self.product_risk else None,
            "status": self.status(now).value, "counts": dict(self.counts),
        }


def to_event(row: dict[str, Any], counts: dict[str, int] | None = None) -> Event:
    return Event(
        id=row["id"], series_id=row["series_id"], kind=EventKind(row["kind"]), title=row["title"],
        topic=row["topic"], speaker=row["speaker"], start=event_rows.read_time(row["starts_at"]),
        end=event_rows.read_time(row["ends_at"]), room=row["room"], link=row["link"],
        capacity=row["capacity"], audience=row["audience"],
        product_risk=ProductRisk(row["product_risk"]) if row["product_risk"] else None,
        notes=row["notes"], stored_status=row["status"], closed=bool(row["closed_at"]),
        sequence=row["sequence"], updated_at=row["updated_at"],
        counts=counts or dict.fromkeys(event_rows.STATE_NAMES, 0))
