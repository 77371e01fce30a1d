"""Compliance commands: check, rules and messages (staff: staff_commands)."""

from __future__ import annotations

import argparse
import json
import sys
from itertools import islice

from branchdesk.cli.common import ask_password, open_db
from branchdesk.errors import UserError, quoted
from branchdesk.i18n import t
from branchdesk.settings import Settings


def _print_result(item_id: str, result) -> None:
    from branchdesk.compliance.basis import basis_text

    print(t("cli.check_line", id=item_id, verdict=t(f"report.verdict_{result.verdict.value}")))
    for f in result.findings:
        print("  " + t("cli.finding_line", start=f.start, end=f.end, match=f.match,
                       severity=f.severity.label(), category=f.category.label(), rule=f.rule))
        print("    " + f.explanation)
        if f.basis:
            print("    " + t("compliance.basis_label") + basis_text(f.basis))
        if f.suggestion:
            print("    → " + f.suggestion)


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    import gc

    from branchdesk.gc_pause import gc_paused
    from branchdesk.services import bulk_share

    # A file's hundreds of thousands of small objects hold no cycles: a collection over them
    # while the results are written cost more than the writing itself.
    try:
        with gc_paused():
            return _check(args, settings)
    finally:
        if args.text is None and args.file not in (None, "-") and bulk_share.worth_a_helper(args.file):
            # A big file's check is the process's last work: the collection at exit walked the
            # checker, the model and its readings for nothing (~0.25 s). Frozen objects are
            # left to the system (a process that goes on still collects anything newer).
            gc.freeze()


def _check(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import bulk_check, bulk_share
    from branchdesk.services.checking import checker_for
    from branchdesk.services.messages import finding_json
    from branchdesk.services.roster import community_exists
    from branchdesk.store.database import open_store

    if args.report:
        from branchdesk.exports.findings import check_report_path

        check_report_path(args.report)
    if args.text is not None and args.file:  # one input: a file's messages are never skipped
        raise UserError("checking.file_and_text")
    if args.text is not None:
        bulk_check.check_text_item(args.text)
        items = [bulk_check.Item("1", args.text)]
    elif args.file == "-":
        text = sys.stdin.read(bulk_check.MAX_MESSAGE + 1)
        bulk_check.check_text_item(text)
        items = [bulk_check.Item("1", text)]
    elif not args.file:
        raise UserError("checking.no_input")
    # With no database yet, check with the shipped rules in a throwaway in-memory one.
    store = open_db(settings, read_only=True) if settings.db_path.exists() else open_store(":memory:")
    if args.community and not community_exists(store, args.community):
        raise UserError("cli.no_such_community", community=quoted(args.community))
    helper = None
    if args.text is None and args.file != "-":
        # A big file: a second process builds its checker while this one reads the file,
        # then both check (the app never forks: its worker threads must not be copied).
        if bulk_share.worth_a_helper(args.file):
            helper = bulk_share.start_helper(store, split=bulk_share.splits(args.file))
        try:
            items = bulk_check.read_items(args.file, helper)
        except BaseException:
            if helper is not None:
                helper.close()
            raise
        if not items:  # nothing was checked: a script gating on the exit code must not pass
            if helper is not None:
                helper.close()
            raise UserError("checking.no_messages", file=args.file)
    results = bulk_check.check_items(store, items, args.community, workers=2, helper=helper)
    for name, lines in bulk_check.unknown_communities(store, items).items():
        print(t("bulk_check.unknown_community", community=name, lines=lines), file=sys.stderr)
    if args.json:
        out = sys.stdout
        lines = bulk_check.json_lines(results, finding_json)
        while block := list(islice(lines, 10_000)):
            out.write("\n".join(block) + "\n")
        out.flush()
    else:
        for item, result in results:
            _print_result(item.id, result)
    if args.report:
        from branchdesk.exports.findings import write_findings_report

        write_findings_report(args.report, results, checker_for(store)[1])
        if not args.json:
            print(t("cli.report_written", file=args.report))
    return 1 if any(r.verdict.value == "block" for _, r in results) else 0


def _approver(store, args: argparse.Namespace, settings: Settings):
    """Changing what the compliance rules do takes a reviewer's or manager's password: the
    operator's (--user), asked like an approval's; nothing is asked on a branch nobody can
    authorise yet."""
    from branchdesk.services import staff
    from branchdesk.services.staff import Credentials

    if not staff.has_staff(store):
        raise UserError("signin.not_set_up")
    return Credentials(settings.operator, ask_password(args, t("cli.password_for",
                                                               name=settings.operator)))


def cmd_rules_list(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import rules

    listed = rules.list_rules(open_db(settings, read_only=True))
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

    for r in rules.list_rules(open_db(settings, read_only=True)):
        if r["id"] == args.rule_id:
            print(json.dumps(r, ensure_ascii=False, indent=2))
            return 0
    raise UserError("rules.no_such", id=args.rule_id)


def cmd_rules_save(args: argparse.Namespace, settings: Settings) -> int:
    import tomllib
    from pathlib import Path

    from branchdesk.services import rules

    path = Path(args.file)
    if not path.exists():  # one line naming the file, not the system's error text
        raise UserError("cli.no_rule_file", file=str(path))
    if path.is_dir():
        raise UserError("cli.rule_file_is_folder", file=str(path))
    try:
        text = path.read_text(encoding="utf-8")
        definition = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as error:
        detail = str(error) or type(error).__name__
        raise UserError("cli.bad_rule_file", file=str(path), error=detail) from error
    if not isinstance(definition, dict):
        raise UserError("bulk_check.rule_not_table", file=str(path), kind=type(definition).__name__)
    if isinstance(definition.get("rule"), dict):  # a [rule] table
        definition = definition["rule"]
    store = open_db(settings, create=True)
    rules.validate_rule(definition)  # a broken file is said before a password is asked
    rule = rules.save_rule(store, _approver(store, args, settings), definition)
    print(t("cli.rule_saved", id=rule.id))
    return 0


def cmd_rules_toggle(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import rules

    store = open_db(settings)
    rules.set_enabled(store, _approver(store, args, settings), args.rule_id, args.enabled)
    print(t("cli.rule_enabled" if args.enabled else "cli.rule_disabled", id=args.rule_id))
    return 0


def cmd_rules_reset(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import rules

    store = open_db(settings)
    rules.reset_rule(store, _approver(store, args, settings), args.rule_id)
    print(t("cli.rule_reset", id=args.rule_id))
    return 0


def _print_message(m: dict) -> None:
    print(t("cli.message_line", id=m["id"], status=t(f"messages.status.{m['status']}"),
            verdict=t(f"report.verdict_{m['verdict']}"), author=m["author"],
            community=m["community"] or "-", text=m["text"].replace("\n", " ")[:60]))


def cmd_messages_list(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import messages

    store = open_db(settings, read_only=True)
    found = messages.review_queue(store) if args.queue else messages.recent(store)
    if args.json:
        print(json.dumps(found, ensure_ascii=False))
        return 0
    for m in found:
        _print_message(m)
    return 0


def cmd_messages_draft(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import messages

    m = messages.save_draft(open_db(settings, create=True), settings.operator, args.text, args.community,
                            previous_id=args.revise, event_id=args.event)
    _print_message(m)
    return 0


def cmd_messages_step(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import messages

    store = open_db(settings)
    step = messages.submit if args.step == "submit" else messages.mark_sent
    _print_message(step(store, settings.operator, args.message_id))
    return 0


def cmd_messages_approve(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import messages
    from branchdesk.services.staff import Credentials

    store = open_db(settings)
    # Said before the password prompt, so nobody types a password only to be told to start over.
    messages.require_reviewers(store)
    if not (args.override or "").strip() and messages.needs_override(store, args.message_id):
        raise UserError("messages.override_option", id=args.message_id)
    reviewer = Credentials(settings.operator, ask_password(args, t("cli.password_for",
                                                                name=settings.operator)))
    _print_message(messages.approve(store, reviewer, args.message_id, args.override))
    return 0


def cmd_messages_reject(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import messages
    from branchdesk.services.staff import Credentials

    store = open_db(settings)
    messages.require_reviewers(store)  # before the password prompt, as for approve
    reviewer = Credentials(settings.operator, ask_password(args, t("cli.password_for",
                                                                name=settings.operator)))
    _print_message(messages.reject(store, reviewer, args.message_id, args.reason))
    return 0


