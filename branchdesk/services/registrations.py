"""Who comes to an event: invitations by segment behind the suitability gate, registration
and the waitlist, cancellation (the waitlist moves up by itself), check-in at the door,
walk-ins, undo. Every change is one transaction with one audit row (a walk-in adds the
roster's own row for the new member)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from branchdesk.enums import product_suits
from branchdesk.errors import UserError
from branchdesk.event_types import CANCELLABLE, SEATED, EventStatus, RegistrationState
from branchdesk.i18n import t
from branchdesk.member_fields import mask_phone
from branchdesk.member_query import MemberQuery
from branchdesk.services import roster
from branchdesk.services.attendance import record_attendance, undo_attendance
from branchdesk.services.desk_lookup import find_member as find_member
from branchdesk.services.desk_lookup import roster_matches
from branchdesk.services.event_clock import require_door_open
from branchdesk.services.events import Event, get_event
from branchdesk.services.member_lookup import refuse_erased
from branchdesk.services.waitlist import promote, suits
from branchdesk.store import audit, member_listing, member_lookups
from branchdesk.store import events as event_rows
from branchdesk.store import members as member_rows
from branchdesk.store import registrations as registration_rows
from branchdesk.store.database import Store


def _member_name(store: Store, member_id: int) -> str:
    row = member_rows.get(store.conn, member_id)
    if row is None:
        raise UserError("roster.no_such_member", id=member_id)
    return row["name"]


def _open_for_registration(event: Event, now: datetime) -> None:
    status = event.status(now)
    if status in (EventStatus.CANCELLED, EventStatus.DONE):
        raise UserError("events.not_open", id=event.id, status=status.label())


# --- invitations ---------------------------------------------------------------------------------


@dataclass
class Invitation:
    """What inviting a segment does (or would do, on a dry run)."""

    event_id: int
    matched: int
    invited: list[int]
    already: list[int]
    unsuitable: list[int]  # left out: their risk level does not allow the product
    included_unsuitable: list[int] = field(default_factory=list)  # invited with a reason
    reason: str | None = None
    dry_run: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"event_id": self.event_id, "matched": self.matched, "dry_run": self.dry_run,
                "invited": len(self.invited), "invited_ids": self.invited,
                "already_invited": len(self.already), "already_invited_ids": self.already,
                "unsuitable": self.unsuitable, "included_unsuitable": self.included_unsuitable,
                "reason": self.reason}


def invite(store: Store, operator: str, event_id: int, query: MemberQuery, *,
           include_unsuitable: str | None = None, dry_run: bool = False,
           today: date | None = None, now: datetime | None = None) -> Invitation:
    """Invite the members the roster's filters pick. Members already listed are left as
    they are; when the event presents a product, members whose risk level does not allow
    it are left out and listed, unless `include_unsuitable` gives a reason for them."""
    event = get_event(store, event_id)
    now = now or datetime.now(event.start.tzinfo)
    _open_for_registration(event, now)
    reason = (include_unsuitable or "").strip() or None
    with store.transaction() as conn:
        ids = member_listing.ids(conn, query, today or now.date())
        listed = registration_rows.member_ids(conn, event.id)
        already = [i for i in ids if i in listed]
        fresh = [i for i in ids if i not in listed]
        unsuitable: list[int] = []
        if event.product_risk is not None and fresh:
            product = event.product_risk.value
            levels = member_lookups.risk_levels(conn, fresh)
            unsuitable = [i for i in fresh if not product_suits(levels.get(i), product)]
        left_out = set() if reason else set(unsuitable)
        invited = [i for i in fresh if i not in left_out]
        result = Invitation(event.id, len(ids), invited, already, [] if reason else unsuitable,
                            unsuitable if reason else [], reason, dry_run)
        if dry_run:
            return result
        reasons = dict.fromkeys(unsuitable, reason) if reason else {}
        registration_rows.invite_many(conn, event.id, invited, reasons)
        if invited and event.stored_status == EventStatus.PLANNED.value:
            event_rows.update(conn, event.id, {"status": EventStatus.OPEN.value})
        audit.append(conn, operator=operator, action="event.invite", entity="event",
                     entity_id=event.id,
                     after={"query": query.model_dump(mode="json"),
                            "invited": invited, "already_invited": len(already),
                            "left_out_unsuitable": result.unsuitable,
                            "included_unsuitable": result.included_unsuitable,
                            "reason": reason})
    return result


# --- registration --------------------------------------------------------------------------------


@dataclass
class Registered:
    member_id: int
    name: str
    state: RegistrationState
    position: int | None = None  # on the waitlist


def register(store: Store, operator: str, event_id: int, member_id: int, *,
             include_unsuitable: str | None = None, now: datetime | None = None) -> Registered:
    """Register a member (invited or not): a seat if one is free, else the waitlist."""
    event = get_event(store, event_id)
    now = now or datetime.now(event.start.tzinfo)
    _open_for_registration(event, now)
    name = _member_name(store, member_id)
    refuse_erased(store.conn, member_id, "events.member_erased")
    reason = (include_unsuitable or "").strip() or None
    with store.transaction() as conn:
        row = registration_rows.get(conn, event.id, member_id)
        state = row["state"] if row else None
        if state in (RegistrationState.REGISTERED, RegistrationState.WAITLISTED,
                     RegistrationState.ATTENDED, RegistrationState.NO_SHOW):
            raise UserError("events.already_registered", name=name, id=event.id,
                            state=RegistrationState(state).label())
        risk = member_lookups.risk_levels(conn, [member_id]).get(member_id)
        kept_reason = (row or {}).get("unsuitable_reason") or reason
        if event.product_risk and not product_suits(risk, event.product_risk.value) \
                and not kept_reason:
            raise UserError("events.unsuitable_member", name=name, risk=risk or "—",
                            product=event.product_risk.value)
        seated = registration_rows.count_in(conn, event.id, [s.value for s in SEATED])
        full = event.capacity is not None and seated >= event.capacity
        values: dict[str, Any] = {
            "state": (RegistrationState.WAITLISTED if full else RegistrationState.REGISTERED).value,
            "waitlist_position": registration_rows.next_waitlist_position(conn, event.id) if full
            else None,
            "unsuitable_reason": kept_reason if not product_suits(
                risk, event.product_risk.value if event.product_risk else None) else None,
        }
        if row is None:
            registration_rows.insert(conn, event.id, member_id, **values)
        else:
            registration_rows.update(conn, event.id, member_id, **values)
        audit.append(conn, operator=operator, action="registration.register", entity="event",
                     entity_id=event.id, before={"member_id": member_id, "state": state},
                     after={"member_id": member_id, **values})
    return Registered(member_id, name, RegistrationState(values["state"]),
                      values["waitlist_position"])


@dataclass
class Cancelled:
    member_id: int
    name: str
    previous: RegistrationState
    promoted: list[dict[str, Any]]  # members moved up from the waitlist: tell them


def cancel_registration(store: Store, operator: str, event_id: int, member_id: int, *,
                        now: datetime | None = None) -> Cancelled:
    event = get_event(store, event_id)
    now = now or datetime.now(event.start.tzinfo)
    _open_for_registration(event, now)
    name = _member_name(store, member_id)
    with store.transaction() as conn:
        row = registration_rows.get(conn, event.id, member_id)
        if row is None:
            raise UserError("events.not_listed", name=name, id=event.id)
        previous = RegistrationState(row["state"])
        if previous not in CANCELLABLE:
            raise UserError("events.cannot_cancel", name=name, state=previous.label())
        registration_rows.update(conn, event.id, member_id,
                                 state=RegistrationState.CANCELLED.value, waitlist_position=None)
        moved = promote(conn, event_rows.get(conn, event.id) or {}) \
            if previous is RegistrationState.REGISTERED else []
        audit.append(conn, operator=operator, action="registration.cancel", entity="event",
                     entity_id=event.id, before={"member_id": member_id, "state": previous.value},
                     after={"member_id": member_id, "state": RegistrationState.CANCELLED.value,
                            "promoted": [m["member_id"] for m in moved]})
    return Cancelled(member_id, name, previous, moved)


# --- the door ------------------------------------------------------------------------------------


@dataclass
class CheckIn:
    member_id: int
    name: str
    phone: str  # masked
    already: bool  # was checked in before: nothing changed
    at: str  # when (the first check-in's time when `already`)
    walk_in: bool = False
    count: int = 0  # attendees of the event after this check-in


@dataclass
class DoorResult:
    """What typing at the door found: one member checked in (or already in), several to
    choose from, or nobody."""

    checked_in: CheckIn | None = None
    matches: list[dict[str, Any]] = field(default_factory=list)  # masked, when several
    from_roster: bool = False  # the matches are not on the event's list


def _masked(row: dict[str, Any], listed: bool) -> dict[str, Any]:
    return {"member_id": row["member_id"] if "member_id" in row else row["id"],
            "name": row["name"], "phone": mask_phone(row.get("phone")),
            "state": row.get("state") if listed else None}


def _local(stamp: datetime, tz: tzinfo) -> str:
    return stamp.astimezone(tz).strftime("%H:%M")


def check_in(store: Store, operator: str, event_id: int, member_id: int, *, tz: tzinfo,
             now: datetime | None = None, walk_in: bool = False) -> CheckIn:
    """Check a member in: attended, and active today (the branch's day). Checked in
    already: said so, and nothing changes."""
    event = get_event(store, event_id)
    now = now or datetime.now(tz)
    if event.stored_status == EventStatus.CANCELLED.value or event.closed:
        status = event.status(now)
        raise UserError("events.door_closed", id=event.id, status=status.label())
    require_door_open(event, now, tz)
    with store.transaction() as conn:
        member = member_rows.get(conn, member_id)
        if member is None:
            raise UserError("roster.no_such_member", id=member_id)
        row = registration_rows.get(conn, event.id, member_id)
        attended = RegistrationState.ATTENDED.value
        if row is not None and row["state"] == attended:
            when = datetime.fromisoformat(row["checked_in_at"]) if row["checked_in_at"] else now
            return CheckIn(member_id, member["name"], mask_phone(member["phone"]), True,
                           _local(when, tz), bool(row["walk_in"]),
                           registration_rows.count_in(conn, event.id, [attended]))
        local_day = now.astimezone(tz).date()
        record_attendance(conn, member_id, event.id, now, operator)
        values = {"state": attended, "state_before_checkin": row["state"] if row else None,
                  "checked_in_at": now.astimezone(UTC).isoformat(timespec="seconds"),
                  "waitlist_position": None}
        if row is None:
            registration_rows.insert(conn, event.id, member_id, walk_in=int(walk_in), **values)
        else:
            registration_rows.update(conn, event.id, member_id, **values)
        audit.append(conn, operator=operator, action="registration.checkin", entity="event",
                     entity_id=event.id,
                     before={"member_id": member_id, "state": row["state"] if row else None},
                     after={"member_id": member_id, "state": attended, "walk_in": walk_in,
                            "last_active_on": local_day.isoformat()})
        count = registration_rows.count_in(conn, event.id, [attended])
    return CheckIn(member_id, member["name"], mask_phone(member["phone"]), False,
                   _local(now, tz), walk_in, count)


def door(store: Store, operator: str, event_id: int, text: str, *, tz: tzinfo,
         now: datetime | None = None) -> DoorResult:
    """Part of a name or a phone's last digits, as typed at the door: one match among the
    event's list is checked in at once; several are listed masked to choose from. Nobody
    listed matches: members of the roster who do are offered (chosen, never checked in
    at once), else nobody."""
    from branchdesk.services.member_lookup import typed_keys

    text = " ".join(text.split())
    if not text:
        raise UserError("events.door_empty")
    keys = typed_keys(text)
    # a phone's tail or a whole number, however typed (９２８２, 152 9282 2045): its digits
    text = keys[-1] if keys[-1].isdigit() and keys[-1].isascii() else keys[0]
    event = get_event(store, event_id)
    now = now or datetime.now(tz)
    if event.stored_status == EventStatus.CANCELLED.value or event.closed:
        raise UserError("events.door_closed", id=event.id, status=event.status(now).label())
    require_door_open(event, now, tz)
    found = [r for r in registration_rows.door_matches(store.conn, event.id, text)
             if r["state"] != RegistrationState.CANCELLED.value] or \
        registration_rows.door_matches(store.conn, event.id, text)
    if len(found) == 1:
        return DoorResult(check_in(store, operator, event.id, found[0]["member_id"], tz=tz,
                                   now=now))
    if found:
        return DoorResult(matches=[_masked(r, True) for r in found])
    near = roster_matches(store, text, now.astimezone(tz).date())
    return DoorResult(matches=[_masked(r, False) for r in near], from_roster=True)


def walk_in(store: Store, operator: str, event_id: int, name: str, phone: str, *,
            tz: tzinfo, now: datetime | None = None) -> CheckIn:
    """Someone at the door who is not on the list: added to the roster (name and mobile,
    through the roster's own service) and checked in, in one transaction."""
    event = get_event(store, event_id)
    now = now or datetime.now(tz)
    if event.stored_status == EventStatus.CANCELLED.value or event.closed:
        raise UserError("events.door_closed", id=event.id, status=event.status(now).label())
    require_door_open(event, now, tz)
    with store.transaction():
        member, _created = roster.add_member(store, operator, name, phone)
        assert member.id is not None
        return check_in(store, operator, event.id, member.id, tz=tz, now=now, walk_in=True)


def undo_check_in(store: Store, operator: str, event_id: int, member_id: int, *,
                  tz: tzinfo) -> str:
    """Take a check-in back: the registration returns to what it was before, and so does the
    member's last-active date (unless something else moved it). Returns the member's name."""
    event = get_event(store, event_id)
    if event.closed or event.stored_status == EventStatus.CANCELLED.value:
        raise UserError("events.door_closed", id=event.id,
                        status=event.status(datetime.now(tz)).label())
    name = _member_name(store, member_id)
    with store.transaction() as conn:
        row = registration_rows.get(conn, event.id, member_id)
        if row is None or row["state"] != RegistrationState.ATTENDED.value:
            raise UserError("events.not_checked_in", name=name, id=event.id)
        undo_attendance(conn, member_id, event.id)
        previous = row["state_before_checkin"]
        if previous is None:
            registration_rows.delete(conn, event.id, member_id)
        else:
            registration_rows.update(conn, event.id, member_id, state=previous,
                                     state_before_checkin=None,
                                     checked_in_at=None)
        audit.append(conn, operator=operator, action="registration.undo_checkin", entity="event",
                     entity_id=event.id, before={"member_id": member_id, "state": "attended"},
                     after={"member_id": member_id, "state": previous})
    return name


# --- lists for the card and `events show` --------------------------------------------------------


def registrations(store: Store, event_id: int, states: list[str] | None = None, *,
                  limit: int = -1) -> list[dict[str, Any]]:
    """Who is listed for the event (phones masked): the waitlist in its order, else by name."""
    rows = registration_rows.listed(store.conn, event_id, states, limit=limit)
    for row in rows:
        row["phone"] = mask_phone(row["phone"])
    return rows


def moved_up(store: Store, event_id: int) -> list[dict[str, Any]]:
    rows = registration_rows.promoted(store.conn, event_id)
    for row in rows:
        row["phone"] = mask_phone(row["phone"])
    return rows


def state_label(state: str) -> str:
    return RegistrationState(state).label()


def suits_event(row: dict[str, Any], event: Event) -> bool:
    return suits(row, event.product_risk.value if event.product_risk else None)


def describe_unsuitable(event: Event) -> str:
    return t("events.unsuitable_rule", product=event.product_risk.value if event.product_risk else "")
