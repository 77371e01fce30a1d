"""Roster commands: demo, members, import, audit, and opening the app."""

from __future__ import annotations

import argparse
import json
import sys

from rich.cells import cell_len

from branchdesk.cli.common import open_db, pad
from branchdesk.errors import UserError
from branchdesk.i18n import t
from branchdesk.settings import Settings, demo_db_path


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import demo, roster

    if args.members < 1:
        raise UserError("cli.bad_count", value=args.members)
    store = open_db(settings, create=True)
    existing = roster.total_members(store)
    if existing:
        raise UserError("cli.demo_not_empty", file=str(settings.db_path), count=existing)
    demo.build_demo(store, settings.operator, members=args.members, seed=args.seed)
    print(t("cli.demo_built", count=args.members, file=str(settings.db_path)))
    return 0


def cmd_members(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.models import MemberQuery
    from branchdesk.services import roster

    try:
        query = MemberQuery(
            search=args.search, need=args.need, experience=args.experience, risk_level=args.risk,
            advisor=args.advisor, community=args.community, tag=args.tag,
            dormant_only=args.dormant, dormant_days=settings.dormant_days, sort=args.sort,
        )
    except ValueError as error:
        raise UserError("cli.bad_query", error=str(error).splitlines()[-1]) from error
    store = open_db(settings)
    found = roster.list_members(store, query, limit=args.limit, thresholds=settings.tier_thresholds)
    if args.reveal:
        roster.record_reveal(store, settings.operator, len(found), query.model_dump(mode="json"))
    if args.json:
        data = [m.to_public_dict(reveal=args.reveal) for m in found]
        json.dump(data, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    headers = [t("cli.col_name"), t("cli.col_phone"), t("cli.col_account"), t("cli.col_risk"),
               t("cli.col_experience"), t("cli.col_needs"), t("cli.col_advisor"),
               t("cli.col_last_active")]
    rows = [[m.name, m.phone if args.reveal else m.masked_phone, m.account_no or "",
             str(m.risk_level or ""), m.experience.label() if m.experience else "",
             "/".join(n.label() for n in m.needs), m.advisor or "",
             m.last_active_on.isoformat() if m.last_active_on else ""] for m in found]
    widths = [max([cell_len(h)] + [cell_len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    print("  ".join(pad(h, w) for h, w in zip(headers, widths, strict=True)).rstrip())
    for row in rows:
        print("  ".join(pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip())
    print(t("cli.members_count", shown=len(found), total=roster.total_members(store)))
    return 0


def _print_issues(title: str, issues: list, limit: int = 50) -> None:
    if not issues:
        return
    print(title)
    for issue in issues[:limit]:
        print("  " + t("cli.issue_line", row=issue.row, column=issue.column, reason=issue.reason))
    if len(issues) > limit:
        print("  " + t("cli.more_issues", count=len(issues) - limit))


def cmd_import_roster(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import importing

    store = open_db(settings, create=True)
    report = importing.import_roster(store, args.file, settings.operator, sheet=args.sheet,
                                     dry_run=args.dry_run)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False))
        return 0
    key = "cli.import_dry_run" if args.dry_run else "cli.import_done"
    print(t(key, file=args.file, sheet=report.sheet, batch=report.batch_id))
    print(t("cli.import_counts", created=report.created, updated=report.updated,
            unchanged=report.unchanged, merged=report.merged, invalid=report.invalid))
    if report.unknown_columns:
        print(t("cli.unknown_columns", columns="、".join(report.unknown_columns)))
    _print_issues(t("cli.invalid_rows"), report.errors)
    _print_issues(t("cli.warnings"), report.warnings)
    if report.footers:
        print(t("import_report.cli_title"))
        for footer in report.footers:
            print("  " + t("import_report.left_out", row=footer.row,
                           text=footer.value or footer.column))
    if report.batch_id is not None:
        print(t("cli.undo_hint", batch=report.batch_id))
    return 0


def cmd_import_undo(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import importing

    result = importing.undo(open_db(settings), args.batch_id, settings.operator, force=args.force)
    print(t("cli.undo_done", batch=args.batch_id, **result))
    return 0


def cmd_import_list(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import importing

    batches = importing.list_batches(open_db(settings))
    if not batches:
        print(t("cli.no_batches"))
    for b in batches:
        state = t("cli.batch_undone", at=b["undone_at"]) if b["undone_at"] else ""
        print(t("cli.batch_line", **b) + state)
    return 0


def cmd_audit_verify(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.store import audit

    report = audit.verify(open_db(settings).conn)
    if report.ok:
        print(t("cli.audit_ok", count=report.verified, head=report.head))
        return 0
    print(t("cli.audit_broken", row=report.broken_at, verified=report.verified,
            problem=t(f"cli.audit_problem_{report.problem}")))
    return 1


def cmd_open_app(args: argparse.Namespace, settings: Settings) -> int:
    if args.demo:
        from branchdesk.services import demo
        from branchdesk.store.database import open_store

        settings.db_path = demo_db_path()
        settings.branch_name = settings.branch_name or demo.BRANCH
        for suffix in ("", "-wal", "-shm"):
            settings.db_path.with_name(settings.db_path.name + suffix).unlink(missing_ok=True)
        demo.build_demo(open_store(settings.db_path), settings.operator, members=2000)
    try:
        from branchdesk.app import run_app
    except ImportError:  # the terminal app is not built yet: show the roster instead
        args.json = args.reveal = args.dormant = False
        args.need = args.experience = args.risk = args.advisor = args.community = args.tag = None
        args.search, args.sort, args.limit = "", "name", 40
        return cmd_members(args, settings)
    return run_app(settings)


