"""The argument parser: every command, its options and its handler."""

from __future__ import annotations

import argparse

from branchdesk import __version__
from branchdesk.cli.argparse_i18n import Parser
from branchdesk.cli.common import help_text as _h
from branchdesk.cli.community_commands import add_community_commands
from branchdesk.cli.compliance_commands import (
    cmd_check,
    cmd_messages_approve,
    cmd_messages_draft,
    cmd_messages_list,
    cmd_messages_reject,
    cmd_messages_step,
    cmd_rules_list,
    cmd_rules_reset,
    cmd_rules_save,
    cmd_rules_show,
    cmd_rules_toggle,
)
from branchdesk.cli.engagement_commands import add_engagement_commands
from branchdesk.cli.event_commands import add_event_commands
from branchdesk.cli.members_command import add_members_command
from branchdesk.cli.privacy_commands import add_privacy_commands
from branchdesk.cli.review_commands import add_review_commands
from branchdesk.cli.roster_commands import (
    cmd_demo,
    cmd_import_list,
    cmd_import_roster,
    cmd_import_undo,
)
from branchdesk.cli.staff_commands import add_password_stdin, add_staff_commands
from branchdesk.cli.trust_commands import add_audit_commands, add_backup_commands


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
    parser = Parser(  # its subcommands' parsers are Parsers too: one-line errors everywhere
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
    demo.add_argument("--events", action="store_true", help=_h("add a few events around today"))
    demo.set_defaults(handler=cmd_demo)

    add_members_command(sub, common)

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
    undo.add_argument("--json", action="store_true", help=_h("print one JSON object"))
    undo.set_defaults(handler=cmd_import_undo)
    listing = imports.add_parser("list", parents=[common], help=_h("list import batches"))
    listing.add_argument("--json", action="store_true", help=_h("print JSON"))
    listing.set_defaults(handler=cmd_import_list)

    audit = sub.add_parser("audit", parents=[common], help=_h("the audit log")).add_subparsers(
        dest="audit_command", metavar="WHAT", required=True)
    add_audit_commands(audit, common)
    add_backup_commands(sub, common)
    add_privacy_commands(sub, common)
    check = sub.add_parser("check", parents=[common], help=_h("check messages against the compliance rules"))
    check.add_argument("file", nargs="?", metavar="FILE|-",
                       help=_h(".txt (one message), .jsonl, .csv or .xlsx; - reads one message from stdin"))
    check.add_argument("--text", help=_h("check this text"))
    check.add_argument("--community", metavar="NAME", help=_h("target community (suitability check)"))
    check.add_argument("--json", action="store_true", help=_h("one JSON object per message and line"))
    check.add_argument("--report", metavar="FILE.xlsx", help=_h("write every finding to a workbook"))
    check.set_defaults(handler=cmd_check)

    add_staff_commands(sub, common)

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
    toggles = []
    for name, enabled in (("enable", True), ("disable", False)):
        toggle = rules.add_parser(name, parents=[common], help=_h(f"{name} a rule"))
        toggle.add_argument("rule_id")
        toggle.set_defaults(handler=cmd_rules_toggle, enabled=enabled)
        toggles.append(toggle)
    rules_reset = rules.add_parser("reset", parents=[common],
                                   help=_h("drop the branch's edit of a rule, or delete a branch rule"))
    rules_reset.add_argument("rule_id")
    rules_reset.set_defaults(handler=cmd_rules_reset)
    for command in (rules_save, *toggles, rules_reset):  # a reviewer's or manager's password
        add_password_stdin(command)

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
    msg_draft.add_argument("--event", type=int, metavar="ID", help=_h("the event it invites to"))
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
        add_password_stdin(command)
        command.set_defaults(handler=handler)
    add_event_commands(sub, common)
    add_engagement_commands(sub, common)
    add_community_commands(sub, common)
    add_review_commands(sub, common)
    return parser


