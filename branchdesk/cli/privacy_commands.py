"""`branchdesk erase-member`: a member's personal data removed on a verified request
(个人信息保护法 §47), approved with a reviewer's or manager's password."""

from __future__ import annotations

import argparse
import re
from typing import Any

from branchdesk.cli.common import ask_password, open_db
from branchdesk.i18n import t
from branchdesk.settings import Settings


def _h(english: str) -> str:
    """Help text in the user's language, from this feature's own catalog."""
    return t("privacy_help." + re.sub(r"[^a-z0-9]+", "_", english.lower()).strip("_")[:48].rstrip("_"))


def add_privacy_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    erase = sub.add_parser("erase-member", parents=[common],
                           help=_h("erase a member's personal data on a verified request"))
    erase.add_argument("member", metavar="MEMBER",
                       help=_h("member id (#12), account number or mobile number"))
    erase.add_argument("--reason", required=True, metavar="TEXT",
                       help=_h("the request and how it was verified (reference number)"))
    erase.add_argument("--approver", metavar="NAME",
                       help=_h("reviewer or manager who approves (default: you)"))
    erase.add_argument("--password-stdin", action="store_true",
                       help=_h("read the password from stdin instead of prompting"))
    erase.add_argument("--json", action="store_true", help=_h("print one JSON object"))
    erase.set_defaults(handler=cmd_erase_member)


def cmd_erase_member(args: argparse.Namespace, settings: Settings) -> int:
    import json

    from branchdesk.services import erasure
    from branchdesk.services.member_lookup import resolve
    from branchdesk.services.staff import Credentials

    store = open_db(settings)
    member_id = resolve(store.conn, args.member)
    erasure.refuse_if_erased(store.conn, member_id)  # before a password is asked
    approver = args.approver or settings.operator
    password = ask_password(args, t("erasure.password_for", name=approver, member=member_id))
    done = erasure.erase_member(store, settings.operator, member_id,
                                Credentials(approver, password), args.reason)
    if args.json:
        print(json.dumps({"member_id": done.member_id, "audit_rows_redacted": done.audit_rows,
                          "import_snapshots_cleared": done.snapshots,
                          "notes_emptied": done.notes, "follow_up_removed": done.follow_up,
                          "audit_id": done.audit_id}, ensure_ascii=False))
    else:
        print(t("erasure.done", member=done.member_id, rows=done.audit_rows,
                audit_id=done.audit_id))
    return 0
