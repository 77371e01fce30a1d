"""Commands that make the record trustworthy: the audit head, verification, the audit trail
of a member, a message or a date range (on screen or as a workbook), backup and restore."""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import date
from pathlib import Path
from typing import Any

from branchdesk.cli.common import manager_credentials, open_db, print_json
from branchdesk.cli.staff_commands import add_password_stdin
from branchdesk.errors import UserError
from branchdesk.i18n import t
from branchdesk.settings import Settings


def _h(english: str) -> str:
    """Help text in the user's language, from this feature's own catalog."""
    return t("trust_help." + re.sub(r"[^a-z0-9]+", "_", english.lower()).strip("_")[:48].rstrip("_"))


def add_audit_commands(audit: Any, common: argparse.ArgumentParser) -> None:
    """`audit verify`, `audit head`, `audit trail` under the `audit` command."""
    verify = audit.add_parser("verify", parents=[common],
                              help=_h("check the audit log, its protections and the tables"))
    verify.add_argument("--head", metavar="SEQ:HASH",
                        help=_h("a head written down earlier: prove the log still extends it"))
    verify.add_argument("--json", action="store_true", help=_h("print one JSON object"))
    verify.set_defaults(handler=cmd_audit_verify)
    head = audit.add_parser("head", parents=[common],
                            help=_h("print the head of the audit log to keep outside this PC"))
    head.add_argument("--json", action="store_true", help=_h("print one JSON object"))
    head.set_defaults(handler=cmd_audit_head)
    trail = audit.add_parser("trail", parents=[common],
                             help=_h("the audit trail of a member, a message or a date range"))
    which = trail.add_mutually_exclusive_group()
    which.add_argument("--member", type=int, metavar="ID")
    which.add_argument("--message", type=int, metavar="ID")
    trail.add_argument("--from", dest="start", metavar="YYYY-MM-DD")
    trail.add_argument("--to", dest="end", metavar="YYYY-MM-DD")
    trail.add_argument("--json", action="store_true", help=_h("print one JSON object"))
    trail.add_argument("-o", "--output", metavar="FILE.xlsx", help=_h("write the trail to an Excel workbook"))
    trail.set_defaults(handler=cmd_audit_trail)


def add_backup_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    backup = sub.add_parser("backup", parents=[common],
                            help=_h("copy the database safely, even while it is in use"))
    backup.add_argument("-o", "--output", metavar="FILE",
                        help=_h("where to write the copy (default: the backups folder)"))
    backup.add_argument("--json", action="store_true", help=_h("print one JSON object"))
    backup.set_defaults(handler=cmd_backup)
    restore = sub.add_parser("restore", parents=[common],
                             help=_h("replace the database with a checked backup"))
    restore.add_argument("file", metavar="FILE")
    restore.add_argument("--manager", metavar="NAME", help=t("signin.cli_help.manager"))
    add_password_stdin(restore)
    restore.set_defaults(handler=cmd_restore)


# --- audit -------------------------------------------------------------------------------------

def cmd_audit_verify(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import audit_trail

    anchor = audit_trail.parse_anchor(args.head) if args.head else None
    result = audit_trail.verify(open_db(settings, read_only=True), anchor)
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=1))
        return 0 if result.ok else 1
    if result.chain.ok:
        print(t("cli.audit_ok", count=result.chain.verified, head=result.head.anchor))
    if anchor is not None and not result.anchor_problem:
        print(t("audit_trail.anchor_ok", anchor=anchor.anchor))
    if not result.protections_missing and not result.protections_altered:
        print(t("audit_trail.protections_ok"))
    if not result.differences and not result.upgrade_mismatches:
        print(t("audit_trail.tables_ok"))
    for line in result.problems():
        print(line)
    for line in result.notes():
        print(line)
    return 0 if result.ok else 1


def cmd_audit_head(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import audit_trail

    store = open_db(settings, read_only=True)
    head = audit_trail.head(store)
    if args.json:
        print(json.dumps({"seq": head.seq, "hash": head.hash, "at": head.at,
                          "anchor": head.anchor}, ensure_ascii=False))
        return 0
    print(head.anchor)
    print(t("audit_trail.head_explained", seq=head.seq,
            at=audit_trail.local_time(head.at) if head.at else "—", anchor=head.anchor))
    return 0


def _scope(args: argparse.Namespace):
    from branchdesk.services import audit_trail

    if args.member is not None:
        return audit_trail.Scope("member", member_id=args.member)
    if args.message is not None:
        return audit_trail.Scope("message", message_id=args.message)
    try:
        start = date.fromisoformat(args.start) if args.start else None
        end = date.fromisoformat(args.end) if args.end else None
    except ValueError as error:
        text = f"{args.start or ''} {args.end or ''}".strip()
        raise UserError("audit_trail.bad_date", text=text) from error
    if start is None and end is None:
        return audit_trail.parse_scope("")
    start, end = start or end, end or start
    assert start is not None and end is not None
    return audit_trail.Scope("dates", start=min(start, end), end=max(start, end))


def cmd_audit_trail(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import audit_trail

    store = open_db(settings, read_only=True)
    scope = _scope(args)
    found = audit_trail.entries(store, scope)
    if args.output:
        from branchdesk.exports.audit_trail import write_trail_workbook

        path = write_trail_workbook(Path(args.output), store, scope, found,
                                    operator=settings.operator)
        print(t("audit_trail.exported", count=len(found), file=str(path)))
        return 0
    if args.json:
        out = [{**e, "before": audit_trail._json(e["before"]), "after": audit_trail._json(e["after"])}
               for e in found]
        json.dump({"scope": scope.describe(), "head": audit_trail.head(store).anchor,
                   "entries": audit_trail_masked(out)}, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    print(t("audit_trail.listing", scope=scope.describe(), count=len(found)))
    for entry in found:
        print(t("audit_trail.entry_line", id=entry["id"], at=audit_trail.local_time(entry["at"]),
                operator=entry["operator"], action=audit_trail.action_label(entry["action"]),
                entity=audit_trail.entity_label(entry["entity"]), entity_id=entry["entity_id"] or ""))
        for line in audit_trail.change_lines(entry):
            print("    " + line)
    return 0


def audit_trail_masked(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from branchdesk.services.audit_trail import _masked

    return [_masked(e) for e in entries]


# --- backup and restore --------------------------------------------------------------------------

def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import backup

    if not settings.db_path.exists():
        raise UserError("cli.no_database", file=str(settings.db_path))
    result = backup.backup(settings.db_path, Path(args.output) if args.output else None,
                           folder=settings.backup_folder)
    if args.json:
        head = result.head
        print_json({"file": str(result.path), "size_bytes": result.size,
                    "head": {"seq": head.seq, "hash": head.hash, "anchor": head.anchor}})
        return 0
    print(t("backup.done", file=str(result.path), size=f"{result.size / 1_048_576:.1f}",
            anchor=result.head.anchor))
    return 0


def cmd_restore(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import backup

    candidate = Path(args.file)
    if candidate.is_dir():
        raise UserError("backup.backup_is_folder", file=args.file)
    try:
        backup.check_restore_paths(candidate, settings.db_path)  # before a password is asked
        manager = None
        if backup.restore_needs_manager(settings.db_path, settings.operator):
            if not args.manager:
                raise UserError("staff.manager_needed")
            manager = manager_credentials(args)
        result = backup.restore(candidate, settings.db_path, settings.operator, manager)
    except UserError as error:  # the file given is the backup argument, not --db
        if error.key == "opening.not_a_database" and error.params.get("file") == str(candidate):
            raise UserError("backup.not_a_backup", file=args.file) from None
        raise
    print(t("backup.restored", file=args.file, db=str(settings.db_path),
            anchor=result.restored_head.anchor))
    if result.kept_aside is not None:
        print(t("backup.kept_aside", file=str(result.kept_aside)))
    if result.lost_rows:
        print(t("backup.rows_not_in_backup", count=result.lost_rows,
                anchor=result.replaced_head.anchor if result.replaced_head else ""))
    if result.staff_dropped:
        print(t("backup.restored_without_staff"))
    return 0
