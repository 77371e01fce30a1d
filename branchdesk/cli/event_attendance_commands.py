"""`branchdesk events invite|register|cancel|checkin|walk-in|undo-checkin`: who is invited,
who comes, and the check-in at the door."""

from __future__ import annotations

import argparse
from typing import Any

from branchdesk.cli.common import open_db, print_json
from branchdesk.cli.event_common import event_id_arg, now_in_branch
from branchdesk.cli.member_filters import known_advisor, member_query
from branchdesk.errors import UserError
from branchdesk.i18n import t
from branchdesk.settings import Settings


def cmd_events_invite(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import events, registrations

    store = open_db(settings)
    event = events.get_event(store, event_id_arg(args.event))
    query = known_advisor(store, member_query(args, settings))
    result = registrations.invite(store, settings.operator, event.id, query,
                                  include_unsuitable=args.include_unsuitable,
                                  dry_run=args.dry_run, today=now_in_branch(settings).date())
    if args.json:
        print_json(result.to_json())
        return 0
    key = "events_cli.invite_dry_run" if args.dry_run else "events_cli.invited"
    print(t(key, count=len(result.invited), id=event.id, title=event.title,
            matched=result.matched))
    print(t("events_cli.already_invited", count=len(result.already)))
    if result.unsuitable:
        print(t("events_cli.left_out", count=len(result.unsuitable),
                rule=registrations.describe_unsuitable(event),
                ids=", ".join(map(str, result.unsuitable))))
    if result.included_unsuitable:
        print(t("events_cli.included", count=len(result.included_unsuitable),
                reason=result.reason, ids=", ".join(map(str, result.included_unsuitable))))
    return 0


def cmd_events_register(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import registrations

    store = open_db(settings)
    event_id = event_id_arg(args.event)
    from branchdesk.services.events import get_event

    get_event(store, event_id)
    member_id = registrations.find_member(store, args.member)
    done = registrations.register(store, settings.operator, event_id, member_id,
                                  include_unsuitable=args.include_unsuitable)
    if args.json:
        print_json({"event_id": event_id, "member_id": done.member_id, "name": done.name,
                     "state": done.state.value, "waitlist_position": done.position})
        return 0
    if done.position is not None:
        print(t("events_cli.waitlisted", name=done.name, id=event_id, position=done.position))
    else:
        print(t("events_cli.registered", name=done.name, id=event_id))
    return 0


def _moved_up_json(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from branchdesk.member_fields import mask_phone

    return [{"member_id": r["member_id"], "name": r["name"], "phone": mask_phone(r["phone"])}
            for r in rows]


def cmd_events_cancel(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import registrations
    from branchdesk.services.events import get_event

    store = open_db(settings)
    event_id = get_event(store, event_id_arg(args.event)).id
    member_id = registrations.find_member(store, args.member)
    done = registrations.cancel_registration(store, settings.operator, event_id, member_id)
    moved = _moved_up_json(done.promoted)
    if args.json:
        print_json({"event_id": event_id, "member_id": member_id, "name": done.name,
                     "state": "cancelled", "previous_state": done.previous.value,
                     "moved_up": moved})
        return 0
    print(t("events_cli.cancelled", name=done.name, id=event_id))
    for member in moved:
        print(t("events_cli.moved_up", name=member["name"], id=member["member_id"]) +
              f"  {member['phone']}")
    if not moved:
        print(t("events_cli.nobody_moved_up"))
    return 0


def _checkin_json(event_id: int, done: Any) -> dict[str, Any]:
    return {"event_id": event_id, "member_id": done.member_id, "name": done.name,
            "phone": done.phone, "already_checked_in": done.already, "checked_in_at": done.at,
            "walk_in": done.walk_in, "attended": done.count}


def _print_checkin(args: argparse.Namespace, event_id: int, done: Any) -> int:
    if args.json:
        print_json(_checkin_json(event_id, done))
        return 0
    key = "events_cli.already_in" if done.already else "events_cli.checked_in"
    print(t(key, name=done.name, phone=done.phone, at=done.at, count=done.count))
    return 0


def cmd_events_checkin(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.errors import UserError
    from branchdesk.services import registrations

    store = open_db(settings)
    event_id = event_id_arg(args.event)
    found = registrations.door(store, settings.operator, event_id, args.query, tz=settings.tz)
    if found.checked_in is not None:
        return _print_checkin(args, event_id, found.checked_in)
    if not found.matches:
        raise UserError("events_cli.no_match", query=args.query)
    listing = "; ".join(f"#{m['member_id']} {m['name']} {m['phone']}" for m in found.matches)
    key = "events_cli.several_roster" if found.from_roster else "events_cli.several"
    raise UserError(key, query=args.query, count=len(found.matches), members=listing)


def cmd_events_walk_in(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import registrations, roster

    store = open_db(settings)
    event_id = event_id_arg(args.event)
    try:
        done = registrations.walk_in(store, settings.operator, event_id, args.name, args.mobile,
                                     tz=settings.tz)
    except roster.FieldErrors as error:  # the roster's reasons, without the form's "save again"
        raise UserError("events_cli.walk_in_invalid", fields=error.described) from None
    return _print_checkin(args, event_id, done)


def cmd_events_undo_checkin(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import registrations
    from branchdesk.services.events import get_event

    store = open_db(settings)
    event_id = get_event(store, event_id_arg(args.event)).id
    member_id = registrations.find_member(store, args.member)
    name = registrations.undo_check_in(store, settings.operator, event_id, member_id,
                                       tz=settings.tz)
    if args.json:
        print_json({"event_id": event_id, "member_id": member_id, "name": name,
                     "checked_in": False})
        return 0
    print(t("events_cli.undone", name=name, id=event_id))
    return 0
