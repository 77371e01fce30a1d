"""Roster commands: demo, members, import, audit, and opening the app."""

from __future__ import annotations

import argparse
import json

from branchdesk.cli.common import open_db, print_json
from branchdesk.errors import UserError
from branchdesk.i18n import t
from branchdesk.settings import Settings, demo_db_path

DEMO_MEMBERS_LIMIT = 1_000_000  # ten times the largest branch we plan for


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import demo, roster

    if args.members < 1:
        raise UserError("cli.bad_count", value=args.members)
    if args.members > DEMO_MEMBERS_LIMIT:  # 10**20 would fill the memory before the disk
        raise UserError("demo_limit.too_many", value=args.members, limit=f"{DEMO_MEMBERS_LIMIT:,}")
    store = open_db(settings, create=True)
    existing = roster.total_members(store)
    if existing:
        raise UserError("cli.demo_not_empty", file=str(settings.db_path), count=existing)
    demo.build_demo(store, settings.operator, members=args.members, seed=args.seed,
                    extra=_demo_engagement(settings, args.seed))
    if getattr(args, "events", False):
        _demo_events(store, settings)
    print(t("cli.demo_built", count=args.members, file=str(settings.db_path)))
    return 0


def _demo_events(store, settings: Settings) -> None:
    from branchdesk.services.demo_events import build_demo_events

    build_demo_events(store, settings.operator, settings.tz)


def _demo_engagement(settings: Settings, seed: int):
    """Contacts, follow-ups and complaints for the demo branch (added in its transaction)."""
    from functools import partial

    from branchdesk import engagement_config
    from branchdesk.services.demo_engagement import add_demo_engagement

    return partial(add_demo_engagement, operator=settings.operator, seed=seed,
                   config=engagement_config.from_settings(settings))


ROWS_NAMED = 10  # row numbers listed for one problem found on many rows
VALUE_SHOWN = 40  # characters of a bad cell quoted


def _print_issues(title: str, issues: list, limit: int = 50) -> None:
    """Each problem once, quoting the cell: the same value refused for the same reason in
    the same column is one line with its rows (rows 23, 31, 40 … (55 rows))."""
    if not issues:
        return
    print(title)
    groups: dict[tuple[str, str, str], list[int]] = {}
    for issue in issues:
        groups.setdefault((issue.column, issue.reason, issue.value), []).append(issue.row)
    shown = list(groups.items())[:limit]
    for (column, reason, value), rows in shown:
        print("  " + issue_line(rows, column, reason, value))
    rest = len(issues) - sum(len(rows) for _, rows in shown)
    if rest:
        print("  " + t("cli.more_issues", count=rest))


def issue_line(rows: list[int], column: str, reason: str, value: str) -> str:
    """One problem of an import as a line: where (its rows), the column, the value, why."""
    if len(rows) == 1:
        where = t("cli.issue_row", row=rows[0])
    else:
        named = t("roster_fields.list_separator").join(map(str, rows[:ROWS_NAMED]))
        if len(rows) > ROWS_NAMED:
            named += " …"
        where = t("cli.issue_rows", rows=named, count=len(rows))
    if not value:
        return t("cli.issue_line", where=where, column=column, reason=reason)
    if len(value) > VALUE_SHOWN:
        value = value[:VALUE_SHOWN - 1] + "…"
    return t("cli.issue_value_line", where=where, column=column, value=value, reason=reason)


def _print_changes(changes: list, limit: int = 50) -> None:
    """Which members an import updated, and which of their fields."""
    if not changes:
        return
    print(t("roster_cli.import_changes"))
    separator = t("roster_fields.list_separator")
    for member_id, name, fields in changes[:limit]:
        labels = separator.join(t(f"roster_fields.field.{f}") for f in fields)
        print("  " + t("roster_cli.import_change", id=member_id, name=name, fields=labels))
    if len(changes) > limit:
        print("  " + t("cli.more_issues", count=len(changes) - limit))


def cmd_import_roster(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import importing
    from branchdesk.store.database import open_store

    if args.dry_run:  # reads only: an empty database when there is none yet
        store = open_db(settings, read_only=True) if settings.db_path.exists() else \
            open_store(":memory:")
    else:
        store = open_db(settings, create=True)
    report = importing.import_roster(store, args.file, settings.operator, sheet=args.sheet,
                                     dry_run=args.dry_run)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False))
        return 0
    if report.nothing_new and not args.dry_run:  # the roster holds the file already
        if not (report.unchanged or report.merged):
            key = "roster_cli.import_nothing_usable"
        elif report.invalid:  # not "all": some rows could not be read
            key = "roster_cli.import_nothing_new_some_invalid"
        else:
            key = "roster_cli.import_nothing_new"
        print(t(key, file=args.file, sheet=report.sheet, count=report.unchanged,
                invalid=report.invalid))
    else:
        key = "cli.import_dry_run" if args.dry_run else "cli.import_done"
        print(t(key, file=args.file, sheet=report.sheet, batch=report.batch_id))
    print(t("cli.import_counts", created=report.created, updated=report.updated,
            unchanged=report.unchanged, merged=report.merged, invalid=report.invalid))
    if report.unknown_columns:
        print(t("cli.unknown_columns", columns="、".join(report.unknown_columns)))
    _print_changes(report.changes)
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
    from branchdesk.services import import_undo

    result = import_undo.undo(open_db(settings), args.batch_id, settings.operator, force=args.force)
    if args.json:
        print_json({"batch_id": args.batch_id, **result})
        return 0
    print(t("cli.undo_done", batch=args.batch_id, **result))
    return 0


# `import list --json`: each batch's keys, named as `import roster --json` names them.
_BATCH_JSON = {"id": "batch_id"}


def cmd_import_list(args: argparse.Namespace, settings: Settings) -> int:
    from branchdesk.services import import_undo

    batches = import_undo.list_batches(open_db(settings, read_only=True))
    if args.json:
        print_json([{_BATCH_JSON.get(k, k): v for k, v in b.items()} for b in batches])
        return 0
    if not batches:
        print(t("cli.no_batches"))
    from branchdesk import datetimes

    for b in batches:  # moments in the branch's time, as activity imports shows them
        state = t("cli.batch_undone", at=datetimes.local_text(b["undone_at"])) \
            if b["undone_at"] else ""
        print(t("cli.batch_line", **{**b, "imported_at": datetimes.local_text(b["imported_at"])})
              + state)
    return 0


def cmd_open_app(args: argparse.Namespace, settings: Settings) -> int:
    if args.demo:
        from branchdesk.services import demo
        from branchdesk.store.database import open_store

        settings.db_path = demo_db_path()
        settings.branch_name = settings.branch_name or demo.BRANCH
        for suffix in ("", "-wal", "-shm"):
            settings.db_path.with_name(settings.db_path.name + suffix).unlink(missing_ok=True)
        store = open_store(settings.db_path)
        demo.build_demo(store, settings.operator, members=2000, extra=_demo_engagement(settings, 7))
        _demo_events(store, settings)
    try:
        from branchdesk.app import run_app
    except ImportError:  # the terminal app is not built yet: show the roster instead
        from branchdesk.cli.members_command import cmd_members

        args.json = args.reveal = args.dormant = args.desc = args.all = False
        args.need = args.experience = args.risk = args.tier = None
        args.advisor = args.community = args.tag = None
        args.search, args.sort, args.limit = "", "name", 40
        return cmd_members(args, settings)
    return run_app(settings, demo=args.demo)


