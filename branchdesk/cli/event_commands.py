"""`branchdesk events …` and `branchdesk export calendar`: events for scripts. Every command
takes --json; MEMBER is a member id, an account number or a mobile number; dates are typed
as people type them (2026-12-05 14:00, 12-05 14:00, 周六 14:00, 明天 19:30, Sat 14:00)."""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import date, datetime
from typing import Any

from branchdesk.cli.common import open_db
from branchdesk.cli.export_members_command import add_members_export
from branchdesk.cli.member_filters import add_member_filters, member_query
from branchdesk.event_types import Cadence, EventKind, EventStatus
from branchdesk.i18n import t
from branchdesk.settings import Settings


def _h(english: str) -> str:
    """Help text in the user's language, from this feature's own catalog."""
    return t("events_cli_help." + re.sub(r"[^a-z0-9]+", "_", english.lower()).strip("_")[:48]
             .rstrip("_"))


def subcommands(sub: Any, common: argparse.ArgumentParser, name: str, help_text: str,
                dest: str) -> Any:
    """The subcommand group `name` (e.g. `export`), made by whichever feature comes first:
    other features add their own kinds (`export review`, `export members`) to the same one."""
    parser = sub.choices.get(name)
    if parser is None:
        parser = sub.add_parser(name, parents=[common], help=help_text)
        return parser.add_subparsers(dest=dest, metavar="WHAT", required=True)
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))


def _event_fields(command: argparse.ArgumentParser, *, required: bool) -> None:
    command.add_argument("--kind", required=required, choices=[k.value for k in EventKind])
    command.add_argument("--title", required=required)
    command.add_argument("--start", required=required, metavar="DT",
                         help=_h("start: 2026-12-05 14:00, 12-05 14:00, 周六 14:00, 明天 19:30"))
    command.add_argument("--end", required=required, metavar="DT",
                         help=_h("end: a date and time, or a time on the start day (16:00)"))
    place = command.add_mutually_exclusive_group()
    place.add_argument("--room", metavar="R", help=_h("room of an offline event"))
    place.add_argument("--link", metavar="URL", help=_h("link of an online event"))
    command.add_argument("--speaker", metavar="S")
    command.add_argument("--capacity", metavar="N")
    command.add_argument("--product-risk", metavar="R1..R5", type=str.upper,
                         help=_h("risk level of a product the event presents"))
    command.add_argument("--topic")
    command.add_argument("--notes")
    command.add_argument("--status", choices=[EventStatus.PLANNED.value, EventStatus.OPEN.value])
    for name in ("needs", "experience", "risk-levels", "communities"):
        command.add_argument(f"--for-{name}", metavar="LIST",
                             help=_h("audience: comma-separated values"))
    command.add_argument("--allow-conflict", metavar="REASON",
                         help=_h("book a room or speaker that is taken anyway (audited)"))
    command.add_argument("--json", action="store_true", help=_h("print JSON"))


def add_event_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    events = subcommands(sub, common, "events", _h("salons, lectures and who comes"),
                         "events_command")
    add = events.add_parser("add", parents=[common], help=_h("schedule an event or a series"))
    _event_fields(add, required=True)
    add.add_argument("--repeat", choices=[c.value for c in Cadence])
    end = add.add_mutually_exclusive_group()
    end.add_argument("--count", type=int, metavar="N", help=_h("number of occurrences"))
    end.add_argument("--until", metavar="DATE", help=_h("last date of the series"))
    add.set_defaults(handler=cmd_events_add)

    edit = events.add_parser("edit", parents=[common], help=_h("change or move an event"))
    edit.add_argument("event")
    _event_fields(edit, required=False)
    edit.add_argument("--later", action="store_true",
                      help=_h("apply to this and every later event of its series"))
    edit.set_defaults(handler=cmd_events_edit)

    listing = events.add_parser("list", parents=[common], help=_h("events by date"))
    listing.add_argument("--from", dest="first", metavar="DATE", help=_h("from this day (default today)"))
    listing.add_argument("--to", dest="last", metavar="DATE", help=_h("through this day"))
    listing.add_argument("--json", action="store_true", help=_h("print JSON"))
    listing.set_defaults(handler=cmd_events_list)

    show = events.add_parser("show", parents=[common], help=_h("one event and who is listed"))
    show.add_argument("event")
    show.add_argument("--json", action="store_true", help=_h("print JSON"))
    show.set_defaults(handler=cmd_events_show)

    invite = events.add_parser("invite", parents=[common], help=_h("invite a segment of members"))
    invite.add_argument("event")
    add_member_filters(invite)
    invite.add_argument("--include-unsuitable", metavar="REASON",
                        help=_h("invite members the product does not suit, for this reason"))
    invite.add_argument("--dry-run", action="store_true", help=_h("count only, invite nobody"))
    invite.add_argument("--json", action="store_true", help=_h("print JSON"))
    invite.set_defaults(handler=cmd_events_invite)

    for name, handler, about in (
            ("register", cmd_events_register, "register a member"),
            ("cancel", cmd_events_cancel, "cancel a member's registration"),
            ("undo-checkin", cmd_events_undo_checkin, "take a check-in back")):
        command = events.add_parser(name, parents=[common], help=_h(about))
        command.add_argument("event")
        command.add_argument("member", metavar="MEMBER")
        if name == "register":
            command.add_argument("--include-unsuitable", metavar="REASON",
                                 help=_h("register a member the product does not suit"))
        command.add_argument("--json", action="store_true", help=_h("print JSON"))
        command.set_defaults(handler=handler)

    checkin = events.add_parser("checkin", parents=[common],
                                help=_h("check in at the door by name or phone tail"))
    checkin.add_argument("event")
    checkin.add_argument("query", metavar="QUERY")
    checkin.add_argument("--json", action="store_true", help=_h("print JSON"))
    checkin.set_defaults(handler=cmd_events_checkin)

    walk = events.add_parser("walk-in", parents=[common],
                             help=_h("add a walk-in to the roster and check them in"))
    walk.add_argument("event")
    walk.add_argument("name")
    walk.add_argument("mobile")
    walk.add_argument("--json", action="store_true", help=_h("print JSON"))
    walk.set_defaults(handler=cmd_events_walk_in)

    close = events.add_parser("close", parents=[common],
                              help=_h("after the event: mark no-shows"))
    close.add_argument("event")
    close.add_argument("--json", action="store_true", help=_h("print JSON"))
    close.set_defaults(handler=cmd_events_close)

    cancel_event = events.add_parser("cancel-event", parents=[common], help=_h("cancel an event"))
    cancel_event.add_argument("event")
    cancel_event.add_argument("--later", action="store_true",
                              help=_h("and every later event of its series"))
    cancel_event.add_argument("--json", action="store_true", help=_h("print JSON"))
    cancel_event.set_defaults(handler=cmd_events_cancel_event)

    export = subcommands(sub, common, "export", _h("write files for other programs"),
                         "export_command")
    add_members_export(export, common)
    calendar = export.add_parser("calendar", parents=[common],
                                 help=_h("events as an .ics calendar file"))
    calendar.add_argument("--from", dest="first", metavar="DATE")
    calendar.add_argument("--to", dest="last", metavar="DATE")
    calendar.add_argument("--event", metavar="EVENT", help=_h("one event only (to send with an invitation)"))
    calendar.add_argument("-o", "--output", required=True, metavar="FILE.ics")
    calendar.add_argument("--json", action="store_true", help=_h("print JSON"))
    calendar.set_defaults(handler=cmd_export_calendar)
    from branchdesk.cli.review_commands import add_review_export

    add_review_export(export, common)


# --- helpers -------------------------------------------------------------------------------------


def _print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=1)
    print()


def _now(settings: Settings) -> datetime:
    return datetime.now(settings.tz)


def _date(text: str | None, settings: Settings) -> date | None:
    from branchdesk.datetimes import parse_date

    return parse_date(text, today=_now(settings).date()) if text else None


def _values(args: argparse.Namespace, settings: Settings, base: dict[str, Any] | None = None
            ) -> dict[str, Any]:
    """The event fields given on the command line (only those given, for an edit)."""
    from branchdesk.datetimes import parse_datetime

    now = _now(settings)
    out: dict[str, Any] = {}
    for key in ("kind", "title", "speaker", "capacity", "product_risk", "topic", "notes", "status"):
        value = getattr(args, key, None)
        if value is not None:
            out[key] = value
    if args.room is not None:
        out["room"], out["link"] = args.room, None
    if args.link is not None:
        out["link"], out["room"] = args.link, None
    if args.start is not None:
        out["start"] = parse_datetime(args.start, settings.tz, now=now, default_time=None)
    start = out.get("start") or (base or {}).get("start")
    if args.end is not None:
        out["end"] = parse_datetime(args.end, settings.tz, now=now,
                                    base=start.astimezone(settings.tz).date() if start else None,
                                    default_time=None)
    elif base is not None and "start" in out:  # moved: the same length as before
        out["end"] = base["end"] + (out["start"] - base["start"])
    audience = dict((base or {}).get("audience") or {})
    touched = False
    for name in ("needs", "experience", "risk_levels", "communities"):
        value = getattr(args, f"for_{name}", None)
        if value is not None:
            audience[name], touched = value, True
    if touched or base is None:
        out["audience"] = audience
    return out


def _event_line(event: Any, settings: Settings, now: datetime) -> str:
    counts = event.counts
    seats = f"{event.seated}/{event.capacity}" if event.capacity else str(event.seated)
    return t("events_cli.event_line", id=event.id, when=event.span(settings.tz, now.date()),
             kind=event.kind.label(), title=event.title, place=event.place() or "—",
             speaker=event.speaker or "—", seats=seats, waitlisted=counts.get("waitlisted", 0),
             invited=counts.get("invited", 0), status=event.status(now).label())


def _warn(lines: list[str]) -> None:
    for line in lines:
        print(t("events_cli.warning", text=line), file=sys.stderr)


def _event_id(text: str) -> int:
    from branchdesk.services.events import event_id_of

    return event_id_of(text)


# --- commands ------------------------------------------------------------------------------------


def _print_saved(saved: Any, args: argparse.Namespace, settings: Settings) -> int:
    now = _now(settings)
    _warn(saved.warnings)
    if saved.overridden:
        _warn([t("events_cli.conflict_overridden", count=len(saved.overridden),
                 reason=args.allow_conflict)])
    if args.json:
        _print_json([e.to_json(settings.tz, now) for e in saved.events])
        return 0
    for event in saved.events:
        print(_event_line(event, settings, now))
    for member in saved.promoted:
        print(t("events_cli.moved_up", name=member["name"], id=member["member_id"]))
    return 0


def cmd_events_add(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import events

    store = open_db(settings, create=True)
    saved = events.create_events(store, settings.operator, _values(args, settings), tz=settings.tz,
                                 repeat=args.repeat, count=args.count,
                                 until=_date(args.until, settings),
                                 allow_conflict=args.allow_conflict)
    return _print_saved(saved, args, settings)


def cmd_events_edit(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import events

    store = open_db(settings)
    event = events.get_event(store, _event_id(args.event))
    changes = _values(args, settings, base=events.values_of(event))
    saved = events.update_event(store, settings.operator, event.id, changes, tz=settings.tz,
                                later=args.later, allow_conflict=args.allow_conflict)
    return _print_saved(saved, args, settings)


def cmd_events_list(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import events

    now = _now(settings)
    first = _date(args.first, settings) or now.date()
    store = open_db(settings, read_only=True)
    found = events.list_events(store, settings.tz, first, _date(args.last, settings))
    if args.json:
        _print_json([e.to_json(settings.tz, now) for e in found])
        return 0
    if not found:
        print(t("events_cli.none"))
    for event in found:
        print(_event_line(event, settings, now))
    return 0


def cmd_events_show(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.datetimes import iso
    from branchdesk.services import events, registrations

    store = open_db(settings, read_only=True)
    event = events.get_event(store, _event_id(args.event))
    listed = registrations.registrations(store, event.id)
    now = _now(settings)
    if args.json:
        data = event.to_json(settings.tz, now)
        data["registrations"] = [
            {"member_id": r["member_id"], "name": r["name"], "phone": r["phone"],
             "state": r["state"], "updated_at": iso(datetime.fromisoformat(r["updated_at"]),
                                                    settings.tz)} for r in listed]
        _print_json(data)
        return 0
    print(_event_line(event, settings, now))
    for key, value in (("topic", event.topic), ("speaker", event.speaker),
                       ("product_risk", event.product_risk.value if event.product_risk else None),
                       ("notes", event.notes)):
        if value:
            print("  " + t("events_cli.field_line", label=t(f"events_cli.label_{key}"),
                           value=value))
    for name, values in event.audience.items():
        label = t("events_cli.label_audience") + " · " + t(f"event_card.audience.{name}")
        print("  " + t("events_cli.field_line", label=label, value=", ".join(values)))
    print("  " + t("events_cli.counts", **event.counts))
    for row in listed:
        print("  " + t("events_cli.registration_line", id=row["member_id"], name=row["name"],
                       phone=row["phone"], state=registrations.state_label(row["state"])))
    return 0


def cmd_events_invite(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import events, registrations

    store = open_db(settings)
    event = events.get_event(store, _event_id(args.event))
    query = member_query(args, settings)
    result = registrations.invite(store, settings.operator, event.id, query,
                                  include_unsuitable=args.include_unsuitable,
                                  dry_run=args.dry_run, today=_now(settings).date())
    if args.json:
        _print_json(result.to_json())
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
    event_id = _event_id(args.event)
    from branchdesk.services.events import get_event

    get_event(store, event_id)
    member_id = registrations.find_member(store, args.member)
    done = registrations.register(store, settings.operator, event_id, member_id,
                                  include_unsuitable=args.include_unsuitable)
    if args.json:
        _print_json({"event_id": event_id, "member_id": done.member_id, "name": done.name,
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
    event_id = get_event(store, _event_id(args.event)).id
    member_id = registrations.find_member(store, args.member)
    done = registrations.cancel_registration(store, settings.operator, event_id, member_id)
    moved = _moved_up_json(done.promoted)
    if args.json:
        _print_json({"event_id": event_id, "member_id": member_id, "name": done.name,
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
        _print_json(_checkin_json(event_id, done))
        return 0
    key = "events_cli.already_in" if done.already else "events_cli.checked_in"
    print(t(key, name=done.name, phone=done.phone, at=done.at, count=done.count))
    return 0


def cmd_events_checkin(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.errors import UserError
    from branchdesk.services import registrations

    store = open_db(settings)
    event_id = _event_id(args.event)
    found = registrations.door(store, settings.operator, event_id, args.query, tz=settings.tz)
    if found.checked_in is not None:
        return _print_checkin(args, event_id, found.checked_in)
    if not found.matches:
        raise UserError("events_cli.no_match", query=args.query)
    listing = "; ".join(f"#{m['member_id']} {m['name']} {m['phone']}" for m in found.matches)
    key = "events_cli.several_roster" if found.from_roster else "events_cli.several"
    raise UserError(key, query=args.query, count=len(found.matches), members=listing)


def cmd_events_walk_in(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import registrations

    store = open_db(settings)
    event_id = _event_id(args.event)
    done = registrations.walk_in(store, settings.operator, event_id, args.name, args.mobile,
                                 tz=settings.tz)
    return _print_checkin(args, event_id, done)


def cmd_events_undo_checkin(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import registrations
    from branchdesk.services.events import get_event

    store = open_db(settings)
    event_id = get_event(store, _event_id(args.event)).id
    member_id = registrations.find_member(store, args.member)
    name = registrations.undo_check_in(store, settings.operator, event_id, member_id,
                                       tz=settings.tz)
    if args.json:
        _print_json({"event_id": event_id, "member_id": member_id, "name": name,
                     "checked_in": False})
        return 0
    print(t("events_cli.undone", name=name, id=event_id))
    return 0


def cmd_events_close(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import events

    store = open_db(settings)
    event, no_shows = events.close_event(store, settings.operator, _event_id(args.event))
    if args.json:
        _print_json({"event_id": event.id, "status": event.status(_now(settings)).value,
                     "no_show": no_shows, "counts": event.counts})
        return 0
    print(t("events_cli.closed", id=event.id, title=event.title, no_show=len(no_shows),
            attended=event.counts["attended"]))
    return 0


def cmd_events_cancel_event(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import events

    store = open_db(settings)
    cancelled = events.cancel_event(store, settings.operator, _event_id(args.event),
                                    later=args.later)
    now = _now(settings)
    if args.json:
        _print_json([e.to_json(settings.tz, now) for e in cancelled])
        return 0
    for event in cancelled:
        print(_event_line(event, settings, now))
    return 0


def cmd_export_calendar(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.exports.calendar import write_calendar
    from branchdesk.services import events

    store = open_db(settings, read_only=True)
    if args.event:
        found = [events.get_event(store, _event_id(args.event))]
    else:
        found = events.list_events(store, settings.tz, _date(args.first, settings),
                                   _date(args.last, settings))
    written = write_calendar(store, found, args.output, tz=settings.tz,
                             calendar_name=settings.branch_name or t("app.default_branch"))
    if args.json:
        _print_json({"file": str(written), "events": len(found)})
        return 0
    print(t("events_cli.calendar_written", count=len(found), file=str(written)))
    return 0

