"""Follow-ups (回访) and birthdays (生日关怀): who to contact today, per advisor."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Literal

from branchdesk import datetimes
from branchdesk.errors import UserError
from branchdesk.member_fields import mask_phone
from branchdesk.services.member_lookup import exists, refuse_erased
from branchdesk.store import audit
from branchdesk.store import followups as follow_rows
from branchdesk.store.database import Store

if TYPE_CHECKING:
    from branchdesk.services.activities import FollowUpChange

REASON_MAX = 200
BIRTHDAY_DAYS = 7  # "in the coming 7 days": today and the 7 days after
WEEK_DAYS = 7      # --due week: due today, overdue, or in the coming 7 days
Due = Literal["today", "week"]


@dataclass(frozen=True)
class FollowUp:
    member_id: int
    due_on: date
    reason: str
    set_by: str
    member_name: str = ""
    phone: str | None = None
    advisor: str | None = None
    account_no: str | None = None

    def overdue(self, today: date) -> bool:
        return self.due_on < today

    def to_json(self, today: date, *, reveal: bool = False) -> dict[str, Any]:
        return {"member_id": self.member_id, "name": self.member_name,
                "phone": self.phone if reveal else (mask_phone(self.phone) or None),
                "advisor": self.advisor, "due_on": self.due_on.isoformat(), "reason": self.reason,
                "overdue": self.overdue(today), "days_overdue": max((today - self.due_on).days, 0),
                "set_by": self.set_by}


@dataclass(frozen=True)
class Birthday:
    member_id: int
    name: str
    phone: str | None
    advisor: str | None
    birthday: date
    next_on: date  # the day it falls on this time

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    def to_json(self, today: date) -> dict[str, Any]:
        return {"member_id": self.member_id, "name": self.name, "phone": self.masked_phone or None,
                "advisor": self.advisor, "birthday": self.birthday.isoformat(),
                "on": self.next_on.isoformat(), "in_days": (self.next_on - today).days}


def _follow_up(row: dict[str, Any]) -> FollowUp:
    return FollowUp(row["member_id"], date.fromisoformat(row["due_on"]), row["reason"], row["set_by"],
                    row.get("name", ""), row.get("phone"), row.get("advisor"), row.get("account_no"))


def clean_reason(reason: str | None) -> str:
    text = " ".join((reason or "").split())
    if len(text) > REASON_MAX:
        raise UserError("engagement.reason_too_long", length=len(text), limit=REASON_MAX)
    return text


def get_follow_up(store: Store, member_id: int) -> FollowUp | None:
    row = follow_rows.get(store.conn, member_id)
    return _follow_up(row) if row else None


def set_follow_up(store: Store, operator: str, member_id: int, due_on: date,
                  reason: str | None = None, *, today: date | None = None) -> FollowUp:
    """Set (or move) the member's next-contact date and reason, as one audited action."""
    today = today or datetimes.today()
    if due_on < today:
        raise UserError("engagement.follow_up_in_past", day=due_on.isoformat())
    with store.transaction() as conn:
        if not exists(conn, member_id):
            raise UserError("roster.no_such_member", id=member_id)
        refuse_erased(conn, member_id)
        before = follow_rows.get(conn, member_id)
        text = clean_reason(reason if reason is not None else (before or {}).get("reason", ""))
        follow_rows.put(conn, member_id, due_on, text, operator)
        audit.append(conn, operator=operator, action="follow_up.set", entity="member",
                     entity_id=member_id,
                     before={k: before[k] for k in ("due_on", "reason")} if before else None,
                     after={"due_on": due_on.isoformat(), "reason": text})
    found = get_follow_up(store, member_id)
    assert found is not None
    return found


def clear_follow_up(store: Store, operator: str, member_id: int) -> bool:
    """Remove the member's follow-up; False when there was none (nothing is written)."""
    with store.transaction() as conn:
        before = follow_rows.get(conn, member_id)
        if before is None:
            return False
        follow_rows.delete(conn, member_id)
        audit.append(conn, operator=operator, action="follow_up.clear", entity="member",
                     entity_id=member_id, before={k: before[k] for k in ("due_on", "reason")})
    return True


def apply_change(conn: sqlite3.Connection, operator: str, member_id: int,
                 change: FollowUpChange) -> dict[str, Any] | None:
    """Clear or move a follow-up inside a caller's transaction (logging a contact); what was
    done, for the caller's audit row."""
    before = follow_rows.get(conn, member_id)
    if change.action == "clear":
        if before is None:
            return None
        follow_rows.delete(conn, member_id)
        return {"cleared": before["due_on"]}
    if change.action == "move":
        if change.due_on is None:
            raise UserError("engagement.follow_up_needs_date")
        reason = clean_reason(change.reason if change.reason is not None
                              else (before or {}).get("reason", ""))
        follow_rows.put(conn, member_id, change.due_on, reason, operator)
        return {"moved_from": before["due_on"] if before else None,
                "due_on": change.due_on.isoformat(), "reason": reason}
    raise ValueError(f"unknown follow-up change {change.action!r}")


def due_follow_ups(store: Store, today: date, due: Due = "today",
                   advisor: str | None = None, *, by_advisor: bool = True) -> list[FollowUp]:
    """Follow-ups due today or overdue (`due="today"`), or also in the coming 7 days
    (`due="week"`), grouped by advisor, overdue first within each (for a listing that heads
    each advisor's group); `by_advisor=False`: oldest date first across advisors (for one
    list without group headings, where a group's dates would seem out of order)."""
    if due not in ("today", "week"):
        raise UserError("engagement.bad_due", value=due)
    until = today if due == "today" else today + timedelta(days=WEEK_DAYS)
    found = [_follow_up(r) for r in follow_rows.due(store.conn, until, advisor)]
    if not by_advisor:
        found.sort(key=lambda f: f.due_on)  # stable: advisor, then name, within a day
    return found


def _next_on(birthday: date, today: date) -> date:
    for year in (today.year, today.year + 1):
        try:
            day = birthday.replace(year=year)
        except ValueError:  # 29 February in a year without one: the 28th
            day = date(year, 2, 28)
        if day >= today:
            return day
    return day


def upcoming_birthdays(store: Store, today: date, days: int = BIRTHDAY_DAYS,
                       advisor: str | None = None) -> list[Birthday]:
    """Members with a birthday from today to `days` days ahead, soonest first."""
    out = []
    for row in follow_rows.birthdays(store.conn, today, days, advisor):
        try:
            born = date.fromisoformat(row["birthday"][:10])
        except ValueError:
            continue
        next_on = _next_on(born, today)
        if (next_on - today).days <= days:
            out.append(Birthday(row["id"], row["name"], row["phone"], row["advisor"], born, next_on))
    out.sort(key=lambda b: (b.next_on, b.name, b.member_id))
    return out
