"""Engagement commands: activity (add, import, list, undo, imports), reactivation, followups,
followup, birthdays, complaints (add, list, show, respond, resolve, assign).

Every command takes --json. MEMBER is a member id, an account number or a mobile number.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date
from typing import Any

from rich.cells import cell_len, set_cell_size

from branchdesk import datetimes
from branchdesk.cli.common import open_db, pad
from branchdesk.errors import UserError
from branchdesk.i18n import t
from branchdesk.member_fields import mask_phone
from branchdesk.settings import Settings

RED, RESET = "\033[31m", "\033[0m"


def _h(key: str) -> str:
    return t(f"engagement_cli.help.{key}")


def _json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=1)
    print()


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]],
           red: Sequence[bool] | None = None) -> None:
    widths = [max([cell_len(h)] + [cell_len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    print("  ".join(pad(h, w) for h, w in zip(headers, widths, strict=True)).rstrip())
    colour = sys.stdout.isatty()
    for index, row in enumerate(rows):
        line = "  ".join(pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip()
        if colour and red and red[index]:
            line = RED + line + RESET
        print(line)


def _cut(text: str | None, width: int = 30) -> str:
    """One line of at most `width` cells, with an ellipsis when cut."""
    line = " ".join((text or "").split())
    if cell_len(line) <= width:
        return line
    return set_cell_size(line, width - 1).rstrip() + "…"


def _member(store, text: str) -> int:
    from branchdesk.services.member_lookup import resolve

    return resolve(store.conn, text)


def _moment(text: str | None, prefer: str = "past"):
    return datetimes.parse_datetime(text, prefer=prefer) if text else None  # type: ignore[arg-type]


def _day(text: str | None, prefer: str = "past") -> date | None:
    return datetimes.parse_date(text, prefer=prefer) if text else None  # type: ignore[arg-type]


def _config(settings: Settings):
    from branchdesk import engagement_config

    return engagement_config.from_settings(settings)


def _calendar_notice(years: Sequence[int]) -> str:
    from branchdesk.services.complaints import calendar_notice

    return calendar_notice(list(years))


# --- activity -------------------------------------------------------------------------------------

def cmd_activity_add(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import activities

    at = _moment(args.at)
    store = open_db(settings)
    member_id = _member(store, args.member)
    activity = activities.log_activity(store, settings.operator, member_id, args.kind, at=at,
                                       note=args.note, channel=args.channel, staff=args.staff)
    from branchdesk.services.roster import get_member

    member = get_member(store, member_id)
    data = activity.to_json(settings.dormant_days) | {"name": member.name}
    if args.json:
        _json(data)
        return 0
    print(t("engagement_cli.activity_logged", kind=activity.kind.label(), name=member.name,
            id=member_id, at=activity.at.strftime("%Y-%m-%d %H:%M"), staff=activity.staff))
    if activity.reactivated(settings.dormant_days):
        print(t("engagement_cli.activity_woke", name=member.name, days=activity.gap_days))
    return 0


def cmd_activity_list(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import activities

    first, last = _day(args.from_), _day(args.to)
    if args.limit is not None and args.limit < 1:
        raise UserError("cli.bad_count", value=args.limit)
    store = open_db(settings, read_only=True)
    member_id = _member(store, args.member) if args.member else None
    found = activities.list_activities(store, member_id=member_id, first=first, last=last,
                                       limit=args.limit or 1000)
    if args.json:
        _json([a.to_json(settings.dormant_days) for a in found])
        return 0
    if not found:
        print(t("engagement_cli.no_activities"))
        return 0
    headers = [t("engagement_cli.col.at"), t("engagement_cli.col.member"), t("engagement_cli.col.kind"),
               t("engagement_cli.col.staff"), t("engagement_cli.col.note")]
    rows = [[a.at.strftime("%Y-%m-%d %H:%M"), f"{a.member_name} #{a.member_id}",
             a.kind.label() + (" ★" if a.reactivated(settings.dormant_days) else ""), a.staff,
             _cut(a.note, 40)] for a in found]
    _table(headers, rows)
    print(t("engagement_cli.activities_count", count=len(found)))
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
        _json(report.to_json())
        return 0
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
        _json({"batch_id": args.batch_id, **result})
        return 0
    print(t("engagement_cli.import_undone", batch=args.batch_id, removed=result["removed"]))
    return 0


def cmd_activity_imports(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services.activity_import import list_activity_imports

    batches = list_activity_imports(open_db(settings, read_only=True))
    if args.json:
        _json(batches)
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
        raise UserError("cli.bad_count", value=args.limit)
    store = open_db(settings, read_only=True)
    today = datetimes.today()
    if args.reactivated:
        woke = reactivation.reactivated_this_week(store, today, settings.dormant_days, args.advisor)
        if args.json:
            _json([w.to_json() for w in woke])
            return 0
        first, last = datetimes.week_of(today)
        print(t("engagement_cli.reactivated_title", first=first.isoformat(), last=last.isoformat(),
                count=len(woke)))
        if woke:
            _table([t("engagement_cli.col.on"), t("engagement_cli.col.member"),
                    t("engagement_cli.col.phone"), t("engagement_cli.col.advisor"),
                    t("engagement_cli.col.kind"), t("engagement_cli.col.asleep")],
                   [[w.on.isoformat(), f"{w.name} #{w.member_id}", w.to_json()["phone"] or "",
                     w.advisor or "", w.kind.label(), t("engagement_cli.days", days=w.days_asleep)]
                    for w in woke])
        return 0
    sleepers = reactivation.reactivation_list(
        store, today, settings.dormant_days, thresholds=settings.tier_thresholds,
        advisor=args.advisor, limit=args.limit or 1_000_000, longest_first=args.longest_first)
    if args.json:
        _json([s.to_json() for s in sleepers])
        return 0
    total = reactivation.count_dormant(store, today, settings.dormant_days, args.advisor)
    if not sleepers:
        print(t("engagement_cli.no_sleepers", days=settings.dormant_days))
        return 0
    _table([t("engagement_cli.col.member"), t("engagement_cli.col.phone"), t("engagement_cli.col.tier"),
            t("engagement_cli.col.advisor"), t("engagement_cli.col.heard"), t("engagement_cli.col.asleep"),
            t("engagement_cli.col.follow_up")],
           [[f"{s.name} #{s.member_id}", s.masked_phone, s.tier.label() if s.tier else "",
             s.advisor or "", s.heard_on.isoformat() if s.heard_on else "",
             t("engagement_cli.days", days=s.days_asleep),
             s.follow_up_on.isoformat() if s.follow_up_on else ""] for s in sleepers])
    print(t("engagement_cli.sleepers_count", shown=len(sleepers), total=total,
            days=settings.dormant_days))
    return 0


def cmd_followups(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import followups

    store = open_db(settings, read_only=True)
    today = datetimes.today()
    due = followups.due_follow_ups(store, today, args.due, args.advisor)
    if args.json:
        _json([f.to_json(today) for f in due])
        return 0
    if not due:
        print(t(f"engagement_cli.no_followups_{args.due}"))
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
    day = _day(args.on, prefer="future") if args.on else None
    store = open_db(settings)
    member_id = _member(store, args.member)
    if args.clear:
        cleared = followups.clear_follow_up(store, settings.operator, member_id)
        if args.json:
            _json({"member_id": member_id, "cleared": cleared})
        else:
            print(t("engagement_cli.followup_cleared" if cleared else "engagement_cli.followup_none",
                    id=member_id))
        return 0
    assert day is not None
    item = followups.set_follow_up(store, settings.operator, member_id, day, args.reason,
                                   today=datetimes.today())
    if args.json:
        _json(item.to_json(datetimes.today()))
        return 0
    print(t("engagement_cli.followup_set", id=member_id, day=item.due_on.isoformat(),
            reason=item.reason or "—"))
    return 0


def cmd_birthdays(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import followups

    if not 0 <= args.days <= 366:
        raise UserError("cli.bad_count", value=args.days)
    store = open_db(settings, read_only=True)
    today = datetimes.today()
    found = followups.upcoming_birthdays(store, today, args.days, args.advisor)
    if args.json:
        _json([b.to_json(today) for b in found])
        return 0
    if not found:
        print(t("engagement_cli.no_birthdays", days=args.days))
        return 0
    _table([t("engagement_cli.col.on"), t("engagement_cli.col.member"), t("engagement_cli.col.phone"),
            t("engagement_cli.col.advisor")],
           [[b.next_on.isoformat(), f"{b.name} #{b.member_id}", b.masked_phone, b.advisor or ""]
            for b in found])
    return 0


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
        print("  " + _calendar_notice(c.assumed_years))


def _complaint_out(args: argparse.Namespace, complaint) -> int:
    if args.json:
        _json(complaint.to_json())
        if complaint.assumed_years:
            print("branchdesk: " + _calendar_notice(complaint.assumed_years), file=sys.stderr)
        return 0
    _print_complaint(complaint)
    return 0


def cmd_complaints_add(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import complaints

    config = _config(settings)
    opened = _moment(args.opened)
    store = open_db(settings)
    member_id = _member(store, args.member)
    complaint = complaints.open_complaint(store, settings.operator, config, member_id=member_id,
                                          channel=args.channel, category=args.category,
                                          summary=args.summary, opened_at=opened, owner=args.owner)
    return _complaint_out(args, complaint)


def cmd_complaints_list(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import complaints

    store = open_db(settings, read_only=True)
    member_id = _member(store, args.member) if args.member else None
    found = complaints.list_complaints(store, status=args.status, overdue_only=args.overdue,
                                       member_id=member_id, owner=args.owner)
    if args.json:
        _json([c.to_json() for c in found])
        years = sorted({y for c in found for y in c.assumed_years})
        if years:
            print("branchdesk: " + _calendar_notice(years), file=sys.stderr)
        return 0
    if not found:
        print(t("engagement_cli.no_complaints"))
        return 0
    headers = [t("engagement_cli.col.id"), t("engagement_cli.col.status"), t("engagement_cli.col.member"),
               t("engagement_cli.col.category"), t("engagement_cli.col.first_due"),
               t("engagement_cli.col.resolution_due"), t("engagement_cli.col.owner"),
               t("engagement_cli.col.summary")]
    rows = [[str(c.id), c.status.label() + (" !" + t("engagement_cli.overdue") if c.overdue else ""),
             c.member_name, c.category.label(),
             c.first_response_due.isoformat() + ("" if c.responded_at is None else " ✓"),
             c.resolution_due.isoformat(), c.owner or "", _cut(c.summary, 30)] for c in found]
    _table(headers, rows, red=[c.overdue for c in found])
    counts = complaints.complaint_counts(store)
    print(t("engagement_cli.complaints_count", shown=len(found), open=counts["open"],
            overdue=counts["overdue"]))
    years = sorted({y for c in found for y in c.assumed_years if c.status.value != "resolved"})
    if years:
        print(_calendar_notice(years))
    return 0


def cmd_complaints_show(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import complaints

    store = open_db(settings, read_only=True)
    return _complaint_out(args, complaints.get_complaint(store, args.complaint_id))


def cmd_complaints_respond(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import complaints

    at = _moment(args.at)
    complaint = complaints.respond(open_db(settings), settings.operator, args.complaint_id,
                                   args.note, at)
    return _complaint_out(args, complaint)


def cmd_complaints_resolve(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import complaints

    at = _moment(args.at)
    complaint = complaints.resolve(open_db(settings), settings.operator, args.complaint_id,
                                   args.resolution, at)
    return _complaint_out(args, complaint)


def cmd_complaints_assign(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import complaints

    complaint = complaints.assign(open_db(settings), settings.operator, args.complaint_id, args.owner)
    return _complaint_out(args, complaint)


# --- the parser --------------------------------------------------------------------------------------

def _json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help=_h("json"))


def add_engagement_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register the engagement commands on the main parser's subcommands."""
    activity = sub.add_parser("activity", parents=[common], help=_h("activity")).add_subparsers(
        dest="activity_command", metavar="WHAT", required=True)
    add = activity.add_parser("add", parents=[common], help=_h("activity_add"))
    add.add_argument("member", metavar="MEMBER", help=_h("member"))
    add.add_argument("--kind", required=True, metavar="KIND", help=_h("kind"))
    add.add_argument("--at", metavar="DATETIME", help=_h("at"))
    add.add_argument("--note", metavar="TEXT", help=_h("note"))
    add.add_argument("--channel", metavar="CHANNEL", help=_h("channel"))
    add.add_argument("--staff", metavar="NAME", help=_h("staff"))
    _json_flag(add)
    add.set_defaults(handler=cmd_activity_add)

    imp = activity.add_parser("import", parents=[common], help=_h("activity_import"))
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--sheet", metavar="NAME")
    imp.add_argument("--dry-run", action="store_true", help=_h("dry_run"))
    _json_flag(imp)
    imp.set_defaults(handler=cmd_activity_import)

    listing = activity.add_parser("list", parents=[common], help=_h("activity_list"))
    listing.add_argument("member", metavar="MEMBER", nargs="?", help=_h("member"))
    listing.add_argument("--from", dest="from_", metavar="DATE", help=_h("from"))
    listing.add_argument("--to", metavar="DATE", help=_h("to"))
    listing.add_argument("--limit", type=int, metavar="N")
    _json_flag(listing)
    listing.set_defaults(handler=cmd_activity_list)

    undo = activity.add_parser("undo", parents=[common], help=_h("activity_undo"))
    undo.add_argument("batch_id", type=int, metavar="BATCH")
    _json_flag(undo)
    undo.set_defaults(handler=cmd_activity_undo)

    imports = activity.add_parser("imports", parents=[common], help=_h("activity_imports"))
    _json_flag(imports)
    imports.set_defaults(handler=cmd_activity_imports)

    react = sub.add_parser("reactivation", parents=[common], help=_h("reactivation"))
    react.add_argument("--advisor", metavar="NAME")
    react.add_argument("--limit", type=int, metavar="N")
    react.add_argument("--longest-first", action="store_true", help=_h("longest_first"))
    react.add_argument("--reactivated", action="store_true", help=_h("reactivated"))
    _json_flag(react)
    react.set_defaults(handler=cmd_reactivation)

    follow = sub.add_parser("followups", parents=[common], help=_h("followups"))
    follow.add_argument("--advisor", metavar="NAME")
    follow.add_argument("--due", default="today", metavar="today|week", help=_h("due"))
    _json_flag(follow)
    follow.set_defaults(handler=cmd_followups)

    one = sub.add_parser("followup", parents=[common], help=_h("followup"))
    one.add_argument("member", metavar="MEMBER", help=_h("member"))
    one.add_argument("--on", metavar="DATE", help=_h("on"))
    one.add_argument("--reason", metavar="TEXT")
    one.add_argument("--clear", action="store_true", help=_h("clear"))
    _json_flag(one)
    one.set_defaults(handler=cmd_followup)

    birthdays = sub.add_parser("birthdays", parents=[common], help=_h("birthdays"))
    birthdays.add_argument("--advisor", metavar="NAME")
    birthdays.add_argument("--days", type=int, default=7, metavar="N")
    _json_flag(birthdays)
    birthdays.set_defaults(handler=cmd_birthdays)

    complaints = sub.add_parser("complaints", parents=[common], help=_h("complaints")).add_subparsers(
        dest="complaints_command", metavar="WHAT", required=True)
    c_add = complaints.add_parser("add", parents=[common], help=_h("complaints_add"))
    c_add.add_argument("member", metavar="MEMBER", help=_h("member"))
    c_add.add_argument("--channel", required=True, metavar="C", help=_h("complaint_channel"))
    c_add.add_argument("--category", required=True, metavar="K", help=_h("complaint_category"))
    c_add.add_argument("--summary", required=True, metavar="TEXT")
    c_add.add_argument("--opened", metavar="DATETIME", help=_h("opened"))
    c_add.add_argument("--owner", metavar="NAME", help=_h("owner"))
    _json_flag(c_add)
    c_add.set_defaults(handler=cmd_complaints_add)

    c_list = complaints.add_parser("list", parents=[common], help=_h("complaints_list"))
    c_list.add_argument("--overdue", action="store_true", help=_h("overdue"))
    c_list.add_argument("--status", metavar="S", help=_h("status"))
    c_list.add_argument("--member", metavar="MEMBER")
    c_list.add_argument("--owner", metavar="NAME")
    _json_flag(c_list)
    c_list.set_defaults(handler=cmd_complaints_list)

    c_show = complaints.add_parser("show", parents=[common], help=_h("complaints_show"))
    c_show.add_argument("complaint_id", type=int, metavar="ID")
    _json_flag(c_show)
    c_show.set_defaults(handler=cmd_complaints_show)

    c_respond = complaints.add_parser("respond", parents=[common], help=_h("complaints_respond"))
    c_respond.add_argument("complaint_id", type=int, metavar="ID")
    c_respond.add_argument("--note", metavar="TEXT")
    c_respond.add_argument("--at", metavar="DATETIME")
    _json_flag(c_respond)
    c_respond.set_defaults(handler=cmd_complaints_respond)

    c_resolve = complaints.add_parser("resolve", parents=[common], help=_h("complaints_resolve"))
    c_resolve.add_argument("complaint_id", type=int, metavar="ID")
    c_resolve.add_argument("--resolution", required=True, metavar="TEXT")
    c_resolve.add_argument("--at", metavar="DATETIME")
    _json_flag(c_resolve)
    c_resolve.set_defaults(handler=cmd_complaints_resolve)

    c_assign = complaints.add_parser("assign", parents=[common], help=_h("complaints_assign"))
    c_assign.add_argument("complaint_id", type=int, metavar="ID")
    c_assign.add_argument("--owner", required=True, metavar="NAME")
    _json_flag(c_assign)
    c_assign.set_defaults(handler=cmd_complaints_assign)
