"""Engagement commands: activity (add, import, list, undo, imports), reactivation, followups,
followup, birthdays; the complaint commands are in complaint_commands.py.

Every command takes --json. MEMBER is a member id, an account number or a mobile number.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from branchdesk import datetimes
from branchdesk.cli.common import open_db, pad, print_json
from branchdesk.cli.complaint_commands import add_complaint_commands
from branchdesk.cli.engagement_common import (
    RED,
    RESET,
    helptext,
    json_flag,
    member_id_of,
    one_line,
    parse_day,
    parse_moment,
    person_arg,
    print_items,
    print_json_or_empty,
)
from branchdesk.errors import UserError
from branchdesk.i18n import t
from branchdesk.member_fields import mask_phone
from branchdesk.settings import Settings

# --- activity -------------------------------------------------------------------------------------

def cmd_activity_add(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import activities

    at = parse_moment(args.at)
    store = open_db(settings)
    member_id = member_id_of(store, args.member)
    activity = activities.log_activity(store, settings.operator, member_id, args.kind, at=at,
                                       note=args.note, channel=args.channel, staff=args.staff)
    from branchdesk.services.roster import get_member

    member = get_member(store, member_id)
    data = activity.to_json(settings.dormant_days) | {"name": member.name}
    if args.json:
        print_json(data)
        return 0
    print(t("engagement_cli.activity_logged", kind=activity.kind.label(), name=member.name,
            id=member_id, at=activity.at.strftime("%Y-%m-%d %H:%M"), staff=activity.staff))
    if activity.reactivated(settings.dormant_days):
        print(t("engagement_cli.activity_woke", name=member.name, days=activity.gap_days))
    return 0


def cmd_activity_list(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import activities

    first, last = datetimes.parse_range(args.from_, args.to)
    if args.limit is not None and args.limit < 1:
        raise UserError("engagement_cli.bad_limit", value=args.limit)
    store = open_db(settings, read_only=True)
    member_id = member_id_of(store, args.member) if args.member else None
    found = activities.list_activities(store, member_id=member_id, first=first, last=last,
                                       limit=args.limit or 1000)
    if print_json_or_empty(args, found, lambda a: a.to_json(settings.dormant_days),
                           t("engagement_cli.no_activities")):
        return 0
    stars = {id(a) for a in found if a.reactivated(settings.dormant_days)}
    starred = bool(stars)
    print_items(found, [
        ("at", lambda a: a.at.strftime("%Y-%m-%d %H:%M")),
        ("member", lambda a: f"{a.member_name} #{a.member_id}"),
        ("kind", lambda a: a.kind.label() + (" ★" if id(a) in stars else "")),
        ("staff", lambda a: a.staff),
        ("note", lambda a: one_line(a.note, 40)),
    ])
    # The ★ is explained only where a row shows one.
    key = "engagement_cli.activities_count" + ("_starred" if starred else "")
    print(t(key, count=len(found)))
    return 0


def _print_issues(errors: list, limit: int = 50) -> None:
    if not errors:
        return
    print(t("engagement_cli.invalid_rows"))
    for issue in errors[:limit]:
        print("  " + t("engagement_cli.issue_line", row=issue.row, column=issue.column,
                       value=issue.value or "—", reason=issue.reason))
    if len(errors) > limit:
        print("  " + t("engagement_cli.more_issues", count=len(errors) - limit))


def cmd_activity_import(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services.activity_import import import_activities

    store = open_db(settings, create=not args.dry_run, read_only=args.dry_run)
    report = import_activities(store, args.file, settings.operator, sheet=args.sheet,
                               dry_run=args.dry_run)
    if args.json:
        print_json(report.to_json())
        return 0
    if report.nothing_new:  # the same file again: say so, not "0 added"
        print(t("engagement_cli.import_nothing_new", file=report.file, sheet=report.sheet,
                count=report.skipped))
        if report.first_imported_at is not None:
            print(t("engagement_cli.import_first_seen", batch=report.first_batch_id,
                    at=datetimes.local_text(report.first_imported_at)))
    else:
        key = "engagement_cli.import_dry_run" if args.dry_run else "engagement_cli.import_done"
        print(t(key, file=report.file, sheet=report.sheet, batch=report.batch_id))
        print(t("engagement_cli.import_counts", added=report.added, skipped=report.skipped,
                invalid=report.invalid))
    _print_issues(report.errors)
    if report.batch_id is not None:
        print(t("engagement_cli.import_undo_hint", batch=report.batch_id))
    return 0


def cmd_activity_undo(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services.activity_import import undo_activity_import

    result = undo_activity_import(open_db(settings), settings.operator, args.batch_id)
    if args.json:
        print_json({"batch_id": args.batch_id, **result})
        return 0
    print(t("engagement_cli.import_undone", batch=args.batch_id, removed=result["removed"]))
    return 0


def cmd_activity_imports(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services.activity_import import list_activity_imports

    batches = list_activity_imports(open_db(settings, read_only=True))
    if args.json:
        print_json(batches)
        return 0
    if not batches:
        print(t("engagement_cli.no_imports"))
    for b in batches:
        state = t("engagement_cli.batch_undone", at=datetimes.local_text(b["undone_at"])) \
            if b["undone_at"] else ""
        print(t("engagement_cli.batch_line", id=b["id"], file=b["file_name"],
                at=datetimes.local_text(b["imported_at"]), operator=b["operator"],
                added=b["added"], skipped=b["skipped"], invalid=b["invalid"]) + state)
    return 0


# --- reactivation, follow-ups, birthdays ------------------------------------------------------------

def cmd_reactivation(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import reactivation

    if args.limit is not None and args.limit < 1:
        raise UserError("engagement_cli.bad_limit", value=args.limit)
    store = open_db(settings, read_only=True)
    args.advisor = person_arg(store, args.advisor)
    today = datetimes.today()
    if args.reactivated:
        woke = reactivation.reactivated_this_week(store, today, settings.dormant_days, args.advisor)
        if args.json:
            print_json([w.to_json() for w in woke])
            return 0
        first, last = datetimes.week_of(today)
        print(t("engagement_cli.reactivated_title", first=first.isoformat(), last=last.isoformat(),
                count=len(woke)))
        if woke:
            print_items(woke, [
                ("on", lambda w: w.on.isoformat()),
                ("member", lambda w: f"{w.name} #{w.member_id}"),
                ("phone", lambda w: w.to_json()["phone"] or ""),
                ("advisor", lambda w: w.advisor or ""),
                ("kind", lambda w: w.kind.label()),
                ("asleep", lambda w: t("engagement_cli.days", days=w.days_asleep)),
            ])
        return 0
    sleepers = reactivation.reactivation_list(
        store, today, settings.dormant_days, thresholds=settings.tier_thresholds,
        advisor=args.advisor, limit=args.limit or 1_000_000, longest_first=args.longest_first)
    if args.json:
        print_json([s.to_json() for s in sleepers])
        return 0
    total = reactivation.count_dormant(store, today, settings.dormant_days, args.advisor)
    if not sleepers:
        print(t("engagement_cli.no_sleepers", days=settings.dormant_days))
        return 0
    print_items(sleepers, [
        ("member", lambda s: f"{s.name} #{s.member_id}"),
        ("phone", lambda s: s.masked_phone),
        ("tier", lambda s: s.tier.label() if s.tier else ""),
        ("advisor", lambda s: s.advisor or ""),
        ("heard", lambda s: s.heard_on.isoformat() if s.heard_on else ""),
        ("asleep", lambda s: t("engagement_cli.days", days=s.days_asleep)),
        ("follow_up", lambda s: s.follow_up_on.isoformat() if s.follow_up_on else ""),
    ])
    print(t("engagement_cli.sleepers_count", shown=len(sleepers), total=total,
            days=settings.dormant_days))
    return 0


def cmd_followups(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import followups

    store = open_db(settings, read_only=True)
    args.advisor = person_arg(store, args.advisor)
    today = datetimes.today()
    due = followups.due_follow_ups(store, today, args.due, args.advisor)
    if print_json_or_empty(args, due, lambda f: f.to_json(today),
                           t(f"engagement_cli.no_followups_{args.due}")):
        return 0
    advisor: Any = object()
    for item in due:
        if item.advisor != advisor:
            advisor = item.advisor
            count = sum(1 for f in due if f.advisor == advisor)
            print(t("engagement_cli.advisor_heading", advisor=advisor or t("engagement_cli.no_advisor"),
                    count=count))
        late = item.overdue(today)
        when = t("engagement_cli.overdue_days", day=item.due_on.isoformat(),
                 days=(today - item.due_on).days) if late else item.due_on.isoformat()
        line = "  " + "  ".join(p for p in (pad(when, 22), f"{item.member_name} #{item.member_id}",
                                            mask_phone(item.phone), item.reason) if p)
        print(RED + line + RESET if late and sys.stdout.isatty() else line)
    print(t("engagement_cli.followups_count", count=len(due)))
    return 0


def cmd_followup(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import followups

    if bool(args.on) == bool(args.clear):
        raise UserError("engagement_cli.followup_on_or_clear")
    day = parse_day(args.on, prefer="future") if args.on else None
    store = open_db(settings)
    member_id = member_id_of(store, args.member)
    if args.clear:
        cleared = followups.clear_follow_up(store, settings.operator, member_id)
        if args.json:
            print_json({"member_id": member_id, "cleared": cleared})
        else:
            print(t("engagement_cli.followup_cleared" if cleared else "engagement_cli.followup_none",
                    id=member_id))
        return 0
    assert day is not None
    item = followups.set_follow_up(store, settings.operator, member_id, day, args.reason,
                                   today=datetimes.today())
    if args.json:
        print_json(item.to_json(datetimes.today()))
        return 0
    print(t("engagement_cli.followup_set", id=member_id, day=item.due_on.isoformat(),
            reason=item.reason or "—"))
    return 0


def cmd_birthdays(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import followups

    if not 0 <= args.days <= 366:
        raise UserError("engagement_cli.bad_days", value=args.days)
    store = open_db(settings, read_only=True)
    args.advisor = person_arg(store, args.advisor)
    today = datetimes.today()
    found = followups.upcoming_birthdays(store, today, args.days, args.advisor)
    if print_json_or_empty(args, found, lambda b: b.to_json(today),
                           t("engagement_cli.no_birthdays", days=args.days)):
        return 0
    print_items(found, [
        ("on", lambda b: b.next_on.isoformat()),
        ("member", lambda b: f"{b.name} #{b.member_id}"),
        ("phone", lambda b: b.masked_phone),
        ("advisor", lambda b: b.advisor or ""),
    ])
    return 0


# --- the parser --------------------------------------------------------------------------------------

def add_engagement_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register the engagement commands on the main parser's subcommands."""
    activity = sub.add_parser("activity", parents=[common], help=helptext("activity")).add_subparsers(
        dest="activity_command", metavar="WHAT", required=True)
    add = activity.add_parser("add", parents=[common], help=helptext("activity_add"))
    add.add_argument("member", metavar="MEMBER", help=helptext("member"))
    add.add_argument("--kind", required=True, metavar="KIND", help=helptext("kind"))
    add.add_argument("--at", metavar="DATETIME", help=helptext("at"))
    add.add_argument("--note", metavar="TEXT", help=helptext("note"))
    add.add_argument("--channel", metavar="CHANNEL", help=helptext("channel"))
    add.add_argument("--staff", metavar="NAME", help=helptext("staff"))
    json_flag(add)
    add.set_defaults(handler=cmd_activity_add)

    imp = activity.add_parser("import", parents=[common], help=helptext("activity_import"))
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--sheet", metavar="NAME")
    imp.add_argument("--dry-run", action="store_true", help=helptext("dry_run"))
    json_flag(imp)
    imp.set_defaults(handler=cmd_activity_import)

    listing = activity.add_parser("list", parents=[common], help=helptext("activity_list"))
    listing.add_argument("member", metavar="MEMBER", nargs="?", help=helptext("member"))
    listing.add_argument("--from", dest="from_", metavar="DATE", help=helptext("from"))
    listing.add_argument("--to", metavar="DATE", help=helptext("to"))
    listing.add_argument("--limit", type=int, metavar="N")
    json_flag(listing)
    listing.set_defaults(handler=cmd_activity_list)

    undo = activity.add_parser("undo", parents=[common], help=helptext("activity_undo"))
    undo.add_argument("batch_id", type=int, metavar="BATCH")
    json_flag(undo)
    undo.set_defaults(handler=cmd_activity_undo)

    imports = activity.add_parser("imports", parents=[common], help=helptext("activity_imports"))
    json_flag(imports)
    imports.set_defaults(handler=cmd_activity_imports)

    react = sub.add_parser("reactivation", parents=[common], help=helptext("reactivation"))
    react.add_argument("--advisor", metavar="NAME")
    react.add_argument("--limit", type=int, metavar="N")
    react.add_argument("--longest-first", action="store_true", help=helptext("longest_first"))
    react.add_argument("--reactivated", action="store_true", help=helptext("reactivated"))
    json_flag(react)
    react.set_defaults(handler=cmd_reactivation)

    follow = sub.add_parser("followups", parents=[common], help=helptext("followups"))
    follow.add_argument("--advisor", metavar="NAME")
    follow.add_argument("--due", default="today", metavar="today|week", help=helptext("due"))
    json_flag(follow)
    follow.set_defaults(handler=cmd_followups)

    one = sub.add_parser("followup", parents=[common], help=helptext("followup"))
    one.add_argument("member", metavar="MEMBER", help=helptext("member"))
    one.add_argument("--on", metavar="DATE", help=helptext("on"))
    one.add_argument("--reason", metavar="TEXT")
    one.add_argument("--clear", action="store_true", help=helptext("clear"))
    json_flag(one)
    one.set_defaults(handler=cmd_followup)

    birthdays = sub.add_parser("birthdays", parents=[common], help=helptext("birthdays"))
    birthdays.add_argument("--advisor", metavar="NAME")
    birthdays.add_argument("--days", type=int, default=7, metavar="N")
    json_flag(birthdays)
    birthdays.set_defaults(handler=cmd_birthdays)

    add_complaint_commands(sub, common)
