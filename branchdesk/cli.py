"""Command line: no subcommand opens the app; subcommands run jobs headless for scripts.

Errors a user can cause print one message to stderr and exit with code 2.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Sequence

from rich.cells import cell_len

from branchdesk import __version__
from branchdesk.errors import UserError
from branchdesk.i18n import set_language, t
from branchdesk.settings import Settings, demo_db_path, load_settings

Handler = Callable[[argparse.Namespace, Settings], int]


def _h(english: str) -> str:
    """Help text in the user's language; the English text names its catalog key."""
    return t("cli_help." + re.sub(r"[^a-z0-9]+", "_", english.lower()).strip("_")[:48].rstrip("_"))


def _global_options() -> argparse.ArgumentParser:
    """--db/--user/--lang, accepted before or after the subcommand."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--db", default=argparse.SUPPRESS, metavar="PATH",
                        help=_h("database file (default: BRANCHDESK_DB or the user data folder)"))
    parent.add_argument("--user", default=argparse.SUPPRESS, metavar="NAME",
                        help=_h("operator name for the audit log (default: config, then OS login)"))
    parent.add_argument("--lang", default=argparse.SUPPRESS, choices=("zh", "en"),
                        help=_h("language (default: from the system locale)"))
    return parent


def build_parser() -> argparse.ArgumentParser:
    common = _global_options()
    parser = argparse.ArgumentParser(
        prog="branchdesk", parents=[common],
        description=_h("BranchDesk: run a brokerage branch's investor communities."),
    )
    parser.add_argument("--version", action="version", version=f"branchdesk {__version__}")
    parser.add_argument("--demo", action="store_true",
                        help=_h("open the app on a fresh demo database"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = sub.add_parser("demo", parents=[common], help=_h("fill the database with a demo branch"))
    demo.add_argument("--members", type=int, default=300, metavar="N")
    demo.add_argument("--seed", type=int, default=7, metavar="S")
    demo.set_defaults(handler=cmd_demo)

    members = sub.add_parser("members", parents=[common], help=_h("list members"))
    members.add_argument("--json", action="store_true", help=_h("print a JSON array"))
    members.add_argument("--reveal", action="store_true", help=_h("show full phone numbers (audited)"))
    members.add_argument("--need", choices=("profit", "recovery", "allocation", "stage"))
    members.add_argument("--risk", metavar="C1..C5", type=str.upper,
                         choices=("C1", "C2", "C3", "C4", "C5"))
    members.add_argument("--experience", choices=("novice", "intermediate", "veteran"))
    members.add_argument("--advisor", metavar="NAME")
    members.add_argument("--community", metavar="NAME")
    members.add_argument("--tag", metavar="TAG")
    members.add_argument("--search", metavar="TEXT", default="")
    members.add_argument("--dormant", action="store_true", help=_h("only dormant members"))
    members.add_argument("--sort", default="name")
    members.add_argument("--limit", type=int, default=None, metavar="N")
    members.set_defaults(handler=cmd_members)

    imports = sub.add_parser("import", parents=[common], help=_h("import data")).add_subparsers(
        dest="import_command", metavar="WHAT", required=True)
    roster = imports.add_parser("roster", parents=[common], help=_h("import a member roster"))
    roster.add_argument("file")
    roster.add_argument("--sheet", metavar="NAME")
    roster.add_argument("--dry-run", action="store_true", help=_h("show what would change, change nothing"))
    roster.add_argument("--json", action="store_true", help=_h("print one JSON object"))
    roster.set_defaults(handler=cmd_import_roster)
    undo = imports.add_parser("undo", parents=[common], help=_h("undo an import batch"))
    undo.add_argument("batch_id", type=int)
    undo.add_argument("--force", action="store_true",
                      help=_h("undo even if members were edited since (those edits are lost)"))
    undo.set_defaults(handler=cmd_import_undo)
    listing = imports.add_parser("list", parents=[common], help=_h("list import batches"))
    listing.set_defaults(handler=cmd_import_list)

    audit = sub.add_parser("audit", parents=[common], help=_h("the audit log")).add_subparsers(
        dest="audit_command", metavar="WHAT", required=True)
    verify = audit.add_parser("verify", parents=[common], help=_h("check the audit hash chain"))
    verify.set_defaults(handler=cmd_audit_verify)
    check = sub.add_parser("check", parents=[common], help=_h("check messages against the compliance rules"))
    check.add_argument("file", nargs="?", metavar="FILE|-",
                       help=_h(".txt (one message), .jsonl, .csv or .xlsx; - reads one message from stdin"))
    check.add_argument("--text", help=_h("check this text"))
    check.add_argument("--community", metavar="NAME", help=_h("target community (suitability check)"))
    check.add_argument("--json", action="store_true", help=_h("one JSON object per message and line"))
    check.add_argument("--report", metavar="FILE.xlsx", help=_h("write every finding to a workbook"))
    check.set_defaults(handler=cmd_check)

    staff = sub.add_parser("staff", parents=[common], help=_h("staff members and roles")).add_subparsers(
        dest="staff_command", metavar="WHAT", required=True)
    staff_list = staff.add_parser("list", parents=[common], help=_h("list staff"))
    staff_list.add_argument("--json", action="store_true")
    staff_list.set_defaults(handler=cmd_staff_list)
    staff_add = staff.add_parser("add", parents=[common], help=_h("add a staff member"))
    staff_add.add_argument("name")
    staff_add.add_argument("--role", choices=("staff", "reviewer", "manager"), default="staff")
    staff_add.add_argument("--no-password", action="store_true", help=_h("set the password later"))
    staff_role = staff.add_parser("role", parents=[common], help=_h("change a role (needs a manager)"))
    staff_role.add_argument("name")
    staff_role.add_argument("role", choices=("staff", "reviewer", "manager"))
    staff_pw = staff.add_parser("passwd", parents=[common], help=_h("set a password"))
    staff_pw.add_argument("name")
    staff_off = staff.add_parser("deactivate", parents=[common], help=_h("switch a staff member off"))
    staff_off.add_argument("name")
    for command, handler in ((staff_add, cmd_staff_add), (staff_role, cmd_staff_role),
                             (staff_pw, cmd_staff_passwd), (staff_off, cmd_staff_deactivate)):
        command.add_argument("--manager", metavar="NAME", help=_h("a manager who authorises this"))
        command.add_argument("--password-stdin", action="store_true",
                             help=_h("read passwords from stdin, one per line, instead of prompting"))
        command.set_defaults(handler=handler)

    rules = sub.add_parser("rules", parents=[common], help=_h("compliance rules")).add_subparsers(
        dest="rules_command", metavar="WHAT", required=True)
    rules_list = rules.add_parser("list", parents=[common], help=_h("list rules"))
    rules_list.add_argument("--json", action="store_true")
    rules_list.set_defaults(handler=cmd_rules_list)
    rules_show = rules.add_parser("show", parents=[common], help=_h("show one rule as TOML-like JSON"))
    rules_show.add_argument("rule_id")
    rules_show.set_defaults(handler=cmd_rules_show)
    rules_save = rules.add_parser("save", parents=[common],
                                  help=_h("add or edit a rule from a .toml or .json file"))
    rules_save.add_argument("file")
    rules_save.set_defaults(handler=cmd_rules_save)
    for name, enabled in (("enable", True), ("disable", False)):
        toggle = rules.add_parser(name, parents=[common], help=_h(f"{name} a rule"))
        toggle.add_argument("rule_id")
        toggle.set_defaults(handler=cmd_rules_toggle, enabled=enabled)
    rules_reset = rules.add_parser("reset", parents=[common],
                                   help=_h("drop the branch's edit of a rule, or delete a branch rule"))
    rules_reset.add_argument("rule_id")
    rules_reset.set_defaults(handler=cmd_rules_reset)

    messages = sub.add_parser("messages", parents=[common], help=_h("community messages and review")
                              ).add_subparsers(dest="messages_command", metavar="WHAT", required=True)
    msg_list = messages.add_parser("list", parents=[common], help=_h("recent messages"))
    msg_list.add_argument("--queue", action="store_true", help=_h("only those waiting for review"))
    msg_list.add_argument("--json", action="store_true")
    msg_list.set_defaults(handler=cmd_messages_list)
    msg_draft = messages.add_parser("draft", parents=[common], help=_h("check and save a draft"))
    msg_draft.add_argument("--text", required=True)
    msg_draft.add_argument("--community", metavar="NAME")
    msg_draft.add_argument("--revise", type=int, metavar="ID", help=_h("a new version of message ID"))
    msg_draft.set_defaults(handler=cmd_messages_draft)
    for name in ("submit", "sent"):
        step = messages.add_parser(name, parents=[common], help=_h(f"mark a message {name}"))
        step.add_argument("message_id", type=int)
        step.set_defaults(handler=cmd_messages_step, step=name)
    msg_approve = messages.add_parser("approve", parents=[common],
                                      help=_h("approve as a reviewer (asks your password)"))
    msg_approve.add_argument("message_id", type=int)
    msg_approve.add_argument("--override", metavar="REASON", help=_h("reason to approve despite a block"))
    msg_reject = messages.add_parser("reject", parents=[common], help=_h("reject as a reviewer"))
    msg_reject.add_argument("message_id", type=int)
    msg_reject.add_argument("--reason", required=True)
    for command, handler in ((msg_approve, cmd_messages_approve), (msg_reject, cmd_messages_reject)):
        command.add_argument("--password-stdin", action="store_true")
        command.set_defaults(handler=handler)
    return parser


def _store(settings: Settings, *, create: bool = False):
    """The database; only commands that write may create a missing one, so a mistyped
    --db path is an error rather than a new, empty database."""
    from branchdesk.store.database import open_store

    if not create and not settings.db_path.exists():
        raise UserError("cli.no_database", file=str(settings.db_path))
    return open_store(settings.db_path)


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import demo, roster

    if args.members < 1:
        raise UserError("cli.bad_count", value=args.members)
    store = _store(settings, create=True)
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

    store = _store(settings, create=True)
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

    result = importing.undo(_store(settings), args.batch_id, settings.operator, force=args.force)
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


# --- compliance -------------------------------------------------------------------------

def _password(args: argparse.Namespace, prompt: str) -> str:
    if getattr(args, "password_stdin", False):
        return sys.stdin.readline().rstrip("\r\n")
    import getpass

    return getpass.getpass(prompt)


def _manager(args: argparse.Namespace):
    from branchdesk.services.staff import Credentials

    if not args.manager:
        return None
    return Credentials(args.manager, _password(args, t("cli.password_for", name=args.manager)))


def _print_result(item_id: str, result) -> None:
    print(t("cli.check_line", id=item_id, verdict=t(f"report.verdict_{result.verdict.value}")))
    for f in result.findings:
        print("  " + t("cli.finding_line", start=f.start, end=f.end, match=f.match,
                       severity=f.severity.label(), category=f.category.label(), rule=f.rule))
        print("    " + f.explanation)
        if f.suggestion:
            print("    → " + f.suggestion)


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import bulk_check
    from branchdesk.services.checking import checker_for
    from branchdesk.services.messages import finding_json
    from branchdesk.services.roster import community_exists
    from branchdesk.store.database import open_store

    if args.report:
        from branchdesk.exports.findings import check_report_path

        check_report_path(args.report)
    if args.text is not None:
        items = [bulk_check.Item("1", args.text)]
    elif args.file == "-":
        items = [bulk_check.Item("1", sys.stdin.read())]
    elif args.file:
        items = bulk_check.read_items(args.file)
    else:
        raise UserError("checking.no_input")
    # With no database yet, check with the shipped rules in a throwaway in-memory one.
    store = _store(settings) if settings.db_path.exists() else open_store(":memory:")
    if args.community and not community_exists(store, args.community):
        raise UserError("cli.no_such_community", community=args.community)
    results = bulk_check.check_items(store, items, args.community)
    if args.json:
        for item, result in results:
            print(json.dumps({"id": item.id, "verdict": result.verdict.value,
                              "findings": [finding_json(f) for f in result.findings]},
                             ensure_ascii=False))
    else:
        for item, result in results:
            _print_result(item.id, result)
    if args.report:
        from branchdesk.exports.findings import write_findings_report

        write_findings_report(args.report, results, checker_for(store)[1])
        if not args.json:
            print(t("cli.report_written", file=args.report))
    return 1 if any(r.verdict.value == "block" for _, r in results) else 0


def cmd_staff_list(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import staff

    people = staff.list_staff(_store(settings))
    if args.json:
        print(json.dumps(people, ensure_ascii=False))
        return 0
    if not people:
        print(t("cli.no_staff"))
    for p in people:
        print(t("cli.staff_line", name=p["name"], role=t(f"staff.role.{p['role']}"),
                password=t("cli.yes") if p["password_set"] else t("cli.no"),
                active=t("cli.yes") if p["active"] else t("cli.no")))
    return 0


def cmd_staff_add(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import staff

    store = _store(settings, create=True)
    manager = _manager(args)
    password = None if args.no_password else _password(args, t("cli.new_password_for", name=args.name))
    staff.add_staff(store, settings.operator, args.name, args.role, password, manager=manager)
    print(t("cli.staff_added", name=args.name, role=t(f"staff.role.{args.role}")))
    return 0


def cmd_staff_role(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import staff

    staff.set_role(_store(settings), settings.operator, args.name, args.role, manager=_manager(args))
    print(t("cli.staff_role_set", name=args.name, role=t(f"staff.role.{args.role}")))
    return 0


def cmd_staff_passwd(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import staff

    store = _store(settings)
    manager = _manager(args)
    old = None
    if manager is None and staff.has_password(store, args.name):
        old = _password(args, t("cli.old_password_for", name=args.name))
    new = _password(args, t("cli.new_password_for", name=args.name))
    staff.set_password(store, settings.operator, args.name, new, old_password=old, manager=manager)
    print(t("cli.password_set", name=args.name))
    return 0


def cmd_staff_deactivate(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import staff

    staff.deactivate(_store(settings), settings.operator, args.name, manager=_manager(args))
    print(t("cli.staff_deactivated", name=args.name))
    return 0


def cmd_rules_list(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import rules

    listed = rules.list_rules(_store(settings))
    if args.json:
        print(json.dumps(listed, ensure_ascii=False))
        return 0
    for r in listed:
        state = t("cli.rule_off") if r["disabled"] else ""
        print(f"{r['id']:<32} {r['rule']['category']:<13} {r['rule']['severity']:<6} "
              f"{t('rules.source.' + r['source'])}{state}")
    return 0


def cmd_rules_show(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import rules

    for r in rules.list_rules(_store(settings)):
        if r["id"] == args.rule_id:
            print(json.dumps(r, ensure_ascii=False, indent=2))
            return 0
    raise UserError("rules.no_such", id=args.rule_id)


def cmd_rules_save(args: argparse.Namespace, settings: Settings) -> int:
    import tomllib
    from pathlib import Path

    from branchdesk.services import rules

    path = Path(args.file)
    try:
        text = path.read_text(encoding="utf-8")
        definition = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise UserError("cli.bad_rule_file", file=str(path), error=str(error)) from error
    if isinstance(definition.get("rule"), dict):  # a [rule] table
        definition = definition["rule"]
    rule = rules.save_rule(_store(settings, create=True), settings.operator, definition)
    print(t("cli.rule_saved", id=rule.id))
    return 0


def cmd_rules_toggle(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import rules

    rules.set_enabled(_store(settings), settings.operator, args.rule_id, args.enabled)
    print(t("cli.rule_enabled" if args.enabled else "cli.rule_disabled", id=args.rule_id))
    return 0


def cmd_rules_reset(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import rules

    rules.reset_rule(_store(settings), settings.operator, args.rule_id)
    print(t("cli.rule_reset", id=args.rule_id))
    return 0


def _print_message(m: dict) -> None:
    print(t("cli.message_line", id=m["id"], status=t(f"messages.status.{m['status']}"),
            verdict=t(f"report.verdict_{m['verdict']}"), author=m["author"],
            community=m["community"] or "-", text=m["text"].replace("\n", " ")[:60]))


def cmd_messages_list(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import messages

    store = _store(settings)
    found = messages.review_queue(store) if args.queue else messages.recent(store)
    if args.json:
        print(json.dumps(found, ensure_ascii=False))
        return 0
    for m in found:
        _print_message(m)
    return 0


def cmd_messages_draft(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import messages

    m = messages.save_draft(_store(settings, create=True), settings.operator, args.text, args.community,
                            previous_id=args.revise)
    _print_message(m)
    return 0


def cmd_messages_step(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import messages

    store = _store(settings)
    step = messages.submit if args.step == "submit" else messages.mark_sent
    _print_message(step(store, settings.operator, args.message_id))
    return 0


def cmd_messages_approve(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import messages
    from branchdesk.services.staff import Credentials

    reviewer = Credentials(settings.operator, _password(args, t("cli.password_for",
                                                                name=settings.operator)))
    _print_message(messages.approve(_store(settings), reviewer, args.message_id, args.override))
    return 0


def cmd_messages_reject(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import messages
    from branchdesk.services.staff import Credentials

    reviewer = Credentials(settings.operator, _password(args, t("cli.password_for",
                                                                name=settings.operator)))
    _print_message(messages.reject(_store(settings), reviewer, args.message_id, args.reason))
    return 0


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


def _language_for_help(argv: Sequence[str]) -> str:
    """The language to print --help in, before the arguments are parsed: --lang, else the
    environment and config, else the system."""
    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv) and argv[index + 1] in ("zh", "en"):
            return argv[index + 1]
        if arg in ("--lang=zh", "--lang=en"):
            return arg.split("=", 1)[1]
    try:
        return load_settings().language
    except UserError:
        return "en"


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    set_language(_language_for_help(argv))
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
    except EOFError:  # a password prompt got end of input (ctrl+D, or no stdin in a script)
        print(f"branchdesk: {t('cli.no_password_input')}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130
    except BrokenPipeError:  # `branchdesk members | head`
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
