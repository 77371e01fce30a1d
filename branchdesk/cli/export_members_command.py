"""`branchdesk export members [filters] -o FILE.xlsx [--reveal]`: the members the roster's
filters select (the same options as `branchdesk members`, declared in cli/member_filters.py)
as a workbook; phone and account numbers masked unless revealed, and a reveal audited."""

from __future__ import annotations

import argparse
from typing import Any

from branchdesk.cli.member_filters import add_member_filters, known_advisor, member_query
from branchdesk.i18n import t
from branchdesk.settings import Settings


def add_members_export(export: Any, common: argparse.ArgumentParser) -> None:
    from branchdesk.cli.members_command import _sort_field, _sort_labels

    members = export.add_parser("members", parents=[common], help=t("member_export.help.command"))
    add_member_filters(members)
    members.add_argument("--sort", type=_sort_field, default="name",
                         metavar=t("roster_cli.metavar.field"),
                         help=t("roster_cli.help.sort", fields="  ".join(_sort_labels())))
    members.add_argument("--desc", action="store_true", help=t("roster_cli.help.desc"))
    members.add_argument("--reveal", action="store_true", help=t("member_export.help.reveal"))
    members.add_argument("-o", "--output", required=True, metavar="FILE.xlsx",
                         help=t("member_export.help.output"))
    members.add_argument("--json", action="store_true", help=t("member_export.help.json"))
    members.set_defaults(handler=cmd_export_members)


def cmd_export_members(args: argparse.Namespace, settings: Settings) -> int:
    import json

    from branchdesk.cli.common import open_db
    from branchdesk.exports.members import export_members
    from branchdesk.services import roster_listing

    query = member_query(args, settings, sort=args.sort, descending=args.desc)
    # A masked export only reads; a reveal, or a whole number searched for, is audited.
    store = open_db(settings, read_only=not (args.reveal or roster_listing.names_numbers(query)))
    query = known_advisor(store, query)
    count = export_members(store, settings.operator, query, args.output, reveal=args.reveal)
    if args.json:
        print(json.dumps({"file": str(args.output), "members": count, "revealed": args.reveal},
                         ensure_ascii=False))
    else:
        print(t("member_export.written", count=f"{count:,}", file=args.output))
        print(t("member_export.revealed" if args.reveal else "member_export.masked"))
    return 0
