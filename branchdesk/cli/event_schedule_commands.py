"""`branchdesk events add|edit|list|show|close|cancel-event` and `branchdesk export calendar`:
scheduling events and reading them back."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any

from branchdesk.cli.common import open_db, print_json
from branchdesk.cli.event_common import (
    event_id_arg,
    event_line,
    now_in_branch,
    parse_day,
    parse_days,
    warn,
)
from branchdesk.i18n import t
from branchdesk.settings import Settings


def _values(args: argparse.Namespace, settings: Settings, base: dict[str, Any] | None = None
            ) -> dict[str, Any]:
    """The event fields given on the command line (only those given, for an edit)."""
    from branchdesk.datetimes import parse_datetime

    now = now_in_branch(settings)
    out: dict[str, Any] = {}
    for key in ("kind", "title", "speaker", "capacity", "product_risk", "topic", "notes", "status"):
        value = getattr(args, key, None)
        if value is not None:
            out[key] = value
    if args.room is not None:
        out["room"], out["link"] = args.room, None
    if args.link is not None:
        out["link"], out["room"] = args.link, None
    if args.start is not None:  # edited: a time or a weekday alone is on the event's day, week
        on = base["start"].astimezone(settings.tz).date() if base is not None else None
        out["start"] = parse_datetime(args.start, settings.tz, now=now, base=on, default_time=None)
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


def _print_saved(saved: Any, args: argparse.Namespace, settings: Settings) -> int:
    now = now_in_branch(settings)
    warn(saved.warnings)
    if saved.overridden:
        warn([t("events_cli.conflict_overridden", count=len(saved.overridden),
                 reason=args.allow_conflict)])
    if args.json:
        print_json([e.to_json(settings.tz, now) for e in saved.events])
        return 0
    for event in saved.events:
        print(event_line(event, settings, now))
    for member in saved.promoted:
        print(t("events_cli.moved_up", name=member["name"], id=member["member_id"]))
    return 0


def cmd_events_add(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import events

    store = open_db(settings, create=True)
    saved = events.create_events(store, settings.operator, _values(args, settings), tz=settings.tz,
                                 repeat=args.repeat, count=args.count,
                                 until=parse_day(args.until, settings),
                                 allow_conflict=args.allow_conflict)
    return _print_saved(saved, args, settings)


def cmd_events_edit(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import events

    store = open_db(settings)
    event = events.get_event(store, event_id_arg(args.event))
    changes = _values(args, settings, base=events.values_of(event))
    saved = events.update_event(store, settings.operator, event.id, changes, tz=settings.tz,
                                later=args.later, allow_conflict=args.allow_conflict)
    return _print_saved(saved, args, settings)


def cmd_events_list(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import events

    now = now_in_branch(settings)
    first, last = parse_days(args.first, args.last, settings, from_today=True)
    store = open_db(settings, read_only=True)
    found = events.list_events(store, settings.tz, first or now.date(), last)
    if args.json:
        print_json([e.to_json(settings.tz, now) for e in found])
        return 0
    if not found:
        print(t("events_cli.none"))
    for event in found:
        print(event_line(event, settings, now))
    return 0


def cmd_events_show(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.datetimes import iso
    from branchdesk.services import events, registrations

    store = open_db(settings, read_only=True)
    event = events.get_event(store, event_id_arg(args.event))
    listed = registrations.registrations(store, event.id)
    now = now_in_branch(settings)
    if args.json:
        data = event.to_json(settings.tz, now)
        data["registrations"] = [
            {"member_id": r["member_id"], "name": r["name"], "phone": r["phone"],
             "state": r["state"], "updated_at": iso(datetime.fromisoformat(r["updated_at"]),
                                                    settings.tz)} for r in listed]
        print_json(data)
        return 0
    print(event_line(event, settings, now))
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


def cmd_events_close(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import events

    store = open_db(settings)
    event, no_shows = events.close_event(store, settings.operator, event_id_arg(args.event),
                                          tz=settings.tz)
    if args.json:
        print_json({"event_id": event.id, "status": event.status(now_in_branch(settings)).value,
                     "no_show": no_shows, "counts": event.counts})
        return 0
    print(t("events_cli.closed", id=event.id, title=event.title, no_show=len(no_shows),
            attended=event.counts["attended"]))
    return 0


def cmd_events_cancel_event(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import events

    store = open_db(settings)
    cancelled = events.cancel_event(store, settings.operator, event_id_arg(args.event),
                                    later=args.later)
    now = now_in_branch(settings)
    if args.json:
        print_json([e.to_json(settings.tz, now) for e in cancelled])
        return 0
    for event in cancelled:
        print(event_line(event, settings, now))
    return 0


def cmd_export_calendar(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.exports.calendar import write_calendar
    from branchdesk.services import events

    store = open_db(settings, read_only=True)
    if args.event:
        found = [events.get_event(store, event_id_arg(args.event))]
    else:
        found = events.list_events(store, settings.tz, *parse_days(args.first, args.last, settings))
    from branchdesk.services.roster import main_branch

    # As the app names it: the configured branch, else the one most members belong to.
    name = settings.branch_name or main_branch(store) or t("app.default_branch")
    written = write_calendar(store, found, args.output, tz=settings.tz, calendar_name=name)
    if args.json:
        print_json({"file": str(written), "events": len(found)})
        return 0
    print(t("events_cli.calendar_written", count=len(found), file=str(written)))
    return 0
