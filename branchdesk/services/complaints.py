"""Complaints (投诉): open → in progress (answered) → resolved, with the first-response and
resolution deadlines counted in Chinese working days (workdays.py) from the day received.

A deadline counted across a year with no official schedule (neither the branch's config nor
the chinese-calendar package knows it) is counted Monday to Friday, and the complaint says so
(`assumed_years`) wherever it is shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from branchdesk import datetimes
from branchdesk.engagement_config import EngagementConfig
from branchdesk.engagement_enums import (
    ComplaintCategory,
    ComplaintChannel,
    ComplaintStatus,
    allowed,
    from_text,
)
from branchdesk.enums import LabelledEnum
from branchdesk.errors import UserError
from branchdesk.i18n import t
from branchdesk.member_fields import mask_phone
from branchdesk.services.known_people import check_known, known_people
from branchdesk.services.member_lookup import exists
from branchdesk.store import audit
from branchdesk.store import complaints as complaint_rows
from branchdesk.store.database import Store

SUMMARY_MAX = 500
TEXT_MAX = 2000
OWNER_MAX = 50


@dataclass(frozen=True)
class Complaint:
    id: int
    member_id: int
    member_name: str
    member_phone: str | None
    channel: ComplaintChannel
    category: ComplaintCategory
    summary: str
    opened_at: datetime
    owner: str | None
    status: ComplaintStatus
    first_response_due: date
    resolution_due: date
    assumed_years: tuple[int, ...]
    responded_at: datetime | None
    response: str | None
    resolution: str | None
    resolved_at: datetime | None
    created_by: str
    overdue: bool

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.member_phone)

    def response_late(self, today: date) -> bool:
        """No answer yet and the first-response day has passed."""
        return self.responded_at is None and self.status != ComplaintStatus.RESOLVED \
            and self.first_response_due < today

    def next_due(self) -> date | None:
        if self.status == ComplaintStatus.RESOLVED:
            return None
        return self.first_response_due if self.responded_at is None else self.resolution_due

    def to_json(self) -> dict[str, Any]:
        def moment(value: datetime | None) -> str | None:
            return value.isoformat(timespec="seconds") if value else None

        return {
            "id": self.id, "member_id": self.member_id, "member_name": self.member_name,
            "channel": self.channel.value, "category": self.category.value,
            "summary": self.summary, "status": self.status.value,
            "opened_at": moment(self.opened_at),
            "first_response_due": self.first_response_due.isoformat(),
            "resolution_due": self.resolution_due.isoformat(),
            "resolved_at": moment(self.resolved_at), "overdue": self.overdue,
            "owner": self.owner, "responded_at": moment(self.responded_at),
            "response": self.response, "resolution": self.resolution,
            "deadline_notice": list(self.assumed_years),  # years counted Monday-Friday
        }


def calendar_notice(years: tuple[int, ...] | list[int]) -> str:
    """What screens and commands say when a deadline was counted without an official schedule."""
    return t("engagement.calendar_notice", years="、".join(str(y) for y in years), first=min(years))


def _moment(text: str | None) -> datetime | None:
    return datetimes.from_stored(text) if text else None


def _complaint(row: dict[str, Any]) -> Complaint:
    years = tuple(int(y) for y in (row["assumed_years"] or "").split(",") if y)
    return Complaint(
        row["id"], row["member_id"], row["member_name"], row["member_phone"],
        ComplaintChannel(row["channel"]), ComplaintCategory(row["category"]), row["summary"],
        datetimes.from_stored(row["opened_at"]), row["owner"], ComplaintStatus(row["status"]),
        date.fromisoformat(row["first_response_due"]), date.fromisoformat(row["resolution_due"]),
        years, _moment(row["responded_at"]), row["response"], row["resolution"],
        _moment(row["resolved_at"]), row["created_by"], row["overdue"])


E = TypeVar("E", bound=LabelledEnum)


def _parse(enum: type[E], value: E | str, error_key: str) -> E:
    """A member of `enum` from itself, its code or a label in either language; else a
    UserError (`error_key`) listing the codes allowed."""
    found = value if isinstance(value, enum) else from_text(enum, value or "")
    if found is None:
        raise UserError(error_key, value=value, allowed=allowed(enum))
    return found  # type: ignore[return-value]


def parse_channel(value: ComplaintChannel | str) -> ComplaintChannel:
    return _parse(ComplaintChannel, value, "engagement.bad_complaint_channel")


def parse_category(value: ComplaintCategory | str) -> ComplaintCategory:
    return _parse(ComplaintCategory, value, "engagement.bad_complaint_category")


def parse_status(value: ComplaintStatus | str) -> ComplaintStatus:
    return _parse(ComplaintStatus, value, "engagement.bad_complaint_status")


def _text(value: str | None, limit: int, key: str) -> str:
    text = " ".join((value or "").split())
    if not text:
        raise UserError(f"engagement.{key}_blank")
    if len(text) > limit:
        raise UserError("engagement.text_too_long", what=key, length=len(text), limit=limit)
    return text


def known_owners(store: Store) -> list[str]:
    """Who can own a complaint: active staff and the roster's advisors."""
    return known_people(store)


def _check_owner(store: Store, owner: str) -> str:
    owner = " ".join(owner.split())
    if not owner:
        raise UserError("engagement.owner_blank")
    if len(owner) > OWNER_MAX:
        raise UserError("engagement.text_too_long", what="owner", length=len(owner), limit=OWNER_MAX)
    return check_known(store, owner)


def deadlines(config: EngagementConfig, channel: ComplaintChannel, category: ComplaintCategory,
              opened_on: date) -> tuple[date, date, tuple[int, ...]]:
    """(first-response day, resolution day, years counted Monday–Friday for want of data)."""
    days = config.deadlines.days_for(channel.value, category.value)
    first = config.calendar.add_working_days(opened_on, days.first_response)
    last = config.calendar.add_working_days(opened_on, days.resolution)
    return first.day, last.day, tuple(sorted({*first.assumed_years, *last.assumed_years}))


def open_complaint(store: Store, operator: str, config: EngagementConfig, *, member_id: int,
                   channel: ComplaintChannel | str, category: ComplaintCategory | str,
                   summary: str, opened_at: datetime | None = None,
                   owner: str | None = None) -> Complaint:
    """Log a new complaint (one audited action); deadlines counted from the day received."""
    channel, category = parse_channel(channel), parse_category(category)
    summary = _text(summary, SUMMARY_MAX, "summary")
    moment = datetimes.happened_at(opened_at, "engagement.complaint_in_future")
    opened_on = moment.astimezone(datetimes.branch_zone()).date()
    owner = _check_owner(store, owner) if owner else operator
    first, last, assumed = deadlines(config, channel, category, opened_on)
    with store.transaction() as conn:
        if not exists(conn, member_id):
            raise UserError("roster.no_such_member", id=member_id)
        values = {"member_id": member_id, "channel": channel.value, "category": category.value,
                  "summary": summary, "opened_at": datetimes.to_utc_text(moment),
                  "opened_on": opened_on.isoformat(), "owner": owner, "status": "open",
                  "first_response_due": first.isoformat(), "resolution_due": last.isoformat(),
                  "assumed_years": ",".join(str(y) for y in assumed), "created_by": operator}
        complaint_id = complaint_rows.insert(conn, values)
        audit.append(conn, operator=operator, action="complaint.open", entity="complaint",
                     entity_id=complaint_id, after=values)
    return get_complaint(store, complaint_id)


def get_complaint(store: Store, complaint_id: int, today: date | None = None) -> Complaint:
    row = complaint_rows.get(store.conn, complaint_id, today or datetimes.today())
    if row is None:
        raise UserError("engagement.no_such_complaint", id=complaint_id)
    return _complaint(row)


def list_complaints(store: Store, today: date | None = None, *,
                    status: ComplaintStatus | str | None = None, overdue_only: bool = False,
                    open_only: bool = False, member_id: int | None = None,
                    owner: str | None = None) -> list[Complaint]:
    """Complaints with the overdue ones first, then by the next deadline."""
    code = parse_status(status).value if status else None
    rows = complaint_rows.listing(store.conn, today or datetimes.today(), status=code,
                                  overdue_only=overdue_only, open_only=open_only,
                                  member_id=member_id, owner=owner)
    return [_complaint(r) for r in rows]


def complaint_counts(store: Store, today: date | None = None) -> dict[str, int]:
    return complaint_rows.counts(store.conn, today or datetimes.today())


def _change(store: Store, operator: str, complaint_id: int, action: str,
            decide: Any) -> Complaint:
    with store.transaction() as conn:
        row = complaint_rows.get(conn, complaint_id, datetimes.today())
        if row is None:
            raise UserError("engagement.no_such_complaint", id=complaint_id)
        changes = decide(_complaint(row))
        before = {k: row[k] for k in changes}
        complaint_rows.update(conn, complaint_id, changes)
        audit.append(conn, operator=operator, action=action, entity="complaint",
                     entity_id=complaint_id, before=before, after=changes)
    return get_complaint(store, complaint_id)


def _refuse_if_resolved(complaint: Complaint) -> None:
    if complaint.status == ComplaintStatus.RESOLVED:
        at = complaint.resolved_at.strftime("%Y-%m-%d %H:%M") if complaint.resolved_at else ""
        raise UserError("engagement.complaint_resolved", id=complaint.id, at=at)


def assign(store: Store, operator: str, complaint_id: int, owner: str) -> Complaint:
    owner = _check_owner(store, owner)

    def decide(complaint: Complaint) -> dict[str, Any]:
        _refuse_if_resolved(complaint)
        return {"owner": owner}

    return _change(store, operator, complaint_id, "complaint.assign", decide)


def respond(store: Store, operator: str, complaint_id: int, note: str | None = None,
            at: datetime | None = None) -> Complaint:
    """The first response was given: the complaint is in progress."""
    moment = datetimes.happened_at(at, "engagement.response_in_future")
    text = " ".join((note or "").split()) or None
    if text and len(text) > TEXT_MAX:
        raise UserError("engagement.text_too_long", what="response", length=len(text), limit=TEXT_MAX)

    def decide(complaint: Complaint) -> dict[str, Any]:
        _refuse_if_resolved(complaint)
        if complaint.responded_at is not None:
            raise UserError("engagement.complaint_answered", id=complaint.id,
                            at=complaint.responded_at.strftime("%Y-%m-%d %H:%M"))
        if moment < complaint.opened_at:
            raise UserError("engagement.before_opened", id=complaint.id)
        return {"status": ComplaintStatus.IN_PROGRESS.value,
                "responded_at": datetimes.to_utc_text(moment), "response": text}

    return _change(store, operator, complaint_id, "complaint.respond", decide)


def resolve(store: Store, operator: str, complaint_id: int, resolution: str,
            at: datetime | None = None) -> Complaint:
    """The complaint is resolved, with what was done; it was answered then at the latest."""
    text = _text(resolution, TEXT_MAX, "resolution")
    moment = datetimes.happened_at(at, "engagement.resolution_in_future")

    def decide(complaint: Complaint) -> dict[str, Any]:
        _refuse_if_resolved(complaint)
        if moment < complaint.opened_at:
            raise UserError("engagement.before_opened", id=complaint.id)
        if complaint.responded_at is not None and moment < complaint.responded_at:
            raise UserError("engagement.before_answered", id=complaint.id,
                            at=complaint.responded_at.strftime("%Y-%m-%d %H:%M"))
        changes: dict[str, Any] = {"status": ComplaintStatus.RESOLVED.value, "resolution": text,
                                   "resolved_at": datetimes.to_utc_text(moment)}
        if complaint.responded_at is None:
            changes["responded_at"] = changes["resolved_at"]
        return changes

    return _change(store, operator, complaint_id, "complaint.resolve", decide)
