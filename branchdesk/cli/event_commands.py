"""`branchdesk events …` and `branchdesk export calendar`: events for scripts. Every command
takes --json; MEMBER is a member id, an account number or a mobile number; dates are typed
as people type them (2026-12-05 14:00, 12-05 14:00, 周六 14:00, 明天 19:30, Sat 14:00).

This module builds the commands; they run in event_schedule_commands.py (scheduling and
reading events, the calendar export) and event_attendance_commands.py (invitations,
registrations, check-in)."""

from __future__ import annotations

import argparse
import re
from typing import Any

from branchdesk.cli.event_attendance_commands import (
    cmd_events_cancel,
    cmd_events_checkin,
    cmd_events_invite,
    cmd_events_register,
    cmd_events_undo_checkin,
    cmd_events_walk_in,
)
from branchdesk.cli.event_schedule_commands import (
    cmd_events_add,
    cmd_events_cancel_event,
    cmd_events_close,
    cmd_events_edit,
    cmd_events_list,
    cmd_events_show,
    cmd_export_calendar,
)
from branchdesk.cli.export_members_command import add_members_export
from branchdesk.cli.member_filters import add_member_filters
from branchdesk.event_types import Cadence, EventKind, EventStatus
from branchdesk.i18n import t


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
