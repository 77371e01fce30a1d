"""Complaint commands (投诉): complaints add, list, show, respond, resolve, assign.

Every command takes --json. MEMBER is a member id, an account number or a mobile number.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from branchdesk.cli.common import open_db, print_json
from branchdesk.cli.engagement_common import (
    RED,
    RESET,
    calendar_notice_for,
    engagement_settings,
    helptext,
    json_flag,
    member_id_of,
    one_line,
    parse_moment,
    person_arg,
    print_items,
)
from branchdesk.i18n import t
from branchdesk.settings import Settings

# --- complaints ----------------------------------------------------------------------------------------

def _print_complaint(complaint, *, detail: bool = True) -> None:
    c = complaint
    state = c.status.label() + (" · " + t("engagement_cli.overdue") if c.overdue else "")
    head = t("engagement_cli.complaint_head", id=c.id, status=state, name=c.member_name,
             member=c.member_id, channel=c.channel.label(), category=c.category.label())
    print(RED + head + RESET if c.overdue and sys.stdout.isatty() else head)
    print("  " + t("engagement_cli.complaint_summary", summary=c.summary))
    print("  " + t("engagement_cli.complaint_dates", opened=c.opened_at.strftime("%Y-%m-%d %H:%M"),
                   first=c.first_response_due.isoformat(), last=c.resolution_due.isoformat(),
                   owner=c.owner or "—"))
    if detail and c.responded_at:
        print("  " + t("engagement_cli.complaint_responded", at=c.responded_at.strftime("%Y-%m-%d %H:%M"),
                       note=c.response or "—"))
    if detail and c.resolved_at:
        print("  " + t("engagement_cli.complaint_resolved", at=c.resolved_at.strftime("%Y-%m-%d %H:%M"),
                       text=c.resolution or ""))
    if c.assumed_years:
        print("  " + calendar_notice_for(c.assumed_years))


def _complaint_out(args: argparse.Namespace, complaint) -> int:
    if args.json:
        print_json(complaint.to_json())
        if complaint.assumed_years:
            print("branchdesk: " + calendar_notice_for(complaint.assumed_years), file=sys.stderr)
        return 0
    _print_complaint(complaint)
    return 0


def cmd_complaints_add(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import complaints

    config = engagement_settings(settings)
    opened = parse_moment(args.opened)
    store = open_db(settings)
    member_id = member_id_of(store, args.member)
    complaint = complaints.open_complaint(store, settings.operator, config, member_id=member_id,
                                          channel=args.channel, category=args.category,
                                          summary=args.summary, opened_at=opened, owner=args.owner)
    return _complaint_out(args, complaint)


def cmd_complaints_list(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import complaints

    store = open_db(settings, read_only=True)
    member_id = member_id_of(store, args.member) if args.member else None
    found = complaints.list_complaints(store, status=args.status, overdue_only=args.overdue,
                                       member_id=member_id, owner=person_arg(store, args.owner))
    if args.json:
        print_json([c.to_json() for c in found])
        years = sorted({y for c in found for y in c.assumed_years})
        if years:
            print("branchdesk: " + calendar_notice_for(years), file=sys.stderr)
        return 0
    if not found:
        print(t("engagement_cli.no_complaints"))
        return 0
    print_items(found, [
        ("id", lambda c: str(c.id)),
        ("status", lambda c: c.status.label() + (" !" + t("engagement_cli.overdue")
                                                 if c.overdue else "")),
        ("member", lambda c: c.member_name),
        ("category", lambda c: c.category.label()),
        ("first_due", lambda c: c.first_response_due.isoformat()
         + ("" if c.responded_at is None else " ✓")),
        ("resolution_due", lambda c: c.resolution_due.isoformat()),
        ("owner", lambda c: c.owner or ""),
        ("summary", lambda c: one_line(c.summary, 30)),
    ], red=lambda c: c.overdue)
    counts = complaints.complaint_counts(store)
    print(t("engagement_cli.complaints_count", shown=len(found), open=counts["open"],
            overdue=counts["overdue"]))
    years = sorted({y for c in found for y in c.assumed_years if c.status.value != "resolved"})
    if years:
        print(calendar_notice_for(years))
    return 0


def cmd_complaints_show(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import complaints

    store = open_db(settings, read_only=True)
    return _complaint_out(args, complaints.get_complaint(store, args.complaint_id))


def cmd_complaints_respond(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import complaints

    at = parse_moment(args.at)
    complaint = complaints.respond(open_db(settings), settings.operator, args.complaint_id,
                                   args.note, at)
    return _complaint_out(args, complaint)


def cmd_complaints_resolve(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import complaints

    at = parse_moment(args.at)
    complaint = complaints.resolve(open_db(settings), settings.operator, args.complaint_id,
                                   args.resolution, at)
    return _complaint_out(args, complaint)


def cmd_complaints_assign(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import complaints

    complaint = complaints.assign(open_db(settings), settings.operator, args.complaint_id, args.owner)
    return _complaint_out(args, complaint)


def add_complaint_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register `complaints` and its subcommands."""
    complaints = sub.add_parser("complaints", parents=[common], help=helptext("complaints")).add_subparsers(
        dest="complaints_command", metavar="WHAT", required=True)
    c_add = complaints.add_parser("add", parents=[common], help=helptext("complaints_add"))
    c_add.add_argument("member", metavar="MEMBER", help=helptext("member"))
    c_add.add_argument("--channel", required=True, metavar="C", help=helptext("complaint_channel"))
    c_add.add_argument("--category", required=True, metavar="K", help=helptext("complaint_category"))
    c_add.add_argument("--summary", required=True, metavar="TEXT")
    c_add.add_argument("--opened", metavar="DATETIME", help=helptext("opened"))
    c_add.add_argument("--owner", metavar="NAME", help=helptext("owner"))
    json_flag(c_add)
    c_add.set_defaults(handler=cmd_complaints_add)

    c_list = complaints.add_parser("list", parents=[common], help=helptext("complaints_list"))
    c_list.add_argument("--overdue", action="store_true", help=helptext("overdue"))
    c_list.add_argument("--status", metavar="S", help=helptext("status"))
    c_list.add_argument("--member", metavar="MEMBER")
    c_list.add_argument("--owner", metavar="NAME")
    json_flag(c_list)
    c_list.set_defaults(handler=cmd_complaints_list)

    c_show = complaints.add_parser("show", parents=[common], help=helptext("complaints_show"))
    c_show.add_argument("complaint_id", type=int, metavar="ID")
    json_flag(c_show)
    c_show.set_defaults(handler=cmd_complaints_show)

    c_respond = complaints.add_parser("respond", parents=[common], help=helptext("complaints_respond"))
    c_respond.add_argument("complaint_id", type=int, metavar="ID")
    c_respond.add_argument("--note", metavar="TEXT")
    c_respond.add_argument("--at", metavar="DATETIME")
    json_flag(c_respond)
    c_respond.set_defaults(handler=cmd_complaints_respond)

    c_resolve = complaints.add_parser("resolve", parents=[common], help=helptext("complaints_resolve"))
    c_resolve.add_argument("complaint_id", type=int, metavar="ID")
    c_resolve.add_argument("--resolution", required=True, metavar="TEXT")
    c_resolve.add_argument("--at", metavar="DATETIME")
    json_flag(c_resolve)
    c_resolve.set_defaults(handler=cmd_complaints_resolve)

    c_assign = complaints.add_parser("assign", parents=[common], help=helptext("complaints_assign"))
    c_assign.add_argument("complaint_id", type=int, metavar="ID")
    c_assign.add_argument("--owner", required=True, metavar="NAME")
    json_flag(c_assign)
    c_assign.set_defaults(handler=cmd_complaints_assign)
