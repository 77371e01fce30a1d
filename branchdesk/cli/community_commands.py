"""`branchdesk communities …`: list, add, rename, merge and set the advisor of communities."""

from __future__ import annotations

import argparse
import json

from rich.cells import cell_len

from branchdesk.cli.common import open_db, pad
from branchdesk.i18n import t
from branchdesk.settings import Settings


def add_community_commands(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    communities = sub.add_parser("communities", parents=[common], help=t("communities.cli.help")
                                 ).add_subparsers(dest="communities_command", metavar="WHAT",
                                                  required=True)
    listing = communities.add_parser("list", parents=[common], help=t("communities.cli.list_help"))
    listing.add_argument("--json", action="store_true", help=t("communities.cli.json_help"))
    listing.set_defaults(handler=cmd_list)
    add = communities.add_parser("add", parents=[common], help=t("communities.cli.add_help"))
    add.add_argument("name", metavar="NAME")
    add.add_argument("--advisor", metavar="NAME", help=t("communities.cli.advisor_option_help"))
    add.set_defaults(handler=cmd_add)
    rename = communities.add_parser("rename", parents=[common],
                                    help=t("communities.cli.rename_help"))
    rename.add_argument("old", metavar="OLD")
    rename.add_argument("new", metavar="NEW")
    rename.set_defaults(handler=cmd_rename)
    merge = communities.add_parser("merge", parents=[common], help=t("communities.cli.merge_help"))
    merge.add_argument("source", metavar="FROM")
    merge.add_argument("target", metavar="INTO")
    merge.set_defaults(handler=cmd_merge)
    advisor = communities.add_parser("advisor", parents=[common],
                                     help=t("communities.cli.advisor_help"))
    advisor.add_argument("name", metavar="COMMUNITY")
    advisor.add_argument("advisor", metavar="ADVISOR", help=t("communities.cli.advisor_arg_help"))
    advisor.set_defaults(handler=cmd_advisor)


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import communities

    found = communities.list_communities(open_db(settings, read_only=True))
    if args.json:
        print(json.dumps([c.to_json() for c in found], ensure_ascii=False, indent=1))
        return 0
    if not found:
        print(t("communities.cli.none"))
        return 0
    headers = [t("communities.col.name"), t("communities.col.advisor"),
               t("communities.col.members"), t("communities.col.low_risk"),
               t("communities.col.sent"), t("communities.col.waiting")]
    rows = [[c.name, (c.advisor or "—") + (" *" if c.advisor_from_members else ""),
             str(c.members), str(c.low_risk), str(c.sent), str(c.waiting)] for c in found]
    widths = [max([cell_len(h)] + [cell_len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    print("  ".join(pad(h, w) for h, w in zip(headers, widths, strict=True)).rstrip())
    for row in rows:
        print("  ".join(pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip())
    if any(c.advisor_from_members for c in found):
        print(t("communities.cli.derived_advisor"))
    return 0


def cmd_add(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import communities

    created = communities.create(open_db(settings, create=True), settings.operator, args.name,
                                 args.advisor)
    print(t("communities.created", name=created.name))
    return 0


def cmd_rename(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import communities

    renamed = communities.rename(open_db(settings), settings.operator, args.old, args.new)
    print(t("communities.renamed", old=args.old, new=renamed.name, count=renamed.members))
    return 0


def cmd_merge(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import communities

    merged = communities.merge(open_db(settings), settings.operator, args.source, args.target)
    print(t("communities.merged", source=args.source, target=merged.name, count=merged.members))
    return 0


def cmd_advisor(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import communities

    advisor = None if args.advisor.strip() in ("", "-") else args.advisor
    changed = communities.set_advisor(open_db(settings), settings.operator, args.name, advisor)
    if changed.advisor:
        print(t("communities.advisor_set", name=changed.name, advisor=changed.advisor))
    else:
        print(t("communities.advisor_cleared", name=changed.name))
    return 0
