"""Command line: no subcommand opens the app; subcommands run jobs headless for scripts.

Errors a user can cause print one message to stderr and exit with code 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence

from rich.cells import cell_len

from branchdesk import __version__
from branchdesk.errors import UserError
from branchdesk.i18n import set_language, t
from branchdesk.settings import Settings, demo_db_path, load_settings

Handler = Callable[[argparse.Namespace, Settings], int]


def _global_options() -> argparse.ArgumentParser:
    """--db/--user/--lang, accepted before or after the subcommand."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--db", default=argparse.SUPPRESS, metavar="PATH",
                        help="database file (default: BRANCHDESK_DB or the user data folder)")
    parent.add_argument("--user", default=argparse.SUPPRESS, metavar="NAME",
                        help="operator name for the audit log (default: config, then OS login)")
    parent.add_argument("--lang", default=argparse.SUPPRESS, choices=("zh", "en"),
                        help="language (default: from the system locale)")
    return parent


def build_parser() -> argparse.ArgumentParser:
    common = _global_options()
    parser = argparse.ArgumentParser(
        prog="branchdesk", parents=[common],
        description="BranchDesk: run a brokerage branch's investor communities.",
    )
    parser.add_argument("--version", action="version", version=f"branchdesk {__version__}")
    parser.add_argument("--demo", action="store_true",
                        help="open the app on a fresh demo database")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = sub.add_parser("demo", parents=[common], help="fill the database with a demo branch")
    demo.add_argument("--members", type=int, default=300, metavar="N")
    demo.add_argument("--seed", type=int, default=7, metavar="S")
    demo.set_defaults(handler=cmd_demo)

    members = sub.add_parser("members", parents=[common], help="list members")
    members.add_argument("--json", action="store_true", help="print a JSON array")
    members.add_argument("--reveal", action="store_true", help="show full phone numbers (audited)")
    members.add_argument("--need", choices=("profit", "recovery", "allocation", "stage"))
    members.add_argument("--risk", metavar="C1..C5", type=str.upper,
                         choices=("C1", "C2", "C3", "C4", "C5"))
    members.add_argument("--experience", choices=("novice", "intermediate", "veteran"))
    members.add_argument("--advisor", metavar="NAME")
    members.add_argument("--community", metavar="NAME")
    members.add_argument("--tag", metavar="TAG")
    members.add_argument("--search", metavar="TEXT", default="")
    members.add_argument("--dormant", action="store_true", help="only dormant members")
    members.add_argument("--sort", default="name")
    members.add_argument("--limit", type=int, default=None, metavar="N")
    members.set_defaults(handler=cmd_members)

    imports = sub.add_parser("import", parents=[common], help="import data").add_subparsers(
        dest="import_command", metavar="WHAT", required=True)
    roster = imports.add_parser("roster", parents=[common], help="import a member roster")
    roster.add_argument("file")
    roster.add_argument("--sheet", metavar="NAME")
    roster.add_argument("--dry-run", action="store_true", help="show what would change, change nothing")
    roster.add_argument("--json", action="store_true", help="print one JSON object")
    roster.set_defaults(handler=cmd_import_roster)
    undo = imports.add_parser("undo", parents=[common], help="undo an import batch")
    undo.add_argument("batch_id", type=int)
    undo.set_defaults(handler=cmd_import_undo)
    listing = imports.add_parser("list", parents=[common], help="list import batches")
    listing.set_defaults(handler=cmd_import_list)

    audit = sub.add_parser("audit", parents=[common], help="the audit log").add_subparsers(
        dest="audit_command", metavar="WHAT", required=True)
    verify = audit.add_parser("verify", parents=[common], help="check the audit hash chain")
    verify.set_defaults(handler=cmd_audit_verify)
    return parser


def _store(settings: Settings):
    from branchdesk.store.database import open_store

    return open_store(settings.db_path)


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import demo, roster

    if args.members < 1:
        raise UserError("cli.bad_count", value=args.members)
    store = _store(settings)
    existing = roster.total_members(store)
    if existing:
        raise UserError("cli.demo_not_empty", file=str(settings.db_path), count=existing)
    demo.build_demo(store, settings.operator, members=args.members, seed=args.seed)
    print(t("cli.demo_built", count=args.members, file=str(settings.db_path)))
    return 0


def _pad(text: str, width: int) -> str:
    """Pad by terminal cell width: a Chinese character takes two cells."""
    return text + " " * max(width - cell_len(text), 0)


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
    store = _store(settings)
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
    print("  ".join(_pad(h, w) for h, w in zip(headers, widths, strict=True)).rstrip())
    for row in rows:
        print("  ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip())
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

    store = _store(settings)
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
    if report.batch_id is not None:
        print(t("cli.undo_hint", batch=report.batch_id))
    return 0


def cmd_import_undo(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import importing

    result = importing.undo(_store(settings), args.batch_id, settings.operator)
    print(t("cli.undo_done", batch=args.batch_id, **result))
    return 0


def cmd_import_list(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import importing

    batches = importing.list_batches(_store(settings))
    if not batches:
        print(t("cli.no_batches"))
    for b in batches:
        state = t("cli.batch_undone", at=b["undone_at"]) if b["undone_at"] else ""
        print(t("cli.batch_line", **b) + state)
    return 0


def cmd_audit_verify(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.store import audit

    report = audit.verify(_store(settings).conn)
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings(db=getattr(args, "db", None), user=getattr(args, "user", None),
                                 lang=getattr(args, "lang", None))
        set_language(settings.language)
        handler: Handler = getattr(args, "handler", cmd_open_app)
        return handler(args, settings)
    except UserError as error:
        print(f"branchdesk: {error.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130
    except BrokenPipeError:  # `branchdesk members | head`
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
